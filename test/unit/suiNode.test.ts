/**
 * Sui full-node streams against the local gRPC node (real HTTP/2 on 127.0.0.1, `@mysten/sui`'s generated clients),
 * client timers on a FakeClock: the gap fill across stream kills (ListEvents with SCAN_LIMIT and ITEM_LIMIT
 * reissues), a restart from the journal, filters, and the fatal outcomes.
 */
import * as assert from 'assert';
import type { SimSuiEvent } from '../../src/simulator/suiNodeServer';
import { CETUS_SWAP_EVENT } from '../../src/simulator/suiGenerator';
import { prng } from '../../src/simulator/prng';
import { rig, settle } from './support/suiRig';
import { until } from './support/wait';

const idOf = (e: SimSuiEvent) => `${e.digest}:${e.eventIndex}`;

describe('Sui full node (local gRPC node)', function () {
  this.timeout(180_000);

  it('5,000 events through 50+ stream kills: each exactly once, in ledger order, gaps filled by ListEvents through SCAN_LIMIT and ITEM_LIMIT', async () => {
    // a filter (all but staking events), so the node applies its scan budget
    const filter = '!0x3::validator::StakingRequestEvent';
    const r = await rig({ eventType: filter }, { scanLimitCheckpoints: 4, seed: 3 }, { scanPageLimit: 10 });
    const rnd = prng(17);
    const wanted = (e: SimSuiEvent) => e.eventType !== '0x3::validator::StakingRequestEvent';
    try {
      r.stream.connect({ kind: 'live' });
      await settle(r, 0, 'first connect');
      const expected: SimSuiEvent[] = [];
      let kills = 0;
      while (expected.length < 5_000) {
        expected.push(...r.server.produce(1 + Math.floor(rnd() * 6)).filter(wanted));
        if (rnd() < 0.6) {
          await until(() => r.seen.length >= expected.length, 'live events before the kill', 100_000);
          if (rnd() < 0.5) expected.push(...r.server.produce(1 + Math.floor(rnd() * 3)).filter(wanted));
          kills += r.server.killStreams();
          await until(() => r.stream.status().state === 'reconnecting', 'the client saw the kill');
          // produced while down: only ListEvents can bring these (long gaps hit the scan limit)
          expected.push(...r.server.produce(1 + Math.floor(rnd() * 40)).filter(wanted));
        }
        await settle(r, expected.length, 'recovery');
      }
      await r.stream.flush();
      const ids = r.seen.map((e) => e.id);
      assert.ok(kills >= 50, `${kills} kills`);
      assert.ok(r.stream.gapScans >= 50, `${r.stream.gapScans} gap scans`);
      assert.ok(r.server.calls.scanLimitEnds > 50, `${r.server.calls.scanLimitEnds} SCAN_LIMIT ends`);
      assert.ok(r.server.calls.itemLimitEnds > 0, `${r.server.calls.itemLimitEnds} ITEM_LIMIT ends`);
      assert.ok(r.stream.lastGapReport?.complete, 'the last gap scan reached CURSOR_BOUND');
      assert.strictEqual(new Set(ids).size, ids.length, 'no event twice');
      assert.deepStrictEqual(ids, expected.map(idOf), 'every event once, in ledger order');
      const cps = r.seen.map((e) => e.checkpoint!);
      assert.ok(cps.every((c, i) => i === 0 || c >= cps[i - 1]!), 'checkpoints never go back');
      assert.ok(r.seen.every((e) => e.provider === 'sui' && e.messageId && e.payload && typeof (e.payload as { json: unknown }).json === 'object'), 'decoded json payloads with cursors');
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });

  it('restarts from the journal: a new stream scans from the last processed cursor, nothing lost or repeated', async () => {
    const a = await rig({}, { seed: 9 });
    try {
      a.stream.connect({ kind: 'live' });
      await settle(a, 0, 'connect');
      const first = a.server.produce(10).map(idOf);
      await settle(a, first.length, 'first run');
      await a.stream.flush();
      a.stream.dispose();
      await until(() => a.server.subscriptionCount === 0, 'old subscription gone');
      const missed = a.server.produce(25).map(idOf);
      const b = await rig({}, {}, {}, a.dir, a.server);
      try {
        await b.stream.ready;
        b.stream.connect();
        await settle(b, missed.length, 'restart');
        const later = a.server.produce(3).map(idOf);
        await settle(b, missed.length + later.length, 'live after the restart');
        assert.deepStrictEqual(b.seen.map((e) => e.id), [...missed, ...later]);
        assert.strictEqual(b.stream.lastGapReport?.events, missed.length);
        assert.strictEqual(b.stream.lastGapReport?.complete, true, 'the scan reached the new subscription (CURSOR_BOUND)');
      } finally {
        b.stream.dispose();
      }
    } finally {
      await a.server.stop();
    }
  });

  it('filters select exactly the matching events (types ORed, a negated sender ANDed)', async () => {
    const kioskListed = '0x2::kiosk::ItemListed';
    const r = await rig({ eventType: [CETUS_SWAP_EVENT, kioskListed] }, { seed: 4 });
    try {
      r.stream.connect({ kind: 'live' });
      await settle(r, 0, 'connect');
      const all = r.server.produce(120);
      const someSender = all[0]!.sender;
      const expected = all.filter((e) => e.eventType === CETUS_SWAP_EVENT || e.eventType.startsWith(`${kioskListed}<`));
      assert.ok(expected.length > 10 && expected.length < all.length, `${expected.length} of ${all.length} match`);
      await settle(r, expected.length, 'filtered events');
      await r.stream.flush();
      assert.deepStrictEqual(r.seen.map((e) => e.id), expected.map(idOf));

      const n = await rig({ id: 'sui-neg', sender: `!${someSender}`, eventType: CETUS_SWAP_EVENT }, {}, {}, undefined, r.server);
      try {
        n.stream.connect({ kind: 'live' });
        await settle(n, 0, 'connect negated');
        const more = r.server.produce(120);
        const want = more.filter((e) => e.eventType === CETUS_SWAP_EVENT && e.sender !== someSender);
        assert.ok(more.some((e) => e.eventType === CETUS_SWAP_EVENT && e.sender === someSender), 'the excluded sender did emit swaps');
        await settle(n, want.length, 'negated sender');
        await n.stream.flush();
        assert.deepStrictEqual(n.seen.map((e) => e.id), want.map(idOf));
      } finally {
        n.stream.dispose();
      }
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });

  it('UNIMPLEMENTED (subscription service not enabled) stops with words and a hint, and never retries on its own', async () => {
    const r = await rig({}, { unimplemented: true });
    try {
      r.stream.connect({ kind: 'live' });
      await until(() => r.stream.status().state === 'stopped', 'stopped');
      const st = r.stream.status();
      assert.strictEqual(st.stopReason, 'refused');
      assert.match(st.message ?? '', /subscription service not enabled/);
      assert.match(st.message ?? '', /use a node that enables the subscription service/);
      for (let i = 0; i < 20; i++) {
        r.clock.advance(60_000);
        await new Promise((res) => setImmediate(res));
      }
      assert.strictEqual(r.server.calls.subscribeEvents, 1, 'one attempt, no retry storm');
      assert.strictEqual(r.stream.status().state, 'stopped');
    } finally {
      r.stream.dispose();
      await r.server.stop();
    }
  });

  it('sends a saved key as x-api-key; a refused key stops with invalid_key; UNAVAILABLE retries with backoff', async () => {
    const good = await rig({}, { apiKey: 'sui-secret-key-1' }, { getKey: async () => 'sui-secret-key-1' });
    try {
      good.server.failNextSubscribes(2);
      good.stream.connect({ kind: 'live' });
      await settle(good, 0, 'live after two UNAVAILABLE');
      assert.strictEqual(good.server.calls.subscribeEvents, 3);
      const ids = good.server.produce(3).map(idOf);
      await settle(good, ids.length, 'events with a key');
      const bad = await rig({ id: 'sui-bad' }, {}, { getKey: async () => 'wrong-key-000' }, undefined, good.server);
      try {
        bad.stream.connect({ kind: 'live' });
        await until(() => bad.stream.status().state === 'stopped', 'bad key stops');
        assert.strictEqual(bad.stream.status().stopReason, 'invalid_key');
        assert.doesNotMatch(bad.stream.status().message ?? '', /wrong-key-000/);
      } finally {
        bad.stream.dispose();
      }
    } finally {
      good.stream.dispose();
      await good.server.stop();
    }
  });
});
