import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import { capDepth, capEventDepth, DEPTH_PLACEHOLDER, MAX_PAYLOAD_DEPTH, nestsDeeperThan } from '../../src/core/payloadDepth';
import { Journal } from '../../src/core/stream/journal';
import { WarpStream } from '../../src/core/warp/warpStream';
import { frame, moveEvent, ScriptedServer } from './support/scriptedServer';
import { collect } from './support/wait';

/** `[[[…]]]` nested `n` levels, as JSON text (40 KB = 20,000 levels). */
const deepText = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('payload depth cap', () => {
  it('measures nesting without recursing past the cap', () => {
    assert.strictEqual(nestsDeeperThan({ a: [1, { b: 2 }] }, 3), false);
    assert.strictEqual(nestsDeeperThan({ a: [1, { b: {} }] }, 3), true);
    assert.strictEqual(nestsDeeperThan(JSON.parse(deepText(20_000)), MAX_PAYLOAD_DEPTH), true);
    assert.strictEqual(nestsDeeperThan('plain', 1), false);
  });

  it('replaces what is deeper than the cap by a placeholder and keeps the rest', () => {
    assert.deepStrictEqual(capDepth({ a: { b: { c: 1 } }, d: [1, [2]] }, 2, '…'), { a: { b: '…' }, d: [1, '…'] });
    const capped = capDepth(JSON.parse(deepText(20_000)));
    assert.doesNotThrow(() => JSON.stringify(capped));
    assert.doesNotThrow(() => structuredClone(capped));
    assert.ok(JSON.stringify(capped).includes(JSON.stringify(DEPTH_PLACEHOLDER)));
  });

  it('capEventDepth leaves a normal event alone and warns on a capped one', () => {
    const ok: ChainEvent = { stream: 's', provider: 'warp', kind: 'event', name: 'event', id: '1', receivedAt: 1, payload: { a: [1] } };
    assert.strictEqual(capEventDepth(ok), false);
    assert.strictEqual(ok.warnings, undefined);
    const deep: ChainEvent = { ...ok, payload: JSON.parse(deepText(5_000)) };
    assert.strictEqual(capEventDepth(deep), true);
    assert.match(deep.warnings!.join(), /nested deeper than 64 levels/);
  });

  it('a stream receiving a 40 KB [[[[…]]]] payload delivers a capped event that serializes (and keeps going)', async () => {
    const server = new ScriptedServer();
    await server.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-depth-'));
    const s = new WarpStream(
      { id: 'd1', provider: 'warp', streamId: 'st', baseUrl: server.baseUrl },
      { clock: new FakeClock(), journalDir: dir, getKey: async () => 'indr_k_123456', random: () => 0.5 },
    );
    try {
      const got = collect(s);
      const next = server.nextSocket();
      s.connect();
      const { ws } = await next;
      ws.send(`{"event":"event","id":"1_0_0","data":{"deep":${deepText(20_000)}}}`);
      ws.send(frame('event', moveEvent(2), '2_0_0'));
      await got.until(2);
      assert.doesNotThrow(() => structuredClone(got.events[0]));
      assert.match(got.events[0]!.warnings!.join(), /nested deeper/);
      await s.flush();
      const lines = fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
      assert.ok(lines.join('').includes(DEPTH_PLACEHOLDER), 'the journal holds the capped payload');
    } finally {
      s.dispose();
      await server.stop();
    }
  });

  it('a journal written before the cap restores capped events', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-depth-j-'));
    const line = `{"stream":"j","provider":"warp","kind":"event","name":"event","id":"1","receivedAt":1,"payload":${deepText(20_000)}}`;
    fs.writeFileSync(path.join(dir, 'j.ndjson'), line + '\n');
    const j = await Journal.open({ dir, name: 'j' });
    const [ev] = j.takeRestored();
    await j.close();
    assert.ok(ev);
    assert.doesNotThrow(() => structuredClone(ev));
    assert.match(ev.warnings!.join(), /nested deeper/);
  });
});
