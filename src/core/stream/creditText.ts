/**
 * Words for credits and the credit guard: the status bar texts, tooltips and notifications, as pure functions of
 * numbers and state (unit-tested; the status bar only places them). Every credit figure is an estimate made from
 * the events received and the time connected, and says so.
 */

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

/** The credits counter: `~12.4k cr · 1.8k/h` (the `~` says estimate). */
export function formatCredits(credits: number, perHour: number): string {
  return `~${compactNumber(credits)} cr · ${compactNumber(perHour)}/h`;
}

/** `0.123` -> `~12% of this month's quota used`; under 1% -> `<1% ...`; undefined without a quota. */
export function quotaText(used: number, quota: number): string | undefined {
  if (!(quota > 0)) return undefined;
  const pct = (Math.max(0, used) / quota) * 100;
  const shown = pct > 0 && pct < 1 ? '<1%' : `~${Math.round(pct)}%`;
  return `${shown} of this month's quota used`;
}

/** The credits status bar text: the quota share when a monthly quota is set, the raw estimate otherwise. */
export function creditsStatusText(s: { credits: number; perHour: number; monthUsed?: number; monthlyQuota?: number }): string {
  const q = s.monthUsed !== undefined && s.monthlyQuota ? quotaText(s.monthUsed, s.monthlyQuota) : undefined;
  return q ? `${q} · ${compactNumber(s.perHour)} cr/h` : formatCredits(s.credits, s.perHour);
}

/** Local wall-clock time `HH:MM` of `ms`. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** `20 min`, `90 s`, `2 h`: a short duration for guard texts. */
export function roughDuration(ms: number): string {
  if (ms < 90_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${trim1(ms / 3_600_000)} h`;
}

/** `events between 14:02 and 15:47 may be missing`. */
export function mayBeMissing(from: number, to: number): string {
  return `events between ${clockTime(from)} and ${clockTime(to)} may be missing`;
}

/** What a pause costs a provider, in plain words (a notification and tooltip line). */
export function pauseCost(provider: string, drains: boolean, drainEveryMs: number): string {
  switch (provider) {
    case 'warp':
      return drains
        ? `Warp streams are drained every ${roughDuration(drainEveryMs)} while paused (a few seconds connected each time), so nothing is lost.`
        : "Warp keeps only 30 minutes (2,000 events) while nobody is connected: events older than that are lost.";
    case 'evm':
      return 'EVM streams are backfilled with eth_getLogs when they resume: nothing is lost.';
    case 'sui':
      return 'Sui full-node streams scan the gap with listEvents when they resume: nothing is lost.';
    case 'covalent':
      return 'Covalent STOMP has no replay: events while paused are not received.';
    case 'goldrush':
      return 'GoldRush streams have no resume cursor: events while paused are not received.';
    default:
      return `${provider} streams have no replay: events while paused are not received.`;
  }
}

/** Whether a provider fills a pause by itself when it resumes (a backfill), so a pause loses nothing. */
export function backfillsOnResume(provider: string): boolean {
  return provider === 'evm' || provider === 'sui';
}

/** The guard's state, as the status bar shows it. */
export interface GuardView {
  pausedBy: 'idle' | 'budget' | undefined;
  /** Streams the guard holds paused. */
  paused: number;
  /** Shortest drain interval among the paused streams that drain, ms; undefined when none drains. */
  drainEveryMs?: number;
  /** Idle minutes before a pause. */
  idleMinutes: number;
  /** Possible losses noted during the pause (already worded). */
  losses: readonly string[];
}

/** The short guard state for the status bar: `paused · draining every 20 min`; undefined when not paused. */
export function guardStatusText(v: GuardView): string | undefined {
  if (!v.pausedBy || v.paused === 0) return undefined;
  if (v.pausedBy === 'budget') return 'paused · daily budget reached';
  return v.drainEveryMs !== undefined ? `paused · draining every ${roughDuration(v.drainEveryMs)}` : 'paused (nobody watching)';
}

/** The guard's tooltip lines (plain text). */
export function guardTooltipLines(v: GuardView, costs: readonly string[]): string[] {
  const status = guardStatusText(v);
  if (!status) return [];
  const lines = [
    v.pausedBy === 'budget'
      ? 'Paused: the daily credit budget was reached.'
      : `Paused to save credits: no Chain Watch view was watched for ${v.idleMinutes} min. They resume when you come back.`,
  ];
  if (v.pausedBy === 'idle') lines.push(...costs);
  for (const l of v.losses) lines.push(`Note: ${l}.`);
  return lines;
}

/** The idle pause notification. */
export function pauseNotice(count: number, idleMinutes: number, costs: readonly string[]): string {
  return `Paused ${count} stream${count === 1 ? '' : 's'}: no Chain Watch view watched for ${idleMinutes} min (saving credits). ${costs.join(' ')}`.trim();
}

/** The return notification: one, with every possible loss named; never "from the last event" alone when some may be missing. */
export function returnNotice(prefix: string, count: number, drained: number, losses: readonly string[]): string {
  const what = `${prefix} ${count} stream${count === 1 ? '' : 's'}`;
  if (losses.length) return `${what}. ${losses.map((l) => l[0]!.toUpperCase() + l.slice(1)).join('. ')}.`;
  const d = drained > 0 ? ` (${drained.toLocaleString('en-US')} event${drained === 1 ? '' : 's'} drained while you were away)` : '';
  return `${what} from the last processed event${d}.`;
}
