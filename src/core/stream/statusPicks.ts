/**
 * What the status bar items open, as plain rows (no VS Code): the connection item's list of streams with their
 * state and the actions that fit it, and the credits item's breakdown per stream, burn rate, budget and the
 * guard's state with "Pause all" / "Change budget". The adapter turns rows into quick pick items and runs actions.
 */
import type { CreditSnapshot, StreamStatus } from './stream';
import type { GuardPause } from './creditGuard';
import { compactNumber } from './creditGuard';
import { describeStatus, groupDigits } from './streamText';

/** What a stream row's action does; each maps to one Chain Watch command on that stream. */
export type StreamAction = 'connect' | 'resume' | 'reconnect' | 'disconnect' | 'setApiKey' | 'showOutput';

/** Words of each action, as shown in the second quick pick. */
export const streamActionLabels: Readonly<Record<StreamAction, string>> = Object.freeze({
  connect: 'Connect',
  resume: 'Resume (replay buffered events)',
  reconnect: 'Reconnect',
  disconnect: 'Disconnect',
  setApiKey: 'Set API Key...',
  showOutput: 'Show Output',
});

/** One stream as the connection pick sees it. */
export interface PickStream {
  id: string;
  label: string;
  status: StreamStatus;
  ratePerSec: number;
  /** True while another VS Code window holds its connection. */
  elsewhere?: boolean;
}

/** One row of the connection pick. */
export interface StreamRow {
  id: string;
  label: string;
  /** State in words (`live · 1,204 · 3.2/s`, `reconnecting in 8s`). */
  description: string;
  /** The last error or the engine's message, when there is one. */
  detail?: string;
  /** Actions that fit the state, most useful first; `showOutput` is always last. */
  actions: StreamAction[];
}

/** The actions that fit a stream's state, most useful first. */
export function actionsFor(status: StreamStatus): StreamAction[] {
  const out: StreamAction[] = [];
  switch (status.state) {
    case 'idle':
      out.push('connect');
      break;
    case 'connecting':
      out.push('disconnect');
      break;
    case 'live':
      out.push('reconnect', 'disconnect');
      break;
    case 'reconnecting':
      out.push('reconnect', 'disconnect');
      break;
    case 'stopped':
      if (status.stopReason === 'paused') out.push('resume', 'connect');
      else if (status.stopReason === 'no_key' || status.stopReason === 'invalid_key' || status.stopReason === 'forbidden') out.push('setApiKey', 'connect');
      else out.push('connect', 'resume');
      break;
  }
  out.push('showOutput');
  return out;
}

/** The connection pick's rows, one per stream, in registry order. */
export function connectionRows(streams: readonly PickStream[], now: number): StreamRow[] {
  return streams.map((s) => {
    const row: StreamRow = {
      id: s.id,
      label: s.label,
      description: s.elsewhere ? 'in another window' : describeStatus(s.status, now, s.ratePerSec),
      actions: s.elsewhere ? ['showOutput'] : actionsFor(s.status),
    };
    const detail = s.status.lastError ?? (s.status.state === 'stopped' ? s.status.message : undefined);
    if (detail) row.detail = detail;
    return row;
  });
}

/** One billed stream as the credits pick sees it. */
export interface CreditStream {
  id: string;
  label: string;
  credits: CreditSnapshot;
}

/** The guard's state, as the credits pick needs it. */
export interface GuardView {
  spentToday: number;
  /** 0 = no budget. */
  dailyBudget: number;
  /** Minutes without a focused window before streams pause; 0 = never. */
  pauseWhenIdleMinutes: number;
  pausedReason?: GuardPause;
}

/** What a credits row does when picked (info rows do nothing). */
export type CreditAction = 'pauseAll' | 'resumeAll' | 'changeBudget' | 'info';

/** One row of the credits pick. */
export interface CreditRow {
  label: string;
  description?: string;
  detail?: string;
  action: CreditAction;
}

/**
 * The credits pick: one row per billed stream (credits = events x 2 + intervals x 4, burn rate), the total burn
 * rate, today's spend against the budget, the guard's state, then the actions (Resume all when the guard paused
 * them, else Pause all; Change budget). `simulated` ids are marked so (the demo bills nothing).
 */
export function creditRows(streams: readonly CreditStream[], guard: GuardView | undefined, simulated: ReadonlySet<string> = new Set()): CreditRow[] {
  const rows: CreditRow[] = [];
  let perHour = 0;
  for (const s of streams) {
    const c = s.credits;
    perHour += c.perHour;
    const row: CreditRow = {
      label: `${s.label}${simulated.has(s.id) ? ' (simulated)' : ''}`,
      description: `~${groupDigits(c.credits)} credits · ${compactNumber(c.perHour)}/h`,
      detail: `${groupDigits(c.events)} events x 2 + ${groupDigits(c.intervals)} connected 5 s intervals x 4${c.remaining !== undefined ? ` · ${groupDigits(c.remaining)} remaining` : ''}`,
      action: 'info',
    };
    rows.push(row);
  }
  rows.push({ label: 'Burn rate', description: `~${compactNumber(perHour)} credits/h across ${streams.length} stream${streams.length === 1 ? '' : 's'}`, action: 'info' });
  if (guard) {
    const over = guard.dailyBudget > 0 && guard.spentToday >= guard.dailyBudget;
    rows.push({
      label: 'Budget',
      description: guard.dailyBudget > 0 ? `~${groupDigits(guard.spentToday)} of ${groupDigits(guard.dailyBudget)} today${over ? ' (over budget)' : ''}` : `~${groupDigits(guard.spentToday)} today, no daily budget`,
      action: 'info',
    });
    rows.push({ label: 'Guard', description: guardText(guard), action: 'info' });
  }
  rows.push(guard?.pausedReason ? { label: 'Resume all', description: 'connect the streams the guard paused', action: 'resumeAll' } : { label: 'Pause all', description: 'stop every stream now; resume replays what was missed', action: 'pauseAll' });
  rows.push({ label: 'Change budget...', description: 'chainWatch.credits.dailyBudget', action: 'changeBudget' });
  return rows;
}

function guardText(g: GuardView): string {
  if (g.pausedReason === 'idle') return 'paused: no VS Code window was focused; they resume when you come back';
  if (g.pausedReason === 'budget') return 'paused: the daily budget was reached';
  return g.pauseWhenIdleMinutes > 0 ? `watching: pauses after ${g.pauseWhenIdleMinutes} min without a focused window` : 'off: streams never pause on their own';
}

/**
 * Checks a daily budget typed by the user: a whole number of credits, 0 for none. Returns the words of the problem,
 * or undefined when it is fine.
 */
export function budgetProblem(text: string): string | undefined {
  const t = text.trim().replace(/[,_ ]/g, '');
  if (!/^\d+$/.test(t)) return 'a whole number of credits per day (0 for no budget)';
  if (Number(t) > 1e12) return 'at most 1,000,000,000,000';
  return undefined;
}
