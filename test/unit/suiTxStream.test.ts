/**
 * Transaction and checkpoint streams with a scripted node on a FakeClock: which calls they make, the gap bounds
 * (cursors for transactions, a checkpoint range for checkpoints), resume ids, dedup, and the rows they make; the
 * transaction filter builder and its checks.
 */
import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import { cursorText } from '../../src/core/sui/suiCursor';
import { validateSuiFilter } from '../../src/core/sui/suiFilter';
import { SuiGrpcStream } from '../../src/core/sui/suiGrpcStream';
import type { SuiFrame } from '../../src/core/sui/suiRpc';
import { normalizeSuiCheckpoint, normalizeSuiTransaction, timestampMs } from '../../src/core/sui/suiTransaction';
import { buildTransactionFilter, transactionMatches } from '../../src/core/sui/suiTxFilter';
import { validateDefinition } from '../../src/core/stream/streamDefinition';
import { summarize } from '../../src/feed/rowFormat';
import { ScriptedNode } from './support/suiScriptedNode';
import { until } from './support/wait';

const cur = (n: number) => cursorText(new Uint8Array([n]));
const ALICE = '0x' + 'a1'.repeat(32);
const OBJ = '0x' + 'b2'.repeat(32);
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const ts = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 });

const tx = (n: number, extra: Record<string, unknown> = {}): SuiFrame => ({
  transaction: {
    digest: `TX${n}`,
    transaction: { sender: ALICE, kind: { data: { oneofKind: 'programmableTransaction', programmableTransaction: { inputs: [], commands: [{ command: { oneofKind: 'moveCall', moveCall: { package: '0x2', module: 'pay', function: 'split', typeArguments: [], arguments: [] } } }] } } } },
    effects: { status: { success: true }, gasUsed: { computationCost: 1_000_000n, storageCost: 2_000_000n, storageRebate: 500_000n, nonRefundableStorageFee: 5_000n } },
    checkpoint: BigInt(n),
    timestamp: ts(T0 + n),
    transactionIndex: 0n,
    ...extra,
  } as never,
  cursor: cur(n),
});

const cp = (n: number, txs = 3): SuiFrame => ({
  checkpointItem: { sequenceNumber: BigInt(n), digest: `CP${n}`, summary: { epoch: 812n, timestamp: ts(T0 + n) }, contents: { transactions: Array.from({ length: txs }, (_, i) => ({ transaction: `T${i}` })) }, transactions: [] } as never,
  cursor: String(n),
  checkpoint: n,
});

function setup(def: Record<string, unknown>) {
  const clock = new FakeClock();
  const node = new ScriptedNode();
  const stream = new SuiGrpcStream({ id: 's', provider: 'sui', baseUrl: 'http://127.0.0.1:9', ...def } as never, { clock, getKey: async () => undefined, rpcFactory: node.factory, random: () => 0.5, heartbeatMs: 10_000 });
  const seen: ChainEvent[] = [];
  stream.onEvents((b) => seen.push(...b));
  return { clock, node, stream, seen };
}

describe('Sui transaction and checkpoint streams (scripted node, fake clock)', () => {
  it('a transaction stream subscribes with a transaction filter, scans the gap with ListTransactions between cursors, and drops a digest seen twice', async () => {
    const { node, stream, seen } = setup({ subscription: 'transactions', affectedObject: OBJ, packageWrite: false });
    stream.connect({ kind: 'after', id: cur(1) });
    await until(() => node.subs.length === 1, 'subscribed');
    node.sub.frame({ cursor: cur(10) });
    node.sub.frame(tx(11));
    await until(() => node.scans.length === 1, 'scan issued');
    assert.deepStrictEqual(node.calls, ['SubscribeTransactions', 'ListTransactions']);
    const req = node.scans[0]!.req as { filter: unknown; options: { after: Uint8Array; before: Uint8Array } };
    assert.deepStrictEqual([[...req.options.after], [...req.options.before]], [[1], [10]]);
    assert.deepStrictEqual(req.filter, { terms: [{ literals: [{ negated: false, predicate: { oneofKind: 'affectedObject', affectedObject: { objectId: OBJ } } }, { negated: true, predicate: { oneofKind: 'packageWrite', packageWrite: {} } }] }] });
    node.scans[0]!.h.frame(tx(4));
    node.scans[0]!.h.frame(tx(4));
    node.scans[0]!.h.frame({ cursor: cur(10), end: 'CURSOR_BOUND' });
    node.scans[0]!.h.complete();
    node.sub.frame(tx(12));
    await until(() => seen.length === 3, 'three transactions');
    assert.deepStrictEqual(seen.map((e) => e.id), ['TX4', 'TX11', 'TX12'], 'the gap first, the duplicate dropped, then the subscription');
    assert.strictEqual(stream.status().lastEventId, cur(12), 'the cursor of the last transaction is the resume id');
    assert.deepStrictEqual(stream.lastGapReport, { events: 2, requests: 1, scanLimits: 0, itemLimits: 0, tipWaits: 0, complete: true }, 'the duplicate counted as scanned, dropped by dedup');
    stream.dispose();
  });

  it('a checkpoint stream scans ListCheckpoints over [last + 1, first] after a progress-only first frame, pages by watermark, and resumes by sequence number', async () => {
    const { node, stream, seen } = setup({ subscription: 'checkpoints', moveCall: '0x2::pay' });
    stream.connect({ kind: 'after', id: '100' });
    await until(() => node.subs.length === 1, 'subscribed');
    node.sub.frame({ cursor: '110', checkpoint: 110 });
    await until(() => node.scans.length === 1, 'scan issued');
    assert.deepStrictEqual(node.calls, ['SubscribeCheckpoints', 'ListCheckpoints']);
    const r0 = node.scans[0]!.req as { startCheckpoint: bigint; endCheckpoint: bigint; options: { after?: Uint8Array } };
    assert.deepStrictEqual([r0.startCheckpoint, r0.endCheckpoint, r0.options.after], [101n, 111n, undefined], 'the progress frame covers 110: it belongs to the gap');
    node.scans[0]!.h.frame({ ...cp(103), cursor: cur(103) });
    node.scans[0]!.h.frame({ cursor: cur(105), checkpoint: 105, end: 'ITEM_LIMIT' });
    node.scans[0]!.h.complete();
    await until(() => node.scans.length === 2, 'next page');
    const r1 = node.scans[1]!.req as { startCheckpoint: bigint; endCheckpoint: bigint; options: { after?: Uint8Array } };
    assert.deepStrictEqual([r1.startCheckpoint, r1.endCheckpoint, [...(r1.options.after ?? [])]], [101n, 111n, [105]], 'the same range, after the last watermark');
    node.sub.frame(cp(111));
    node.scans[1]!.h.frame({ ...cp(108), cursor: cur(108) });
    node.scans[1]!.h.frame({ cursor: cur(110), checkpoint: 110, end: 'CHECKPOINT_BOUND' });
    node.scans[1]!.h.complete();
    await until(() => seen.length === 3, 'three checkpoints');
    assert.deepStrictEqual(seen.map((e) => e.id), ['checkpoint:103', 'checkpoint:108', 'checkpoint:111']);
    assert.strictEqual(stream.lastGapReport?.complete, true);
    assert.strictEqual(stream.status().lastEventId, '111', 'the sequence number is the resume id');
    node.sub.frame({ cursor: '115', checkpoint: 115 });
    await until(() => stream.status().lastEventId === '115', 'a progress frame moves the resume id');
    stream.dispose();
  });

  it('a checkpoint stream whose first frame is the next checkpoint has no gap: no scan, and the (empty) gap counts as filled', async () => {
    const { node, stream, seen } = setup({ subscription: 'checkpoints' });
    stream.connect({ kind: 'after', id: '41' });
    await until(() => node.subs.length === 1, 'subscribed');
    node.sub.frame(cp(42));
    await until(() => seen.length === 1, 'delivered');
    assert.deepStrictEqual(node.calls, ['SubscribeCheckpoints']);
    assert.deepStrictEqual(stream.lastGapReport, { events: 0, requests: 0, scanLimits: 0, itemLimits: 0, tipWaits: 0, complete: true });
    stream.dispose();
  });

  it('a checkpoint stream holds at most 2,000 frames while its gap is scanned (checkpoint frames are big): beyond that it reconnects and scans again', async () => {
    const { node, stream, seen } = setup({ subscription: 'checkpoints' });
    stream.connect({ kind: 'after', id: '100' });
    await until(() => node.subs.length === 1, 'subscribed');
    for (let n = 200; n < 2_200; n++) node.sub.frame(cp(n, 1));
    await until(() => node.scans.length === 1, 'scan issued');
    assert.strictEqual(stream.status().state, 'live', '2,000 frames held');
    node.sub.frame(cp(2_200, 1));
    await until(() => stream.status().state === 'reconnecting', 'dropped');
    assert.match(stream.status().message ?? '', /2000 frames waiting.*last processed checkpoint/);
    assert.strictEqual(seen.length, 0, 'nothing delivered out of order');
    stream.dispose();
  });

  it('a resume id of the wrong kind is refused in words and the stream continues live (a checkpoint stream resumes by sequence number)', async () => {
    const { node, stream } = setup({ subscription: 'checkpoints' });
    const notices: string[] = [];
    stream.onNotice((n) => notices.push(n.message));
    stream.connect({ kind: 'after', id: cur(7) });
    await until(() => node.subs.length === 1, 'subscribed');
    node.sub.frame(cp(42));
    await until(() => stream.status().state === 'live', 'live');
    assert.ok(notices.some((m) => /it is not a Sui checkpoint sequence number/.test(m)), notices.join('\n'));
    assert.deepStrictEqual(node.calls, ['SubscribeCheckpoints'], 'nothing scanned from a cursor it cannot read');
    stream.dispose();
  });
});

describe('Sui transactions and checkpoints as rows', () => {
  it('a transaction: digest, sender, status and net gas, its Move call as the type, the checkpoint time as chain time', () => {
    const e = normalizeSuiTransaction('s', tx(7).transaction!, cur(7), 99);
    assert.deepStrictEqual([e.id, e.kind, e.digest, e.sender, e.type, e.checkpoint, e.timestamp, e.receivedAt, e.messageId], ['TX7', 'transaction', 'TX7', ALICE, '0x2::pay::split', 7, T0 + 7, 99, cur(7)]);
    assert.deepStrictEqual((e.payload as { gas: unknown }).gas, { computationCost: '1000000', storageCost: '2000000', storageRebate: '500000', nonRefundableStorageFee: '5000', netMist: '2500000' });
    assert.strictEqual(summarize(e), 'success  gas 0.0025 SUI  0x2::pay::split  checkpoint 7');
    const failed = normalizeSuiTransaction('s', { ...tx(8).transaction!, effects: { status: { success: false, error: { description: 'MoveAbort 2' } } } } as never, cur(8), 0);
    assert.match(summarize(failed), /^FAILURE MoveAbort 2/);
    const nodigest = normalizeSuiTransaction('s', { signatures: [], balanceChanges: [] } as never, cur(9), 0);
    assert.match(nodigest.warnings?.[0] ?? '', /without a digest/);
  });

  it('a checkpoint: sequence number and transaction count, its timestamp as chain time, no digest chip (it is not a transaction)', () => {
    const e = normalizeSuiCheckpoint('s', cp(5, 12).checkpointItem!, undefined, 0);
    assert.deepStrictEqual([e.id, e.kind, e.checkpoint, e.messageId, e.timestamp, e.digest], ['checkpoint:5', 'checkpoint', 5, '5', T0 + 5, undefined]);
    assert.strictEqual(summarize(e), '#5  12 transactions  epoch 812');
    const bare = normalizeSuiCheckpoint('s', { transactions: [] } as never, 77, 0);
    assert.deepStrictEqual([bare.id, bare.checkpoint], ['checkpoint:77', 77], 'the frame cursor names a checkpoint sent without its number');
    assert.strictEqual(timestampMs(undefined), undefined);
    assert.strictEqual(timestampMs({ seconds: 1n, nanos: 999_999_999 }), 1999);
  });
});

describe('Sui transaction filters', () => {
  it('values ORed, dimensions ANDed, ! negates; packageWrite is a literal without a value', () => {
    const f = buildTransactionFilter({ moveCall: ['0x2::pay', '0x3::staking_pool::request_add_stake'], sender: `!${ALICE}`, packageWrite: true });
    assert.strictEqual(f?.terms.length, 2);
    assert.deepStrictEqual(f?.terms[1]?.literals.map((l) => [l.negated, l.predicate.oneofKind]), [[false, 'moveCall'], [true, 'sender'], [false, 'packageWrite']]);
    assert.strictEqual(buildTransactionFilter({}), undefined, 'no dimension: every transaction');
    const t = { sender: ALICE, affectedAddresses: [ALICE], affectedObjects: [OBJ], moveCalls: [{ package: '0x2', module: 'pay', function: 'split' }], events: [{ packageId: '0x2', module: 'coin', eventType: '0x2::coin::Transfer' }], packageWrite: false };
    assert.ok(transactionMatches(buildTransactionFilter({ moveCall: '0x0000000000000000000000000000000000000000000000000000000000000002::pay::split' }), t), 'long and short addresses');
    assert.ok(!transactionMatches(buildTransactionFilter({ moveCall: '0x2::pay::join' }), t));
    assert.ok(transactionMatches(buildTransactionFilter({ eventType: '0x2::coin', affectedObject: OBJ }), t));
    assert.ok(!transactionMatches(buildTransactionFilter({ affectedAddress: `!${ALICE}` }), t));
    assert.ok(!transactionMatches(buildTransactionFilter({ packageWrite: true }), t));
    assert.ok(transactionMatches(buildTransactionFilter({ packageWrite: false }), t));
  });

  it('checks the subscription and the transaction-only fields with words', () => {
    assert.deepStrictEqual(validateSuiFilter({ affectedAddress: ALICE }), ['"affectedAddress" filters transactions: it needs "subscription": "transactions" or "checkpoints"']);
    assert.deepStrictEqual(validateSuiFilter({ subscription: 'transactions', affectedAddress: ALICE, moveCall: '0x2::pay::split' }), []);
    assert.match(validateSuiFilter({ subscription: 'blocks' })[0]!, /"events", "transactions" or "checkpoints"/);
    assert.match(validateSuiFilter({ subscription: 'checkpoints', moveCall: '0x2::pay::split::x' })[0]!, /more than package::module::function/);
    assert.match(validateSuiFilter({ subscription: 'transactions', affectedObject: 'obj' })[0]!, /not an object id/);
    assert.match(validateSuiFilter({ subscription: 'transactions', packageWrite: 'yes' })[0]!, /true .* or false/);
    assert.deepStrictEqual(validateDefinition({ id: 'x', provider: 'sui', subscription: 'checkpoints', affectedAddress: ALICE }), []);
    assert.throws(() => buildTransactionFilter({ sender: 'bob' }), /invalid Sui filter/);
  });
});
