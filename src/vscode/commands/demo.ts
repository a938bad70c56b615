/** The demo commands: Try the Demo (both demos, the Feed shown), start the EVM demo alone, stop both. */
import * as vscode from 'vscode';
import type { CommandDeps } from './commandDeps';
import { registerCommand } from './commandDeps';

/** Registers the demo commands; returns the disposables. */
export function registerDemoCommands(d: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(d, 'chainWatch.startDemo', async () => {
      // Try the Demo: both simulated streams (Sui, and EVM with its reorgs), the Feed shown, the Sui stream revealed
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
    registerCommand(d, 'chainWatch.stopDemo', async () => {
      await d.demo.stop();
      d.output.dropStream('demo');
      d.output.dropStream('demo-evm');
      return true;
    }),
  ];
}
