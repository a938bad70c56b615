/**
 * Expected events in the UI: every connected stream whose definition has `expectWithin` is timed by the core
 * {@link ExpectWatchdog}; an overdue one becomes a Problems entry (on the event's declaration when the source index
 * knows it, else on the settings file that defines the stream: the workspace's `.vscode/settings.json` or the user
 * settings) and a status bar warning, both cleared when the next event arrives or the stream disconnects. The source
 * index is built for this only once an expectation is overdue, never at activation.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { systemClock } from '../../core/clock';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { ExpectWatchdog, parseExpectWithin } from '../../core/source/expectWatchdog';
import type { OverdueEvent } from '../../core/source/expectWatchdog';
import type { SourceIndex } from '../../core/source/sourceIndex';
import type { StreamRegistry } from '../../core/stream/streamRegistry';
import { untrustedText } from '../../core/untrustedText';

/** States in which a stream is expected to deliver (a disconnected or stopped stream is not timed). */
const TIMED_STATES = new Set(['connecting', 'live', 'reconnecting']);
/** The Problems entries' source label. */
export const EXPECTED_SOURCE = 'Chain Watch';

/** Times expected events and shows the overdue ones. */
export class ExpectedEvents implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('chainWatch.expectedEvents');
  readonly item = vscode.window.createStatusBarItem('chainWatch.expectedEvents', vscode.StatusBarAlignment.Left, 48);
  private readonly dog: ExpectWatchdog;
  private readonly subs: vscode.Disposable[] = [];

  private indexAsked = false;
  private disposed = false;

  /**
   * @param sources the source index: `built()` when something built it, `index()` builds it (asked only once an
   *   expectation is overdue, never here: this runs at activation)
   * @param userSettingsFile the user settings.json, where streams from the user settings are defined (if known)
   */
  constructor(
    private readonly registry: StreamRegistry,
    private readonly logger: Logger,
    private readonly sources: { built(): SourceIndex | undefined; index(): Promise<SourceIndex> },
    private readonly userSettingsFile?: vscode.Uri,
    clock: Clock = systemClock,
  ) {
    this.dog = new ExpectWatchdog(clock, (overdue) => this.show(overdue));
    this.item.name = 'Chain Watch: Expected Events';
    this.item.command = 'workbench.actions.view.problems';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    const listen = (l: { dispose(): void }) => this.subs.push({ dispose: () => l.dispose() });
    listen(registry.onChange(() => this.sync()));
    listen(registry.onStatus(() => this.sync()));
    listen(
      registry.onEvents((b) => {
        if (b.events.some((e) => !e.removed)) this.dog.seen(b.stream);
      }),
    );
    this.sync();
  }

  /** The overdue expectations now (for tests and the status bar). */
  overdue(): OverdueEvent[] {
    return this.dog.overdue();
  }

  /** Starts or stops timing each stream from its definition and state. */
  sync(): void {
    const live = new Set<string>();
    for (const s of this.registry.list()) {
      const def = s.handle.definition;
      if (def.expectWithin === undefined || !TIMED_STATES.has(s.handle.status().state)) continue;
      const within = parseExpectWithin(def.expectWithin);
      if ('error' in within) continue;
      live.add(s.id);
      this.dog.watch(s.id, def.label || s.id, within.ms);
    }
    for (const s of this.registry.list()) if (!live.has(s.id)) this.dog.unwatch(s.id);
    for (const o of this.dog.overdue()) if (!this.registry.get(o.key)) this.dog.unwatch(o.key);
  }

  dispose(): void {
    this.disposed = true;
    this.dog.dispose();
    for (const s of this.subs) s.dispose();
    this.diagnostics.dispose();
    this.item.dispose();
  }

  private show(overdue: OverdueEvent[]): void {
    if (overdue.length && !this.sources.built() && !this.indexAsked) {
      // the declarations are worth a scan only now: show the entries again once the index is there
      this.indexAsked = true;
      void this.sources.index().then(
        () => {
          if (!this.disposed) this.show(this.dog.overdue());
        },
        (err: unknown) => this.logger.warn(`expected events: source index not built: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    this.diagnostics.clear();
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const o of overdue) {
      const place = this.placeFor(o.key);
      this.logger.warn(`[${o.key}] ${o.message}`);
      if (!place) continue;
      const d = new vscode.Diagnostic(place.range, `${untrustedText(o.message, 200)} (stream "${o.key}", expectWithin)`, vscode.DiagnosticSeverity.Warning);
      d.source = EXPECTED_SOURCE;
      const entry = byUri.get(place.uri.toString()) ?? { uri: place.uri, list: [] };
      entry.list.push(d);
      byUri.set(place.uri.toString(), entry);
    }
    for (const { uri, list } of byUri.values()) this.diagnostics.set(uri, list);
    if (!overdue.length) {
      this.item.hide();
      return;
    }
    this.item.text = overdue.length === 1 ? `$(warning) ${untrustedText(overdue[0]!.message, 60)}` : `$(warning) ${overdue.length} expected events overdue`;
    this.item.tooltip = overdue.map((o) => untrustedText(o.message, 200)).join('\n') + '\nClick for the Problems view.';
    this.item.accessibilityInformation = { label: `Chain Watch: ${overdue.map((o) => untrustedText(o.message, 200)).join('; ')}` };
    this.item.show();
  }

  /** Where a stream's Problems entry goes: its event's declaration, else the settings file defining it. */
  private placeFor(id: string): { uri: vscode.Uri; range: vscode.Range } | undefined {
    const def = this.registry.get(id)?.handle.definition;
    const topic0 = Array.isArray(def?.topics) && typeof def.topics[0] === 'string' ? def.topics[0] : undefined;
    const moveType = typeof def?.eventType === 'string' ? def.eventType : undefined;
    const index = this.sources.built();
    const key = topic0 ? { topic0 } : moveType ? { moveType } : undefined;
    if (index && key) {
      const r = index.lookup(key);
      const d = r.found.length === 1 ? r.found[0] : undefined;
      if (d) return { uri: vscode.Uri.file(d.file), range: new vscode.Range(d.nameLine, d.nameColumn, d.nameLine, d.nameColumn + d.name.length) };
    }
    const files = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => path.join(f.uri.fsPath, '.vscode', 'settings.json'));
    if (this.userSettingsFile?.scheme === 'file') files.push(this.userSettingsFile.fsPath);
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const at = text.search(new RegExp(`"id"\\s*:\\s*"${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
      if (at === -1) continue;
      const before = text.slice(0, at).split('\n');
      const line = before.length - 1;
      const col = before[before.length - 1]!.length;
      return { uri: vscode.Uri.file(file), range: new vscode.Range(line, col, line, col + id.length + 7) };
    }
    return undefined;
  }
}
