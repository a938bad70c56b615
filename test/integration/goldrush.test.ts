// GoldRush Streaming inside a real VS Code: Set API Key for the GoldRush host, Add Stream for wallet activity and
// DEX pair updates against the local GoldRush-compatible server, events in the Streams tree and in the feed (row
// menu: Copy JSON), the estimated credits in the status bar, and Start GoldRush Demo.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ChainWatchApi } from '../../src/extension';
import { summarize } from '../../src/feed/rowFormat';
import { GOLDRUSH_DEMO, GoldRushServer } from '../../src/simulator/goldrushServer';
import { ScriptedPrompter } from './support/scriptedPrompter';
import { chainWatch, streamOf, waitUntil } from './support/api';

const GR_KEY = 'cqt_it_G0ldRush_secret_for_tests';

describe('GoldRush Streaming (real VS Code)', () => {
  let api: ChainWatchApi;
  const cfg = () => vscode.workspace.getConfiguration('chainWatch');

  before(async () => {
    api = await chainWatch();
  });

  it('Add Stream for GoldRush wallet activity and DEX pair updates: key for the GoldRush host, events in the tree and the feed', async () => {
    const server = new GoldRushServer({ keys: [GR_KEY] });
    await server.start();
    try {
      await cfg().update('goldrush.url', server.url, vscode.ConfigurationTarget.Global);
      const host = new URL(server.url).host;
      api.setPrompter(new ScriptedPrompter(['GoldRush Streaming', host, GR_KEY]));
      assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.setApiKey'), host);
      const wallet = GOLDRUSH_DEMO.wallets[0] as string;
      const p = new ScriptedPrompter(['GoldRush Streaming', 'Wallet activity (transactions and their logs)', 'BASE_MAINNET', wallet, 'My wallet']);
      api.setPrompter(p);
      const id = await vscode.commands.executeCommand<string>('chainWatch.addStream');
      assert.strictEqual(id, 'my-wallet');
      const def = api.registry.get('my-wallet')!.handle.definition;
      assert.deepStrictEqual([def.provider, def.subscription, def.chainName, def.address, def.baseUrl], ['goldrush', 'walletTxs', 'BASE_MAINNET', wallet, server.url]);
      await waitUntil(api, () => streamOf(api, 'my-wallet').status.state === 'live', 'goldrush stream live');
      // The stream is live at connection_ack; its subscribe reaches the server just after (the protocol does not
      // acknowledge a subscribe), so wait on the server itself before emitting.
      await server.whenSubscribed(1);
      const feedBefore = api.feed.size;
      server.emitRound();
      server.emitRound();
      await waitUntil(api, () => streamOf(api, 'my-wallet').events.length >= 2, 'two wallet events');
      const events = streamOf(api, 'my-wallet').events;
      assert.ok(events.every((e) => e.provider === 'goldrush' && e.kind === 'walletTx'));
      assert.ok(events.every((e) => /^0x[0-9a-f]{64}:\d+$/.test(e.id)), events.map((e) => e.id).join(', '));
      const row = api.tree().find((r) => r.id === 'my-wallet')!;
      assert.match(row.description, /^live · \d+ · /);
      assert.ok(row.children.length >= 2);
      await waitUntil(api, () => api.feed.size >= feedBefore + 2, 'the events in the feed');
      const ev = events.at(-1)!;
      await vscode.commands.executeCommand('chainWatch.feed.copyJson', { webviewSection: 'chainWatchRow', chainWatchStream: ev.stream, chainWatchEventId: ev.id });
      const json = JSON.parse(await vscode.env.clipboard.readText()) as { id: string; provider: string };
      assert.deepStrictEqual([json.id, json.provider], [ev.id, 'goldrush']);
      assert.match(api.statusBar().credits, /GoldRush ≈\d+ \(est\.\)/);
      const text = api.logLines().join('\n') + JSON.stringify(api.tree()) + JSON.stringify(api.streams().map((s) => s.status));
      assert.ok(!text.includes(GR_KEY), 'the GoldRush key is in no output');
      // DEX pair updates on the same key and socket: a swap with its rolling windows, summarised in the feed
      api.setPrompter(new ScriptedPrompter(['GoldRush Streaming', 'DEX pair updates (price, volume, liquidity)', 'BASE_MAINNET', GOLDRUSH_DEMO.pairs[0] as string, 'My pair']));
      assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.addStream'), 'my-pair');
      await server.whenSubscribed(2);
      server.emitRound();
      await waitUntil(api, () => streamOf(api, 'my-pair').events.length >= 1, 'a pair update');
      const pair = streamOf(api, 'my-pair').events[0]!;
      assert.strictEqual(pair.kind, 'pair');
      assert.match(summarize(pair), /^\w+\/\w+ {2}(buy|sell) {2}rate \$[\d.]+ {2}[+-][\d.]+% 24h {2}vol \$[\d.]+ 24h {2}liquidity \$/);
      assert.strictEqual(server.connectionCount, 1, 'one socket for the key, shared by both subscriptions');
      for (const id of ['my-wallet', 'my-pair']) {
        api.setPrompter(new ScriptedPrompter(['Remove']));
        await vscode.commands.executeCommand('chainWatch.removeStream', id);
      }
      assert.ok(!api.streams().some((x) => x.id === 'my-wallet' || x.id === 'my-pair'));
    } finally {
      await cfg().update('goldrush.url', undefined, vscode.ConfigurationTarget.Global);
      await server.stop();
    }
  });

  it('Add Stream: "logs of my contract" under GoldRush continues with the EVM node steps', async () => {
    const p = new ScriptedPrompter(['GoldRush Streaming', 'Logs of my contract (EVM node stream)']);
    api.setPrompter(p);
    assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.addStream'), undefined);
    assert.ok(p.asked.some((q) => /no logs by contract|for the logs of a contract/i.test(q)), p.asked.join('\n'));
    assert.match(p.asked[p.asked.length - 1] ?? '', /^pick: Add Stream.* \/ Chain$/, 'the next question is the EVM node chain');
  });

  it('Start GoldRush Demo: wallet activity and pair updates from the local server, ended by Stop Demo', async () => {
    const id = await vscode.commands.executeCommand<string>('chainWatch.startGoldRushDemo');
    assert.strictEqual(id, 'demo-goldrush');
    await waitUntil(api, () => streamOf(api, 'demo-goldrush').events.length >= 1 && streamOf(api, 'demo-goldrush-pairs').events.length >= 1, 'demo events');
    assert.strictEqual(streamOf(api, 'demo-goldrush-pairs').events[0]!.kind, 'pair');
    await vscode.commands.executeCommand('chainWatch.stopDemo');
    assert.ok(!api.streams().some((x) => x.id === 'demo-goldrush' || x.id === 'demo-goldrush-pairs'));
  });
});
