// ArtifactSync: the artifact index follows the disk through file events, on a fake clock and a fake disk whose
// answers the test hands out in any order. Two races used to leave a deleted artifact decoding logs for good (the
// integration test's flake): a read in flight when its file is deleted, and a file in a folder created with its
// parent, which the workspace's recursive watcher (inotify) never watches, so no delete event ever comes for it.
import * as assert from 'assert';
import { ArtifactIndex } from '../../src/core/artifacts/artifactIndex';
import { ArtifactSync, type ArtifactFs } from '../../src/core/artifacts/artifactSync';
import { FakeClock } from '../../src/core/clock';
import { createLogger, MemorySink } from '../../src/core/logger';
import { parseAbi } from '../../src/core/evm/evmDecode';

const ROOT = 'file:///ws';
const LIVE = `${ROOT}/out/LiveToken.sol/LiveToken.json`;
const LIVE_PATH = 'out/LiveToken.sol/LiveToken.json';
const artifact = (names: [string, string, string]) =>
  JSON.stringify({
    abi: [{ type: 'event', name: 'Transfer', anonymous: false, inputs: [{ name: names[0], type: 'address', indexed: true }, { name: names[1], type: 'address', indexed: true }, { name: names[2], type: 'uint256', indexed: false }] }],
  });
const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

/**
 * A disk of files by URI (folders are implied by the paths). Each answer is taken when asked (as the OS does: a
 * file opened before it is deleted still reads) and, with `manual`, handed out only when the test releases it.
 * `watchFolder` sees the direct entries of a folder, as Node's per-folder watch does.
 */
class FakeDisk implements ArtifactFs {
  readonly files = new Map<string, string>();
  manual = false;
  readonly held: Array<{ what: string; release: () => void }> = [];
  readonly watchers = new Map<string, (uri: string) => void>();
  reads = 0;
  watchable = true;

  private answer<T>(what: string, get: () => T): Promise<T> {
    let result: { ok: true; value: T } | { ok: false; err: unknown };
    try {
      result = { ok: true, value: get() };
    } catch (err) {
      result = { ok: false, err };
    }
    return new Promise<T>((resolve, reject) => {
      const release = () => (result.ok ? resolve(result.value) : reject(result.err));
      if (this.manual) this.held.push({ what, release });
      else release();
    });
  }

  private isDir(uri: string): boolean {
    return [...this.files.keys()].some((f) => f.startsWith(`${uri}/`));
  }

  stat(uri: string) {
    return this.answer(`stat ${uri}`, () => {
      if (this.files.has(uri)) return { directory: false, size: this.files.get(uri)!.length };
      if (this.isDir(uri)) return { directory: true, size: 0 };
      throw new Error(`ENOENT ${uri}`);
    });
  }

  readText(uri: string) {
    this.reads++;
    return this.answer(`read ${uri}`, () => {
      const t = this.files.get(uri);
      if (t === undefined) throw new Error(`ENOENT ${uri}`);
      return t;
    });
  }

  findJson(folder: string) {
    return this.answer(`find ${folder}`, () => [...this.files.keys()].filter((f) => f.startsWith(`${folder}/`) && f.endsWith('.json')).sort());
  }

  relative(uri: string): string {
    return uri.slice(ROOT.length + 1);
  }

  watchFolder(folder: string, onEntry: (uri: string) => void) {
    if (!this.watchable) return undefined;
    this.watchers.set(folder, onEntry);
    return { dispose: () => this.watchers.delete(folder) };
  }

  /** Writes a file; the per-folder watch of its folder (if any) sees it. */
  write(uri: string, text: string): void {
    this.files.set(uri, text);
    this.touch(uri);
  }

  /** Deletes a file, or a folder with everything in it. */
  delete(uri: string): void {
    for (const f of [...this.files.keys()]) if (f === uri || f.startsWith(`${uri}/`)) this.files.delete(f);
    this.touch(uri);
  }

  private touch(uri: string): void {
    this.watchers.get(uri.slice(0, uri.lastIndexOf('/')))?.(uri);
  }

  /** Hands out the held answer whose description starts with `what` (the oldest such). */
  release(what: string): void {
    const i = this.held.findIndex((h) => h.what.startsWith(what));
    assert.ok(i >= 0, `no held "${what}" (held: ${this.held.map((h) => h.what).join('; ')})`);
    this.held.splice(i, 1)[0]!.release();
  }
}

/** Lets every promise continuation that can run, run (the fake disk answers at once unless manual). */
const settle = () => new Promise<void>((r) => setImmediate(r));

function rig(opts: { maxWatchedFolders?: number } = {}) {
  const clock = new FakeClock();
  const disk = new FakeDisk();
  const sink = new MemorySink();
  const index = new ArtifactIndex(parseAbi);
  const sync = new ArtifactSync(index, disk, { clock, logger: createLogger(sink), debounceMs: 300, ...opts });
  /** Lets pending answers schedule their reads, steps past the debounce and lets the reads finish. */
  const debounce = async () => {
    for (let i = 0; i < 5; i++) await settle();
    clock.advance(300);
    for (let i = 0; i < 5; i++) await settle();
  };
  /** The parameter names the index decodes a Transfer with, from the LiveToken artifact; undefined when none. */
  const liveNames = () => {
    const l = index.byTopic(TRANSFER);
    if (l.scope !== 'global') return undefined;
    const e = l.layouts.find((x) => x.event.path === LIVE_PATH);
    return e?.event.entry.event.inputs.map((i) => i.name);
  };
  return { clock, disk, sink, index, sync, debounce, liveNames };
}

describe('ArtifactSync: the index follows the disk', () => {
  it('a read in flight when its file is deleted does not put the deleted artifact back', async () => {
    const { disk, sync, debounce, liveNames } = rig();
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    sync.changed(LIVE);
    await debounce();
    assert.deepStrictEqual(liveNames(), ['sender', 'receiver', 'amount']);

    // a second event for the file (a build writes it twice): its read opens the file before the delete...
    disk.manual = true;
    sync.changed(LIVE);
    await debounce();
    disk.release(`stat ${LIVE}`); // the debounced check
    await settle();
    disk.release(`stat ${LIVE}`); // the read's own stat
    await settle();
    assert.strictEqual(disk.held[0]?.what, `read ${LIVE}`, 'the read is in flight, its text taken before the delete');
    // ...the file is deleted and its delete event handled...
    disk.delete(LIVE);
    sync.deleted(LIVE);
    assert.strictEqual(liveNames(), undefined, 'forgotten at once');
    // ...and then the read's text arrives: it must not revive the artifact
    disk.release(`read ${LIVE}`);
    while (disk.held.length) disk.release('');
    for (let i = 0; i < 5; i++) await settle();
    assert.strictEqual(liveNames(), undefined, 'the late read was dropped');
  });

  it('a file in a folder created with its parent is forgotten when deleted, though the workspace watcher reports nothing there', async () => {
    const { disk, sync, debounce, liveNames } = rig();
    // `writeFile` / `mkdir -p` makes out/ and out/LiveToken.sol/ at once: the workspace watcher reports out/ only
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    await sync.created(`${ROOT}/out`);
    await debounce();
    assert.deepStrictEqual(liveNames(), ['sender', 'receiver', 'amount'], 'the created folder was scanned');
    assert.ok(disk.watchers.has(`${ROOT}/out/LiveToken.sol`), 'the folder the workspace watcher misses is watched by itself');

    // deleting the file: no workspace event at all (its folder is not watched there); only the folder's own watch sees it
    disk.delete(LIVE);
    await debounce();
    assert.strictEqual(liveNames(), undefined, 'the deleted artifact no longer decodes');

    // written again: read again, and a rewrite with another ABI replaces it (no workspace event either)
    disk.write(LIVE, artifact(['from', 'to', 'value']));
    await debounce();
    assert.deepStrictEqual(liveNames(), ['from', 'to', 'value']);
  });

  it('without a folder watch (another file system) the scan still reads what a created folder holds', async () => {
    const { disk, sync, debounce, liveNames } = rig();
    disk.watchable = false;
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    await sync.created(`${ROOT}/out`);
    await debounce();
    assert.deepStrictEqual(liveNames(), ['sender', 'receiver', 'amount']);
    assert.strictEqual(sync.watchedFolders, 0);
  });

  it('a deleted folder forgets its files, drops its folder watches and any read pending under it', async () => {
    const { disk, sync, debounce, liveNames, index } = rig();
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    await sync.created(`${ROOT}/out`);
    await debounce();
    assert.ok(liveNames());
    assert.strictEqual(sync.watchedFolders, 2, 'out/ and out/LiveToken.sol/');
    sync.changed(LIVE); // a change pending when the folder goes
    disk.delete(`${ROOT}/out`);
    sync.deleted(`${ROOT}/out`);
    await debounce();
    assert.strictEqual(liveNames(), undefined);
    assert.strictEqual(index.stats().files, 0);
    assert.strictEqual(sync.watchedFolders, 0);
    assert.strictEqual(disk.watchers.size, 0, 'the folder watches were closed');
  });

  it('a delete event arriving after the path was made again reads it again', async () => {
    const { disk, sync, debounce, liveNames } = rig();
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    sync.changed(LIVE);
    await debounce();
    // forge clean && forge build: the file is back by the time the delete event is handled
    disk.write(LIVE, artifact(['from', 'to', 'value']));
    sync.deleted(LIVE);
    await debounce();
    assert.deepStrictEqual(liveNames(), ['from', 'to', 'value']);
  });

  it('a burst of changes to one file is read once, after the last', async () => {
    const { disk, sync, clock, debounce, liveNames } = rig();
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    for (let i = 0; i < 5; i++) {
      sync.changed(LIVE);
      clock.advance(100);
    }
    await settle();
    assert.strictEqual(disk.reads, 0, 'nothing read while the changes go on');
    await debounce();
    assert.strictEqual(disk.reads, 1);
    assert.ok(liveNames());
  });

  it('a file grown over the per-file limit is not kept in its old form', async () => {
    const clock = new FakeClock();
    const disk = new FakeDisk();
    const index = new ArtifactIndex(parseAbi, { maxFileBytes: 1_000 });
    const sync = new ArtifactSync(index, disk, { clock, logger: createLogger(new MemorySink()) });
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    await sync.read(LIVE);
    assert.strictEqual(index.stats().files, 1);
    disk.write(LIVE, JSON.stringify({ abi: [], pad: 'x'.repeat(2_000) }));
    sync.changed(LIVE);
    clock.advance(300);
    for (let i = 0; i < 5; i++) await settle();
    assert.strictEqual(index.stats().files, 0);
    assert.ok(index.stats().limitsHit.some((l) => /per-file limit/.test(l)), JSON.stringify(index.stats().limitsHit));
  });

  it('watches at most maxWatchedFolders folders by themselves, and says so once', async () => {
    const { disk, sync, debounce, sink } = rig({ maxWatchedFolders: 2 });
    for (const name of ['A', 'B', 'C']) disk.write(`${ROOT}/out/${name}.sol/${name}.json`, artifact(['a', 'b', 'c']));
    await sync.created(`${ROOT}/out`);
    await debounce();
    assert.strictEqual(sync.watchedFolders, 2);
    assert.strictEqual(sink.lines.filter((l) => l.level === 'warn' && /new artifact folders/.test(l.message)).length, 1);
  });

  it('after dispose, events do nothing and no timer is left', async () => {
    const { disk, sync, clock, debounce, index } = rig();
    disk.write(LIVE, artifact(['sender', 'receiver', 'amount']));
    await sync.created(`${ROOT}/out`);
    sync.dispose();
    assert.strictEqual(clock.pendingTimers, 0);
    assert.strictEqual(disk.watchers.size, 0);
    sync.changed(LIVE);
    await debounce();
    assert.strictEqual(index.stats().files, 0);
  });
});
