// Placeholder entry point so the real-VS-Code harness can load the extension before the real one lands.
// The extension engineer owns this file and replaces it wholesale.
import type * as vscode from 'vscode';

/** Activates the extension; returns the (so far empty) public API object. */
export function activate(_context: vscode.ExtensionContext): Record<string, never> {
  return {};
}

/** Nothing to clean up yet. */
export function deactivate(): void {}
