/** The demo commands: start the Sui demo, start the EVM demo, stop both. */
import type * as vscode from 'vscode';
import type { CommandDeps } from './commandDeps';
import { registerCommand } from './commandDeps';

/** Registers the demo commands; returns the disposables. */
export function registerDemoCommands(d: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(d, 'chainWatch.startDemo', async () => {
      const id = await d.demo.start();
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
