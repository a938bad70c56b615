// Sui full-node streams inside a real VS Code: Add Stream for a Sui full node (custom node URL) against the local
// gRPC node, events, transactions and checkpoints in the Streams tree and the feed, a killed subscription's gap
// filled by ListEvents / ListTransactions, and the filter's validateInput.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ChainWatchApi } from '../../src/extension';
import { SuiNodeServer } from '../../src/simulator/suiNodeServer';
import { CETUS_SWAP_EVENT } from '../../src/simulator/suiGenerator';
import { ScriptedPrompter } from './support/scriptedPrompter';
import { chainWatch, streamOf, waitUntil } from './support/api';

describe('Sui full node (real VS Code)', () => {
  let api: ChainWatchApi;

  before(async () => {
    api = await chainWatch();
  });

  it('Add Stream for a Sui full node: events of a Move type in the tree and the feed, a killed stream refilled from ListEvents', async () => {
    const server = new SuiNodeServer({ seed: 21 });
    await server.start();
    try {
      const p = new ScriptedPrompter(['Sui full node', 'Custom node URL...', server.url, 'Events of a Move event type', CETUS_SWAP_EVENT, 'Cetus swaps']);
      api.setPrompter(p);
      const id = await vscode.commands.executeCommand<string>('chainWatch.addStream');
      assert.strictEqual(id, 'cetus-swaps', p.asked.join('\n'));
      const def = api.registry.get('cetus-swaps')!.handle.definition;
      assert.deepStrictEqual([def.provider, def.baseUrl, def.eventType], ['sui', server.url, CETUS_SWAP_EVENT]);
      assert.ok(!p.asked.some((q) => /no API key/.test(q)), 'a node without a key is not nagged about one');
      await waitUntil(api, () => streamOf(api, 'cetus-swaps').status.state === 'live' && server.subscriptionCount === 1, 'sui stream live');
      const feedBefore = api.feed.size;
      const swaps = () => server.ledger().filter((e) => e.eventType === CETUS_SWAP_EVENT).length;
      while (swaps() < 3) server.produce(5);
      await waitUntil(api, () => streamOf(api, 'cetus-swaps').events.length >= swaps(), 'the swaps arrive');
      const events = streamOf(api, 'cetus-swaps').events;
      assert.ok(events.every((e) => e.provider === 'sui' && e.type === CETUS_SWAP_EVENT && /^[1-9A-HJ-NP-Za-km-z]{43,44}:\d+$/.test(e.id)), events.map((e) => e.id).join(', '));
      const row = api.tree().find((r) => r.id === 'cetus-swaps')!;
      assert.match(row.description, /^live · \d+ · /);
      assert.ok(row.children.length >= 3, 'events under the stream');
      await waitUntil(api, () => api.feed.size >= feedBefore + 3, 'the events in the feed');

      // the node kills the subscription; what happens while down comes back through ListEvents
      const before = swaps();
      server.killStreams();
      while (swaps() < before + 3) server.produce(5);
      await waitUntil(api, () => streamOf(api, 'cetus-swaps').events.length >= swaps() && streamOf(api, 'cetus-swaps').status.lastGap?.continuity === 'verified', 'the gap filled after the reconnect');
      const all = streamOf(api, 'cetus-swaps').events.map((e) => e.id);
      assert.strictEqual(new Set(all).size, all.length, 'nothing twice');
      assert.strictEqual(streamOf(api, 'cetus-swaps').events.length, swaps(), 'every swap, none extra');

      api.setPrompter(new ScriptedPrompter(['Remove']));
      await vscode.commands.executeCommand('chainWatch.removeStream', 'cetus-swaps');
      assert.ok(!api.streams().some((x) => x.id === 'cetus-swaps'));
    } finally {
      await server.stop();
    }
  });

  it('Add Stream for Sui transactions and checkpoints: rows that say what they are, a killed stream refilled by ListTransactions', async () => {
    const server = new SuiNodeServer({ seed: 22 });
    await server.start();
    try {
      const p = new ScriptedPrompter(['Sui full node', 'Custom node URL...', server.url, 'Transactions calling a Move function', '0x2::pay', 'Sui pay calls']);
      api.setPrompter(p);
      assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.addStream'), 'sui-pay-calls', p.asked.join('\n'));
      const def = api.registry.get('sui-pay-calls')!.handle.definition as unknown as Record<string, unknown>;
      assert.deepStrictEqual([def.provider, def.subscription, def.moveCall], ['sui', 'transactions', '0x2::pay']);
      const pc = new ScriptedPrompter(['Sui full node', 'Custom node URL...', server.url, 'Every checkpoint', 'Sui checkpoints']);
      api.setPrompter(pc);
      assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.addStream'), 'sui-checkpoints', pc.asked.join('\n'));
      await waitUntil(api, () => streamOf(api, 'sui-pay-calls').status.state === 'live' && streamOf(api, 'sui-checkpoints').status.state === 'live' && server.subscriptionCount === 2, 'both live');
      const payTxs = () => server.transactions().filter((t) => t.moveCalls.some((c) => c.package === '0x2' && c.module === 'pay')).map((t) => t.digest);
      while (payTxs().length < 3) server.produce(3);
      await waitUntil(api, () => streamOf(api, 'sui-pay-calls').events.length >= payTxs().length, 'the pay transactions arrive');
      const tx = streamOf(api, 'sui-pay-calls').events[0]!;
      assert.deepStrictEqual([tx.kind, tx.id, typeof tx.timestamp], ['transaction', tx.digest, 'number'], 'a transaction row with its chain time');
      const txRow = api.tree().find((r) => r.id === 'sui-pay-calls')!;
      assert.ok(txRow.children.some((c) => /^(split_and_transfer|split)( \(failed\))?$/.test(c.label) && /^(success|failure) · /.test(c.description)), JSON.stringify(txRow.children.slice(0, 3)));
      await waitUntil(api, () => api.tree().find((r) => r.id === 'sui-checkpoints')!.children.some((c) => /^checkpoint \d+$/.test(c.label) && /^\d+ txs? · /.test(c.description)), 'a checkpoint row with its transaction count');

      const before = payTxs().length;
      server.killStreams();
      while (payTxs().length < before + 3) server.produce(3);
      await waitUntil(api, () => streamOf(api, 'sui-pay-calls').events.length >= payTxs().length && streamOf(api, 'sui-pay-calls').status.lastGap?.continuity === 'verified', 'the gap filled after the reconnect');
      assert.deepStrictEqual(streamOf(api, 'sui-pay-calls').events.map((e) => e.id).sort(), payTxs().sort(), 'every pay transaction once');
      await waitUntil(api, () => {
        const seqs = streamOf(api, 'sui-checkpoints').events.map((e) => e.checkpoint!).sort((a, b) => a - b);
        return seqs.length > 0 && seqs[seqs.length - 1] === server.tip && seqs.every((x, i) => i === 0 || x === seqs[i - 1]! + 1);
      }, 'every checkpoint up to the tip, none skipped');

      for (const id of ['sui-pay-calls', 'sui-checkpoints']) {
        api.setPrompter(new ScriptedPrompter(['Remove']));
        await vscode.commands.executeCommand('chainWatch.removeStream', id);
      }
      assert.ok(!api.streams().some((x) => x.id === 'sui-pay-calls' || x.id === 'sui-checkpoints'));
    } finally {
      await server.stop();
    }
  });

  it('Add Stream: a malformed Move type is refused by validateInput with words', async () => {
    const p = new ScriptedPrompter(['Sui full node', 'testnet', 'Events of a Move event type', 'coin::Transfer']);
    api.setPrompter(p);
    assert.strictEqual(await vscode.commands.executeCommand('chainWatch.addStream'), undefined);
    assert.ok(p.validations.some((v) => /does not start with an address/.test(v)), p.validations.join('\n'));
    assert.ok(!api.registry.list().some((x) => x.handle.definition.provider === 'sui' && x.handle.definition.network === 'testnet'), 'nothing was added');
  });
});
