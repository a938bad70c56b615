/**
 * Events meet the code, registered: the workspace source index (built on first use), Go to Event Definition, the
 * "Watch this event" CodeLens and the expected-event watchdog. Registration only: nothing is scanned or parsed at
 * activation.
 */
import * as vscode from 'vscode';
import type { CommandDeps } from '../commands/commandDeps';
import { registerEventSourceCommands } from '../commands/eventSource';
import type { FeedController } from '../feed/registerFeed';
import type { ChainEvent } from '../../core/event';
import { EventLensProvider, LENS_SELECTOR } from './eventLens';
import { sourceHoverText } from './goToEvent';
import { ExpectedEvents } from './expectedEvents';
import { WorkspaceSources } from './workspaceSources';

/** The parts, for the extension's test API. */
export interface EventSourceParts {
  sources: WorkspaceSources;
  expected: ExpectedEvents;
  /** The feed's hover text for an event: its declaration and doc comment, or why there is none. */
  describe(ev: ChainEvent): Promise<string>;
}

/**
 * The user settings.json beside the extension's global storage (`<user data>/User/globalStorage/<id>` ->
 * `<user data>/User/settings.json`). A guess where VS Code keeps it: the caller only reads it, and finds nothing when
 * the guess is wrong (a settings profile, a remote window whose settings are on the other machine).
 */
export function userSettingsFileOf(globalStorageUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(globalStorageUri, '..', '..', 'settings.json');
}

/** Registers the source features; everything returned goes into `context.subscriptions`. */
export function registerEventSource(
  d: CommandDeps,
  feed: FeedController,
  artifacts: () => Promise<{ deploymentsOf(contract: string, topic0: string): Array<{ address: string; chainId?: number; implementation?: string }> } | undefined>,
  globalStorageUri?: vscode.Uri,
): vscode.Disposable[] & { parts: EventSourceParts } {
  const sources = new WorkspaceSources(d.logger.child('source'));
  const lenses = new EventLensProvider(sources);
  const expected = new ExpectedEvents(d.registry, d.logger.child('expected'), sources, globalStorageUri && userSettingsFileOf(globalStorageUri));
  const list = [
    sources,
    lenses,
    expected,
    vscode.languages.registerCodeLensProvider(LENS_SELECTOR, lenses),
    sources.onDidChange(() => lenses.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('chainWatch.codeLens')) lenses.refresh();
    }),
    ...registerEventSourceCommands(d, {
      sources,
      findFeedEvent: (stream, id) => feed.findEvent(stream, id),
      deployments: async (contract, topic0) => (await artifacts())?.deploymentsOf(contract, topic0) ?? [],
    }),
  ];
  return Object.assign(list, { parts: { sources, expected, describe: (ev: ChainEvent) => sourceHoverText(sources, ev) } });
}
