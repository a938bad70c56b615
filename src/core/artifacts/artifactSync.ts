/**
 * Keeps an {@link ArtifactIndex} in step with the disk as file events arrive: debounced reads of changed files,
 * forgetting deleted files and folders, reading a folder that appears, and the two races that used to leave a
 * deleted artifact decoding logs for good:
 *
 * - A read in flight when its path is deleted (or changed again) finishes after the delete was handled: its result
 *   is dropped, never put back into the index.
 * - A recursive file watcher on Linux (inotify, as VS Code's watcher uses it) does not watch folders created together
 *   with their parent (`mkdir -p`, `forge build` after `forge clean`, a file written into a new folder): it reports
 *   the first new folder only, and never anything inside the others, not even a delete (parcel-bundler/watcher#97).
 *   So the folders found under a created folder are watched here too, each by itself, through the host's
 *   {@link ArtifactFs.watchFolder}.
 *
 * Locations are URI strings (`/`-separated, a child is `parent + '/' + name`); the host maps them to index paths.
 * No I/O of its own: the host's {@link ArtifactFs} does it. Never throws.
 */
import type { Clock, TimerHandle } from '../clock';
import type { Logger } from '../logger';
import { describeError } from '../redact';
import type { ArtifactIndex } from './artifactIndex';
import { classifyArtifactPath, folderMayHoldArtifacts, type ArtifactFileKind } from './artifactFiles';

/** What the sync asks of the host's file system. Every method may reject; the sync handles it. */
export interface ArtifactFs {
  /** What is at `uri` now; rejects when nothing is. */
  stat(uri: string): Promise<{ directory: boolean; size: number }>;
  /** The file's text. */
  readText(uri: string): Promise<string>;
  /** The JSON files under a folder, at any depth (dependencies and caches left out). */
  findJson(folder: string): Promise<string[]>;
  /** The index path (workspace-relative, `/`-separated) of `uri`. */
  relative(uri: string): string;
  /**
   * Watches the direct entries of one folder by itself, calling `onEntry` with an entry's URI (or the folder's own
   * when the watcher does not say which entry) on any change; undefined when it cannot (another file system).
   */
  watchFolder?(folder: string, onEntry: (uri: string) => void): { dispose(): void } | undefined;
}

/** Options of an {@link ArtifactSync}. */
export interface ArtifactSyncOptions {
  clock: Clock;
  logger: Logger;
  /** Changes of one path within this long are read once, ms (a build rewrites many files in a burst). Default 300. */
  debounceMs?: number;
  /** Folders watched by themselves at most (default 1,000); past it a warning says changes there may be missed. */
  maxWatchedFolders?: number;
}

/** Default {@link ArtifactSyncOptions.debounceMs}. */
export const ARTIFACT_DEBOUNCE_MS = 300;
/** Default {@link ArtifactSyncOptions.maxWatchedFolders}. */
export const MAX_WATCHED_FOLDERS = 1_000;

/** Feeds file events into an index (see the module comment). */
export class ArtifactSync {
  private readonly pending = new Map<string, TimerHandle>();
  /** The read in flight per URI: a read whose token is no longer here lost its path to a delete or a newer event. */
  private readonly reading = new Map<string, object>();
  private readonly watched = new Map<string, { dispose(): void }>();
  private readonly debounceMs: number;
  private readonly maxWatched: number;
  private watchLimitTold = false;
  private disposed = false;

  constructor(
    private readonly index: ArtifactIndex,
    private readonly fs: ArtifactFs,
    private readonly opts: ArtifactSyncOptions,
  ) {
    this.debounceMs = opts.debounceMs ?? ARTIFACT_DEBOUNCE_MS;
    this.maxWatched = opts.maxWatchedFolders ?? MAX_WATCHED_FOLDERS;
  }

  /** Folders watched by themselves now (for the tests and the output). */
  get watchedFolders(): number {
    return this.watched.size;
  }

  /** A file was created or changed: it is read once its changes settle (and whatever read was in flight is void). */
  changed(uri: string): void {
    if (this.disposed) return;
    this.reading.delete(uri);
    const t = this.pending.get(uri);
    if (t) this.opts.clock.clearTimeout(t);
    this.pending.set(
      uri,
      this.opts.clock.setTimeout(() => {
        this.pending.delete(uri);
        void this.check(uri);
      }, this.debounceMs),
    );
  }

  /**
   * A path was deleted (a file, or a folder: one event for it, none for what it held): it is forgotten with every
   * read pending or in flight under it, and read again when it exists again (a delete event can arrive after the
   * path was made again, `forge clean && forge build`).
   */
  deleted(uri: string): void {
    if (this.disposed) return;
    this.forget(uri);
    this.opts.logger.debug(`artifact path ${this.fs.relative(uri)} deleted: forgotten`);
    void this.readAgainIfPresent(uri);
  }

  /**
   * A path was created (or a folder changed: deleted and made again within one batch of events): when it is a folder
   * that may hold artifacts, its JSON files are read and it is watched.
   */
  async created(uri: string): Promise<void> {
    if (this.disposed || !folderMayHoldArtifacts(this.fs.relative(uri))) return;
    let directory: boolean;
    try {
      directory = (await this.fs.stat(uri)).directory;
    } catch {
      return;
    }
    if (directory) await this.scanFolder(uri);
  }

  /** Reads one file into the index now (the first scan), when its path names an artifact. */
  async read(uri: string, kind?: ArtifactFileKind): Promise<void> {
    const path = this.fs.relative(uri);
    const k = kind ?? classifyArtifactPath(path);
    if (!k || this.disposed) return;
    const token = {};
    this.reading.set(uri, token);
    const current = () => this.reading.get(uri) === token && !this.disposed;
    try {
      const stat = await this.fs.stat(uri);
      if (!current()) return;
      if (!this.index.admit(path, stat.size)) {
        // over a limit now: what an older version of the file held is not kept either
        this.index.remove(path);
        return;
      }
      const text = await this.fs.readText(uri);
      if (!current()) {
        this.opts.logger.debug(`artifact ${path} read dropped: the path was deleted or changed meanwhile`);
        return;
      }
      const held = this.index.update(path, text, k);
      this.opts.logger.debug(`artifact ${path} read (${k}${held ? '' : ', nothing indexed'})`);
    } catch (err) {
      // deleted between the event and the read, or unreadable: nothing to index
      if (current()) this.index.remove(path);
      this.opts.logger.debug(`artifact ${path} not read: ${describeError(err)}`);
    } finally {
      if (this.reading.get(uri) === token) this.reading.delete(uri);
    }
  }

  /** A debounced path: a file is read, a folder scanned, a path that is gone forgotten. */
  private async check(uri: string): Promise<void> {
    let directory: boolean;
    try {
      directory = (await this.fs.stat(uri)).directory;
    } catch {
      // gone (a folder watched here reports its entries' deletes as plain changes)
      if (this.pending.has(uri) || this.disposed) return;
      this.forget(uri);
      this.opts.logger.debug(`artifact path ${this.fs.relative(uri)} gone: forgotten`);
      return;
    }
    if (this.disposed || this.pending.has(uri)) return;
    if (!directory) await this.read(uri);
    else if (folderMayHoldArtifacts(this.fs.relative(uri))) await this.scanFolder(uri);
  }

  private forget(uri: string): void {
    const under = (key: string) => key === uri || key.startsWith(`${uri}/`);
    for (const [key, t] of this.pending) {
      if (!under(key)) continue;
      this.opts.clock.clearTimeout(t);
      this.pending.delete(key);
    }
    for (const key of [...this.reading.keys()]) if (under(key)) this.reading.delete(key);
    for (const [key, w] of this.watched) {
      if (!under(key)) continue;
      w.dispose();
      this.watched.delete(key);
    }
    this.index.forgetPath(this.fs.relative(uri));
  }

  private async readAgainIfPresent(uri: string): Promise<void> {
    let directory: boolean;
    try {
      directory = (await this.fs.stat(uri)).directory;
    } catch {
      return; // still gone
    }
    if (this.disposed) return;
    if (!directory) this.changed(uri);
    else if (folderMayHoldArtifacts(this.fs.relative(uri))) await this.scanFolder(uri);
  }

  /**
   * Schedules a read of every JSON file under a new folder (each read decides whether it is an artifact), and
   * watches that folder and every folder between it and those files: the workspace's watcher may not (see the
   * module comment).
   */
  private async scanFolder(folder: string): Promise<void> {
    let found: string[];
    try {
      found = await this.fs.findJson(folder);
    } catch (err) {
      this.opts.logger.debug(`artifact folder ${this.fs.relative(folder)} not scanned: ${describeError(err)}`);
      return;
    }
    if (this.disposed) return;
    const before = this.watched.size;
    this.watch(folder);
    for (const file of found) {
      for (let dir = parentOf(file); dir.length > folder.length && dir.startsWith(`${folder}/`); dir = parentOf(dir)) this.watch(dir);
      this.changed(file);
    }
    this.opts.logger.debug(`artifact folder ${this.fs.relative(folder)} scanned: ${found.length} JSON file(s), ${this.watched.size - before} more folder(s) watched by themselves`);
  }

  private watch(folder: string): void {
    if (!this.fs.watchFolder || this.watched.has(folder)) return;
    if (this.watched.size >= this.maxWatched) {
      if (!this.watchLimitTold) this.opts.logger.warn(`workspace artifacts: more than ${this.maxWatched.toLocaleString('en-US')} new artifact folders; changes in the others are seen only if the workspace's file watcher reports them`);
      this.watchLimitTold = true;
      return;
    }
    try {
      const w = this.fs.watchFolder(folder, (entry) => this.changed(entry));
      if (w) this.watched.set(folder, w);
    } catch (err) {
      this.opts.logger.debug(`artifact folder ${this.fs.relative(folder)} not watched: ${describeError(err)}`);
    }
  }

  /** Stops every timer and folder watch; events after this are ignored. */
  dispose(): void {
    this.disposed = true;
    for (const t of this.pending.values()) this.opts.clock.clearTimeout(t);
    this.pending.clear();
    this.reading.clear();
    for (const w of this.watched.values()) w.dispose();
    this.watched.clear();
  }
}

function parentOf(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i > 0 ? uri.slice(0, i) : uri;
}
