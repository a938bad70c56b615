/**
 * What every command group works with: {@link CommandDeps}, the error-reporting {@link registerCommand}, and the
 * stream / event pickers that item commands fall back to when run from the palette without a tree node.
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../../core/event';
import type { Logger } from '../../core/logger';
import type { RegisteredStream, StreamRegistry } from '../../core/stream/streamRegistry';
import { describeStatus, typeName } from '../../core/stream/streamText';
import { shortHash } from '../../feed/rowFormat';
import { describeError } from '../../core/redact';
import { untrustedText } from '../../core/untrustedText';
import type { Demo } from '../demo';
import type { EventDocuments } from '../eventDocument';
import type { OutputManager } from '../output';
import type { Prompter } from '../prompter';
import type { KeyStore } from '../secrets';
import type { StreamsTree, TreeNode } from '../streamsTree';

/** What the commands work with. */
export interface CommandDeps {
  registry: StreamRegistry;
  keys: KeyStore;
  output: OutputManager;
  tree: StreamsTree;
  docs: EventDocuments;
  demo: Demo;
  logger: Logger;
  /** The current prompter (swappable by tests). */
  prompter(): Prompter;
  /** Re-reads `chainWatch.streams` into the registry now; returns the problems found (skipped definitions). */
  syncFromSettings(): string[];
  /** Connects a stream just loaded from settings once its journal is restored (the loader's one connect path). */
  connectNew(id: string): Promise<void>;
  /** The user took control of connections: the credit guard forgets its pause. */
  userActed(): void;
}

/** What an item command receives: a tree node, a stream id, or nothing (from the palette). */
export type Arg = TreeNode | string | undefined;

/** The stream an argument points at: a stream id, a stream row, or an event/placeholder row under it. */
export function streamIdOf(arg: Arg): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string') return arg;
  return arg.kind === 'stream' ? arg.id : arg.stream;
}

/** A stream's display label (its id when it has none). */
export function streamLabel(s: RegisteredStream): string {
  return s.handle.definition.label || s.id;
}

/** Registers a command whose failures are logged and shown (resolving undefined) instead of thrown. */
export function registerCommand(d: CommandDeps, id: string, fn: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await fn(...args);
    } catch (err) {
      const msg = describeError(err);
      d.logger.error(`${id} failed: ${msg}`);
      void vscode.window.showErrorMessage(`Chain Watch: ${untrustedText(msg)}`);
      return undefined;
    }
  });
}

/** The stream `arg` points at, or (from the palette) the one the user picks among those passing `filter`. */
export async function pickStream(d: CommandDeps, arg: Arg, title: string, filter?: (s: RegisteredStream) => boolean): Promise<RegisteredStream | undefined> {
  const id = streamIdOf(arg);
  if (id) {
    const s = d.registry.get(id);
    if (!s) throw new Error(`no stream "${id}"`);
    return s;
  }
  const list = d.registry.list().filter((s) => !filter || filter(s));
  if (list.length === 0) {
    void vscode.window.showInformationMessage('Chain Watch: no stream to pick. Add one with "Chain Watch: Add Stream...".');
    return undefined;
  }
  if (list.length === 1) return list[0];
  const picked = await d.prompter().pick(
    list.map((s) => ({ label: streamLabel(s), description: describeStatus(s.handle.status(), Date.now(), d.registry.rate(s.id)), id: s.id })),
    { title, placeholder: 'Which stream?' },
  );
  return picked ? d.registry.get(picked.id) : undefined;
}

/** The event `arg` is, or one the user picks among the last 50 of a stream (passing `filter`). */
export async function pickEvent(d: CommandDeps, arg: Arg, title: string, filter: (e: ChainEvent) => boolean = () => true): Promise<ChainEvent | undefined> {
  if (arg && typeof arg !== 'string' && arg.kind === 'event') return arg.event;
  const s = await pickStream(d, arg, title);
  if (!s) return undefined;
  const events = s.handle.recent(50).filter(filter).reverse();
  if (!events.length) {
    void vscode.window.showInformationMessage(`Chain Watch: ${untrustedText(streamLabel(s), 80)} has no events yet.`);
    return undefined;
  }
  const picked = await d.prompter().pick(
    events.map((e) => ({ label: typeName(e.type, e.name), description: [e.name, e.digest && shortHash(e.digest, 6, 4)].filter(Boolean).join(' · '), detail: e.id, ev: e })),
    { title, placeholder: 'Which event?' },
  );
  return picked?.ev;
}
