/**
 * Sui full-node transaction and checkpoint streams against the local gRPC node (real HTTP/2 on 127.0.0.1,
 * `@mysten/sui`'s generated clients), client timers on a FakeClock: each transaction and checkpoint exactly once
 * through stream kills, the gaps filled by ListTransactions / ListCheckpoints, a restart from the journal, filters,
 * chain timestamps, and UNIMPLEMENTED.
 */
import * as assert from 'assert';
import type { SimSuiCheckpoint, SimSuiTransaction } from '../../src/simulator/suiNodeServer';
import { prng } from '../../src/simulator/prng';
import { rig, settle, type Rig } from './support/suiRig';
import { until } from './support/wait';

/** Produces checkpoints with kills in between until `enough()`; `take` picks what the stream should see of each. */
async function churn<T>(r: Rig, take: (cps: readonly SimSuiCheckpoint[]) => T[], enough: (expected: T[], kills: number) => boolean, seed: number): Promise<{ expected: T[]; kills: number }> {
  const rnd = prng(seed);
  const expected: T[] = [];
  let kills = 0;
  const produce = (n: number) => {
    const before = r.server.checkpointList().length;
    r.server.produce(n);
    expected.push(...take(r.server.checkpointList().slice(before)));
  };
  while (!enough(expected, kills)) {
    produce(1 + Math.floor(rnd() * 4));
    if (rnd() < 0.6) {
      await until(() => r.seen.length >= expected.length, 'live items before the kill', 100_000);
      if (rnd() < 0.5) produce(1 + Math.floor(rnd() * 3));
      kills += r.server.killStreams();
      await until(() => r.stream.status().state === 'reconnecting', 'the client saw the kill');
      // produced while down: only the List call can bring these (long gaps hit the scan limit)
      produce(1 + Math.floor(rnd() * 30));
    }
    await settle(r, expected.length, 'recovery');
  }
  await r.stream.flush();
  return { expected, kills };
}

const txsOf = (cps: readonly SimSuiCheckpoint[]) => cps.flatMap((c) => c.transactions);

describe('Sui full node transactions and checkpoints (local gRPC node)', function () {
  this.timeout(180_000);

  it('3,000 transactions through 50+ stream kills: each exactly once, in ledger order, gaps filled by ListTransactions through SCAN_LIMIT and ITEM_LIMIT', async () => {
    // every transaction but coin joins: a filter, so the node applies its scan budget
    const r = await rig({ subscription: 'transactions', moveCall: '!0x2::coin' }, { scanLimitCheckpoints: 4, seed: 5 }, { scanPageLimit: 10 });
    const wanted = (t: SimSuiTransaction) => !t.moveCalls.some((c) => c.package === '0x2' && c.module === 'coin');
    try {
      r.stream.connect({ kind: 'live' });
      await settle(r, 0, 'first connect');
      const { expected, kills } = await churn(r, (cps) => txsOf(cps).filter(wanted), (e, k) => e.length >= 3_000 && k >= 50, 23);
      const ids = r.seen.map((e) => e.id);
      assert.ok(kills >= 50, `${kills} kills`);
      assert.ok(r.stream.gapScans >= 50, `${r.stream.gapScans} gap scans`);
      assert.ok(r.server.calls.listTransactions > 50 && r.server.calls.listEvents === 0, `${r.server.calls.listTransactions} ListTransactions calls`);
      assert.ok(r.server.calls.scanLimitEnds > 20, `${r.server.calls.scanLimitEnds} SCAN_LIMIT ends`);
      assert.ok(r.server.calls.itemLimitEnds > 0, `${r.server.calls.itemLimitEnds} ITEM_LIMIT ends`);
      assert.ok(r.stream.lastGapReport?.complete, 'the last gap scan reached CURSOR_BOUND');
      assert.strictEqual(new Set(ids).size, ids.length, 'no transaction twice');
      assert.deepStrictEqual(ids, expected.map((t) => t.digest), 'every transaction once, in ledger order');
      assert.ok(expected.some((t) => !t.success) && expected.some((t) => t.packageWrite), 'failures and package writes among them');
      const byDigest = new Map(expected.map((t) => [t.digest, t]));
      for (const e of r.seen) {
        const t = byDigest.get(e.id)!;
        const p = e.payload as { status: string; sender: string; gas: { netMist: string } };
        assert.deepStrictEqual([e.kind, e.digest, e.sender, p.sender, p.status, e.checkpoint, e.timestamp], ['transaction', t.digest, t.sender, t.sender, t.success ? 'success' : 'failure', t.checkpoint, t.timestampMs]);
        assert.strictEqual(p.gas.netMist, String(t.gas.computation + t.gas.storage - t.gas.rebate));
      }
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });

  it('checkpoints through 30+ stream kills: every sequence number once, none skipped, gaps filled by ListCheckpoints over the checkpoint range', async () => {
    const r = await rig({ subscription: 'checkpoints' }, { seed: 6 }, { scanPageLimit: 7 });
    try {
      r.stream.connect({ kind: 'live' });
      await settle(r, 0, 'first connect');
      const first = r.seen[0]?.checkpoint;
      const { expected, kills } = await churn(r, (cps) => [...cps], (e, k) => e.length >= 600 && k >= 30, 29);
      const seqs = r.seen.map((e) => e.checkpoint!);
      assert.ok(kills >= 30, `${kills} kills`);
      assert.ok(r.server.calls.listCheckpoints >= 30 && r.server.calls.checkpointBoundEnds >= 30, `${r.server.calls.listCheckpoints} ListCheckpoints, ${r.server.calls.checkpointBoundEnds} CHECKPOINT_BOUND ends`);
      assert.ok(r.server.calls.itemLimitEnds > 0, 'long gaps paged by ITEM_LIMIT');
      assert.strictEqual(new Set(seqs).size, seqs.length, 'no checkpoint twice');
      const want = expected.map((c) => c.checkpoint);
      // an unfiltered subscription starts with the tip's checkpoint when there is one
      assert.deepStrictEqual(first === undefined ? seqs : seqs.slice(1), want, 'every checkpoint once, in order');
      assert.ok(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1), 'no sequence number skipped');
      const bySeq = new Map(expected.map((c) => [c.checkpoint, c]));
      for (const e of r.seen.filter((x) => bySeq.has(x.checkpoint!))) {
        const c = bySeq.get(e.checkpoint!)!;
        const p = e.payload as { transactionCount: number; digest: string };
        assert.deepStrictEqual([e.kind, e.id, e.messageId, e.timestamp, p.transactionCount, p.digest], ['checkpoint', `checkpoint:${c.checkpoint}`, String(c.checkpoint), c.timestampMs, c.transactions.length, c.digest]);
      }
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });

  it('filtered checkpoints (those with a package publish) through kills, and a restart from the journal resumes after the last sequence number', async () => {
    const r = await rig({ subscription: 'checkpoints', packageWrite: true }, { scanLimitCheckpoints: 5, seed: 8 });
    const wanted = (c: SimSuiCheckpoint) => c.transactions.some((t) => t.packageWrite);
    try {
      r.stream.connect({ kind: 'live' });
      await settle(r, 0, 'first connect');
      const { expected } = await churn(r, (cps) => cps.filter(wanted), (e, k) => e.length >= 25 && k >= 10, 31);
      assert.ok(r.server.calls.scanLimitEnds > 0, 'filtered scans hit the scan budget');
      assert.deepStrictEqual(r.seen.map((e) => e.checkpoint), expected.map((c) => c.checkpoint));
      r.stream.dispose();
      await until(() => r.server.subscriptionCount === 0, 'old subscription gone');
      const before = r.server.checkpointList().length;
      r.server.produce(200);
      const missed = r.server.checkpointList().slice(before).filter(wanted).map((c) => c.checkpoint);
      assert.ok(missed.length > 0, 'package publishes while closed');
      const b = await rig({ subscription: 'checkpoints', packageWrite: true }, {}, {}, r.dir, r.server);
      try {
        await b.stream.ready;
        b.stream.connect();
        await settle(b, missed.length, 'restart');
        await until(() => b.stream.lastGapReport !== undefined, 'the gap scan ended');
        await b.stream.flush();
        assert.deepStrictEqual(b.seen.map((e) => e.checkpoint), missed, 'the missed checkpoints, none before them');
        assert.strictEqual(b.stream.lastGapReport?.complete, true, 'the scan reached CHECKPOINT_BOUND');
      } finally {
        b.stream.dispose();
      }
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });

  it('transaction filters select exactly what the node rules say: an affected address; a Move call and a negated sender ANDed', async () => {
    const r = await rig({ subscription: 'transactions' }, { seed: 11 });
    try {
      const wallet = r.server.wallets[0]!;
      const a = await rig({ id: 'sui-affected', subscription: 'transactions', affectedAddress: wallet }, {}, {}, undefined, r.server);
      const splits = await rig({ id: 'sui-split', subscription: 'transactions', moveCall: '0x2::pay::split_and_transfer', sender: `!${wallet}` }, {}, {}, undefined, r.server);
      try {
        for (const s of [a, splits]) s.stream.connect({ kind: 'live' });
        await settle(a, 0, 'affected connect');
        await settle(splits, 0, 'split connect');
        const before = r.server.checkpointList().length;
        r.server.produce(150);
        const txs = txsOf(r.server.checkpointList().slice(before));
        const touched = txs.filter((t) => t.affectedAddresses.includes(wallet));
        const split = txs.filter((t) => t.moveCalls.some((c) => c.function === 'split_and_transfer') && t.sender !== wallet);
        assert.ok(touched.length > 5 && touched.length < txs.length, `${touched.length} of ${txs.length} touch the wallet`);
        assert.ok(split.length > 5 && txs.some((t) => t.sender === wallet && t.moveCalls.some((c) => c.function === 'split_and_transfer')), 'the excluded sender did split');
        await settle(a, touched.length, 'affected address');
        await settle(splits, split.length, 'move call');
        await a.stream.flush();
        await splits.stream.flush();
        assert.deepStrictEqual(a.seen.map((e) => e.id), touched.map((t) => t.digest));
        assert.deepStrictEqual(splits.seen.map((e) => e.id), split.map((t) => t.digest));
      } finally {
        a.stream.dispose();
        splits.stream.dispose();
      }
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });

  it('UNIMPLEMENTED on SubscribeTransactions stops with words naming the call, and never retries on its own', async () => {
    const r = await rig({ subscription: 'transactions' }, { unimplemented: true });
    try {
      r.stream.connect({ kind: 'live' });
      await until(() => r.stream.status().state === 'stopped', 'stopped');
      assert.strictEqual(r.stream.status().stopReason, 'refused');
      assert.match(r.stream.status().message ?? '', /does not serve SubscribeTransactions \(subscription service not enabled\)/);
      for (let i = 0; i < 10; i++) {
        r.clock.advance(60_000);
        await new Promise((res) => setImmediate(res));
      }
      assert.strictEqual(r.server.calls.subscribeTransactions, 1, 'one attempt, no retry storm');
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });
});
