/**
 * The set of streams the extension shows: one {@link StreamHandle} per definition, kept in step with the
 * `chainWatch.streams` setting (plus in-memory streams such as the demo), with merged events, per-stream rates,
 * an unseen-events counter for the view badge. Definitions are checked by streamDefinition.ts; the texts the
 * tree shows are in streamText.ts. Pure: no 'vscode', time from an injected {@link Clock}.
 */
import type { Clock } from '../clock';
import { Emitter } from '../emitter';
import type { Disposable } from '../emitter';
import type { ChainEvent } from '../event';
import type { CreditSnapshot, GapInfo, StreamDefinition, StreamHandle, StreamNotice, StreamStatus } from './stream';
import { totalCredits } from './credits';
import { validateDefinition } from './streamDefinition';

/** Where a registered stream came from. `settings` streams are written back on remove; `memory` ones are not. */
export type StreamOrigin = 'settings' | 'memory';

/** Creates the handle for one definition (the extension passes `createStreamHandle` with its deps bound). */
export type HandleFactory = (def: StreamDefinition, origin: StreamOrigin) => StreamHandle;

/** One registered stream. */
export interface RegisteredStream {
  readonly id: string;
  readonly origin: StreamOrigin;
  readonly handle: StreamHandle;
}

/** A batch of events from one stream. */
export interface StreamEvents {
  stream: string;
  events: ChainEvent[];
}

/** Counts of streams by state, for the connection status item. */
export interface RegistrySummary {
  total: number;
  live: number;
  connecting: number;
  reconnecting: number;
  stopped: number;
  idle: number;
  /** Streams stopped for a fatal reason (quota, key, refused, ...), not by the user or a pause. */
  failed: number;
  /** Some stream is stopped with `quota_exceeded`. */
  quotaExceeded: boolean;
}

/** Options of a {@link StreamRegistry}. */
export interface RegistryOptions {
  clock: Clock;
  /** Builds a handle for a definition. */
  factory: HandleFactory;
  /** Window the event rate is measured over, ms (default 10,000). */
  rateWindowMs?: number;
  /** Called when a listener throws (never rethrown). */
  onError?: (err: unknown) => void;
}

interface Entry extends RegisteredStream {
  subs: Disposable[];
  /** Receive times of recent events (ms), trimmed to the rate window. */
  times: number[];
}

/** True when two definitions would connect the same way (so an unchanged setting keeps its live handle). */
export function sameDefinition(a: StreamDefinition, b: StreamDefinition): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(def: StreamDefinition): unknown {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(def).sort()) {
    const v = (def as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Owns the stream handles. Call {@link sync} with the definitions from settings whenever they change; in-memory
 * streams (the demo) are added with {@link addMemory}. Fires merged events; never throws from a listener.
 */
export class StreamRegistry implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly eventsEmitter = new Emitter<StreamEvents>();
  private readonly statusEmitter = new Emitter<{ stream: string; status: StreamStatus }>();
  private readonly gapEmitter = new Emitter<GapInfo>();
  private readonly noticeEmitter = new Emitter<StreamNotice>();
  private readonly changeEmitter = new Emitter<void>();
  private unseenEvents = 0;
  private unseenErrors = 0;
  private readonly rateWindowMs: number;

  /** Fires with each batch of events of any stream. */
  readonly onEvents = this.eventsEmitter.event;
  /** Fires when any stream's status changes. */
  readonly onStatus = this.statusEmitter.event;
  /** Fires for every stream's gaps. */
  readonly onGap = this.gapEmitter.event;
  /** Fires for every stream's notices. */
  readonly onNotice = this.noticeEmitter.event;
  /** Fires when streams are added or removed. */
  readonly onChange = this.changeEmitter.event;

  constructor(private readonly opts: RegistryOptions) {
    this.rateWindowMs = opts.rateWindowMs ?? 10_000;
  }

  /**
   * Makes the `settings` streams match `defs`: new ids get a handle (idle), removed ids are disposed, changed
   * definitions are rebuilt (reconnected if the old one was running). Memory streams are untouched. Invalid or
   * duplicate definitions are skipped and reported in the returned list (the others still load).
   */
  sync(defs: readonly StreamDefinition[]): { added: string[]; removed: string[]; changed: string[]; problems: string[] } {
    const added: string[] = [];
    const removed: string[] = [];
    const changed: string[] = [];
    const problems: string[] = [];
    const wanted = new Map<string, StreamDefinition>();
    defs.forEach((def, i) => {
      const p = validateDefinition(def);
      if (p.length) {
        problems.push(`stream #${i + 1}${def && typeof def.id === 'string' ? ` "${def.id}"` : ''}: ${p.join('; ')}`);
        return;
      }
      if (wanted.has(def.id)) {
        problems.push(`stream #${i + 1}: duplicate id "${def.id}" (ignored)`);
        return;
      }
      const mem = this.entries.get(def.id);
      if (mem && mem.origin === 'memory') {
        problems.push(`stream #${i + 1}: id "${def.id}" is taken by ${mem.handle.definition.label ?? 'an in-memory stream'} (ignored)`);
        return;
      }
      wanted.set(def.id, def);
    });
    for (const [id, e] of [...this.entries]) {
      if (e.origin !== 'settings') continue;
      if (!wanted.has(id)) {
        this.drop(id);
        removed.push(id);
      }
    }
    for (const [id, def] of wanted) {
      const e = this.entries.get(id);
      try {
        if (!e) {
          this.insert(def, 'settings');
          added.push(id);
        } else if (!sameDefinition(e.handle.definition, def)) {
          const state = e.handle.status().state;
          this.drop(id);
          changed.push(id);
          const n = this.insert(def, 'settings');
          if (state === 'live' || state === 'connecting' || state === 'reconnecting') n.handle.connect({ kind: 'auto' });
        }
      } catch (err) {
        // the factory refused it (unknown provider...): report, keep loading the others
        problems.push(`stream "${id}": ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (added.length || removed.length || changed.length) this.changeEmitter.fire(undefined, this.opts.onError);
    return { added, removed, changed, problems };
  }

  /** Adds (or replaces) an in-memory stream that is not part of the settings (the demo). */
  addMemory(def: StreamDefinition): StreamHandle {
    if (this.entries.has(def.id)) this.drop(def.id);
    const e = this.insert(def, 'memory');
    this.changeEmitter.fire(undefined, this.opts.onError);
    return e.handle;
  }

  /** Disposes and forgets one stream (any origin). Returns false when unknown. */
  remove(id: string): boolean {
    if (!this.entries.has(id)) return false;
    this.drop(id);
    this.changeEmitter.fire(undefined, this.opts.onError);
    return true;
  }

  /** One stream, or undefined. */
  get(id: string): RegisteredStream | undefined {
    return this.entries.get(id);
  }

  /** Every stream, in insertion order (settings order first, as loaded). */
  list(): RegisteredStream[] {
    return [...this.entries.values()];
  }

  /**
   * Events per second over the rate window, as of now. Right after a connect the window is shortened to the time
   * connected (at least 1 s), so a fresh stream shows its real rate instead of ramping up over the window.
   */
  rate(id: string): number {
    const e = this.entries.get(id);
    if (!e) return 0;
    this.trim(e);
    if (e.times.length === 0) return 0;
    const since = e.handle.status().connectedSince;
    const spanMs = since === undefined ? this.rateWindowMs : Math.min(this.rateWindowMs, Math.max(1_000, this.opts.clock.now() - since));
    return e.times.length / (spanMs / 1000);
  }

  /** Counts by state. */
  summary(): RegistrySummary {
    const s: RegistrySummary = { total: 0, live: 0, connecting: 0, reconnecting: 0, stopped: 0, idle: 0, failed: 0, quotaExceeded: false };
    for (const e of this.entries.values()) {
      const st = e.handle.status();
      s.total++;
      s[st.state]++;
      if (st.state === 'stopped' && st.stopReason && st.stopReason !== 'user' && st.stopReason !== 'paused') s.failed++;
      if (st.stopReason === 'quota_exceeded') s.quotaExceeded = true;
    }
    return s;
  }

  /** Sum of every stream's credits. */
  credits(): CreditSnapshot {
    return totalCredits(this.list().map((e) => e.handle.credits()));
  }

  /** Events and errors since the last {@link markSeen} (the view badge). */
  unseen(): { events: number; errors: number } {
    return { events: this.unseenEvents, errors: this.unseenErrors };
  }

  /** Resets the unseen counters (the view became visible). */
  markSeen(): void {
    this.unseenEvents = 0;
    this.unseenErrors = 0;
  }

  /** Connects every stream that is idle or stopped (the user's "Connect All"). Returns the ids it connected. */
  connectAll(): string[] {
    const ids: string[] = [];
    for (const e of this.entries.values()) {
      const st = e.handle.status().state;
      if (st === 'idle' || st === 'stopped') {
        e.handle.connect({ kind: 'auto' });
        ids.push(e.id);
      }
    }
    return ids;
  }

  /**
   * Disconnects every running stream (live, connecting or reconnecting) with `reason`. Returns the ids it stopped,
   * so a pause can later resume exactly those.
   */
  disconnectAll(reason: 'user' | 'paused' = 'user'): string[] {
    const ids: string[] = [];
    for (const e of this.entries.values()) {
      const st = e.handle.status().state;
      if (st === 'live' || st === 'connecting' || st === 'reconnecting') {
        e.handle.disconnect(reason);
        ids.push(e.id);
      }
    }
    return ids;
  }

  /** Flushes every journal. */
  async flushAll(): Promise<void> {
    await Promise.all(this.list().map((e) => e.handle.flush().catch((err) => this.opts.onError?.(err))));
  }

  /** Disposes every handle (flush first when the journal matters: see {@link flushAll}). */
  dispose(): void {
    for (const id of [...this.entries.keys()]) this.drop(id);
    this.eventsEmitter.dispose();
    this.statusEmitter.dispose();
    this.gapEmitter.dispose();
    this.noticeEmitter.dispose();
    this.changeEmitter.dispose();
  }

  private insert(def: StreamDefinition, origin: StreamOrigin): Entry {
    const handle = this.opts.factory(def, origin);
    const e: Entry = { id: def.id, origin, handle, subs: [], times: [] };
    const onError = this.opts.onError;
    e.subs.push(
      handle.onEvents((events) => {
        const now = this.opts.clock.now();
        for (let i = 0; i < events.length; i++) e.times.push(now);
        this.trim(e);
        this.unseenEvents += events.length;
        this.eventsEmitter.fire({ stream: e.id, events }, onError);
      }),
      handle.onStatus((status) => {
        if (status.state === 'stopped' && status.stopReason && status.stopReason !== 'user' && status.stopReason !== 'paused') this.unseenErrors++;
        this.statusEmitter.fire({ stream: e.id, status }, onError);
      }),
      handle.onGap((gap) => this.gapEmitter.fire(gap, onError)),
      handle.onNotice((notice) => {
        if (notice.level === 'error') this.unseenErrors++;
        this.noticeEmitter.fire(notice, onError);
      }),
    );
    this.entries.set(def.id, e);
    return e;
  }

  private drop(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    for (const s of e.subs) s.dispose();
    try {
      e.handle.dispose();
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  private trim(e: Entry): void {
    const from = this.opts.clock.now() - this.rateWindowMs;
    let i = 0;
    while (i < e.times.length && (e.times[i] as number) <= from) i++;
    if (i) e.times.splice(0, i);
  }
}
