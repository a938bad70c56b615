/**
 * The Add Stream wizard: pick a provider (step 1), that provider's questions, a label (the last step). Every
 * question shows its exact place (`3/4`) from the provider's plan of questions (core `addStreamSteps`); a branch
 * that adds a question (Warp's "Custom endpoint...") replans. Each provider brings its questions as a
 * {@link WizardProvider} in its own module (wizardWarp.ts, wizardLogs.ts); a new provider adds one module and one
 * entry in addStream.ts. Asks only: saving and connecting are addStream.ts's job.
 */
import type * as vscode from 'vscode';
import type { Provider } from '../../core/event';
import type { StreamDefinition } from '../../core/stream/stream';
import { addStreamSteps, stepOf } from '../../core/stream/addStreamSteps';
import type { AddStreamStep } from '../../core/stream/addStreamSteps';
import type { InputOptions, PickOptions, Prompter } from '../prompter';
import { slugId, validateLabel } from './streamInput';

const TITLE = 'Add Stream';

/** What a provider's questions get: the prompter, with the wizard's title and the question's place filled in. */
export interface WizardPrompts {
  pick<T extends vscode.QuickPickItem>(items: readonly T[], placeholder: string, step: AddStreamStep): Promise<T | undefined>;
  input(options: Omit<InputOptions, 'title' | 'step' | 'totalSteps'> & { step: AddStreamStep }): Promise<string | undefined>;
  /** Replaces the plan of questions (an answer added or removed one). */
  replan(steps: readonly AddStreamStep[]): void;
}

/** One provider's part of the wizard. */
export interface WizardProvider {
  provider: Provider;
  /** Its entry in the provider pick. */
  label: string;
  description: string;
  /** Its questions, the provider pick first and the label last (default: core `addStreamSteps(provider)`). */
  steps?(def: StreamDefinition): AddStreamStep[];
  /**
   * Asks the provider's questions and fills `def` in. Resolves with the suggested label, or undefined when the
   * user cancelled.
   */
  ask(prompts: WizardPrompts, def: StreamDefinition): Promise<string | undefined>;
}

function wizardPrompts(p: Prompter): WizardPrompts {
  let plan: readonly AddStreamStep[] = ['provider'];
  return {
    // the total is known once the provider is: the first question shows only its place
    pick: (items, placeholder, step) =>
      p.pick(items, { title: TITLE, placeholder, ...(step === 'provider' ? { step: 1 } : stepOf(plan, step)) } satisfies PickOptions),
    input: ({ step, ...o }) => p.input({ ...o, title: TITLE, ...stepOf(plan, step) }),
    replan: (steps) => {
      plan = steps;
    },
  };
}

/**
 * Runs the wizard. Resolves with a complete definition (id unique among `takenIds`, `autoConnect: true`), or
 * undefined when the user cancelled at any step.
 */
export async function runStreamWizard(p: Prompter, providers: readonly WizardProvider[], takenIds: ReadonlySet<string>): Promise<StreamDefinition | undefined> {
  const prompts = wizardPrompts(p);
  const chosen = await prompts.pick(providers, 'Provider', 'provider');
  if (!chosen) return undefined;
  const def: StreamDefinition = { id: '', provider: chosen.provider, autoConnect: true };
  prompts.replan(chosen.steps ? chosen.steps(def) : addStreamSteps(chosen.provider));
  const suggested = await chosen.ask(prompts, def);
  if (suggested === undefined) return undefined;
  const name = await prompts.input({ prompt: 'Label shown in the Streams view', value: suggested, step: 'label', validate: validateLabel });
  if (name === undefined) return undefined;
  def.label = name.trim() || suggested;
  def.id = slugId(def.label, takenIds);
  return def;
}
