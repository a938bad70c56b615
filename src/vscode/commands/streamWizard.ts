/**
 * The Add Stream wizard: pick a provider (step 1), that provider's questions (steps 2 to 4), a label (step 5).
 * Each provider brings its questions as a {@link WizardProvider} in its own module (wizardWarp.ts,
 * wizardLogs.ts); a new provider adds one module and one entry in addStream.ts. Asks only: saving and connecting
 * are addStream.ts's job.
 */
import type * as vscode from 'vscode';
import type { Provider } from '../../core/event';
import type { StreamDefinition } from '../../core/stream/stream';
import type { InputOptions, PickOptions, Prompter } from '../prompter';
import { slugId, validateLabel } from './streamInput';

/** Steps of the whole wizard (the provider pick, up to three provider steps, the label). */
export const WIZARD_STEPS = 5;
const TITLE = 'Add Stream';

/** What a provider's questions get: the prompter, with the wizard's title and step count filled in. */
export interface WizardPrompts {
  pick<T extends vscode.QuickPickItem>(items: readonly T[], placeholder: string, step: number): Promise<T | undefined>;
  input(options: Omit<InputOptions, 'title' | 'totalSteps'> & { step: number }): Promise<string | undefined>;
}

/** One provider's part of the wizard. */
export interface WizardProvider {
  provider: Provider;
  /** Its entry in the provider pick. */
  label: string;
  description: string;
  /**
   * Asks the provider's questions (steps 2..4) and fills `def` in. Resolves with the suggested label, or
   * undefined when the user cancelled.
   */
  ask(prompts: WizardPrompts, def: StreamDefinition): Promise<string | undefined>;
}

function wizardPrompts(p: Prompter): WizardPrompts {
  return {
    pick: (items, placeholder, step) => p.pick(items, { title: TITLE, placeholder, step, totalSteps: WIZARD_STEPS } satisfies PickOptions),
    input: (o) => p.input({ ...o, title: TITLE, totalSteps: WIZARD_STEPS }),
  };
}

/**
 * Runs the wizard. Resolves with a complete definition (id unique among `takenIds`, `autoConnect: true`), or
 * undefined when the user cancelled at any step.
 */
export async function runStreamWizard(p: Prompter, providers: readonly WizardProvider[], takenIds: ReadonlySet<string>): Promise<StreamDefinition | undefined> {
  const prompts = wizardPrompts(p);
  const chosen = await prompts.pick(providers, 'Provider', 1);
  if (!chosen) return undefined;
  const def: StreamDefinition = { id: '', provider: chosen.provider, autoConnect: true };
  const suggested = await chosen.ask(prompts, def);
  if (suggested === undefined) return undefined;
  const name = await prompts.input({ prompt: 'Label shown in the Streams view', value: suggested, step: WIZARD_STEPS, validate: validateLabel });
  if (name === undefined) return undefined;
  def.label = name.trim() || suggested;
  def.id = slugId(def.label, takenIds);
  return def;
}
