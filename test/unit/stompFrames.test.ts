/** The STOMP frame splitter: frames cut from bytes at every possible chunk boundary. Pure, no sockets. */
import * as assert from 'assert';
import { StompFrameSplitter, type MessageHeaders } from '../../src/core/covalent/stompFrames';

type Seen = Array<{ message: MessageHeaders; body: string } | { other: string }>;

function splitter(escaped = true): { s: StompFrameSplitter; seen: Seen } {
  const seen: Seen = [];
  const s = new StompFrameSplitter({ message: (message, body) => seen.push({ message, body }), other: (other) => seen.push({ other }) });
  s.escaped = escaped;
  return { s, seen };
}

const msg = (sub: string, id: string, body: string, extra = '') => `MESSAGE\nsubscription:${sub}\nmessage-id:${id}\ndestination:/topic/x\n${extra}content-length:${Buffer.byteLength(body)}\n\n${body}\0`;

describe('STOMP frame splitter', () => {
  const wire = Buffer.from(
    'CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0\n' +
      msg('sub-0', '1', '{"a":"é€😀"}') +
      '\n\n' +
      'MESSAGE\r\nsubscription:sub-0\r\nmessage-id:2\r\n\r\n{"no":"length"}\0' +
      msg('sub-0', '3', '{"nul":"x\u0000y"}') +
      'RECEIPT\nreceipt-id:r-1\n\n\0',
    'utf8',
  );
  const expected: Seen = [
    { other: 'CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0' },
    { message: { subscription: 'sub-0', 'message-id': '1', destination: '/topic/x' }, body: '{"a":"é€😀"}' },
    { message: { subscription: 'sub-0', 'message-id': '2' }, body: '{"no":"length"}' },
    { message: { subscription: 'sub-0', 'message-id': '3', destination: '/topic/x' }, body: '{"nul":"x\u0000y"}' },
    { other: 'RECEIPT\nreceipt-id:r-1\n\n\0' },
  ];

  it('reads the same frames whole, and cut in two at every byte (inside UTF-8 characters too)', () => {
    const whole = splitter();
    whole.s.push(wire);
    assert.deepStrictEqual(whole.seen, expected);
    for (let cut = 1; cut < wire.length; cut++) {
      const { s, seen } = splitter();
      s.push(wire.subarray(0, cut));
      s.push(wire.subarray(cut));
      assert.deepStrictEqual(seen, expected, `cut at ${cut}`);
      assert.strictEqual(s.bufferedBytes, 0);
    }
  });

  it('reads frames fed one byte at a time', () => {
    const { s, seen } = splitter();
    for (let i = 0; i < wire.length; i++) s.push(wire.subarray(i, i + 1));
    assert.deepStrictEqual(seen, expected);
  });

  it('holds an incomplete frame until its last byte and counts what it holds', () => {
    const { s, seen } = splitter();
    const frame = Buffer.from(msg('sub-1', '9', 'x'.repeat(1000)));
    s.push(frame.subarray(0, 600));
    assert.deepStrictEqual(seen, []);
    assert.strictEqual(s.bufferedBytes, 600);
    s.push(frame.subarray(600, frame.length - 1));
    assert.deepStrictEqual(seen, []);
    s.push(frame.subarray(frame.length - 1));
    assert.strictEqual(seen.length, 1);
    assert.strictEqual((seen[0] as { body: string }).body.length, 1000);
  });

  it('the first of a repeated header wins; escaped values are unescaped in 1.1/1.2 only', () => {
    const frame = 'MESSAGE\nsubscription:a\\cb\nsubscription:other\nmessage-id:m\\\\1\\n\ncontent-length:2\ncontent-length:9\n\nok\0';
    const on = splitter(true);
    on.s.push(Buffer.from(frame));
    assert.deepStrictEqual(on.seen, [{ message: { subscription: 'a:b', 'message-id': 'm\\1\n' }, body: 'ok' }]);
    const off = splitter(false);
    off.s.push(Buffer.from(frame));
    assert.deepStrictEqual(off.seen, [{ message: { subscription: 'a\\cb', 'message-id': 'm\\\\1\\n' }, body: 'ok' }]);
  });

  it('bare heart-beats between frames are skipped; an empty body is an empty string', () => {
    const { s, seen } = splitter();
    s.push(Buffer.from('\n\r\n\n'));
    s.push(Buffer.from('MESSAGE\nsubscription:s\n\n\0\n'));
    assert.deepStrictEqual(seen, [{ message: { subscription: 's' }, body: '' }]);
    assert.strictEqual(s.bufferedBytes, 0);
  });
});
