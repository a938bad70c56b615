/** The demo commands: start the Sui demo, the EVM demo or the GoldRush demo, stop them all. */
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
    registerCommand(d, 'chainWatch.startGoldRushDemo', async () => {
      const id = await d.demo.startGoldRush();
      await d.tree.reveal(id).catch(() => undefined);
      return id;
    }),
    registerCommand(d, 'chainWatch.stopDemo', async () => {
      await d.demo.stop();
      d.output.dropStream('demo');
      d.output.dropStream('demo-evm');
      d.output.dropStream('demo-goldrush');
      d.output.dropStream('demo-goldrush-pairs');
      return true;
    }),
  ];
}
