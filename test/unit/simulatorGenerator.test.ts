import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { parseSimulatorArgs } from '../../src/simulator/cli';
import { base58, createSuiGenerator, SUI_COIN_TYPE, USDC_COIN_TYPE } from '../../src/simulator/suiGenerator';
import type { GeneratedActivity } from '../../src/simulator/suiGenerator';

const BASE58_DIGEST = /^[1-9A-HJ-NP-Za-km-z]{43,44}$/;
const HEX_ID = /^0x[0-9a-f]{64}$/;

function take(kind: 'event' | 'address' | 'coin' | 'object' | 'mixed', n: number, seed = 1, clock = new FakeClock(), stepMs = 0) {
  const g = createSuiGenerator({ seed, salt: 's', clock, kind, ids: 'granular' });
  const out: GeneratedActivity[] = [];
  for (let i = 0; i < n; i++) {
    out.push(g.next());
    if (stepMs) clock.advance(stepMs);
  }
  return out;
}

describe('simulator: base58', () => {
  it('encodes known vectors (Bitcoin alphabet, leading zero bytes as 1)', () => {
    assert.strictEqual(base58(new TextEncoder().encode('Hello World!')), '2NEpo7TZRRrLZSi2U');
    assert.strictEqual(base58(Uint8Array.from([0, 0, 1])), '112');
    assert.strictEqual(base58(Uint8Array.from([0, 0])), '11');
    assert.strictEqual(base58(Uint8Array.from([255])), '5Q');
  });

  it('matches a BigInt reference on pseudo-random inputs of many lengths', () => {
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    const reference = (b: Uint8Array) => {
      let n = 0n;
      for (const x of b) n = n * 256n + BigInt(x);
      let out = '';
      while (n > 0n) {
        out = alphabet[Number(n % 58n)] + out;
        n /= 58n;
      }
      for (let i = 0; i < b.length && b[i] === 0; i++) out = '1' + out;
      return out;
    };
    let x = 12345;
    for (let len = 0; len <= 40; len++) {
      for (let k = 0; k < 5; k++) {
        const b = new Uint8Array(len);
        for (let i = 0; i < len; i++) {
          x = (x * 1103515245 + 12345) >>> 0;
          b[i] = k === 0 && i < 2 ? 0 : x >>> 24;
        }
        assert.strictEqual(base58(b), reference(b), `len ${len} variant ${k}`);
      }
    }
  });
});

describe('simulator: Sui generator', () => {
  it('is deterministic for a seed and differs across seeds and streams', () => {
    const a = take('mixed', 200, 7, new FakeClock(1_000), 37);
    const b = take('mixed', 200, 7, new FakeClock(1_000), 37);
    assert.deepStrictEqual(a, b);
    const c = take('mixed', 200, 8, new FakeClock(1_000), 37);
    assert.notDeepStrictEqual(
      a.map((e) => e.id),
      c.map((e) => e.id),
    );
    const other = createSuiGenerator({ seed: 7, salt: 'other', clock: new FakeClock(1_000), kind: 'mixed' }).next();
    assert.notStrictEqual(other.data.txDigest, a[0].data.txDigest);
  });

  it('produces realistic value formats in every kind', () => {
    const evs = take('mixed', 400, 3, new FakeClock(), 20);
    const kinds = new Set(evs.map((e) => e.event));
    assert.deepStrictEqual([...kinds].sort(), ['address', 'coin', 'event', 'object']);
    for (const e of evs) {
      const d = e.data;
      assert.match(String(d.txDigest), BASE58_DIGEST, `digest of ${e.id}`);
      assert.strictEqual(typeof d.checkpoint, 'number');
      assert.strictEqual(typeof d.timestamp, 'number');
      switch (e.event) {
        case 'event':
          assert.strictEqual(d.activityType, 'package_event');
          assert.match(String(d.sender), HEX_ID);
          assert.match(String(d.type), /^0x[0-9a-f]+::\w+::\w+/);
          assert.strictEqual(typeof d.eventSequence, 'number');
          assert.ok(d.data && typeof d.data === 'object');
          break;
        case 'address':
          assert.match(String(d.address), HEX_ID);
          assert.ok(d.activityType === 'sender' || d.activityType === 'object_received');
          if (d.activityType === 'sender') assert.deepStrictEqual([d.objectId, d.objectType], [null, null]);
          else assert.match(String(d.objectId), HEX_ID);
          break;
        case 'coin':
          assert.strictEqual(d.activityType, 'balance_change');
          assert.match(String(d.address), HEX_ID);
          assert.ok(d.coin_type === SUI_COIN_TYPE || d.coin_type === USDC_COIN_TYPE, String(d.coin_type));
          assert.strictEqual(typeof d.amount, 'string');
          assert.match(String(d.amount), /^-?[1-9]\d*$/);
          assert.ok(String(e.id).includes(String(d.coin_type)) && String(e.id).endsWith(`_${d.amount}`), String(e.id));
          break;
        case 'object':
          assert.strictEqual(d.activityType, 'object_change');
          assert.match(String(d.object_id), HEX_ID);
          assert.ok(d.transactionDirection === 'input' || d.transactionDirection === 'output');
          assert.ok(['created', 'mutated', 'deleted', 'wrapped', 'unwrapped'].includes(String(d.writeKind)));
          break;
      }
    }
    // a coin stream shows both sides of a transfer: signed amounts
    const coins = take('coin', 100);
    assert.ok(coins.some((e) => String(e.data.amount).startsWith('-')));
    assert.ok(coins.some((e) => !String(e.data.amount).startsWith('-')));
    // a mixed stream carries the real Move types it advertises
    const types = new Set(evs.filter((e) => e.event === 'event').map((e) => String(e.data.type)));
    assert.ok([...types].some((t) => t.endsWith('::pool::SwapEvent')), 'Cetus swaps');
    assert.ok([...types].some((t) => t.startsWith('0xdee9::clob_v2::OrderFilled<')), 'DeepBook fills');
    assert.ok([...types].some((t) => t.startsWith('0x2::kiosk::')), 'kiosk events');
  });

  it('gives unique ids, increasing seq, non-decreasing checkpoints and clock timestamps', () => {
    const clock = new FakeClock(5_000);
    const g = createSuiGenerator({ seed: 2, clock, kind: 'event', ids: 'granular' });
    const ids = new Set<string | number>();
    let lastSeq = 0;
    let lastCp = 0;
    let lastTriple: number[] = [0, 0, -1];
    for (let i = 0; i < 500; i++) {
      const e = g.next();
      assert.ok(!ids.has(e.id), `duplicate id ${e.id}`);
      ids.add(e.id);
      assert.ok(e.seq > lastSeq);
      lastSeq = e.seq;
      const cp = Number(e.data.checkpoint);
      assert.ok(cp >= lastCp);
      lastCp = cp;
      assert.strictEqual(e.data.timestamp, clock.now());
      const triple = String(e.id).split('_').map(Number);
      assert.strictEqual(triple[0], cp);
      const cmp = triple[0] - lastTriple[0] || triple[1] - lastTriple[1] || triple[2] - lastTriple[2];
      assert.ok(cmp > 0, `${e.id} after ${lastTriple.join('_')}`);
      lastTriple = triple;
      if (i % 7 === 0) clock.advance(300);
    }
  });

  it('a fixed event type applies to every event of an event stream', () => {
    const g = createSuiGenerator({ seed: 1, clock: new FakeClock(), kind: 'event', eventType: '0x2::coin::Transfer' });
    for (let i = 0; i < 20; i++) {
      const e = g.next();
      assert.strictEqual(e.data.type, '0x2::coin::Transfer');
      assert.ok((e.data.data as Record<string, unknown>).recipient);
    }
  });
});

describe('simulator: CLI flags', () => {
  it('parses flags with defaults and rejects bad values', () => {
    assert.deepStrictEqual(parseSimulatorArgs([]), {
      port: 7777,
      rate: 3,
      seed: 1,
      quota: undefined,
      host: '127.0.0.1',
      heartbeatMs: 5000,
      suiPort: 9000,
      verbose: false,
    });
    assert.strictEqual(parseSimulatorArgs(['--sui-port', '0']).suiPort, 0);
    const a = parseSimulatorArgs(['--port', '0', '--rate=10', '--seed', '9', '--quota', '500']);
    assert.deepStrictEqual([a.port, a.rate, a.seed, a.quota], [0, 10, 9, 500]);
    assert.throws(() => parseSimulatorArgs(['--rate', 'fast']), /--rate needs a number/);
    assert.throws(() => parseSimulatorArgs(['--port']), /--port needs a number/);
    assert.throws(() => parseSimulatorArgs(['--bogus']), /unknown flag --bogus/);
  });
});
