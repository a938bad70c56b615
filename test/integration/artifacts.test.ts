// The workspace's artifacts inside a real VS Code: a Foundry artifact and broadcast record written into the open
// workspace folder are found (findFiles at the first EVM connection, or the file watcher when that scan already
// ran), and the logs of the deployed address decode with that artifact rather than the well-known ERC-20 table.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ChainWatchApi } from '../../src/extension';
import type { DecodedLog } from '../../src/core/evm/evmDecode';
import { EVM_SIM_CONTRACTS, EvmNodeServer } from '../../src/simulator/evmNodeServer';
import { ScriptedPrompter } from './support/scriptedPrompter';
import { chainWatch, streamOf, waitUntil } from './support/api';

const USDC = EVM_SIM_CONTRACTS[0].address;

describe('workspace artifacts (real VS Code)', () => {
  let api: ChainWatchApi;

  before(async function () {
    api = await chainWatch();
    if (!vscode.workspace.workspaceFolders?.length) this.skip();
  });

  it('decodes the logs of a deployed address with the workspace artifact that names it', async function () {
    this.timeout(60_000);
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const write = (rel: string, value: unknown) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, rel), new TextEncoder().encode(JSON.stringify(value)));
    const abi = [
      { type: 'event', name: 'Transfer', anonymous: false, inputs: [{ name: 'src', type: 'address', indexed: true }, { name: 'dst', type: 'address', indexed: true }, { name: 'wad', type: 'uint256', indexed: false }] },
      { type: 'event', name: 'Approval', anonymous: false, inputs: [{ name: 'owner', type: 'address', indexed: true }, { name: 'spender', type: 'address', indexed: true }, { name: 'wad', type: 'uint256', indexed: false }] },
    ];
    await write('out/SimToken.sol/SimToken.json', { abi, bytecode: { object: '0x' } });
    await write('broadcast/Deploy.s.sol/31337/run-latest.json', { transactions: [{ transactionType: 'CREATE', contractName: 'SimToken', contractAddress: USDC }], chain: 31337 });
    const node = new EvmNodeServer({ blockTimeMs: 0 });
    await node.start();
    try {
      api.setPrompter(new ScriptedPrompter(['EVM node', 'Local node (Hardhat)', USDC, node.url, 'Artifact tokens']));
      const id = await vscode.commands.executeCommand<string>('chainWatch.addStream');
      await waitUntil(api, () => streamOf(api, id).status.state === 'live', 'evm stream live');
      const fromWorkspace = () => streamOf(api, id).events.map((e) => (e.payload as { decoded?: DecodedLog }).decoded).find((d) => d?.standard === 'workspace');
      // the first scan may have run before these files existed (another test's EVM stream): the watcher then reads
      // them after its debounce, so mine until a log decodes from the workspace (a real file watcher needs real time)
      for (let i = 0; i < 100 && !fromWorkspace(); i++) {
        const before = streamOf(api, id).events.length;
        const mine = node.mineBlock(4).logs.filter((l) => l.address === USDC).length;
        await waitUntil(api, () => streamOf(api, id).events.length >= before + mine, 'the mined logs');
        await new Promise((r) => setTimeout(r, 100));
      }
      const d = fromWorkspace();
      assert.ok(d, `a log decoded from the workspace; log:\n${api.logLines().filter((l) => l.includes('artifact')).join('\n')}`);
      assert.strictEqual(d.contract, 'SimToken');
      assert.strictEqual(d.artifact, 'out/SimToken.sol/SimToken.json');
      assert.deepStrictEqual(d.params.map((p) => p.name).slice(0, 3).sort(), d.name === 'Transfer' ? ['dst', 'src', 'wad'] : ['owner', 'spender', 'wad']);
      assert.ok(api.logLines().some((l) => /workspace artifacts: \d+ contract\(s\), \d+ event\(s\), \d+ deployed address\(es\)/.test(l)), 'the scan is logged');
      api.setPrompter(new ScriptedPrompter(['Remove']));
      await vscode.commands.executeCommand('chainWatch.removeStream', id);
    } finally {
      await node.stop();
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, 'out'), { recursive: true });
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, 'broadcast'), { recursive: true });
    }
  });
});
