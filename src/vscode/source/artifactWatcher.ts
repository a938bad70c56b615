/**
 * The workspace's contract artifacts for EVM streams: found with `workspace.findFiles`, read with `workspace.fs`
 * (sizes checked first) into the core {@link ArtifactIndex}, and kept current with a `FileSystemWatcher`. Nothing
 * happens at activation: the first EVM connection asks for the index, which loads the decoder chunk and scans then.
 * Files are only read, never run; proxy slot reads (network requests the workspace's deployment records lead to)
 * happen only in a trusted workspace.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ArtifactIndex } from '../../core/artifacts/artifactIndex';
import { ARTIFACT_EXCLUDE_GLOB, ARTIFACT_INCLUDE_GLOB } from '../../core/artifacts/artifactFiles';
import type { ArtifactFs, ArtifactSync } from '../../core/artifacts/artifactSync';
import { systemClock } from '../../core/clock';
import type { WorkspaceArtifacts } from '../../core/evm/evmStream';
import type { Logger } from '../../core/logger';
import { describeError } from '../../core/redact';

/** Candidate files found per scan at most (the index has its own file limit too). */
const MAX_FOUND = 10_000;
/** An ABI file a stream names is read up to this size, bytes. */
const MAX_ABI_FILE_BYTES = 16 * 1024 * 1024;

/** Finds, reads and watches the workspace's artifacts on first use (see the module comment). */
export class ArtifactWatcher implements WorkspaceArtifacts, vscode.Disposable {
  private started: Promise<ArtifactIndex | undefined> | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private sync: ArtifactSync | undefined;
  private disposed = false;

  constructor(private readonly logger: Logger) {}

  /** Whether proxy slots may be read: only in a trusted workspace. */
  mayReadProxies(): boolean {
    return vscode.workspace.isTrusted;
  }

  index(): Promise<ArtifactIndex | undefined> {
    return (this.started ??= this.start().catch((err) => {
      this.logger.warn(`workspace artifacts not read: ${describeError(err)}`);
      return undefined;
    }));
  }

  private async start(): Promise<ArtifactIndex | undefined> {
    if (!vscode.workspace.workspaceFolders?.length) return undefined;
    const { parseAbi } = await import('../../core/evm/evmDecode');
    const { ArtifactIndex } = await import('../../core/artifacts/artifactIndex');
    const { ArtifactSync } = await import('../../core/artifacts/artifactSync');
    const index = new ArtifactIndex(parseAbi);
    if (this.disposed) return undefined;
    const sync = (this.sync = new ArtifactSync(index, this.files(), { clock: systemClock, logger: this.logger }));
    // watching starts before the scan: a file deleted or changed while the scan runs is not missed
    const watcher = vscode.workspace.createFileSystemWatcher(ARTIFACT_INCLUDE_GLOB, false, false, true);
    const changed = (uri: vscode.Uri) => sync.changed(uri.toString());
    // a deleted folder (`forge clean`, `rm -rf artifacts`) is one event for the folder, none for the files in it,
    // and the folder's path does not match the artifact glob: deletions are watched on every path. A new folder's
    // first files can be written before the watcher watches that folder: a created artifact folder is scanned. A
    // folder deleted and made again within one batch of events (`rm -rf out && mkdir out`) is reported as changed.
    const paths = vscode.workspace.createFileSystemWatcher('**', false, false, false);
    this.subs.push(
      watcher,
      watcher.onDidCreate(changed),
      watcher.onDidChange(changed),
      paths,
      paths.onDidDelete((uri) => sync.deleted(uri.toString())),
      paths.onDidCreate((uri) => void sync.created(uri.toString())),
      paths.onDidChange((uri) => void sync.created(uri.toString())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        index.removeUnder('');
        void this.scan(sync);
      }),
    );
    const t0 = Date.now();
    await this.scan(sync);
    const s = index.stats();
    this.logger.info(`workspace artifacts: ${s.contracts} contract(s), ${s.events} event(s), ${s.addresses} deployed address(es) from ${s.files} file(s) in ${Date.now() - t0} ms`);
    for (const l of s.limitsHit) this.logger.warn(`workspace artifacts: ${l}`);
    for (const p of s.problems.slice(0, 10)) this.logger.info(`workspace artifacts: skipped ${p}`);
    return index;
  }

  /** The sync's file system: `workspace.fs` and `findFiles`, plus Node's folder watch for `file:` folders. */
  private files(): ArtifactFs {
    const uri = (u: string) => vscode.Uri.parse(u, true);
    return {
      stat: async (u) => {
        const s = await vscode.workspace.fs.stat(uri(u));
        return { directory: (s.type & vscode.FileType.Directory) !== 0, size: s.size };
      },
      readText: async (u) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri(u))),
      findJson: async (folder) =>
        (await vscode.workspace.findFiles(new vscode.RelativePattern(uri(folder), '**/*.json'), ARTIFACT_EXCLUDE_GLOB, MAX_FOUND)).map((f) => f.toString()),
      relative: (u) => this.relative(uri(u)),
      watchFolder: (folder, onEntry) => watchFolderEntries(uri(folder), onEntry),
    };
  }

  private async scan(sync: ArtifactSync): Promise<void> {
    const uris = await vscode.workspace.findFiles(ARTIFACT_INCLUDE_GLOB, ARTIFACT_EXCLUDE_GLOB, MAX_FOUND);
    if (uris.length >= MAX_FOUND) this.logger.warn(`workspace artifacts: more than ${MAX_FOUND.toLocaleString('en-US')} candidate files; only the first were looked at`);
    // sorted so that which files a limit leaves out does not depend on the file system's order
    for (const uri of uris.sort((a, b) => a.path.localeCompare(b.path))) {
      if (this.disposed) return;
      await sync.read(uri.toString());
    }
  }

  private relative(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  }

  async readAbiFile(path: string): Promise<string> {
    const rel = path.replace(/\\/g, '/');
    if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || rel.split('/').includes('..')) {
      throw new Error('an ABI file must be a path inside the workspace folder (no absolute path, no "..")');
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) throw new Error('no workspace folder is open');
    for (const folder of folders) {
      const uri = vscode.Uri.joinPath(folder.uri, rel);
      let size: number;
      try {
        size = (await vscode.workspace.fs.stat(uri)).size;
      } catch {
        continue;
      }
      if (size > MAX_ABI_FILE_BYTES) throw new Error(`${rel} is ${size.toLocaleString('en-US')} bytes, over the ${MAX_ABI_FILE_BYTES / (1024 * 1024)} MiB limit`);
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    }
    throw new Error(`${rel} was not found in the workspace`);
  }

  dispose(): void {
    this.disposed = true;
    this.sync?.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}

/**
 * Node's watch of one local folder's direct entries (inotify on Linux): what VS Code's recursive watcher misses in
 * folders created with their parent (see ArtifactSync). Undefined for a folder not on the local disk.
 */
function watchFolderEntries(folder: vscode.Uri, onEntry: (uri: string) => void): { dispose(): void } | undefined {
  if (folder.scheme !== 'file') return undefined;
  const w = fs.watch(folder.fsPath, { persistent: false }, (_event, name) => {
    onEntry((name ? vscode.Uri.joinPath(folder, String(name)) : folder).toString());
  });
  // the folder deleted or unreadable: the workspace's own delete event forgets what it held
  w.on('error', () => w.close());
  return { dispose: () => w.close() };
}
