// A Prompter for integration tests: answers each question from a script, in order, and records what was asked.
// A pick answer is a label (exact) or a predicate; an input answer is the text, which must pass the command's own
// validation (a blocking validation error fails the test); `undefined` cancels.
import type * as vscode from 'vscode';
import type { InputOptions, PickOptions, Prompter } from '../../../src/vscode/prompter';

export type Answer = string | ((items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined) | undefined | { save: vscode.Uri };

export class ScriptedPrompter implements Prompter {
  readonly asked: string[] = [];
  /** Validation messages the inputs produced (warnings included). */
  readonly validations: string[] = [];
  private readonly script: Answer[];

  constructor(script: Answer[], private readonly cancelWhenEmpty = true) {
    this.script = [...script];
  }

  get remaining(): number {
    return this.script.length;
  }

  private next(what: string): Answer {
    this.asked.push(what);
    if (this.script.length === 0) {
      if (this.cancelWhenEmpty) return undefined;
      throw new Error(`unexpected question: ${what}`);
    }
    return this.script.shift();
  }

  pick<T extends vscode.QuickPickItem>(items: readonly T[], o: PickOptions): Promise<T | undefined> {
    const a = this.next(`pick: ${o.title} / ${o.placeholder ?? ''}`);
    if (a === undefined) return Promise.resolve(undefined);
    if (typeof a === 'function') return Promise.resolve(a(items) as T | undefined);
    if (typeof a === 'string') {
      const found = items.find((i) => i.label === a);
      if (!found) return Promise.reject(new Error(`no item "${a}" in ${o.title}: ${items.map((i) => i.label).join(', ')}`));
      return Promise.resolve(found);
    }
    return Promise.reject(new Error(`pick got a non-pick answer in ${o.title}`));
  }

  input(o: InputOptions): Promise<string | undefined> {
    const a = this.next(`input: ${o.title} / ${o.prompt}`);
    if (a === undefined) return Promise.resolve(undefined);
    if (typeof a !== 'string') return Promise.reject(new Error(`input got a non-text answer in ${o.title}`));
    const v = o.validate?.(a);
    if (v !== undefined) {
      const msg = typeof v === 'string' ? v : v.message;
      this.validations.push(msg);
      // severity 1 = Info, 2 = Warning, 3 = Error (vscode.InputBoxValidationSeverity)
      if (typeof v === 'string' || v.severity === 3) return Promise.reject(new Error(`input "${a}" rejected: ${msg}`));
    }
    return Promise.resolve(a);
  }

  ask<T extends string>(message: string, buttons: readonly T[]): Promise<T | undefined> {
    const a = this.next(`ask: ${message}`);
    if (a === undefined) return Promise.resolve(undefined);
    if (typeof a === 'string' && (buttons as readonly string[]).includes(a)) return Promise.resolve(a as T);
    return Promise.reject(new Error(`no button "${String(a)}" for "${message}"`));
  }

  saveFile(o: { title: string }): Promise<vscode.Uri | undefined> {
    const a = this.next(`save: ${o.title}`);
    if (a && typeof a === 'object' && 'save' in a) return Promise.resolve(a.save);
    return Promise.resolve(undefined);
  }
}

/** Validation-only probe: returns what the command's validator says about `value` without answering. */
export function probeValidation(o: InputOptions, value: string): string | undefined {
  const v = o.validate?.(value);
  return v === undefined ? undefined : typeof v === 'string' ? v : v.message;
}
