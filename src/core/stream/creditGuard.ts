/**
 * Credit-burn protection that loses nothing. Rules:
 * - Idle pause: when no window has been *watched* (focused, with a Chain Watch view visible) for
 *   `pauseWhenIdleMinutes`, every running stream is paused (`disconnect('paused')`).
 * - Drain visits: while paused for idleness, each stream whose server keeps a replay (Warp: 30 minutes / 2,000
 *   events with nobody connected) is visited well before that buffer could expire or overflow: every
 *   {@link DRAIN_EVERY_MS}, sooner when its recent rate would put more than {@link DRAIN_TARGET_EVENTS} events in
 *   the buffer. A visit takes the replay (journaled, shown as drained, ACKed) and disconnects again.
 * - Resume is always a resume: a paused stream comes back in mode `continue` (from the last processed id, or
 *   `mode=resume` when there is none), never live.
 * - Honest words: when a pause did outlast what the server keeps (visits off, the machine slept, the buffer
 *   overflowed, a provider without replay), the return names the window that may be missing.
 * - One daily budget for every window: spend is added to a shared {@link SpendLedger}; once the day's total reaches
 *   `dailyBudget` every window pauses, the question is asked once (in a focused window) and its answer is shared; a
 *   stream taken over from another window ({@link CreditGuard.mayTakeOver}) respects the pause.
 * Pure: time from an injected {@link Clock}; the extension supplies focus, visibility and the stream operations.
 */
import type { Clock, TimerHandle } from '../clock';
import type { Disposable } from '../emitter';
import type { DrainResult } from './stream';
import type { SpendLedger } from './spendLedger';
import { memoryLedger } from './spendLedger';
import { backfillsOnResume, mayBeMissing, pauseCost, pauseNotice, returnNotice } from './creditText';
import type { GuardView } from './creditText';

/** Guard settings (`chainWatch.credits.*`). */
export interface CreditGuardSettings {
  /** Minutes with no watched window before streams pause; 0 disables (default {@link DEFAULT_IDLE_MINUTES}). */
  pauseWhenIdleMinutes: number;
  /** Daily credit budget across streams and windows; 0 disables (default 0). */
  dailyBudget: number;
  /** Monthly credit quota of the plan; 0 = unknown (default 1,000,000, the Free plan). */
  monthlyQuota?: number;
  /** Drain visits while paused (default true). */
  drainWhilePaused?: boolean;
}

/**
 * Default idle minutes. A working day of one-minute returns needs idle + return time well under a fifth of the
 * day connected; 5 minutes gives 63 + 4 x 5 = 83 of 480 minutes in the reference day (17%).
 */
export const DEFAULT_IDLE_MINUTES = 5;
/** How long Warp keeps a stream's buffer with no connection, ms. */
export const WARP_BUFFER_MS = 30 * 60_000;
/** How many events Warp buffers with no connection. */
export const WARP_BUFFER_EVENTS = 2_000;
/** The longest time between drain visits, ms (well inside {@link WARP_BUFFER_MS}). */
export const DRAIN_EVERY_MS = 20 * 60_000;
/** The shortest time between drain visits, ms. */
export const DRAIN_MIN_MS = 60_000;
/** A visit aims to find at most this many events waiting (half the buffer). */
export const DRAIN_TARGET_EVENTS = 1_000;
/** A failed visit is tried again after this long, ms. */
export const DRAIN_RETRY_MS = 60_000;
/** How often the rules are checked, ms. */
export const GUARD_TICK_MS = 30_000;
/** A window that started asking the budget question and gave no answer for this long lets another ask, ms. */
export const ASK_STALE_MS = 10 * 60_000;

/** Time to the next drain visit for a stream receiving `eventsPerMinute`: 20 min, sooner for busy streams. */
export function drainDelayMs(eventsPerMinute: number): number {
  if (!(eventsPerMinute > 0)) return DRAIN_EVERY_MS;
  const ms = (DRAIN_TARGET_EVENTS / eventsPerMinute) * 60_000;
  return Math.max(DRAIN_MIN_MS, Math.min(DRAIN_EVERY_MS, ms));
}

/** What the guard needs from the extension. */
export interface CreditGuardHost {
  /** Disconnects every running stream with reason `paused`; returns the ids it paused. */
  pauseAll(): string[];
  /** Reconnects these streams in mode `continue` (last processed id, else `mode=resume`; never live). */
  resume(ids: readonly string[]): void;
  /** A drain visit of one paused stream; undefined when that stream cannot drain (no replay, gone). */
  drain?(id: string): Promise<DrainResult> | undefined;
  /** The stream's provider (`warp`, `covalent`, `evm`, ...), undefined when unknown. */
  provider?(id: string): string | undefined;
  /** The stream's recent event rate, events per minute (0 when unknown). */
  eventsPerMinute?(id: string): number;
  /**
   * When the stream last heard from its server (ms since epoch; `StreamStatus.lastActivityAt`), if known. A stream
   * paused while it was still (re)connecting last had contact earlier than the pause: the buffer counts from then.
   */
  lastContactAt?(id: string): number | undefined;
  /** Total credits used by every stream in this session (may drop when a stream is removed). */
  totalCredits(): number;
  /** The lowest remaining quota a server reported, if any. */
  remaining?(): number | undefined;
  /** Latest time any other window was watched (ms since epoch); undefined = unknown. */
  lastFocusElsewhereAt?(): number | undefined;
  /** Tells the user something (already worded). */
  notify(message: string, level: 'info' | 'warn'): void;
  /** Events of stream `id` between `from` and `to` may be missing (a feed row, a tooltip line). */
  possibleLoss?(id: string, from: number, to: number, words: string): void;
  /** The daily budget was crossed and streams were paused; resolves with the user's choice. */
  budgetExceeded(spent: number, budget: number): Promise<'continue' | 'stay_paused'>;
}

/** Local calendar day `YYYY-MM-DD` of `ms`. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Why streams are paused by the guard, if they are. */
export type GuardPause = 'idle' | 'budget';

/** One stream the guard holds paused. */
interface PausedStream {
  id: string;
  provider: string;
  /** Drain visits keep its buffer. */
  drains: boolean;
  /** Last time a connection ended or a visit was live: the server's buffer is counted from here. */
  lastContactAt: number;
  nextDrainAt: number;
  visiting: boolean;
  /** Events taken by visits during this pause. */
  drained: number;
}

/** The guard. Call {@link focusChanged} / {@link viewVisibilityChanged} on changes and {@link check} whenever credits move. */
export class CreditGuard implements Disposable {
  private focused: boolean;
  private viewVisible: boolean;
  private lastWatchedAt: number;
  private paused: PausedStream[] = [];
  private pausedBy: GuardPause | undefined;
  /** When the guard's pause happened. */
  private pausedAt = 0;
  private losses: Array<{ id: string; words: string }> = [];
  private timer: TimerHandle | undefined;
  private day: string;
  /** `host.totalCredits()` as last added to the ledger. */
  private synced: number;
  private lastRemaining: number | undefined;
  private asking = false;
  private disposed = false;
  private readonly ledger: SpendLedger;

  /**
   * @param ledger shared spend (default: in memory, this window only)
   * @param focused whether this window is focused now
   * @param owner this window's id in the ledger (who asked the budget question)
   * @param viewVisible whether a Chain Watch view is visible now (default true)
   */
  constructor(
    private readonly clock: Clock,
    private readonly host: CreditGuardHost,
    private settings: CreditGuardSettings,
    ledger?: SpendLedger,
    focused = true,
    private readonly owner = 'this-window',
    viewVisible = true,
  ) {
    this.ledger = ledger ?? memoryLedger();
    this.focused = focused;
    this.viewVisible = viewVisible;
    this.lastWatchedAt = clock.now();
    this.day = dayKey(clock.now());
    this.synced = host.totalCredits();
    this.schedule();
  }

  /** Replaces the settings (a configuration change); takes effect at once. */
  update(settings: CreditGuardSettings): void {
    this.settings = settings;
    this.check();
  }

  /** Credits spent today by every window (an estimate). */
  spentToday(): number {
    this.sync();
    return this.ledger.dayTotal(this.day);
  }

  /** Credits used this month (an estimate; pinned to the server's figure when it reported `remaining`). */
  monthUsed(): number {
    this.sync();
    const month = this.day.slice(0, 7);
    const total = this.ledger.monthTotal(month);
    const cal = this.ledger.calibration(month);
    return cal ? cal.used + Math.max(0, total - cal.ledgerAt) : total;
  }

  /** True when a budget is set and today's spend reached it. */
  overBudget(): boolean {
    return this.settings.dailyBudget > 0 && this.spentToday() >= this.settings.dailyBudget;
  }

  /** Why the guard paused streams (undefined when it did not). */
  pausedReason(): GuardPause | undefined {
    return this.pausedBy;
  }

  /** Ids the guard paused and will resume. */
  pausedStreams(): readonly string[] {
    return this.paused.map((p) => p.id);
  }

  /** The guard's state for the status bar ({@link guardStatusText}). */
  view(): GuardView {
    const drains = this.paused.filter((p) => p.drains);
    const v: GuardView = {
      pausedBy: this.pausedBy,
      paused: this.paused.length,
      idleMinutes: this.settings.pauseWhenIdleMinutes,
      losses: this.losses.map((l) => l.words),
    };
    if (this.pausedBy === 'idle' && drains.length) {
      v.drainEveryMs = Math.min(...drains.map((p) => drainDelayMs(this.host.eventsPerMinute?.(p.id) ?? 0)));
    }
    return v;
  }

  /** What a pause costs each provider among the paused streams (plain words, one line per provider). */
  pauseCosts(): string[] {
    const seen = new Map<string, string>();
    for (const p of this.paused) {
      if (!seen.has(p.provider)) seen.set(p.provider, pauseCost(p.provider, p.drains, drainDelayMs(this.host.eventsPerMinute?.(p.id) ?? 0)));
    }
    return [...seen.values()];
  }

  /** Whether this window is watched: focused with a Chain Watch view visible. */
  watched(): boolean {
    return this.focused && this.viewVisible;
  }

  /** This window gained or lost focus. Being watched again after an idle pause resumes the paused streams. */
  focusChanged(focused: boolean): void {
    this.watchChanged(() => (this.focused = focused));
  }

  /** A Chain Watch view became visible or hidden in this window. */
  viewVisibilityChanged(visible: boolean): void {
    this.watchChanged(() => (this.viewVisible = visible));
  }

  /** Forgets the guard's pause without resuming (the user connected or disconnected streams by hand). */
  clearPause(): void {
    this.paused = [];
    this.pausedBy = undefined;
    this.losses = [];
  }

  /**
   * Whether a stream that was waiting for another window may connect here now. While the guard holds its streams
   * paused (or the budget is crossed and nobody said go on) it may not: it joins the paused streams instead and
   * comes back with them.
   */
  mayTakeOver(id: string): boolean {
    const blockedByBudget = this.overBudget() && this.ledger.decision(this.day)?.choice !== 'continue';
    if (!blockedByBudget && this.pausedBy === undefined) return true;
    if (!this.paused.some((p) => p.id === id)) this.paused.push(this.pausedEntry(id, this.clock.now()));
    if (blockedByBudget) this.pausedBy = 'budget';
    return false;
  }

  /** Applies every rule now. Called by the timer, on focus changes and whenever credits change. */
  check(): void {
    if (this.disposed) return;
    const now = this.clock.now();
    this.sync();
    this.calibrate();
    if (this.watched()) this.lastWatchedAt = now;
    if (this.pausedBy === 'idle') {
      // another window was watched after the idle pause: somebody is back, resume here too
      const other = this.host.lastFocusElsewhereAt?.();
      if (other !== undefined && other > this.pausedAt) this.resumePaused('Welcome back: resuming');
      else this.runDrains(now);
    }
    if (this.pausedBy === undefined && this.settings.pauseWhenIdleMinutes > 0 && !this.watched()) {
      const idleMs = this.settings.pauseWhenIdleMinutes * 60_000;
      const last = Math.max(this.lastWatchedAt, this.host.lastFocusElsewhereAt?.() ?? 0);
      if (now - last >= idleMs) this.pauseForIdle(now);
    }
    this.checkBudget(now);
  }

  dispose(): void {
    this.disposed = true;
    this.sync();
    this.clock.clearTimeout(this.timer);
  }

  // ---- idle pause and drain visits ------------------------------------------------------------------------------

  private watchChanged(apply: () => void): void {
    const was = this.watched();
    apply();
    // becoming watched or unwatched both mark the last watched moment
    if (was !== this.watched()) this.lastWatchedAt = this.clock.now();
    if (this.watched() && this.pausedBy === 'idle') this.resumePaused('Welcome back: resuming');
    this.check();
  }

  private pausedEntry(id: string, now: number): PausedStream {
    const provider = this.host.provider?.(id) ?? 'warp';
    const drains = provider === 'warp' && this.settings.drainWhilePaused !== false && this.host.drain !== undefined;
    const contact = this.host.lastContactAt?.(id);
    const lastContactAt = contact !== undefined && contact < now ? contact : now;
    const nextDrainAt = lastContactAt + drainDelayMs(this.host.eventsPerMinute?.(id) ?? 0);
    return { id, provider, drains, lastContactAt, nextDrainAt, visiting: false, drained: 0 };
  }

  private pauseForIdle(now: number): void {
    const ids = this.host.pauseAll();
    if (!ids.length) return;
    this.paused = ids.map((id) => this.pausedEntry(id, now));
    this.pausedBy = 'idle';
    this.pausedAt = now;
    this.losses = [];
    this.host.notify(pauseNotice(ids.length, this.settings.pauseWhenIdleMinutes, this.pauseCosts()), 'info');
  }

  private runDrains(now: number): void {
    for (const p of this.paused) {
      if (!p.drains || p.visiting || now < p.nextDrainAt) continue;
      const visit = this.host.drain?.(p.id);
      if (!visit) {
        p.drains = false;
        continue;
      }
      p.visiting = true;
      void visit.then(
        (r) => this.visited(p, r),
        () => this.visited(p, { ok: false, events: 0, endedAt: this.clock.now(), message: 'drain failed' }),
      );
    }
  }

  private visited(p: PausedStream, r: DrainResult): void {
    p.visiting = false;
    if (this.disposed || !this.paused.includes(p)) return;
    p.drained += r.events;
    if (r.liveAt !== undefined) {
      const sinceContact = r.liveAt - p.lastContactAt;
      if (sinceContact > WARP_BUFFER_MS) this.noteLoss(p, p.lastContactAt, r.liveAt, 'the pause outlasted the 30 minutes Warp keeps');
      else if (r.events >= WARP_BUFFER_EVENTS) this.noteLoss(p, p.lastContactAt, r.firstEventTime ?? r.liveAt, 'more than 2,000 events waited');
      const minutes = Math.max(1, sinceContact) / 60_000;
      p.lastContactAt = r.endedAt;
      p.nextDrainAt = r.endedAt + drainDelayMs(r.events / minutes);
    } else {
      p.nextDrainAt = r.endedAt + DRAIN_RETRY_MS;
    }
  }

  private noteLoss(p: PausedStream, from: number, to: number, why: string): void {
    const words = `${mayBeMissing(from, to)} on "${p.id}" (${why})`;
    this.losses.push({ id: p.id, words });
    this.host.possibleLoss?.(p.id, from, to, words);
  }

  private resumePaused(prefix: string): void {
    const now = this.clock.now();
    const list = this.paused;
    for (const p of list) {
      if (p.provider === 'warp' && !p.visiting && now - p.lastContactAt > WARP_BUFFER_MS) {
        this.noteLoss(p, p.lastContactAt, now, p.drains ? 'no drain visit reached the server in time' : 'the pause outlasted the 30 minutes Warp keeps');
      } else if (p.provider !== 'warp' && !backfillsOnResume(p.provider) && now > p.lastContactAt) {
        this.noteLoss(p, p.lastContactAt, now, `${p.provider} has no replay`);
      }
    }
    const losses = this.losses.map((l) => l.words);
    const drained = list.reduce((n, p) => n + p.drained, 0);
    this.paused = [];
    this.pausedBy = undefined;
    this.losses = [];
    if (!list.length) return;
    this.host.resume(list.map((p) => p.id));
    this.host.notify(returnNotice(prefix, list.length, drained, losses), losses.length ? 'warn' : 'info');
  }

  // ---- budget and quota -----------------------------------------------------------------------------------------

  private checkBudget(now: number): void {
    if (!this.overBudget()) return;
    const decision = this.ledger.decision(this.day);
    if (decision?.choice === 'continue') {
      if (this.pausedBy === 'budget') this.resumePaused('Going on past the daily budget: resuming');
      return;
    }
    if (decision?.choice === 'stay_paused') {
      // decided: streams the user connects by hand afterwards are theirs
      return;
    }
    const ids = this.host.pauseAll();
    if (ids.length || this.pausedBy === 'idle') {
      for (const id of ids) if (!this.paused.some((p) => p.id === id)) this.paused.push(this.pausedEntry(id, now));
      this.pausedBy = 'budget';
    }
    if (this.asking || !this.focused) return;
    if (decision?.choice === 'asking' && decision.owner !== this.owner && now - decision.at < ASK_STALE_MS) return;
    this.asking = true;
    this.ledger.setDecision(this.day, { choice: 'asking', owner: this.owner, at: now });
    const day = this.day;
    const settle = (choice: 'continue' | 'stay_paused') => {
      this.asking = false;
      this.ledger.setDecision(day, { choice, owner: this.owner, at: this.clock.now() });
      if (!this.disposed && choice === 'continue' && this.pausedBy === 'budget') this.resumePaused('Going on past the daily budget: resuming');
    };
    this.host.budgetExceeded(this.spentToday(), this.settings.dailyBudget).then(settle, () => settle('stay_paused'));
  }

  /** Adds this window's new spend to the ledger (never overwrites); rolls the day over. */
  private sync(): void {
    const today = dayKey(this.clock.now());
    if (today !== this.day) this.day = today;
    const total = this.host.totalCredits();
    const delta = total - this.synced;
    if (delta > 0) this.ledger.add(this.day, delta);
    this.synced = total;
  }

  /** A server-reported remaining quota pins the month's figure: used = quota - remaining. */
  private calibrate(): void {
    const remaining = this.host.remaining?.();
    const quota = this.settings.monthlyQuota ?? 0;
    if (remaining === undefined || remaining === this.lastRemaining || !(quota > 0)) return;
    this.lastRemaining = remaining;
    const month = this.day.slice(0, 7);
    this.ledger.setCalibration(month, { used: Math.max(0, quota - remaining), ledgerAt: this.ledger.monthTotal(month) });
  }

  private schedule(): void {
    if (this.disposed) return;
    this.timer = this.clock.setTimeout(() => {
      this.check();
      this.schedule();
    }, GUARD_TICK_MS);
  }
}
