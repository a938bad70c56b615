/**
 * SuiGrpcStream's bookkeeping with a scripted node on a FakeClock: the gap scan waits on the clock while the
 * node's index lags (LEDGER_TIP), the subscription is held until the scan ends, progress frames keep a quiet
 * stream alive while silence is death, the buffer is bounded, and the outcomes map to stop reasons.
 */
import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import { cursorText } from '../../src/core/sui/suiCursor';
import { SuiGrpcStream } from '../../src/core/sui/suiGrpcStream';
import type { SuiFrame } from '../../src/core/sui/suiRpc';
import { ScriptedNode } from './support/suiScriptedNode';
import { suiOutcome } from '../../src/core/sui/suiOutcome';
import { until } from './support/wait';

const cur = (n: number) => cursorText(new Uint8Array([n]));
const ev = (n: number): SuiFrame => ({ event: { transactionDigest: `D${n}`, eventIndex: 0, checkpoint: BigInt(n), eventType: '0x2::coin::Transfer', json: { kind: { oneofKind: 'structValue', structValue: { fields: { n: { kind: { oneofKind: 'numberValue', numberValue: n } } } } } } as never }, cursor: cur(n) });

function setup(extra: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const node = new ScriptedNode();
  const stream = new SuiGrpcStream({ id: 's', provider: 'sui', baseUrl: 'http://127.0.0.1:9' }, { clock, getKey: async () => undefined, rpcFactory: node.factory, random: () => 0.5, heartbeatMs: 10_000, scan: { tipRetryMs: 500 }, ...extra });
  const seen: ChainEvent[] = [];
  stream.onEvents((b) => seen.push(...b));
  return { clock, node, stream, seen };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SuiGrpcStream (scripted node, fake clock)', () => {
  it('holds the subscription while the gap is scanned; LEDGER_TIP waits on the clock; the buffer drains after CURSOR_BOUND', async () => {
    const { clock, node, stream, seen } = setup();
    stream.connect({ kind: 'after', id: cur(1) });
    await until(() => node.subs.length === 1, 'subscribed');
    node.sub.frame({ cursor: cur(10) });
    node.sub.frame(ev(11));
    await until(() => node.scans.length === 1, 'scan issued');
    const opts = (node.scans[0]!.req as { options: { after: Uint8Array; before: Uint8Array } }).options;
    assert.deepStrictEqual([[...opts.after], [...opts.before]], [[1], [10]], 'after = last processed, before = first subscription cursor');
    node.scans[0]!.h.frame(ev(3));
    node.scans[0]!.h.frame({ cursor: cur(5), end: 'LEDGER_TIP' });
    node.scans[0]!.h.complete();
    await tick();
    clock.advance(499);
    await tick();
    assert.strictEqual(node.scans.length, 1, 'no reissue before the wait');
    clock.advance(1);
    await until(() => node.scans.length === 2, 'reissued after the wait');
    assert.deepStrictEqual([...(node.scans[1]!.req as { options: { after: Uint8Array } }).options.after], [5], 'from the last watermark');
    node.scans[1]!.h.frame(ev(7));
    node.sub.frame(ev(12));
    node.scans[1]!.h.frame({ cursor: cur(10), end: 'CURSOR_BOUND' });
    node.scans[1]!.h.complete();
    await until(() => seen.length === 4, 'all four');
    assert.deepStrictEqual(seen.map((e) => e.id), ['D3:0', 'D7:0', 'D11:0', 'D12:0'], 'gap first, then the held subscription');
    assert.deepStrictEqual(seen[0]!.payload, { type: '0x2::coin::Transfer', transactionDigest: 'D3', eventIndex: 0, checkpoint: '3', json: { n: 3 } });
    assert.deepStrictEqual(stream.lastGapReport, { events: 2, requests: 2, scanLimits: 0, itemLimits: 0, tipWaits: 1, complete: true });
    stream.dispose();
  });

  it('progress frames keep a quiet stream alive; silence for 3 heartbeats is a dead connection', async () => {
    const { clock, node, stream } = setup();
    stream.connect({ kind: 'live' });
    await until(() => node.subs.length === 1, 'subscribed');
    node.sub.frame({ cursor: cur(1) });
    await until(() => stream.status().state === 'live', 'live');
    for (let i = 2; i < 12; i++) {
      clock.advance(10_000);
      node.sub.frame({ cursor: cur(i) });
      await tick();
    }
    assert.strictEqual(stream.status().state, 'live', 'quiet (no events for 100 s) but alive');
    clock.advance(30_000);
    await tick();
    assert.strictEqual(stream.status().state, 'reconnecting');
    assert.match(stream.status().message ?? '', /connection dead/);
    stream.dispose();
  });

  it('a subscription that outruns the scan beyond the buffer bound reconnects (and scans again from the processed cursor)', async () => {
    const { node, stream } = setup({ maxBufferedFrames: 5 });
    stream.connect({ kind: 'after', id: cur(1) });
    await until(() => node.subs.length === 1, 'subscribed');
    for (let i = 10; i < 20; i++) node.sub.frame(ev(i));
    await until(() => stream.status().state === 'reconnecting', 'dropped');
    assert.match(stream.status().message ?? '', /outran the gap scan/);
    stream.dispose();
  });

  it('gRPC statuses map to clear outcomes', () => {
    const url = 'https://fullnode.mainnet.sui.io:443';
    const un = suiOutcome({ code: 'UNIMPLEMENTED', message: 'subscription service not enabled' }, 'SubscribeEvents', url);
    assert.ok(un.fatal && un.reason === 'refused');
    assert.strictEqual(suiOutcome({ code: 'UNAUTHENTICATED', message: 'x' }, 'SubscribeEvents', url).fatal, true);
    const denied = suiOutcome({ code: 'PERMISSION_DENIED', message: 'x' }, 'SubscribeEvents', url);
    assert.ok(denied.fatal && denied.reason === 'forbidden');
    const quota = suiOutcome({ code: 'RESOURCE_EXHAUSTED', message: 'credit balance exhausted' }, 'SubscribeEvents', url);
    assert.ok(quota.fatal && quota.reason === 'quota_exceeded');
    const rate = suiOutcome({ code: 'RESOURCE_EXHAUSTED', message: 'too many requests' }, 'SubscribeEvents', url);
    assert.ok(!rate.fatal && rate.retryAfterMs === 30_000);
    const down = suiOutcome({ code: 'UNAVAILABLE', message: 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:9000' }, 'SubscribeEvents', 'http://127.0.0.1:9000');
    assert.ok(!down.fatal);
    assert.match(down.message, /cannot reach 127\.0\.0\.1:9000 \(connection refused\)/);
  });
});
