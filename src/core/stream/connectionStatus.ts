/**
 * The connection status bar item's content as a pure function of the streams' states: `$(radio-tower) 2 live`,
 * a spinner while connecting, an error look on quota exceeded, a warning look when a stream failed, and which streams
 * are simulated (`2 live · simulated`, or `3 live (2 simulated)` beside real ones). The adapter
 * (src/vscode/statusBar.ts) only turns it into a StatusBarItem. No vscode import.
 */
import type { GuardPause } from './creditGuard';
import type { StreamStatus } from './stream';
import type { RegistrySummary } from './streamRegistry';
import { untrustedMarkdown } from '../untrustedText';

/** One stream as the item's tooltip lists it. */
export interface StatusStream {
  label: string;
  status: StreamStatus;
  /** The stream's events are simulated (the demo's streams on its own simulators). */
  simulated?: boolean;
}

/** What the connection item shows. */
export interface ConnectionStatusView {
  /** The item text, with its codicon: `$(sync~spin) 1 live · 1 reconnecting`. */
  text: string;
  /** The item's background: `error` (quota exceeded), `warning` (a stream stopped on its own), or none. */
  tone: 'error' | 'warning' | undefined;
  /** One markdown tooltip line per stream: `label: state (stop reason)`, the label escaped (settings are untrusted). */
  lines: string[];
  /** Why the credit guard paused every stream, when it did. */
  pauseNote: string | undefined;
  /** What "simulated" means, when a stream is. */
  simulatedNote: string | undefined;
  /** The screen reader label. */
  ariaLabel: string;
}

/** Longest label shown in the tooltip. */
const LABEL_CHARS = 80;

/** The credit guard's own words, when it holds streams paused (see creditText's guardStatusText / guardTooltipLines). */
export interface GuardWords {
  /** `paused · draining every 20 min`; undefined when the guard holds nothing paused. */
  status: string | undefined;
  /** Streams the guard holds paused (a stream on a drain visit is not stopped but still counts). */
  paused: number;
  /** Plain-text tooltip lines. */
  lines: readonly string[];
}

/**
 * The connection item for `summary` and `streams`; undefined when there is no stream (the item hides). With
 * `guard` words the paused part reads `1 paused · draining every 20 min` and the tooltip gives the guard's lines.
 */
export function connectionStatus(
  summary: RegistrySummary,
  streams: readonly StatusStream[],
  guardPause?: GuardPause,
  guard?: GuardWords,
): ConnectionStatusView | undefined {
  const s = summary;
  if (s.total === 0) return undefined;
  let icon = 'radio-tower';
  const parts: string[] = [];
  if (s.connecting + s.reconnecting > 0) icon = 'sync~spin';
  if (s.live) parts.push(`${s.live} live`);
  if (s.connecting) parts.push(`${s.connecting} connecting`);
  if (s.reconnecting) parts.push(`${s.reconnecting} reconnecting`);
  if (s.quotaExceeded) {
    icon = 'error';
    parts.push('quota exceeded');
  } else if (s.failed) {
    icon = 'warning';
    parts.push(`${s.failed} stopped`);
  }
  const paused = streams.filter((r) => r.status.stopReason === 'paused').length;
  const guardStatus = guard?.status;
  if (paused || guardStatus) {
    if (!s.live && !s.connecting && !s.reconnecting) icon = s.quotaExceeded ? icon : 'debug-pause';
    parts.push(guardStatus && guard ? `${Math.max(paused, guard.paused)} ${guardStatus}` : `${paused} paused`);
  }
  if (!parts.length) parts.push(s.stopped ? 'off' : 'idle');
  const sims = streams.filter((r) => r.simulated).length;
  const simText = sims === 0 ? '' : sims === streams.length ? ' · simulated' : ` (${sims} simulated)`;
  const lines = streams.map(
    ({ label, status: st, simulated }) =>
      `${untrustedMarkdown(label, LABEL_CHARS)}: ${st.state}${st.stopReason ? ` (${st.stopReason.replace(/_/g, ' ')})` : ''}${simulated ? ' (simulated)' : ''}`,
  );
  const guardNote = guard?.lines.length ? guard.lines.map((l) => untrustedMarkdown(l, 400)).join('  \n') : undefined;
  const pauseNote = guardNote
    ? guardNote
    : guardPause
    ? guardPause === 'idle'
      ? 'Paused to save credits: no VS Code window was focused. They resume when you come back.'
      : 'Paused: the daily credit budget was reached.'
    : undefined;
  return {
    text: `$(${icon}) ${parts.join(' · ')}${simText}`,
    tone: s.quotaExceeded ? 'error' : s.failed ? 'warning' : undefined,
    lines,
    pauseNote,
    simulatedNote: sims ? 'Simulated streams are the demo\'s: simulators on this machine, not a public chain.' : undefined,
    ariaLabel: `Chain Watch: ${parts.join(', ')}${simText.replace(' · ', ', ')}`,
  };
}
