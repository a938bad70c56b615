/**
 * One connection per stream across VS Code windows. Every window runs its own extension host, and Warp refuses a
 * second connection to a stream; two windows would also append to the same journal. So a window connects a
 * stream only while it holds the stream's lease: a small file under the extension's global storage
 * (`leases/<stream key>.json`, keyed by `streamKey()`: owner, pid, renewedAt), renewed every {@link LEASE_RENEW_MS} while connected and
 * taken over when its owner is gone or stopped renewing ({@link LEASE_TTL_MS}). No 'vscode' import.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Emitter } from '../emitter';
import type { Disposable } from '../emitter';
import type { ChainEvent } from '../event';
import type { ConnectMode, CreditSnapshot, GapInfo, StreamDefinition, StreamHandle, StreamNotice, StreamStatus } from './stream';
import { streamKey } from './streamKey';

/** A lease not renewed for this long is free, ms. */
export const LEASE_TTL_MS = 30_000;
/** Held leases are renewed this often, ms. */
export const LEASE_RENEW_MS = 10_000;

interface LeaseFile {
  owner: string;
  pid: number;
  renewedAt: number;
}

/** The lease files of one extension installation. */
export class StreamLeases {
  private readonly held = new Set<string>();

  /**
   * @param dir folder for the lease files (created on demand)
   * @param owner this window's unique owner id
   * @param now clock, ms since epoch
   * @param isAlive whether a process id still runs (default: `process.kill(pid, 0)`)
   * @param pid this window's extension host process id, written into the lease (default `process.pid`)
   */
  constructor(
    private readonly dir: string,
    readonly owner: string,
    private readonly now: () => number = Date.now,
    private readonly isAlive: (pid: number) => boolean = pidAlive,
    private readonly pid: number = process.pid,
  ) {}

  private file(id: string): string {
    return path.join(this.dir, `${encodeURIComponent(id)}.json`);
  }

  /** Who holds `id` now, if someone other than this window holds a valid lease. */
  heldElsewhere(id: string): LeaseFile | undefined {
    const l = this.read(id);
    if (!l || l.owner === this.owner) return undefined;
    if (this.now() - l.renewedAt > LEASE_TTL_MS || !this.isAlive(l.pid)) return undefined;
    return l;
  }

  /** Takes (or renews) the lease unless another live window holds it. Returns true when this window holds it. */
  acquire(id: string): boolean {
    if (this.heldElsewhere(id)) return false;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = `${this.file(id)}.${this.pid}.${this.owner.replace(/[^\w-]/g, '')}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ owner: this.owner, pid: this.pid, renewedAt: this.now() } satisfies LeaseFile));
      fs.renameSync(tmp, this.file(id));
    } catch {
      // a read-only or vanished storage folder: connect anyway rather than never (the server still refuses a twin)
      this.held.add(id);
      return true;
    }
    // two windows may have written at once: the file that stayed decides
    const won = this.read(id)?.owner === this.owner;
    if (won) this.held.add(id);
    return won;
  }

  /** Renews every lease this window holds (call every {@link LEASE_RENEW_MS}). */
  renewAll(): void {
    for (const id of [...this.held]) if (!this.acquire(id)) this.held.delete(id);
  }

  /** Gives a lease back (deletes the file when it is this window's). */
  release(id: string): void {
    this.held.delete(id);
    if (this.read(id)?.owner !== this.owner) return;
    try {
      fs.unlinkSync(this.file(id));
    } catch {
      // already gone
    }
  }

  /** Releases every lease this window holds. */
  releaseAll(): void {
    for (const id of [...this.held]) this.release(id);
  }

  private read(id: string): LeaseFile | undefined {
    try {
      const v = JSON.parse(fs.readFileSync(this.file(id), 'utf8')) as LeaseFile;
      return typeof v.owner === 'string' && typeof v.pid === 'number' && typeof v.renewedAt === 'number' ? v : undefined;
    } catch {
      return undefined;
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A {@link StreamHandle} that connects only while it holds the stream's lease. When another window holds it, a
 * connect is remembered (`waiting`) and {@link tryTakeOver} connects later, with a fresh inner handle so the
 * journal the other window wrote is read again (nothing replayed twice).
 */
export class LeasedHandle implements StreamHandle {
  private inner: StreamHandle;
  private innerSubs: Disposable[] = [];
  private wanted: ConnectMode | undefined;
  private elsewhere = false;
  private readonly eventsE = new Emitter<ChainEvent[]>();
  private readonly statusE = new Emitter<StreamStatus>();
  private readonly gapE = new Emitter<GapInfo>();
  private readonly noticeE = new Emitter<StreamNotice>();
  readonly onEvents = this.eventsE.event;
  readonly onStatus = this.statusE.event;
  readonly onGap = this.gapE.event;
  readonly onNotice = this.noticeE.event;
  /** The lease is keyed by the stream's identity (provider, host, stream or filter), not its predictable id. */
  private readonly leaseKey: string;

  constructor(
    readonly definition: StreamDefinition,
    private readonly create: (def: StreamDefinition) => StreamHandle,
    private readonly leases: StreamLeases,
  ) {
    this.leaseKey = streamKey(definition);
    this.inner = create(definition);
    this.wire();
  }

  /** True while another window holds this stream's connection. */
  get heldElsewhere(): boolean {
    return this.elsewhere;
  }

  get ready(): Promise<void> {
    return this.inner.ready;
  }

  status(): StreamStatus {
    const s = this.inner.status();
    if (this.elsewhere) s.message = 'connected in another VS Code window';
    return s;
  }

  credits(): CreditSnapshot {
    return this.inner.credits();
  }

  recent(limit?: number): ChainEvent[] {
    return this.inner.recent(limit);
  }

  connect(mode?: ConnectMode): void {
    if (!this.leases.acquire(this.leaseKey)) {
      this.wanted = mode ?? { kind: 'auto' };
      this.setElsewhere(true);
      return;
    }
    this.wanted = undefined;
    this.setElsewhere(false);
    this.inner.connect(mode);
  }

  disconnect(reason?: 'user' | 'paused'): void {
    this.wanted = undefined;
    this.setElsewhere(false);
    this.inner.disconnect(reason);
    this.leases.release(this.leaseKey);
  }

  reconnect(): void {
    if (!this.leases.acquire(this.leaseKey)) {
      this.wanted = { kind: 'auto' };
      this.setElsewhere(true);
      return;
    }
    this.inner.reconnect();
  }

  /** A waiting stream connects if the lease is free now. Returns true when it did. */
  tryTakeOver(): boolean {
    if (!this.wanted || !this.leases.acquire(this.leaseKey)) return false;
    const mode = this.wanted;
    this.wanted = undefined;
    // read the journal again: the other window appended to it
    for (const s of this.innerSubs) s.dispose();
    this.inner.dispose();
    this.inner = this.create(this.definition);
    this.wire();
    this.setElsewhere(false);
    this.inner.connect(mode);
    return true;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  /** Every journaled event of the inner handle (export). */
  readJournal(): Promise<ChainEvent[]> {
    return this.inner.readJournal();
  }

  dispose(): void {
    for (const s of this.innerSubs) s.dispose();
    this.inner.dispose();
    this.leases.release(this.leaseKey);
    this.eventsE.dispose();
    this.statusE.dispose();
    this.gapE.dispose();
    this.noticeE.dispose();
  }

  private wire(): void {
    this.innerSubs = [
      this.inner.onEvents((e) => this.eventsE.fire(e)),
      this.inner.onStatus((s) => {
        // a fatal stop frees the stream for other windows
        if (s.state === 'stopped') this.leases.release(this.leaseKey);
        this.statusE.fire(this.status());
      }),
      this.inner.onGap((g) => this.gapE.fire(g)),
      this.inner.onNotice((n) => this.noticeE.fire(n)),
    ];
  }

  private setElsewhere(v: boolean): void {
    if (this.elsewhere === v) return;
    this.elsewhere = v;
    this.statusE.fire(this.status());
  }
}

/**
 * Renews this window's leases every {@link LEASE_RENEW_MS} and lets waiting streams take over free ones.
 * `check()` does one round now (tests); `dispose()` stops the timer.
 */
export function startLeaseRenewal(
  leases: StreamLeases,
  streams: () => ReadonlyArray<{ id: string; handle: StreamHandle }>,
  log: (message: string) => void,
): { check(): void; dispose(): void } {
  const check = () => {
    leases.renewAll();
    for (const s of streams()) {
      if (s.handle instanceof LeasedHandle && s.handle.heldElsewhere && s.handle.tryTakeOver()) log(`[${s.id}] the other window let go of this stream: connecting here`);
    }
  };
  const timer = setInterval(check, LEASE_RENEW_MS);
  if (typeof timer.unref === 'function') timer.unref();
  return { check, dispose: () => clearInterval(timer) };
}
