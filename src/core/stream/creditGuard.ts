/**
 * Credit-burn protection. Two rules:
 * - Idle pause: when no VS Code window has been focused for `pauseWhenIdleMinutes`, every running stream is
 *   paused (`disconnect('paused')`); when this window (or, seen at the next check, another one) is focused again,
 *   exactly those streams reconnect in mode
 *   `auto` (from the last processed id), so a pause shorter than the server's buffer (30 min) loses nothing.
 * - Daily budget: once today's credits reach `dailyBudget`, every running stream is paused and the user is asked
 *   (through {@link CreditGuardHost.budgetExceeded}) whether to go on.
 * Pure: time from an injected {@link Clock}; the extension supplies focus and the stream operations.
 */
import type { Clock, TimerHandle } from '../clock';
import type { Disposable } from '../emitter';

/** Guard settings. */
export interface CreditGuardSettings {
  /** Minutes without any focused window before streams pause; 0 disables (default 15). */
  pauseWhenIdleMinutes: number;
  /** Daily credit budget across streams; 0 disables (default 0). */
  dailyBudget: number;
}

/** What the guard needs from the extension. */
export interface CreditGuardHost {
  /** Disconnects every running stream with reason `paused`; returns the ids it paused. */
  pauseAll(): string[];
  /** Reconnects these streams (mode `auto`: from the last processed id). Unknown ids are ignored. */
  resume(ids: readonly string[]): void;
  /** Total credits used by every stream in this session (monotonic while the session lasts). */
  totalCredits(): number;
  /**
   * Latest time any window was focused (ms since epoch), across windows when known; undefined = unknown
   * (then only this window's focus counts).
   */
  lastFocusElsewhereAt?(): number | undefined;
  /** Tells the user something (already worded). */
  notify(message: string, level: 'info' | 'warn'): void;
  /** The daily budget was crossed and streams were paused; resolves with the user's choice. */
  budgetExceeded(spent: number, budget: number): Promise<'continue' | 'stay_paused'>;
}

/** How often the idle rule is checked, ms. */
export const GUARD_TICK_MS = 30_000;

/** Where today's spend is persisted between sessions (the extension passes globalState). */
export interface SpendStore {
  get(): { day: string; spent: number } | undefined;
  set(value: { day: string; spent: number }): void;
}

/** Local calendar day `YYYY-MM-DD` of `ms`. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** `12400` -> `12.4k`, `1800000` -> `1.8M`, `950` -> `950`. */
export function compactNumber(n: number): string {
  const a = Math.abs(n);
  if (a < 1_000) return String(Math.round(n));
  if (a < 1_000_000) return `${trim1(n / 1_000)}k`;
  return `${trim1(n / 1_000_000)}M`;
}

function trim1(n: number): string {
  const s = n >= 100 ? Math.round(n).toString() : n.toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** The credits status bar text: `~12.4k cr · 1.8k/h`. */
export function formatCredits(credits: number, perHour: number): string {
  return `~${compactNumber(credits)} cr · ${compactNumber(perHour)}/h`;
}

/** Why streams are paused by the guard, if they are. */
export type GuardPause = 'idle' | 'budget';

/** The guard. Call {@link focusChanged} on window focus changes and {@link check} whenever credits move. */
export class CreditGuard implements Disposable {
  private focused: boolean;
  private lastFocusAt: number;
  private pausedIds: string[] = [];
  private pausedBy: GuardPause | undefined;
  /** When the guard's idle pause happened. */
  private pausedAt = 0;
  private timer: TimerHandle | undefined;
  private day: string;
  /** Spend carried from earlier sessions today. */
  private carried: number;
  /** `host.totalCredits()` when today (or this session) started. */
  private baseline: number;
  /** The user answered the budget question today (go on, or stay paused): not asked again until tomorrow. */
  private budgetHandled = false;
  private asking = false;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly host: CreditGuardHost,
    private settings: CreditGuardSettings,
    private readonly store?: SpendStore,
    focused = true,
  ) {
    this.focused = focused;
    this.lastFocusAt = clock.now();
    this.day = dayKey(clock.now());
    const saved = store?.get();
    this.carried = saved && saved.day === this.day ? saved.spent : 0;
    this.baseline = host.totalCredits();
    this.schedule();
  }

  /** Replaces the settings (a configuration change); takes effect at the next check. */
  update(settings: CreditGuardSettings): void {
    this.settings = settings;
    this.check();
  }

  /** Credits spent today (this session plus earlier sessions today). */
  spentToday(): number {
    this.rollDay();
    return this.carried + Math.max(0, this.host.totalCredits() - this.baseline);
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
    return this.pausedIds;
  }

  /** This window gained or lost focus. Focus after an idle pause resumes the paused streams. */
  focusChanged(focused: boolean): void {
    this.focused = focused;
    // gaining focus, or losing it (it was focused until now), both mark the last focused moment
    this.lastFocusAt = this.clock.now();
    if (focused) {
      if (this.pausedBy === 'idle') this.resumePaused('Welcome back: resuming');
    }
    this.check();
  }

  /** Forgets the guard's pause without resuming (the user connected or disconnected streams by hand). */
  clearPause(): void {
    this.pausedIds = [];
    this.pausedBy = undefined;
  }

  /** Applies both rules now. Called by the timer, on focus changes and whenever credits change. */
  check(): void {
    if (this.disposed) return;
    const now = this.clock.now();
    this.persist();
    if (this.focused) this.lastFocusAt = now;
    // another window was focused after the idle pause: somebody is back, resume here too
    if (this.pausedBy === 'idle') {
      const other = this.host.lastFocusElsewhereAt?.();
      if (other !== undefined && other > this.pausedAt) this.resumePaused('Welcome back: resuming');
    }
    if (this.pausedBy === undefined && this.settings.pauseWhenIdleMinutes > 0 && !this.focused) {
      const idleMs = this.settings.pauseWhenIdleMinutes * 60_000;
      const other = this.host.lastFocusElsewhereAt?.();
      const last = Math.max(this.lastFocusAt, other ?? 0);
      if (now - last >= idleMs) {
        const ids = this.host.pauseAll();
        if (ids.length) {
          this.pausedIds = ids;
          this.pausedBy = 'idle';
          this.pausedAt = now;
          this.host.notify(
            `Paused ${ids.length} stream${ids.length === 1 ? '' : 's'}: no VS Code window focused for ${this.settings.pauseWhenIdleMinutes} min (saving credits). They resume from the last event when you come back.`,
            'info',
          );
        }
      }
    }
    if (!this.budgetHandled && !this.asking && this.overBudget()) {
      const ids = this.host.pauseAll();
      const budget = this.settings.dailyBudget;
      const spent = this.spentToday();
      if (ids.length || this.pausedBy === 'idle') {
        this.pausedIds = [...new Set([...this.pausedIds, ...ids])];
        this.pausedBy = 'budget';
      }
      if (this.pausedIds.length === 0) return;
      this.asking = true;
      this.host
        .budgetExceeded(spent, budget)
        .then((choice) => {
          this.asking = false;
          this.budgetHandled = true;
          if (this.disposed) return;
          if (choice === 'continue') {
            this.resumePaused('Going on past the daily budget: resuming');
          }
        })
        .catch(() => {
          this.asking = false;
          this.budgetHandled = true;
        });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.persist();
    this.clock.clearTimeout(this.timer);
  }

  private resumePaused(prefix: string): void {
    const ids = this.pausedIds;
    this.pausedIds = [];
    this.pausedBy = undefined;
    if (!ids.length) return;
    this.host.resume(ids);
    this.host.notify(`${prefix} ${ids.length} stream${ids.length === 1 ? '' : 's'} from the last processed event.`, 'info');
  }

  private rollDay(): void {
    const today = dayKey(this.clock.now());
    if (today === this.day) return;
    this.day = today;
    this.carried = 0;
    this.baseline = this.host.totalCredits();
    this.budgetHandled = false;
  }

  private persist(): void {
    if (!this.store) return;
    const spent = this.spentToday();
    const saved = this.store.get();
    if (!saved || saved.day !== this.day || saved.spent !== spent) this.store.set({ day: this.day, spent });
  }

  private schedule(): void {
    if (this.disposed) return;
    this.timer = this.clock.setTimeout(() => {
      this.check();
      this.schedule();
    }, GUARD_TICK_MS);
  }
}
