/** The demo commands: Try the Demo (Sui, Sui node and EVM demos, the Feed shown), the EVM or GoldRush demo alone, stop them all. */
import * as vscode from 'vscode';
import type { CommandDeps } from './commandDeps';
import { registerCommand } from './commandDeps';

/** Registers the demo commands; returns the disposables. */
export function registerDemoCommands(d: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(d, 'chainWatch.startDemo', async () => {
      // Try the Demo: the simulated streams (Sui via Warp, Sui from a node over gRPC, EVM with its reorgs), the Feed shown, the Sui stream revealed
      const id = await d.demo.startAll();
      await vscode.commands.executeCommand('chainWatch.feed.focus');
      await d.tree.reveal(id).catch(() => undefined);
      return id;
    }),
    registerCommand(d, 'chainWatch.startEvmDemo', async () => {
      const id = await d.demo.startEvm();
      await d.tree.reveal(id).catch(() => undefined);
      return id;
    }),
    registerCommand(d, 'chainWatch.startGoldRushDemo', async () => {
      const id = await d.demo.startGoldRush();
      await d.tree.reveal(id).catch(() => undefined);
      return id;
    }),
    registerCommand(d, 'chainWatch.stopDemo', async () => {
      await d.demo.stop();
      d.output.dropStream('demo');
      d.output.dropStream('demo-evm');
      d.output.dropStream('demo-sui-node');
      d.output.dropStream('demo-goldrush');
      d.output.dropStream('demo-goldrush-pairs');
      return true;
    }),
  ];
}
