/**
 * `chainWatch.addStream`: the wizard (streamWizard.ts and one module per provider), then the policy for a new
 * stream: save it in settings, load it, warn when its host has no key, connect it through the loader (the one
 * place that connects streams from settings), reveal it.
 */
import * as vscode from 'vscode';
import { untrustedText } from '../../core/untrustedText';
import { appendStream } from '../settings';
import type { CommandDeps } from './commandDeps';
import { runStreamWizard } from './streamWizard';
import type { WizardProvider } from './streamWizard';
import { warpWizard } from './wizardWarp';
import { covalentWizard, evmWizard } from './wizardLogs';
import { goldRushWizard } from './wizardGoldRush';
import { suiWizard } from './wizardSui';

/** The providers offered in Add Stream, in order. A new provider adds its {@link WizardProvider} here. */
export const WIZARD_PROVIDERS: readonly WizardProvider[] = [warpWizard, suiWizard, goldRushWizard(evmWizard), evmWizard, covalentWizard];

/** Runs Add Stream; resolves with the new stream's id, or undefined when cancelled. */
export async function addStream(d: CommandDeps, providers: readonly WizardProvider[] = WIZARD_PROVIDERS): Promise<string | undefined> {
  const P = d.prompter();
  const def = await runStreamWizard(P, providers, new Set(d.registry.list().map((s) => s.id)));
  if (!def) return undefined;
  await appendStream(def);
  const problems = d.syncFromSettings();
  if (!d.registry.get(def.id)) throw new Error(`the stream "${def.label}" was saved but not loaded: ${problems.find((p) => p.includes(`"${def.id}"`)) ?? 'is the workspace trusted?'}`);
  d.logger.info(`stream added: ${def.label} (${def.provider})`);
  // EVM endpoints carry their key in the URL; public Sui nodes need none
  if (def.provider !== 'evm' && def.provider !== 'sui' && !(await d.keys.hasKey(def))) {
    const host = d.keys.hostFor(def);
    void P.ask(`Chain Watch: no API key saved for host ${untrustedText(host, 120)}. Set one to connect "${untrustedText(def.label || def.id, 80)}".`, ['Set API Key'], 'warn').then((c) => {
      if (c) void vscode.commands.executeCommand('chainWatch.setApiKey', def.id);
    });
  }
  await d.connectNew(def.id);
  void d.tree.reveal(def.id).catch(() => undefined);
  return def.id;
}
