/**
 * The workspace's Solidity and Move sources as a {@link SourceIndex}, built on first use (never at activation): the
 * parsers (and viem's keccak) load as their own chunk, the workspace is scanned once, and a file watcher keeps the
 * index current afterwards. Open editors count with their unsaved text.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { describeError } from '../../core/redact';
import type * as SourceIndexModule from '../../core/source/sourceIndex';
import type { SourceIndex } from '../../core/source/sourceIndex';

/** What the scan looks at, and what it skips (dependencies, build output, VCS). */
export const SOURCE_GLOB = '**/{*.sol,*.move,Move.toml,Published.toml,Move.lock}';
const SOURCE_EXCLUDE = '{**/node_modules/**,**/.git/**,**/out/**,**/artifacts/**,**/cache/**,**/build/**,**/dist/**}';
/** Most files scanned, and the largest file read (bytes). */
const MAX_SCAN_FILES = 5_000;
const MAX_FILE_BYTES = 1_000_000;

type IndexModule = typeof SourceIndexModule;

/** The lazily built index of the workspace's event declarations. */
export class WorkspaceSources implements vscode.Disposable {
  private building: Promise<SourceIndex> | undefined;
  private ready: SourceIndex | undefined;
  private module: Promise<IndexModule> | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a source file changed after the first scan (CodeLenses refresh). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly logger: Logger) {
    this.subs.push(this.changed);
  }

  /** The index module (the parsers), loaded once. */
  load(): Promise<IndexModule> {
    return (this.module ??= import('../../core/source/sourceIndex'));
  }

  /** The index, scanning the workspace the first time. */
  index(): Promise<SourceIndex> {
    return (this.building ??= this.build());
  }

  /** The index if it has been built already (undefined: nothing has needed it yet). */
  built(): SourceIndex | undefined {
    return this.ready;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }

  private async build(): Promise<SourceIndex> {
    const { SourceIndex } = await this.load();
    const index = new SourceIndex();
    const started = Date.now();
    const uris = await vscode.workspace.findFiles(SOURCE_GLOB, SOURCE_EXCLUDE, MAX_SCAN_FILES);
    // manifests first, so package ids are known when the sources are read
    uris.sort((a, b) => Number(/\.(sol|move)$/.test(a.path)) - Number(/\.(sol|move)$/.test(b.path)));
    for (const uri of uris) await this.read(index, uri);
    this.logger.info(`source index: ${index.size} source files (${index.all().length} event declarations) in ${Date.now() - started} ms${uris.length >= MAX_SCAN_FILES ? `; stopped at ${MAX_SCAN_FILES} files` : ''}`);
    const watcher = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
    const update = (uri: vscode.Uri) => void this.read(index, uri).then(() => this.changed.fire());
    this.subs.push(
      watcher,
      watcher.onDidCreate(update),
      watcher.onDidChange(update),
      watcher.onDidDelete((uri) => {
        index.removeFile(uri.fsPath);
        this.changed.fire();
      }),
    );
    this.ready = index;
    return index;
  }

  private async read(index: SourceIndex, uri: vscode.Uri): Promise<void> {
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open) {
        index.setFile(uri.fsPath, open.getText());
        return;
      }
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_FILE_BYTES) {
        this.logger.info(`source index: ${vscode.workspace.asRelativePath(uri)} skipped (${stat.size} bytes, over ${MAX_FILE_BYTES})`);
        return;
      }
      index.setFile(uri.fsPath, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    } catch (err) {
      this.logger.warn(`source index: cannot read ${vscode.workspace.asRelativePath(uri)}: ${describeError(err)}`);
    }
  }
}
