/** {@link FeedActions} in VS Code: clipboard, explorer links, JSON documents, the export dialog, saved filters. */
import * as os from 'os';
import * as vscode from 'vscode';
import type { ChainEvent } from '../../core/event';
import { LOCAL_EXPLORER_MESSAGE } from '../../core/explorers';
import type { Logger } from '../../core/logger';
import type { ExportFormat, ExportScope, SavedFilter } from '../../feed/protocol';
import { formatEvents } from '../exportFormat';
import type { Prompter } from '../prompter';
import type { FeedActions } from './messages';
import type { FeedSource } from './source';

/** Where the saved filters live in global state. */
const SAVED_FILTERS_KEY = 'chainWatch.feed.savedFilters';
const COPIED_MS = 2000;
const COPIED: Record<'digest' | 'json' | 'value', string> = { digest: 'digest', json: 'event JSON', value: 'value' };

/** The feed's host-side effects through the VS Code API. */
export class FeedHostActions implements FeedActions {
  /** The last file written by an export (for tests). */
  lastExport: vscode.Uri | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly source: FeedSource,
    private readonly prompter: () => Prompter,
    private readonly logger?: Logger,
  ) {}

  async copy(what: 'digest' | 'json' | 'value', text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${COPIED[what] ?? 'value'}`, COPIED_MS);
  }

  async openUrl(url: string | undefined, local: boolean): Promise<void> {
    if (!url) {
      void vscode.window.showWarningMessage(
        local ? `Chain Watch: ${LOCAL_EXPLORER_MESSAGE}.` : 'Chain Watch: no explorer link for this value (unknown format, or no explorer for this chain).',
      );
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  /** Opens an event as JSON (the source's document provider when it has one). */
  async openJson(ev: ChainEvent): Promise<void> {
    if (this.source.openJson) {
      await this.source.openJson(ev);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ content: JSON.stringify(ev, null, 2), language: 'json' });
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  info(message: string): void {
    void vscode.window.showInformationMessage(message);
  }

  async exportEvents(events: ChainEvent[], format: ExportFormat, scope: ExportScope, onlyStream: string | undefined): Promise<string | undefined> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const uri = await this.prompter().saveFile({
      title: `Export ${events.length.toLocaleString('en-US')} events (${scope})`,
      defaultUri: vscode.Uri.joinPath(base, `chain-watch-${onlyStream ?? 'feed'}-${stamp}.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : format === 'json' ? { JSON: ['json'] } : { NDJSON: ['ndjson', 'jsonl'] },
    });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(formatEvents(events, format), 'utf8'));
    this.lastExport = uri;
    return `wrote ${events.length.toLocaleString('en-US')} events to ${uri.path.split('/').pop()}`;
  }

  askFilterName(suggested: string): Promise<string | undefined> {
    return this.prompter().input({ title: 'Save Filter', prompt: 'Name of the saved filter', value: suggested });
  }

  savedFilters(): SavedFilter[] {
    const v = this.context.globalState.get<SavedFilter[]>(SAVED_FILTERS_KEY, []);
    return Array.isArray(v) ? v : [];
  }

  async storeSavedFilters(filters: SavedFilter[]): Promise<void> {
    await this.context.globalState.update(SAVED_FILTERS_KEY, filters);
  }

  warn(message: string): void {
    this.logger?.warn(message);
  }

  describeSource(ev: ChainEvent): Promise<string | undefined> {
    return this.source.describeSource ? this.source.describeSource(ev) : Promise.resolve(undefined);
  }

  viewPaused(paused: boolean): void {
    void vscode.commands.executeCommand('setContext', 'chainWatch.feedPaused', paused);
  }
}
