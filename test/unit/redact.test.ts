import * as assert from 'assert';
import { describeError, redact, registerSecret, forgetSecret } from '../../src/core/redact';
import { createLogger, MemorySink } from '../../src/core/logger';

describe('redact', () => {
  it('removes api_key and key query parameters from URLs', () => {
    assert.strictEqual(
      redact('wss://mainnet-api.inodra.com/v1/warp/s1/ws?api_key=abc123&lastEventId=9'),
      'wss://mainnet-api.inodra.com/v1/warp/s1/ws?api_key=***&lastEventId=9',
    );
    assert.strictEqual(redact('wss://api.covalenthq.com/v1/?key=cqt_XYZ'), 'wss://api.covalenthq.com/v1/?key=***');
  });

  it('removes headers, bearer tokens, indr_ keys and URL credentials', () => {
    assert.ok(!redact('x-api-key: supersecret').includes('supersecret'));
    assert.ok(!redact('Authorization: Bearer tok.en-1').includes('tok.en-1'));
    assert.strictEqual(redact('key indr_live_9f8e7d'), 'key indr_***');
    assert.ok(!redact('https://user:pa55@node.example/rpc').includes('pa55'));
  });

  it('removes registered secrets wherever they appear, including in errors and logs', () => {
    const key = 'Zq9-very-secret-key';
    registerSecret(key);
    try {
      assert.ok(!describeError(new Error(`connect failed for ${key}`)).includes(key));
      const sink = new MemorySink();
      createLogger(sink).child('s1').error(`oops ${key} ${JSON.stringify({ key })}`);
      assert.ok(!sink.lines[0].message.includes(key));
      assert.ok(sink.lines[0].message.startsWith('[s1] oops ***'));
    } finally {
      forgetSecret(key);
    }
  });
});

describe('redact on hostile text', () => {
  it('is linear on text that made the URL-credentials pattern backtrack (160 KB of a.a.a…)', function () {
    // quadratic before: about 50 s for this input; mocha's 2 s timeout fails it
    const text = 'a.'.repeat(80_000) + ' https://user:pa55word@node.example/';
    const out = redact(text);
    assert.ok(out.endsWith(' https://***:***@node.example/'));
    assert.strictEqual(out.length, text.length - 'user:pa55word'.length + '***:***'.length);
  });

  it('describeError cuts a huge error message to a few KB', () => {
    const out = describeError(new Error('x'.repeat(200_000)));
    assert.ok(out.length < 4200, String(out.length));
    assert.ok(out.endsWith('(195904 more characters)'));
  });

  it('the logger cuts a huge message before redacting it', () => {
    const sink = new MemorySink();
    createLogger(sink).error('y'.repeat(100_000));
    assert.ok(sink.lines[0]!.message.length < 8300);
  });
});

describe('logger levels a sink does not keep', () => {
  it('skips a line before formatting and redacting it when the sink says the level is off, keeps the others', () => {
    const key = 'indr_' + 'q'.repeat(30);
    registerSecret(key);
    const kept: Array<{ level: string; message: string }> = [];
    const asked: string[] = [];
    const log = createLogger({
      log: (level, message) => kept.push({ level, message }),
      enabled: (level) => {
        asked.push(level);
        return level !== 'trace';
      },
    }).child('s');
    log.trace(`< frame ${key}`);
    log.debug(`connecting with ${key}`);
    assert.deepStrictEqual(asked, ['trace', 'debug']);
    assert.deepStrictEqual(kept.map((l) => l.level), ['debug']);
    assert.ok(!kept[0]!.message.includes(key) && kept[0]!.message.startsWith('[s] '), kept[0]!.message);
    forgetSecret(key);
  });
});
