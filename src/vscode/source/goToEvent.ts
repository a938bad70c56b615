/**
 * `chainWatch.goToEventDefinition`: from a live event (a feed row, a tree event, or one picked from the palette) to
 * its declaration in the workspace: the Solidity `event` by the log's topic0, the Move struct by the event's type and
 * package id. Says in words when the workspace does not declare it. Also answers the feed's hover with the
 * declaration as text.
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../../core/event';
import type { EventDeclaration, LookupResult } from '../../core/source/sourceIndex';
import { untrustedText } from '../../core/untrustedText';
import type { WorkspaceSources } from './workspaceSources';

/** What the command resolves with (for tests): the place opened, or the reason nothing was. */
export type GoToResult = { file: string; line: number } | { reason: string };

/** Finds the declarations of an event (loads and builds the index on first use). */
export async function lookupEvent(sources: WorkspaceSources, ev: Pick<ChainEvent, 'provider' | 'type' | 'payload'>): Promise<LookupResult> {
  const { eventKeyOf } = await sources.load();
  const key = eventKeyOf(ev);
  if (!key) return { found: [], reason: ev.provider === 'evm' || ev.provider === 'covalent' ? 'this log has no topic0 (an anonymous event)' : 'this event carries no Move event type' };
  return (await sources.index()).lookup(key);
}

/** Where a declaration is, for messages: `src/Token.sol:21`. */
export function placeOf(d: EventDeclaration): string {
  return `${vscode.workspace.asRelativePath(vscode.Uri.file(d.file))}:${d.line + 1}`;
}

/** Opens a declaration with its name selected. */
export async function revealDeclaration(d: EventDeclaration): Promise<void> {
  const pos = new vscode.Range(d.nameLine, d.nameColumn, d.nameLine, d.nameColumn + d.name.length);
  await vscode.window.showTextDocument(vscode.Uri.file(d.file), { selection: pos, preview: true });
}

/** Opens the event's declaration (a pick when several share it); resolves with what happened. */
export async function goToEventDefinition(
  sources: WorkspaceSources,
  ev: ChainEvent,
  pick: <T extends vscode.QuickPickItem>(items: T[], title: string) => Promise<T | undefined>,
): Promise<GoToResult> {
  const r = await lookupEvent(sources, ev);
  const what = untrustedText(ev.type ?? ev.name, 120);
  if (!r.found.length) {
    const reason = `${what}: ${'reason' in r ? r.reason : 'not declared in the workspace'}`;
    void vscode.window.showInformationMessage(`Chain Watch: ${untrustedText(reason, 300)}.`);
    return { reason };
  }
  let target = r.found[0]!;
  if (r.found.length > 1) {
    const chosen = await pick(
      r.found.map((d) => ({ label: d.container ? `${d.container}.${d.name}` : d.name, description: placeOf(d), detail: d.declaration, d })),
      `Go to Event Definition: ${r.found.length} declarations of ${what}`,
    );
    if (!chosen) return { reason: 'cancelled' };
    target = chosen.d;
  }
  await revealDeclaration(target);
  if ('note' in r && r.note && r.found.length === 1) vscode.window.setStatusBarMessage(`$(info) ${r.note}`, 5_000);
  return { file: target.file, line: target.line };
}

/** The feed's hover answer: the declaration's signature and doc comment, as plain text (undefined: not declared). */
export async function describeEventSource(sources: WorkspaceSources, ev: ChainEvent): Promise<{ declaration: string; doc?: string; place: string } | { reason: string }> {
  const r = await lookupEvent(sources, ev);
  const d = r.found[0];
  if (!d) return { reason: 'reason' in r ? r.reason : 'not declared in the workspace' };
  return { declaration: d.declaration, ...(d.doc ? { doc: d.doc } : {}), place: placeOf(d) + (r.found.length > 1 ? ` (+${r.found.length - 1} more)` : '') };
}

/** Longest hover text sent to the feed, in characters. */
const HOVER_MAX_CHARS = 1_500;

/** The feed's hover text: `declaration`, the doc comment, `file:line`; or "Not declared in the workspace: why". */
export async function sourceHoverText(sources: WorkspaceSources, ev: ChainEvent): Promise<string> {
  try {
    const r = await describeEventSource(sources, ev);
    const text = 'reason' in r ? `Not declared in the workspace: ${r.reason}` : [r.declaration, r.doc, r.place].filter(Boolean).join('\n\n');
    return text.slice(0, HOVER_MAX_CHARS);
  } catch (err) {
    return `Source lookup failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, HOVER_MAX_CHARS);
  }
}
