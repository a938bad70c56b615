/**
 * The workspace's contract artifacts for EVM streams: found with `workspace.findFiles`, read with `workspace.fs`
 * (sizes checked first) into the core {@link ArtifactIndex}, and kept current with a `FileSystemWatcher`. Nothing
 * happens at activation: the first EVM connection asks for the index, which loads the decoder chunk and scans then.
 * Files are only read, never run; proxy slot reads (network requests the workspace's deployment records lead to)
 * happen only in a trusted workspace.
 */
import * as vscode from 'vscode';
import type { ArtifactIndex } from '../../core/artifacts/artifactIndex';
import { ARTIFACT_EXCLUDE_GLOB, ARTIFACT_INCLUDE_GLOB, classifyArtifactPath, folderMayHoldArtifacts, type ArtifactFileKind } from '../../core/artifacts/artifactFiles';
import type { WorkspaceArtifacts } from '../../core/evm/evmStream';
import type { Logger } from '../../core/logger';
import { describeError } from '../../core/redact';

/** Candidate files found per scan at most (the index has its own file limit too). */
const MAX_FOUND = 10_000;
/** An ABI file a stream names is read up to this size, bytes. */
const MAX_ABI_FILE_BYTES = 16 * 1024 * 1024;
/** Changes of one file within this long are read once, ms (a build rewrites many files in a burst). */
const CHANGE_DEBOUNCE_MS = 300;

/** Finds, reads and watches the workspace's artifacts on first use (see the module comment). */
export class ArtifactWatcher implements WorkspaceArtifacts, vscode.Disposable {
  private started: Promise<ArtifactIndex | undefined> | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
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
    const index = new ArtifactIndex(parseAbi);
    if (this.disposed) return undefined;
    const t0 = Date.now();
    await this.scan(index);
    const s = index.stats();
    this.logger.info(`workspace artifacts: ${s.contracts} contract(s), ${s.events} event(s), ${s.addresses} deployed address(es) from ${s.files} file(s) in ${Date.now() - t0} ms`);
    for (const l of s.limitsHit) this.logger.warn(`workspace artifacts: ${l}`);
    for (const p of s.problems.slice(0, 10)) this.logger.info(`workspace artifacts: skipped ${p}`);
    const watcher = vscode.workspace.createFileSystemWatcher(ARTIFACT_INCLUDE_GLOB, false, false, true);
    const changed = (uri: vscode.Uri) => this.later(index, uri);
    // a deleted folder (`forge clean`, `rm -rf artifacts`) is one event for the folder, none for the files in it,
    // and the folder's path does not match the artifact glob: deletions are watched on every path. A new folder's
    // first files can be written before the watcher watches that folder: a created artifact folder is scanned.
    const paths = vscode.workspace.createFileSystemWatcher('**', false, true, false);
    this.subs.push(
      watcher,
      watcher.onDidCreate(changed),
      watcher.onDidChange(changed),
      paths,
      paths.onDidDelete((uri) => this.forget(index, uri)),
      paths.onDidCreate((uri) => void this.createdFolder(index, uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        index.removeUnder('');
        void this.scan(index);
      }),
    );
    return index;
  }

  private async scan(index: ArtifactIndex): Promise<void> {
    const uris = await vscode.workspace.findFiles(ARTIFACT_INCLUDE_GLOB, ARTIFACT_EXCLUDE_GLOB, MAX_FOUND);
    if (uris.length >= MAX_FOUND) this.logger.warn(`workspace artifacts: more than ${MAX_FOUND.toLocaleString('en-US')} candidate files; only the first were looked at`);
    // sorted so that which files a limit leaves out does not depend on the file system's order
    for (const uri of uris.sort((a, b) => a.path.localeCompare(b.path))) {
      if (this.disposed) return;
      await this.read(index, uri);
    }
  }

  private relative(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  }

  /** Drops a deleted file, or every file under a deleted folder, from the index (and any read still pending). */
  private forget(index: ArtifactIndex, uri: vscode.Uri): void {
    const path = this.relative(uri);
    for (const [key, t] of this.pending) {
      if (key === uri.toString() || key.startsWith(`${uri.toString()}/`)) {
        clearTimeout(t);
        this.pending.delete(key);
      }
    }
    index.forgetPath(path);
    this.logger.debug(`artifact path ${path} deleted: forgotten`);
    // a delete event can arrive after the path was made again (`forge clean && forge build`): follow the disk
    void this.readAgainIfPresent(index, uri);
  }

  /** After a delete: when the path exists again (a file or a folder), its artifacts are read again. */
  private async readAgainIfPresent(index: ArtifactIndex, uri: vscode.Uri): Promise<void> {
    let type: vscode.FileType;
    try {
      type = (await vscode.workspace.fs.stat(uri)).type;
    } catch {
      return; // still gone
    }
    if (this.disposed) return;
    if (!(type & vscode.FileType.Directory)) this.later(index, uri);
    else if (folderMayHoldArtifacts(this.relative(uri))) await this.scanFolder(index, uri);
  }

  /** Reads the artifacts in a folder created under an artifact root (`out/`, `artifacts/`, ...); files are ignored. */
  private async createdFolder(index: ArtifactIndex, uri: vscode.Uri): Promise<void> {
    if (!folderMayHoldArtifacts(this.relative(uri))) return;
    try {
      if (!((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory)) return;
    } catch {
      return;
    }
    await this.scanFolder(index, uri);
  }

  /** Schedules a read of every JSON file under a folder (each read decides whether it is an artifact). */
  private async scanFolder(index: ArtifactIndex, uri: vscode.Uri): Promise<void> {
    try {
      for (const found of await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.json'), ARTIFACT_EXCLUDE_GLOB, MAX_FOUND)) {
        if (this.disposed) return;
        this.later(index, found);
      }
    } catch (err) {
      this.logger.debug(`artifact folder ${this.relative(uri)} not scanned: ${describeError(err)}`);
    }
  }

  private later(index: ArtifactIndex, uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.pending.get(key);
    if (t) clearTimeout(t);
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.read(index, uri);
      }, CHANGE_DEBOUNCE_MS),
    );
  }

  /** Reads one file into the index when its path names an artifact and its size is within the index's limits. */
  private async read(index: ArtifactIndex, uri: vscode.Uri, kind?: ArtifactFileKind): Promise<void> {
    const path = this.relative(uri);
    const k = kind ?? classifyArtifactPath(path);
    if (!k) return;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (!index.admit(path, stat.size)) return;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const held = index.update(path, text, k);
      this.logger.debug(`artifact ${path} read (${k}${held ? '' : ', nothing indexed'})`);
    } catch (err) {
      // deleted between the find and the read, or unreadable: nothing to index
      index.remove(path);
      this.logger.debug(`artifact ${path} not read: ${describeError(err)}`);
    }
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
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}
