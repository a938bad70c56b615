/**
 * The texts the Streams view and the pickers show for a stream (description, context value) and the small
 * number and duration formatters they use. Pure: no vscode import.
 */
import type { StreamStatus } from './stream';
import type { StreamOrigin } from './streamRegistry';

const stopTexts: Record<string, string> = {
  user: 'disconnected',
  paused: 'paused',
  quota_exceeded: 'quota exceeded',
  invalid_key: 'invalid API key',
  forbidden: 'forbidden',
  stream_not_found: 'stream not found',
  refused: 'refused',
  no_key: 'no API key',
  error: 'error',
};

/** A stream stays "live" in the description until it has been silent this long, then it reads "quiet 4m". */
export const QUIET_AFTER_MS = 60_000;

/** `1204` -> `1,204` (en-US grouping, no locale lookups). */
export function groupDigits(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The name of a Move/coin type for a tree label: the last `::` segment, generics shown as `<…>`; `fallback` when
 * there is no type. (The feed's cells keep more: its `shortType` only drops package addresses.)
 */
export function typeName(type: string | undefined, fallback: string): string {
  if (!type) return fallback;
  const base = type.split('<')[0] ?? type;
  const parts = base.split('::');
  const last = parts[parts.length - 1] || type;
  return type.includes('<') ? `${last}<…>` : last;
}

/** A compact duration for tree descriptions: `45s`, `4m`, `2h`, `3d` (the feed's gap row uses `preciseDuration`). */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/**
 * The tree item description of a stream: `live · 1,204 · 3.2/s`, `quiet 4m · 1,204`, `connecting…`,
 * `reconnecting in 8s`, `quota exceeded`, `paused · 1,204`, `idle`. `ratePerSec` from {@link StreamRegistry.rate}.
 */
export function describeStatus(status: StreamStatus, now: number, ratePerSec: number): string {
  const count = groupDigits(status.eventCount);
  switch (status.state) {
    case 'idle':
      return status.eventCount ? `idle · ${count}` : 'idle';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting': {
      if (status.nextRetryAt !== undefined && status.nextRetryAt > now) return `reconnecting in ${shortDuration(status.nextRetryAt - now)}`;
      return 'reconnecting…';
    }
    case 'live': {
      const since = status.lastEventAt ?? status.connectedSince;
      if (ratePerSec === 0 && since !== undefined && now - since >= QUIET_AFTER_MS) return `quiet ${shortDuration(now - since)} · ${count}`;
      return `live · ${count} · ${ratePerSec.toFixed(1)}/s`;
    }
    case 'stopped': {
      const text = stopTexts[status.stopReason ?? 'user'] ?? String(status.stopReason);
      return status.eventCount && (status.stopReason === 'user' || status.stopReason === 'paused') ? `${text} · ${count}` : text;
    }
    default:
      return String((status as StreamStatus).state);
  }
}

/** The `contextValue` of a stream item: `stream.<state>[.<stopReason>].<origin>` (menus match on the prefix). */
export function streamContextValue(status: StreamStatus, origin: StreamOrigin): string {
  const parts = ['stream', status.state];
  if (status.state === 'stopped') parts.push(status.stopReason ?? 'user');
  parts.push(origin === 'settings' ? 'user' : 'memory');
  return parts.join('.');
}
