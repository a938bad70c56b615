// The extension inside a real VS Code (code-server's extension host), against the real Warp simulator on 127.0.0.1.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEMO_KEY, WarpServer } from '../../src/simulator/warpServer';
import { CovalentServer } from '../../src/simulator/covalentServer';
import { EVM_SIM_CONTRACTS, EvmNodeServer } from '../../src/simulator/evmNodeServer';
import { covalentDestination } from '../../src/core/covalent/covalentDestination';
import { streamKey } from '../../src/core/stream/streamKey';
import type { ChainWatchApi } from '../../src/extension';
import { ScriptedPrompter } from './support/scriptedPrompter';
import { chainWatch, streamOf, waitUntil, EXTENSION_ID } from './support/api';

const TEST_KEY = 'indr_it_5ecret_K3y_for_tests_only';
const COV_KEY = 'cqt_it_C0valent_secret_for_tests';
const PAIR = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';

describe('Chain Watch extension', () => {
  let api: ChainWatchApi;
  let server: WarpServer;
  const cfg = () => vscode.workspace.getConfiguration('chainWatch');

  before(async () => {
    api = await chainWatch();
    server = new WarpServer({ host: '127.0.0.1', port: 0, streams: [{ id: 'it-added', type: 'event' }] });
    await server.start();
    server.setQuota(TEST_KEY, 1_000_000_000);
  });

  after(async () => {
    api.setPrompter(undefined);
    await cfg().update('streams', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('warp.mainnetUrl', undefined, vscode.ConfigurationTarget.Global);
    await api.stopDemo();
    await server.stop();
  });

  it('registers every contributed command', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: Array<{ command: string; category: string }> } };
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed = pkg.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 19, `only ${contributed.length} commands contributed`);
    const missing = contributed.filter((c) => !all.has(c));
    assert.deepStrictEqual(missing, []);
    for (const c of pkg.contributes.commands) assert.strictEqual(c.category, 'Chain Watch', `${c.command} has no category`);
  });

  it('runs every command from the palette without arguments (cancelling each question) without an error', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: Array<{ command: string }> } };
    api.setPrompter(new ScriptedPrompter([]));
    const before = api.logLines().length;
    const skip = new Set(['chainWatch.startDemo', 'chainWatch.startEvmDemo', 'chainWatch.startGoldRushDemo', 'chainWatch.stopDemo']);
    for (const { command } of pkg.contributes.commands) {
      if (skip.has(command)) continue;
      await vscode.commands.executeCommand(command);
    }
    const failures = api.logLines().slice(before).filter((l) => / failed: /.test(l));
    assert.deepStrictEqual(failures, []);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Start Demo (Try the Demo): the Sui, Sui node and EVM demo streams go live, their events reach the tree, the output and the status bar, which says they are simulated', async () => {
    const id = await api.startDemo();
    assert.strictEqual(id, 'demo');
    assert.ok(api.demoServer, 'demo server running');
    await waitUntil(api, () => streamOf(api, 'demo').events.length >= 3, 'three demo events');
    await waitUntil(api, () => streamOf(api, 'demo-evm').status.state === 'live', 'the EVM demo live');
    assert.strictEqual(streamOf(api, 'demo-evm').origin, 'memory');
    const demo = streamOf(api, 'demo');
    assert.strictEqual(demo.status.state, 'live');
    assert.strictEqual(demo.origin, 'memory');
    const row = api.tree().find((r) => r.id === 'demo');
    assert.ok(row, 'demo row in the tree');
    assert.strictEqual(row.label, 'Demo (Sui)');
    assert.match(row.description, /^live · \d+ · \d+\.\d\/s$/);
    assert.match(row.contextValue, /^stream\.live\.memory$/);
    assert.ok(row.children.length >= 3, 'events under the stream');
    const last = demo.events[demo.events.length - 1]!;
    const lines = api.logLines().filter((l) => l.startsWith('[demo] '));
    assert.ok(lines.some((l) => last.digest !== undefined && l.includes(last.digest)), 'the last event has a line in the demo output channel');
    await waitUntil(api, () => streamOf(api, 'demo-sui-node').status.state === 'live', 'the Sui node demo live');
    assert.match(api.statusBar().connection, /3 live · simulated$/);
    assert.match(api.statusBar().credits, /^\$\(credit-card\) ~[\d.]+k? cr · .* · simulated$/);
    assert.ok(api.feed.liveWebviews >= 1 || (await api.feed.nextMessage('ready', 15000)), 'the Feed view was revealed');
  });

  it('the status bar items open picks: a stream and its actions (Disconnect, Connect), and the credits with Pause all', async () => {
    await api.startDemo();
    await waitUntil(api, () => streamOf(api, 'demo').status.state === 'live', 'demo live');
    const p = new ScriptedPrompter(['Demo (Sui)', 'Disconnect']);
    api.setPrompter(p);
    assert.strictEqual(await vscode.commands.executeCommand('chainWatch.showConnections'), 'disconnect:demo');
    assert.strictEqual(streamOf(api, 'demo').status.state, 'stopped');
    api.setPrompter(new ScriptedPrompter(['Demo (Sui)', 'Connect']));
    await vscode.commands.executeCommand('chainWatch.showConnections');
    await waitUntil(api, () => streamOf(api, 'demo').status.state === 'live', 'demo live again');
    let shown: readonly vscode.QuickPickItem[] = [];
    api.setPrompter(new ScriptedPrompter([(items) => ((shown = items), items.find((i) => i.label === 'Pause all'))]));
    assert.strictEqual(await vscode.commands.executeCommand('chainWatch.showCredits'), 'pauseAll');
    const labels = shown.map((i) => i.label);
    assert.ok(labels.includes('Demo (Sui) (simulated)') && labels.includes('Burn rate') && labels.includes('Budget') && labels.includes('Change budget...'), labels.join(', '));
    assert.strictEqual(streamOf(api, 'demo').status.stopReason, 'paused');
    await vscode.commands.executeCommand('chainWatch.resume', 'demo');
    await waitUntil(api, () => streamOf(api, 'demo').status.state === 'live', 'demo resumed');
    api.setPrompter(undefined);
  });

  it('Add Stream (scripted quick pick) saves the setting; without a key for that host it stops with "no API key saved for host"', async () => {
    await cfg().update('warp.mainnetUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    const host = new URL(server.baseUrl).host;
    const p = new ScriptedPrompter(['Inodra Warp', 'mainnet', 'it-added', 'WebSocket', 'IT added', undefined]);
    api.setPrompter(p);
    const id = await vscode.commands.executeCommand<string>('chainWatch.addStream');
    assert.strictEqual(id, 'it-added');
    const saved = cfg().get<Array<{ id: string; provider: string; streamId: string; label: string; transport: string }>>('streams') ?? [];
    assert.deepStrictEqual(
      saved.map((s) => [s.id, s.provider, s.streamId, s.label, s.transport]),
      [['it-added', 'warp', 'it-added', 'IT added', 'websocket']],
    );
    assert.ok(!JSON.stringify(saved).includes('indr_'), 'no key in settings');
    await waitUntil(api, () => streamOf(api, 'it-added').status.state === 'stopped', 'stopped for want of a key');
    const st = streamOf(api, 'it-added').status;
    assert.strictEqual(st.stopReason, 'no_key');
    assert.ok(st.message?.includes(`no API key saved for ${host}`), st.message);
    assert.strictEqual(api.tree().find((r) => r.id === 'it-added')?.description, 'no API key');
    assert.ok(p.asked.some((q) => q.includes(`no API key saved for host ${host}`)), p.asked.join('\n'));
  });

  it('Add Stream with "Custom endpoint..." saves the base URL (the local simulator), and its key is asked for that host', async () => {
    const local = new WarpServer({ host: '127.0.0.1', port: 0, streams: [{ id: 'it-custom', type: 'event' }] });
    await local.start();
    try {
      const p = new ScriptedPrompter(['Inodra Warp', 'Custom endpoint...', `${local.baseUrl}/`, 'it-custom', 'WebSocket', 'IT custom', undefined]);
      api.setPrompter(p);
      assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.addStream'), 'it-custom');
      const saved = (cfg().get<Array<{ id: string; baseUrl?: string; network?: string }>>('streams') ?? []).find((x) => x.id === 'it-custom');
      assert.deepStrictEqual([saved?.baseUrl, saved?.network], [local.baseUrl, undefined]);
      const host = new URL(local.baseUrl).host;
      await waitUntil(api, () => streamOf(api, 'it-custom').status.stopReason === 'no_key', 'asks for the local host key');
      assert.ok(p.asked.some((q) => q.includes(`no API key saved for host ${host}`)), p.asked.join('\n'));
      api.setPrompter(new ScriptedPrompter(['Remove']));
      await vscode.commands.executeCommand('chainWatch.removeStream', 'it-custom');
    } finally {
      api.setPrompter(undefined);
      await local.stop();
    }
  });

  it('Set API Key (scripted, password input) saves it for that host; the stream connects and its events reach the tree and the output', async () => {
    const p = new ScriptedPrompter([TEST_KEY]);
    api.setPrompter(p);
    const host = await vscode.commands.executeCommand<string>('chainWatch.setApiKey', 'it-added');
    assert.strictEqual(host, new URL(server.baseUrl).host);
    await waitUntil(api, () => streamOf(api, 'it-added').status.state === 'live', 'it-added live');
    server.emit('it-added', 5);
    await waitUntil(api, () => streamOf(api, 'it-added').events.length >= 5, 'five events');
    const s = streamOf(api, 'it-added');
    assert.deepStrictEqual(new Set(s.events.map((e) => e.id)).size, s.events.length, 'no duplicates');
    const row = api.tree().find((r) => r.id === 'it-added')!;
    assert.match(row.description, /^live · 5 · /);
    assert.strictEqual(row.children.length, 5);
    for (const e of s.events) assert.ok(api.logLines().some((l) => l.startsWith('[it-added] ') && l.includes(e.digest!)), `output line for ${e.id}`);
    // a stream on a loopback endpoint that the demo did not start is local, not simulated: only demo streams count
    const demos = api.streams().filter((x) => x.id.startsWith('demo')).length;
    const connection = api.statusBar().connection;
    if (demos === 0) assert.ok(!connection.includes('simulated'), connection);
    else assert.ok(connection.includes(`(${demos} simulated)`), `${connection} (demo streams: ${demos})`);
  });

  it('a warning, not a block, when a Warp key lacks the indr_ prefix; the key is never shown', async () => {
    const p = new ScriptedPrompter(['Inodra Warp', 'Other host...', '127.0.0.1:9', 'not-an-indr-key']);
    api.setPrompter(p);
    const host = await vscode.commands.executeCommand<string>('chainWatch.setApiKey');
    assert.strictEqual(host, '127.0.0.1:9');
    assert.ok(p.validations.some((v) => /start with "indr_"/.test(v)), p.validations.join('; '));
    const cleared = new ScriptedPrompter([(items) => items.find((i) => i.label === '127.0.0.1:9')]);
    api.setPrompter(cleared);
    assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.clearApiKey'), '127.0.0.1:9');
    assert.ok(!api.logLines().some((l) => l.includes('not-an-indr-key')));
  });

  it('a stream pointed at another host gets no key (keys are bound to the host they were saved for)', async () => {
    const other = `http://127.0.0.1:${server.port === 1 ? 2 : 1}`;
    const list = cfg().get<unknown[]>('streams') ?? [];
    await cfg().update('streams', [...list, { id: 'it-elsewhere', provider: 'warp', streamId: 'it-added', baseUrl: other, label: 'Elsewhere' }], vscode.ConfigurationTarget.Global);
    await waitUntil(api, () => api.streams().some((s) => s.id === 'it-elsewhere'), 'stream loaded from settings');
    await vscode.commands.executeCommand('chainWatch.connect', 'it-elsewhere');
    await waitUntil(api, () => streamOf(api, 'it-elsewhere').status.state === 'stopped', 'stopped');
    assert.strictEqual(streamOf(api, 'it-elsewhere').status.stopReason, 'no_key');
    assert.ok(streamOf(api, 'it-elsewhere').status.message?.includes(new URL(other).host));
    api.setPrompter(new ScriptedPrompter(['Remove']));
    assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.removeStream', 'it-elsewhere'), 'it-elsewhere');
    assert.ok(!api.streams().some((s) => s.id === 'it-elsewhere'));
    assert.ok(!(cfg().get<Array<{ id: string }>>('streams') ?? []).some((s) => s.id === 'it-elsewhere'));
  });

  it('Copy Transaction Digest puts the digest on the clipboard (from a tree item, and from the palette)', async () => {
    const s = streamOf(api, 'it-added');
    const ev = s.events[2]!;
    const got = await vscode.commands.executeCommand<string>('chainWatch.copyDigest', { kind: 'event', stream: 'it-added', event: ev });
    assert.strictEqual(got, ev.digest);
    assert.strictEqual(await vscode.env.clipboard.readText(), ev.digest);
    const other = s.events[0]!;
    api.setPrompter(new ScriptedPrompter(['IT added', (items) => items.find((i) => (i as { detail?: string }).detail === other.id)]));
    await vscode.commands.executeCommand('chainWatch.copyDigest');
    assert.strictEqual(await vscode.env.clipboard.readText(), other.digest);
  });

  it('Open Event as JSON opens a read-only JSON document with the event', async () => {
    const ev = streamOf(api, 'it-added').events[1]!;
    const uri = await vscode.commands.executeCommand<string>('chainWatch.openEventJson', { kind: 'event', stream: 'it-added', event: ev });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.strictEqual(editor.document.uri.toString(), uri);
    assert.strictEqual(editor.document.uri.scheme, 'chain-watch');
    assert.strictEqual(editor.document.languageId, 'json');
    const base = editor.document.uri.path.split('/').pop() ?? '';
    assert.ok(!/%[0-9A-F]{2}/i.test(base) && base.includes(' · ') && base.endsWith('.json'), `readable tab title, got ${base}`);
    const parsed = JSON.parse(editor.document.getText()) as { id: string; digest: string; payload: { txDigest: string } };
    assert.strictEqual(parsed.id, ev.id);
    assert.strictEqual(parsed.payload.txDigest, ev.digest);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Export Events writes NDJSON, JSON and CSV files with every journaled event', async () => {
    const dir = process.env.CHAIN_WATCH_TEST_DIR!;
    const n = streamOf(api, 'it-added').events.length;
    for (const [label, ext] of [['NDJSON', 'ndjson'], ['JSON', 'json'], ['CSV', 'csv']] as const) {
      const target = vscode.Uri.file(path.join(dir, `export.${ext}`));
      api.setPrompter(new ScriptedPrompter([label, { save: target }]));
      assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.exportEvents', 'it-added'), target.toString());
      const text = fs.readFileSync(target.fsPath, 'utf8');
      if (ext === 'ndjson') assert.strictEqual(text.trim().split('\n').map((l) => JSON.parse(l) as { stream: string }).filter((e) => e.stream === 'it-added').length, n);
      if (ext === 'json') assert.strictEqual((JSON.parse(text) as unknown[]).length, n);
      if (ext === 'csv') {
        const rows = text.trim().split('\r\n');
        assert.match(rows[0]!, /^receivedAt,stream,provider,kind,name,id,digest/);
        assert.strictEqual(rows.length, n + 1);
      }
    }
  });

  it('a reload resumes from the journal: events sent while away arrive once, nothing is lost or duplicated', async () => {
    // the stream auto-connects (Add Stream sets autoConnect)
    // ids are checkpoint numbers shared by several events: compare the server ids, in order
    const beforeIds = streamOf(api, 'it-added').events.map((e) => e.messageId);
    const sentWhileAway: string[] = [];
    await api.reloadStreams(async () => {
      await server.whenDisconnected('it-added');
      sentWhileAway.push(...server.emit('it-added', 4).map((w) => String(w.id)));
    });
    // restored from the journal before connecting
    await waitUntil(api, () => streamOf(api, 'it-added').events.length >= beforeIds.length + 4, 'restored + replayed events');
    const ids = streamOf(api, 'it-added').events.map((e) => e.messageId);
    assert.deepStrictEqual(ids, [...beforeIds, ...sentWhileAway]);
    assert.strictEqual(streamOf(api, 'it-added').status.state, 'live');
    assert.ok(api.logLines().some((l) => /recent events restored from the journal/.test(l)));
  });

  it('quota exceeded: the stream stops with "quota exceeded", the status bar shows it, and no reconnect follows', async () => {
    const used = server.credits(TEST_KEY).used;
    const connectionsBefore = server.stats('it-added').connections;
    server.setQuota(TEST_KEY, used + 5);
    server.emit('it-added', 10);
    await waitUntil(api, () => streamOf(api, 'it-added').status.state === 'stopped', 'stopped on quota');
    const st = streamOf(api, 'it-added').status;
    assert.strictEqual(st.stopReason, 'quota_exceeded');
    assert.strictEqual(st.nextRetryAt, undefined, 'no retry scheduled');
    assert.strictEqual(api.tree().find((r) => r.id === 'it-added')?.description, 'quota exceeded');
    assert.match(api.tree().find((r) => r.id === 'it-added')!.contextValue, /^stream\.stopped\.quota_exceeded\./);
    assert.match(api.statusBar().connection, /^\$\(error\) .*quota exceeded/);
    await server.whenDisconnected('it-added');
    assert.strictEqual(streamOf(api, 'it-added').status.state, 'stopped', 'still stopped once the server closed');
    assert.strictEqual(server.stats('it-added').connections, connectionsBefore, 'no new connection');
    assert.strictEqual(server.stats('it-added').connected, false);
    server.setQuota(TEST_KEY, 1_000_000_000);
  });

  it('one connection per stream across windows: a stream another window holds waits, then takes over', async () => {
    // leases are keyed by the effective definition (id + a hash of provider, host and stream), not the id alone
    const file = path.join(api.leaseDir, `${encodeURIComponent(streamKey(api.registry.get('it-added')!.handle.definition))}.json`);
    fs.mkdirSync(api.leaseDir, { recursive: true });
    // another live window (its extension host: a running process) holds the stream
    fs.writeFileSync(file, JSON.stringify({ owner: 'another-window', pid: process.ppid, renewedAt: Date.now() }));
    const before = server.stats('it-added').connections;
    await vscode.commands.executeCommand('chainWatch.connect', 'it-added');
    const row = api.tree().find((r) => r.id === 'it-added')!;
    assert.strictEqual(row.description, 'in another window');
    assert.strictEqual(streamOf(api, 'it-added').status.message, 'connected in another VS Code window');
    assert.notStrictEqual(streamOf(api, 'it-added').status.state, 'connecting');
    fs.unlinkSync(file); // the other window closed
    api.checkLeases();
    await waitUntil(api, () => streamOf(api, 'it-added').status.state === 'live', 'taken over');
    assert.strictEqual(server.stats('it-added').connections, before + 1);
    const held = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
    assert.strictEqual(held.pid, process.pid, 'this window holds the lease now');
  });

  it('crossing the daily credit budget pauses every stream and asks; "Stay Paused" keeps them paused', async () => {
    await waitUntil(api, () => streamOf(api, 'demo').status.state === 'live', 'demo live');
    const p = new ScriptedPrompter(['Stay Paused']);
    api.setPrompter(p);
    await cfg().update('credits.dailyBudget', 1, vscode.ConfigurationTarget.Global);
    await waitUntil(api, () => streamOf(api, 'demo').status.stopReason === 'paused', 'demo paused by the budget');
    assert.ok(p.asked.some((q) => /passed your daily budget of 1\. Every stream is paused/.test(q)), p.asked.join('\n'));
    assert.match(api.tree().find((r) => r.id === 'demo')!.description, /^paused · \d/);
    assert.match(api.tree().find((r) => r.id === 'demo')!.contextValue, /^stream\.stopped\.paused\./);
    const paused = api.streams().filter((x) => x.status.stopReason === 'paused').length;
    assert.ok(paused >= 1);
    assert.match(api.statusBar().connection, new RegExp(`\\b${paused} paused`));
    await cfg().update('credits.dailyBudget', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('chainWatch.resume', 'demo');
    await waitUntil(api, () => streamOf(api, 'demo').status.state === 'live', 'demo live again');
  });

  it('Add Stream for Covalent (EVM logs): key saved for the STOMP host, the stream subscribes and its logs reach the tree', async () => {
    const cov = new CovalentServer({ requireKey: true, keys: [COV_KEY], heartbeatMs: 0 });
    await cov.start();
    try {
      await cfg().update('covalent.url', cov.url, vscode.ConfigurationTarget.Global);
      const host = new URL(cov.url).host;
      api.setPrompter(new ScriptedPrompter(['Covalent (legacy STOMP)', host, COV_KEY]));
      assert.strictEqual(await vscode.commands.executeCommand<string>('chainWatch.setApiKey'), host);
      api.setPrompter(new ScriptedPrompter(['Covalent (legacy)', 'Ethereum', PAIR, 'UNI pair']));
      const id = await vscode.commands.executeCommand<string>('chainWatch.addStream');
      assert.strictEqual(id, 'uni-pair');
      const def = api.registry.get('uni-pair')!.handle.definition;
      assert.deepStrictEqual([def.provider, def.chainId, def.address, def.baseUrl], ['covalent', 1, PAIR, cov.url]);
      await cov.whenSubscribed(covalentDestination(def));
      await waitUntil(api, () => streamOf(api, 'uni-pair').status.state === 'live', 'covalent stream live');
      assert.strictEqual(cov.connects[cov.connects.length - 1]?.key, COV_KEY, 'the key went to the host it was saved for');
      const items = cov.emit(covalentDestination(def), 3);
      await waitUntil(api, () => streamOf(api, 'uni-pair').events.length >= 3, 'three logs');
      const got = streamOf(api, 'uni-pair').events;
      assert.deepStrictEqual(got.map((e) => e.digest), items.map((i) => i.tx_hash));
      const row = api.tree().find((r) => r.id === 'uni-pair')!;
      assert.match(row.description, /^live · 3 · /);
      assert.strictEqual(row.children.length, 3);
      assert.strictEqual(api.statusBar().credits.includes('cr'), true);
      api.setPrompter(new ScriptedPrompter(['Remove']));
      await vscode.commands.executeCommand('chainWatch.removeStream', 'uni-pair');
      assert.ok(!api.streams().some((x) => x.id === 'uni-pair'));
    } finally {
      await cfg().update('covalent.url', undefined, vscode.ConfigurationTarget.Global);
      await cov.stop();
    }
  });

  it('Add Stream for an EVM node (eth_subscribe): several addresses, the endpoint URL asked, mined logs reach the tree', async () => {
    const node = new EvmNodeServer({ blockTimeMs: 0 });
    await node.start();
    try {
      const addresses = EVM_SIM_CONTRACTS.map((c) => c.address);
      api.setPrompter(new ScriptedPrompter(['EVM node', 'Local node (Hardhat)', addresses.join(', '), node.url, 'Local tokens']));
      const id = await vscode.commands.executeCommand<string>('chainWatch.addStream');
      assert.strictEqual(id, 'local-tokens');
      const def = api.registry.get('local-tokens')!.handle.definition;
      assert.deepStrictEqual([def.provider, def.chainId, def.address, def.baseUrl], ['evm', 31337, addresses, node.url]);
      await waitUntil(api, () => streamOf(api, 'local-tokens').status.state === 'live', 'evm stream live');
      const block = node.mineBlock(3);
      await waitUntil(api, () => streamOf(api, 'local-tokens').events.length >= 3, 'three logs');
      const got = streamOf(api, 'local-tokens').events;
      assert.deepStrictEqual(got.map((e) => e.digest), block.logs.map((l) => l.transactionHash));
      assert.ok(got.every((e) => e.provider === 'evm' && e.kind === 'log'));
      assert.match(api.tree().find((r) => r.id === 'local-tokens')!.description, /^live · 3 · /);
      api.setPrompter(new ScriptedPrompter(['Remove']));
      await vscode.commands.executeCommand('chainWatch.removeStream', 'local-tokens');
    } finally {
      await node.stop();
    }
  });

  it('Start EVM Demo: logs from a local eth_subscribe node reach the tree, decoded, and Stop Demo ends it', async () => {
    const id = await vscode.commands.executeCommand<string>('chainWatch.startEvmDemo');
    assert.strictEqual(id, 'demo-evm');
    await waitUntil(api, () => streamOf(api, 'demo-evm').events.length >= 1, 'a mined log');
    const s = streamOf(api, 'demo-evm');
    assert.strictEqual(s.status.state, 'live');
    const ev = s.events[0]!;
    assert.strictEqual(ev.provider, 'evm');
    assert.strictEqual(ev.kind, 'log');
    assert.match(ev.digest ?? '', /^0x[0-9a-f]{64}$/);
    assert.ok(['Transfer', 'Approval', 'Swap', 'Sync'].includes(ev.type ?? ''), `decoded event name, got ${ev.type}`);
    assert.ok(api.tree().some((r) => r.id === 'demo-evm' && r.label === 'Demo (EVM)'));
    await vscode.commands.executeCommand('chainWatch.stopDemo');
    assert.ok(!api.streams().some((x) => x.id === 'demo-evm'), 'removed by Stop Demo');
  });

  it('no key material in any output channel, tree text or stream status', () => {
    const text = api.logLines().join('\n') + JSON.stringify(api.tree()) + JSON.stringify(api.streams().map((s) => s.status));
    assert.ok(text.length > 0);
    for (const k of [TEST_KEY, DEMO_KEY, COV_KEY]) assert.ok(!text.includes(k), `key ${k.slice(0, 6)}… found in the output`);
    assert.ok(!/api_key=(?!\*\*\*)/.test(text), 'an api_key parameter is not redacted');
  });
});
