/**
 * Every question a command asks goes through a {@link Prompter}, so integration tests can script the Add Stream
 * quick pick, key input, save dialog and confirmations (the API returned by `activate()` swaps it).
 */
import * as vscode from 'vscode';

/** One quick pick question. */
export interface PickOptions {
  title: string;
  placeholder?: string;
  step?: number;
  totalSteps?: number;
}

/** One input box question. `validate` returns an error text (blocking) or a validation message (a warning). */
export interface InputOptions {
  title: string;
  prompt: string;
  placeholder?: string;
  value?: string;
  password?: boolean;
  step?: number;
  totalSteps?: number;
  validate?: (value: string) => string | vscode.InputBoxValidationMessage | undefined;
}

/** The questions commands ask. Each resolves undefined when the user cancels. */
export interface Prompter {
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions): Promise<T | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
  /** A modal-free question with buttons; resolves with the chosen button. */
  ask<T extends string>(message: string, buttons: readonly T[], level?: 'info' | 'warn' | 'error'): Promise<T | undefined>;
  saveFile(options: { defaultUri?: vscode.Uri; filters: Record<string, string[]>; title: string }): Promise<vscode.Uri | undefined>;
}

function stepTitle(title: string, step?: number, total?: number): string {
  return step && total ? `${title} (${step}/${total})` : title;
}

/** The real prompter: quick picks, input boxes, notifications, the save dialog. */
export const windowPrompter: Prompter = {
  pick(items, o) {
    return Promise.resolve(
      vscode.window.showQuickPick(items as readonly vscode.QuickPickItem[], {
        title: stepTitle(o.title, o.step, o.totalSteps),
        ...(o.placeholder ? { placeHolder: o.placeholder } : {}),
        ignoreFocusOut: true,
        matchOnDescription: true,
      }),
    ) as Promise<never>;
  },
  input(o) {
    return Promise.resolve(
      vscode.window.showInputBox({
        title: stepTitle(o.title, o.step, o.totalSteps),
        prompt: o.prompt,
        ...(o.placeholder ? { placeHolder: o.placeholder } : {}),
        ...(o.value ? { value: o.value } : {}),
        password: o.password ?? false,
        ignoreFocusOut: true,
        ...(o.validate ? { validateInput: (v: string) => o.validate!(v) ?? null } : {}),
      }),
    );
  },
  ask(message, buttons, level = 'info') {
    const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warn' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return Promise.resolve(show(message, ...(buttons as readonly string[]))) as Promise<never>;
  },
  saveFile(o) {
    return Promise.resolve(vscode.window.showSaveDialog({ filters: o.filters, title: o.title, ...(o.defaultUri ? { defaultUri: o.defaultUri } : {}) }));
  },
};
