import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChainEvent } from '../../src/core/event';
import { Journal, MAX_REUSED_ENCODE_BYTES, journalFileName } from '../../src/core/stream/journal';

function ev(i: number): ChainEvent {
  return { id: `id_${i}`, stream: 's', provider: 'warp', kind: 'event', name: 'event', receivedAt: i, payload: { n: i } };
}

describe('Journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-journal-'));
  });

  it('appends a batch in one write, keeps the last id, and reads back in order after reopening', async () => {
    const j = await Journal.open({ dir, name: 'demo stream/1' });
    assert.strictEqual(j.lastId, undefined);
    await j.append([ev(1), ev(2), ev(3)]);
    await j.append([ev(4)]);
    assert.strictEqual(j.lastId, 'id_4');
    await j.close();
    assert.strictEqual(path.basename(j.file), journalFileName('demo stream/1'));
    assert.ok(!path.basename(j.file).includes('/'));
    const lines = fs.readFileSync(j.file, 'utf8').trim().split('\n');
    assert.strictEqual(lines.length, 4);
    const k = await Journal.open({ dir, name: 'demo stream/1' });
    assert.strictEqual(k.lastId, 'id_4');
    assert.deepStrictEqual((await k.readAll()).map((e) => e.id), ['id_1', 'id_2', 'id_3', 'id_4']);
    assert.deepStrictEqual(k.takeRestored().map((e) => e.id), ['id_1', 'id_2', 'id_3', 'id_4']);
    assert.deepStrictEqual(k.takeRestored(), [], 'handed out once');
    await k.close();
  });

  it('is bounded: two-file rotation keeps the most recent maxEvents to 2 x maxEvents events', async () => {
    const j = await Journal.open({ dir, name: 'r', maxEvents: 10 });
    for (let i = 1; i <= 95; i++) {
      await j.append([ev(i)]);
      const held = (await j.readAll()).length;
      assert.ok(held <= 20, `journal holds ${held} events`);
      assert.ok(held >= Math.min(i, 10), `journal holds ${held} events after ${i}`);
    }
    await j.close();
    assert.ok(fs.existsSync(j.previousFile));
    const k = await Journal.open({ dir, name: 'r', maxEvents: 10 });
    const all = await k.readAll();
    assert.strictEqual(all[all.length - 1].id, 'id_95');
    assert.deepStrictEqual(all.map((e) => e.id), Array.from({ length: all.length }, (_, i) => `id_${96 - all.length + i}`), 'contiguous, in order');
    assert.strictEqual(k.lastId, 'id_95');
    assert.deepStrictEqual(k.takeRestored().map((e) => e.id), Array.from({ length: 10 }, (_, i) => `id_${86 + i}`));
    await k.close();
  });

  it('survives a torn last line: warns, drops it, and appends cleanly after', async () => {
    const j = await Journal.open({ dir, name: 't' });
    await j.append([ev(1), ev(2)]);
    await j.close();
    fs.appendFileSync(j.file, '{"id":"id_3","stream":"s","pro');
    const warnings: string[] = [];
    const k = await Journal.open({ dir, name: 't', onWarning: (w) => warnings.push(w) });
    assert.strictEqual(k.lastId, 'id_2');
    assert.ok(warnings.some((w) => w.includes('torn write')));
    await k.append([ev(3)]);
    assert.deepStrictEqual((await k.readAll()).map((e) => e.id), ['id_1', 'id_2', 'id_3']);
    await k.close();
  });

  it('serializes concurrent appends in call order', async () => {
    const j = await Journal.open({ dir, name: 'c' });
    await Promise.all([j.append([ev(1)]), j.append([ev(2), ev(3)]), j.append([ev(4)])]);
    assert.deepStrictEqual((await j.readAll()).map((e) => e.id), ['id_1', 'id_2', 'id_3', 'id_4']);
    await j.close();
  });

  it('reuses its encoding buffer only once the write that held it is done: batches issued back to back stay intact', async () => {
    const j = await Journal.open({ dir, name: 'reuse' });
    const big = (i: number, fill: string): ChainEvent => ({ ...ev(i), payload: { text: fill.repeat(2000) } });
    // the second and third batches are encoded while the first write is pending; the fourth after all of them
    await Promise.all([j.append([big(1, 'a'), big(2, 'b')]), j.append([big(3, 'c')]), j.append([big(4, 'd')])]);
    await j.append([ev(5)]);
    await j.append([big(6, 'e'), big(7, 'f'), big(8, 'g')]);
    const back = await j.readAll();
    assert.deepStrictEqual(back.map((e) => e.id), ['id_1', 'id_2', 'id_3', 'id_4', 'id_5', 'id_6', 'id_7', 'id_8']);
    const fills = ['a', 'b', 'c', 'd', undefined, 'e', 'f', 'g'];
    back.forEach((e, i) => {
      const want = fills[i];
      assert.deepStrictEqual(e.payload, want === undefined ? { n: 5 } : { text: want.repeat(2000) }, `event ${i + 1} as written`);
    });
    await j.close();
  });

  it('writes a batch larger than the reused buffer in a buffer of its own, intact', async () => {
    const j = await Journal.open({ dir, name: 'huge' });
    const huge: ChainEvent = { ...ev(1), payload: { text: 'é'.repeat(Math.ceil(MAX_REUSED_ENCODE_BYTES / 4)) } };
    await j.append([ev(0)]);
    await j.append([huge]);
    await j.append([ev(2)]);
    const back = await j.readAll();
    assert.deepStrictEqual(back.map((e) => e.id), ['id_0', 'id_1', 'id_2']);
    assert.deepStrictEqual(back[1]!.payload, huge.payload);
    await j.close();
  });
});
