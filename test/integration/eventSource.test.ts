// Events meet the code, inside a real VS Code: the "Watch this event" CodeLens on a Solidity file creates and connects
// an EVM stream for the event's topic0; Go to Event Definition opens the declaration of a received log; an expected
// event's Problems entry appears when a stream stays silent past its expectWithin and clears when a log arrives.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ChainWatchApi } from '../../src/extension';
import { EvmNodeServer } from '../../src/simulator/evmNodeServer';
import { ScriptedPrompter } from './support/scriptedPrompter';
import { chainWatch, streamOf, waitUntil } from './support/api';

const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'source');
const fixture = path.join(fixtures, 'foundry', 'src', 'Token.sol');
const MINTED_TYPE = `0x${'a1'.padStart(64, '0')}::coin_demo::Minted`;

/** Resolves once `predicate()` holds, re-checked on every diagnostics change. */
function diagnosticsUntil(predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate()) return resolve();
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      if (!predicate()) return;
      sub.dispose();
      resolve();
    });
  });
}

const expectedEntries = () =>
  vscode.languages
    .getDiagnostics()
    .flatMap(([uri, list]) => list.filter((d) => d.source === 'Chain Watch').map((d) => ({ uri, d })));

describe('Events meet the code (real VS Code)', () => {
  let api: ChainWatchApi;
  let node: EvmNodeServer;
  let solFile: vscode.Uri;
  const cfg = () => vscode.workspace.getConfiguration('chainWatch');

  before(async () => {
    api = await chainWatch();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    solFile = vscode.Uri.joinPath(folder.uri, 'src', 'Token.sol');
    await vscode.workspace.fs.writeFile(solFile, fs.readFileSync(fixture));
    for (const f of ['Move.toml', 'Published.toml', 'sources/coin_demo.move']) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, 'move_pkg', f), fs.readFileSync(path.join(fixtures, 'move', f)));
    }
    node = new EvmNodeServer({ blockTimeMs: 0 });
    await node.start();
  });

  after(async () => {
    await node.stop();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(solFile, '..'), { recursive: true });
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'move_pkg'), { recursive: true });
  });

  it('the CodeLens "Watch this event" appears above each event and creates, connects and shows a stream', async () => {
    await vscode.window.showTextDocument(solFile);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', solFile)) ?? [];
    const titles = lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`);
    assert.deepStrictEqual(titles, [
      '20: Watch this event',
      '25: Watch this event',
      '28: Watch this event',
      '30: Watch this event (not available)',
      '32: Watch this event (not available)',
    ]);
    const transfer = lenses[1]!;
    assert.strictEqual(transfer.command!.command, 'chainWatch.watchEvent');
    const p = new ScriptedPrompter(['Another chain...', 'Local node (Hardhat)', node.url, '']);
    api.setPrompter(p);
    const id = await vscode.commands.executeCommand<string>(transfer.command!.command, ...(transfer.command!.arguments ?? []));
    assert.strictEqual(id, 'watch-transfer', p.asked.join('\n'));
    const def = api.registry.get(id)!.handle.definition;
    assert.deepStrictEqual([def.provider, def.chainId, def.topics, def.baseUrl, def.label], ['evm', 31337, [TRANSFER], node.url, 'Transfer · Local node (Hardhat)']);
    await waitUntil(api, () => streamOf(api, id).status.state === 'live', 'the watch stream live');
    for (let i = 0; i < 6; i++) node.mineBlock(4);
    await waitUntil(api, () => streamOf(api, id).events.length >= 1, 'a Transfer log');
    assert.ok(streamOf(api, id).events.every((e) => (e.payload as { topics: string[] }).topics[0] === TRANSFER));
  });

  it('Watch this event offers the proxy the deployment records created for the contract first, and watches the proxy', async function () {
    this.timeout(60_000);
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const TOKEN = '0x1000000000000000000000000000000000000001';
    const PROXY = '0x2000000000000000000000000000000000000002';
    const write = (rel: string, value: unknown) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, rel), new TextEncoder().encode(JSON.stringify(value)));
    const transferAbi = { type: 'event', name: 'Transfer', anonymous: false, inputs: [{ name: 'from', type: 'address', indexed: true }, { name: 'to', type: 'address', indexed: true }, { name: 'value', type: 'uint256', indexed: false }] };
    await write('out/Token.sol/Token.json', { abi: [transferAbi], bytecode: { object: '0x' } });
    await write('broadcast/Deploy.s.sol/31337/run-latest.json', {
      chain: 31337,
      transactions: [
        { transactionType: 'CREATE', contractName: 'Token', contractAddress: TOKEN },
        { transactionType: 'CREATE', contractName: 'ERC1967Proxy', contractAddress: PROXY, arguments: [TOKEN, '0x'] },
      ],
    });
    try {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', solFile)) ?? [];
      const transfer = lenses.find((l) => l.range.start.line === 25)!;
      let offered: string[] = [];
      let id: string | undefined;
      // the artifacts are read by the first scan or, when it already ran, by the file watcher after its debounce:
      // ask again until the address question shows (a real watcher needs real time)
      for (let attempt = 0; !id; attempt++) {
        assert.ok(attempt < 100, `the deployed-address question never came: ${offered.join(' | ')}`);
        const p = new ScriptedPrompter([
          'Another chain...',
          'Local node (Hardhat)',
          node.url,
          (items) => {
            offered = items.map((i) => `${i.label}: ${i.description ?? ''}`);
            return items.find((i) => /^proxy of Token/.test(i.description ?? ''));
          },
          '',
        ]);
        api.setPrompter(p);
        id = await vscode.commands.executeCommand<string | undefined>(transfer.command!.command, ...(transfer.command!.arguments ?? []));
        if (!id) await new Promise((r) => setTimeout(r, 300));
      }
      assert.strictEqual(offered.length, 3, offered.join(' | '));
      assert.match(offered[0]!, /: proxy of Token \(implementation 0x1000/);
      assert.match(offered[1]!, /: Token deployed here/);
      assert.match(offered[2]!, /^Any address/);
      const def = api.registry.get(id)!.handle.definition;
      assert.strictEqual(def.address, PROXY);
      assert.match(def.label ?? '', /^Transfer on proxy 0x/);
      api.setPrompter(new ScriptedPrompter(['Remove']));
      await vscode.commands.executeCommand('chainWatch.removeStream', id);
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, 'out'), { recursive: true });
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, 'broadcast'), { recursive: true });
    }
  });

  it('Go to Event Definition opens the declaration of a received log at its line, and says when there is none', async () => {
    const ev = streamOf(api, 'watch-transfer').events[0]!;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const r = await vscode.commands.executeCommand<{ file: string; line: number }>('chainWatch.goToEventDefinition', { webviewSection: 'chainWatchRow', chainWatchStream: ev.stream, chainWatchEventId: ev.id });
    assert.ok(r && r.file.endsWith(path.join('src', 'Token.sol')), JSON.stringify(r));
    assert.strictEqual(r.line, 25);
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(editor.document.uri.fsPath, solFile.fsPath);
    assert.strictEqual(editor.selection.start.line, 25);
    assert.strictEqual(editor.document.getText(editor.selection), 'Transfer');
    // the feed's hover text for the same row (the host side of the describeSource round-trip)
    const hover = await api.eventSource.describe(ev);
    assert.strictEqual(hover, `event Transfer(address indexed from, address indexed to, uint256 value)\n\nEmitted on every transfer.\n\nsrc/Token.sol:26`);
    const other = { ...ev, id: 'x', payload: { ...(ev.payload as object), topics: ['0x' + '12'.repeat(32)] } };
    const none = await vscode.commands.executeCommand<{ reason: string }>('chainWatch.goToEventDefinition', { kind: 'event', stream: ev.stream, event: other });
    assert.match(none.reason, /no event with topic0 0x12121212…1212 is declared in the workspace/);
    api.setPrompter(new ScriptedPrompter(['Remove']));
    await vscode.commands.executeCommand('chainWatch.removeStream', 'watch-transfer');
  });

  it('on a Move package: lenses only on structs emitted as events; the lens makes a Sui full-node stream by event type; Go to Event Definition by type and package id', async () => {
    const moveFile = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'move_pkg', 'sources', 'coin_demo.move');
    await vscode.window.showTextDocument(moveFile);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', moveFile)) ?? [];
    assert.deepStrictEqual(lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`), ['6: Watch this event', '12: Watch this event', '16: Watch this event']);
    const p = new ScriptedPrompter(['Sui full node', 'localnet', '5m']);
    api.setPrompter(p);
    const id = await vscode.commands.executeCommand<string>(lenses[0]!.command!.command, ...(lenses[0]!.command!.arguments ?? []));
    assert.strictEqual(id, 'watch-minted', p.asked.join('\n'));
    const def = api.registry.get(id)!.handle.definition;
    assert.deepStrictEqual([def.provider, def.network, def.eventType, def.expectWithin], ['sui', 'localnet', MINTED_TYPE, '5m']);
    api.setPrompter(new ScriptedPrompter(['Remove']));
    await vscode.commands.executeCommand('chainWatch.removeStream', id);
    const ev = { id: 'm1', stream: 'x', provider: 'sui', kind: 'event', name: 'event', type: MINTED_TYPE, receivedAt: Date.now(), payload: {} };
    const r = await vscode.commands.executeCommand<{ file: string; line: number }>('chainWatch.goToEventDefinition', { kind: 'event', stream: 'x', event: ev });
    assert.ok(r.file.endsWith(path.join('move_pkg', 'sources', 'coin_demo.move')), JSON.stringify(r));
    assert.strictEqual(r.line, 6);
    const other = await vscode.commands.executeCommand<{ reason: string }>('chainWatch.goToEventDefinition', { kind: 'event', stream: 'x', event: { ...ev, type: '0xbeef::coin_demo::Minted' } });
    assert.match(other.reason, /under another package id/);
  });

  it('an expected event that does not arrive raises a Problems entry and a status bar warning, cleared by the next log', async () => {
    const def = { id: 'expect-logs', provider: 'evm', chainId: 31337, baseUrl: node.url, label: 'a log on the local node', expectWithin: '1s', autoConnect: true };
    await cfg().update('streams', [def], vscode.ConfigurationTarget.Workspace);
    try {
      await waitUntil(api, () => api.streams().some((s) => s.id === 'expect-logs' && s.status.state === 'live'), 'the expecting stream live');
      await diagnosticsUntil(() => expectedEntries().length === 1);
      const [entry] = expectedEntries();
      assert.match(entry!.d.message, /^no a log on the local node for 1 s \(stream "expect-logs", expectWithin\)$/);
      assert.ok(entry!.uri.fsPath.endsWith(path.join('.vscode', 'settings.json')), entry!.uri.fsPath);
      assert.strictEqual(entry!.d.severity, vscode.DiagnosticSeverity.Warning);
      assert.deepStrictEqual(api.eventSource.expected.overdue().map((o) => o.key), ['expect-logs']);
      assert.match(api.eventSource.expected.item.text, /no a log on the local node for 1 s/);
      node.mineBlock(2);
      await diagnosticsUntil(() => expectedEntries().length === 0);
      assert.deepStrictEqual(api.eventSource.expected.overdue(), []);
    } finally {
      await cfg().update('streams', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('streams from the user settings get their Problems entry too: on the declaration the workspace has, else on the user settings file', async () => {
    const defs = [
      { id: 'expect-user-logs', provider: 'evm', chainId: 31337, baseUrl: node.url, label: 'a user log', expectWithin: '1s', autoConnect: true },
      { id: 'expect-user-transfer', provider: 'evm', chainId: 31337, baseUrl: node.url, topics: [TRANSFER], label: 'a user Transfer', expectWithin: '1s', autoConnect: true },
    ];
    await cfg().update('streams', defs, vscode.ConfigurationTarget.Global);
    const mine = () => expectedEntries().filter((e) => /stream "expect-user-/.test(e.d.message));
    try {
      await waitUntil(api, () => defs.every((d) => api.streams().some((s) => s.id === d.id && s.status.state === 'live')), 'the user streams live');
      // the declaration's place needs the source index: it is built once an expectation is overdue, if nothing built it yet
      await diagnosticsUntil(() => mine().length === 2 && mine().some((e) => e.uri.fsPath === solFile.fsPath));
      const byStream = new Map(mine().map((e) => [/stream "([^"]+)"/.exec(e.d.message)![1], e]));
      const onFile = byStream.get('expect-user-logs')!;
      assert.ok(onFile.uri.fsPath.endsWith(path.join('User', 'settings.json')), onFile.uri.fsPath);
      const text = fs.readFileSync(onFile.uri.fsPath, 'utf8').split('\n')[onFile.d.range.start.line] ?? '';
      assert.match(text.slice(onFile.d.range.start.character), /^"id"\s*:\s*"expect-user-logs"/);
      const onDecl = byStream.get('expect-user-transfer')!;
      assert.strictEqual(onDecl.uri.fsPath, solFile.fsPath);
      assert.strictEqual(onDecl.d.range.start.line, 25);
      assert.match(onDecl.d.message, /^no a user Transfer for 1 s/);
    } finally {
      await cfg().update('streams', undefined, vscode.ConfigurationTarget.Global);
    }
    await diagnosticsUntil(() => mine().length === 0);
  });
});
