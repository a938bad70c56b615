/**
 * The "Watch this event" CodeLens above each Solidity `event` declaration and each Move struct emitted as an event.
 * Cheap: it parses the document (and, for Move, the package's emit sites from the workspace index); no network. Only
 * in trusted workspaces, only while `chainWatch.codeLens.enabled`, never in files matching `chainWatch.codeLens.exclude`.
 */
import * as vscode from 'vscode';
import type { EventDeclaration } from '../../core/source/sourceIndex';
import type { WorkspaceSources } from './workspaceSources';

/** The command a lens runs (argument: the {@link EventDeclaration}). */
export const WATCH_EVENT_COMMAND = 'chainWatch.watchEvent';
/** The lens command for a declaration that cannot be watched (argument: the reason). */
export const CANNOT_WATCH_COMMAND = 'chainWatch.cannotWatchEvent';

/** Documents that get lenses. */
export const LENS_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.sol' },
  { scheme: 'file', pattern: '**/*.move' },
];

/** Whether lenses are on for a document (setting, exclusion globs, workspace trust). */
export function lensesEnabledFor(doc: vscode.TextDocument): boolean {
  if (!vscode.workspace.isTrusted) return false;
  const cfg = vscode.workspace.getConfiguration('chainWatch', doc.uri);
  if (!cfg.get<boolean>('codeLens.enabled', true)) return false;
  const exclude = cfg.get<unknown>('codeLens.exclude', []);
  const globs = Array.isArray(exclude) ? exclude.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [];
  return !globs.some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
}

/** Why a declaration cannot become a stream, or undefined when it can. */
export function cannotWatch(d: EventDeclaration): string | undefined {
  if (d.language === 'move') return undefined;
  if (d.anonymous) return `${d.name} is anonymous: its logs carry no topic0 to filter on`;
  if (!d.topic0) return `the selector of ${d.name} is unknown: ${d.unknownTypes?.join(', ') ?? 'a type'} is not declared in this file`;
  return undefined;
}

/** The CodeLens provider. */
export class EventLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly sources: WorkspaceSources) {}

  /** Asks VS Code to recompute the lenses (settings, trust or sources changed). */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!lensesEnabledFor(doc)) return [];
    const index = await this.sources.index();
    if (token.isCancellationRequested) return [];
    index.setFile(doc.uri.fsPath, doc.getText());
    return index.declarationsIn(doc.uri.fsPath).map((d) => {
      const range = new vscode.Range(d.line, d.column, d.line, d.column);
      const why = cannotWatch(d);
      return new vscode.CodeLens(
        range,
        why
          ? { title: 'Watch this event (not available)', tooltip: why, command: CANNOT_WATCH_COMMAND, arguments: [why] }
          : { title: 'Watch this event', tooltip: d.language === 'solidity' ? `Stream the ${d.name} logs (topic0 ${d.topic0!.slice(0, 10)}…) live` : `Stream ${d.moveType} events live`, command: WATCH_EVENT_COMMAND, arguments: [d] },
      );
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
