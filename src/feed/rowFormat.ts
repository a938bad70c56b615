/** Display text for feed rows: escaping, truncation, short hashes and types, times, durations, gap labels, summaries. Pure. */
import type { FeedEvent, FeedGap } from './protocol';

/** Default number of rows kept (setting `chainWatch.feed.maxEvents`). */
export const defaultMaxEvents = 10_000;
/** Longest text of one value in a row's summary, in characters. */
export const maxCellChars = 48;
/** Longest summary line, in characters. */
export const maxSummaryChars = 160;

// C0/C1 controls (except tab), bidi embeddings/overrides/isolates, marks, zero-width and BOM characters: these can
// reorder or hide text ("Trojan source"), so the feed shows them as visible escapes instead.
const invisible = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Replaces invisible and direction-changing characters with a visible `\u202e`-style escape. */
export function escapeInvisible(text: string): string {
  return text.replace(invisible, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One line of display text: newlines become `⏎`, invisible characters become escapes, and the result is cut to
 * `max` characters (with `…`). Only the first `4 * max` characters are examined, so a 1 MB string costs nothing.
 */
export function displayText(value: string, max: number): string {
  const head = value.length > max * 4 ? value.slice(0, max * 4) : value;
  let s = escapeInvisible(head.replace(/\r\n|\r|\n/g, '⏎').replace(/\t/g, ' '));
  if (s.length > max || head.length < value.length) s = s.slice(0, Math.max(1, max - 1)) + '…';
  return s;
}

/** Shortens a Move type by dropping package addresses: `0x2::coin::Coin<0xab…::usdc::USDC>` -> `coin::Coin<usdc::USDC>`. */
export function shortType(type: string): string {
  return type.replace(/0x[0-9a-fA-F]+::/g, '');
}

/**
 * Shortens a hash or address: its first `head` and last `tail` characters around `…` (`0x123456…abcdef` for a
 * feed chip; the Streams view uses 6 and 4). Values up to `head + tail + 2` characters are unchanged.
 */
export function shortHash(value: string, head = 8, tail = 6): string {
  const v = displayText(value, 200);
  return v.length > head + tail + 2 ? `${v.slice(0, head)}…${v.slice(-tail)}` : v;
}

/** A short one-line rendering of any value (objects and arrays as their size, not their content). */
export function shortValue(v: unknown, max = maxCellChars): string {
  if (v === null) return 'null';
  if (v === undefined) return '';
  if (typeof v === 'string') return displayText(v, max);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.length}]`;
  if (typeof v === 'object') return `{${Object.keys(v as object).length}}`;
  return displayText(String(v), max);
}

/** `HH:MM:SS.mmm` in local time. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Relative time: `now`, `4.2 s ago`, `3 m ago`, `2 h ago`, `5 d ago` (a future time counts as `now`). */
export function formatRelative(ms: number, nowMs: number): string {
  const d = nowMs - ms;
  if (d < 1000) return 'now';
  if (d < 60_000) return `${(d / 1000).toFixed(1)} s ago`;
  if (d < 3_600_000) return `${Math.floor(d / 60_000)} m ago`;
  if (d < 86_400_000) return `${Math.floor(d / 3_600_000)} h ago`;
  return `${Math.floor(d / 86_400_000)} d ago`;
}

/** Seconds with one decimal: `12.4 s`; minutes past 120 s: `3.5 min` (the tree's compact form is `shortDuration`). */
export function preciseDuration(ms: number): string {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

/** An event taken by a drain visit: `drained 14.2 min late` (receive time minus chain time), `drained` without a chain time. */
export function drainedLabel(ev: Pick<FeedEvent, 'timestamp' | 'receivedAt'>): string {
  const ts = Number(ev.timestamp);
  return Number.isFinite(ts) && ev.receivedAt > ts ? `drained ${preciseDuration(ev.receivedAt - ts)} late` : 'drained';
}

/** `HH:MM` in local time, or `HH:MM:SS` when `seconds` is set. */
export function formatClock(ms: number, seconds = false): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}${seconds ? `:${p(d.getSeconds())}` : ''}`;
}

/** `between 14:02 and 14:41` (seconds shown when the window is under two minutes), or `while down` without a window. */
function missingWindow(gap: FeedGap): string {
  if (gap.missingFrom === undefined || gap.missingTo === undefined) return 'while down';
  const sec = gap.missingTo - gap.missingFrom < 120_000;
  return `between ${formatClock(gap.missingFrom, sec)} and ${formatClock(gap.missingTo, sec)}`;
}

/** The continuity part of a gap row, in words: `continuity verified`, `events between 14:02 and 14:41 may be missing`... */
export function gapContinuityText(gap: FeedGap): string {
  const dups = gap.duplicatesDropped > 0 ? `, ${gap.duplicatesDropped} duplicates dropped` : '';
  switch (gap.continuity) {
    case 'verified':
      return `continuity verified${dups}`;
    case 'cursor_not_honoured':
      return `server did not honour the cursor${dups}`;
    case 'may_be_missing':
      return `events ${missingWindow(gap)} may be missing${dups}`;
    case 'not_recoverable':
      return `events sent ${missingWindow(gap)} cannot be recovered (no replay)`;
    case 'unverified':
      return `continuity not verified${dups}`;
    default:
      return `continuity: ${displayText(String(gap.continuity), 24)}${dups}`;
  }
}

/**
 * The gap row's text, one short line:
 * `down 12.4 s · resumed from <id> · 37 replayed · continuity verified`. Details are in {@link gapTooltip}.
 */
export function gapLabel(gap: FeedGap): string {
  // the count comes before the (possibly long) resume id, so a narrow row cuts the id, not the count
  const parts = [`down ${preciseDuration(gap.downMs)}`];
  if (gap.replayed !== undefined) parts.push(`${gap.replayed} replayed`);
  if (gap.resumedFrom) parts.push(`resumed from ${displayText(gap.resumedFrom, 40)}`);
  else parts.push(gap.mode === 'live' ? 'resumed live' : `resumed (${displayText(gap.mode, 16)})`);
  parts.push(gapContinuityText(gap));
  return parts.join(' · ');
}

/** The gap row's tooltip: every field in words, one per line (display-safe). */
export function gapTooltip(gap: FeedGap): string {
  const lines = [
    `Down ${preciseDuration(gap.downMs)}: lost ${formatClock(gap.downAt, true)}, live again ${formatClock(gap.resumedAt, true)}`,
    gap.resumedFrom ? `Resumed after id ${displayText(gap.resumedFrom, 200)}` : gap.mode === 'live' ? 'Reconnected live: the server does not replay what was sent while down' : `Reconnected with mode=${displayText(gap.mode, 16)}`,
  ];
  if (gap.replayed !== undefined) lines.push(`Replayed: ${gap.replayed} events`);
  if (gap.duplicatesDropped > 0) lines.push(`Duplicates dropped: ${gap.duplicatesDropped} (already processed)`);
  lines.push(`Continuity: ${gapContinuityText(gap)}`);
  if (gap.reason) lines.push(`Why: ${displayText(gap.reason, 300)}`);
  return lines.join('\n');
}

export function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

// Keys that are already shown in their own column, so the summary skips them.
const metaKeys = new Set([
  'activityType', 'txDigest', 'tx_digest', 'digest', 'eventSequence', 'checkpoint', 'timestamp', 'timestampMs',
  'type', 'sender', 'transactionHash', 'tx_hash', 'blockHash', 'blockNumber', 'block_height', 'logIndex', 'log_offset',
  'tx_offset', 'block_signed_at', 'transactionIndex', 'removed',
]);

function summarizeEntries(obj: Record<string, unknown>, skip: Set<string>, limit: number): string[] {
  const out: string[] = [];
  let n = 0;
  for (const k in obj) {
    if (n >= limit) {
      out.push('…');
      break;
    }
    if (skip.has(k)) continue;
    out.push(`${displayText(k, 24)}=${shortValue(obj[k])}`);
    n++;
  }
  return out;
}

/** The one-line summary of an event's key fields (already display-safe and at most {@link maxSummaryChars}). */
export function summarize(ev: FeedEvent): string {
  const p = rec(ev.payload);
  let parts: string[];
  if (!p) parts = [shortValue(ev.payload)];
  else
    switch (ev.kind) {
      case 'coin':
        parts = [`${shortValue(p.amount)} ${shortType(shortValue(p.coin_type ?? p.coinType, 80))}`];
        break;
      case 'object':
        parts = [shortValue(p.writeKind), shortValue(p.transactionDirection), shortValue(p.object_id ?? p.objectId), `owner=${shortValue(p.owner)}`];
        break;
      case 'address':
        parts = [shortValue(p.activityType), shortValue(p.objectId ?? p.object_id), shortValue(p.objectType ?? p.object_type)];
        break;
      case 'event': {
        // Warp carries the Move value in `data`, a Sui full node in `json`
        const data = rec(p.data) ?? (ev.provider === 'sui' ? rec(p.json) : undefined);
        parts = data ? summarizeEntries(data, new Set(), 5) : summarizeEntries(p, metaKeys, 5);
        break;
      }
      case 'log': {
        const decoded = rec(p.decoded);
        const params = decoded && Array.isArray(decoded.params) ? decoded.params : undefined;
        if (params) parts = params.slice(0, 5).map((x) => `${shortValue(rec(x)?.name, 24)}=${shortValue(rec(x)?.value)}`);
        else parts = summarizeEntries(p, new Set([...metaKeys, 'topics', 'raw_log_topics']), 4);
        break;
      }
      case 'walletTx':
        parts = walletTxSummary(p);
        break;
      case 'transaction':
        parts = suiTransactionSummary(p);
        break;
      case 'checkpoint': {
        const n = p.transactionCount;
        parts = [`#${shortValue(p.sequenceNumber, 24)}`, typeof n === 'number' ? `${n} transaction${n === 1 ? '' : 's'}` : '', p.epoch !== undefined ? `epoch ${shortValue(p.epoch, 12)}` : ''];
        break;
      }
      case 'pair':
        parts = pairSummary(ev.name, p);
        break;
      case 'token': {
        const price = rec(rec(p.last_5m)?.price);
        parts = [symbolOf(p.base_token), directionOf(p), `price $${shortValue(price?.current_value ?? p.quote_rate_usd)}`, pct(price?.pct_change, '5m'), `liquidity $${shortValue(p.liquidity)}`];
        break;
      }
      case 'candle':
        parts = [
          `O ${shortValue(p.open)}`, `H ${shortValue(p.high)}`, `L ${shortValue(p.low)}`, `C ${shortValue(p.close)}`,
          `vol $${shortValue(p.volume_usd)}`, `${shortValue(p.interval, 20)} ${shortValue(p.timestamp, 24)}`,
        ];
        break;
      default:
        parts = summarizeEntries(p, metaKeys, 5);
    }
  if (ev.removed) parts.unshift('REMOVED (reorg)');
  if (ev.warnings && ev.warnings.length) parts.push(`⚠ ${displayText(ev.warnings[0]!, 60)}`);
  return displayText(parts.filter((x) => x !== '').join('  '), maxSummaryChars);
}


function symbolOf(token: unknown): string {
  const t = rec(token);
  return t ? shortValue(t.contract_ticker_symbol ?? t.contract_symbol ?? t.contract_address, 24) : '';
}

function pct(v: unknown, label: string): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(2)}% ${label}` : '';
}

/** A GoldRush wallet-transaction log: the decoded action (a swap's amounts, a transfer's amount), then the log. */
function walletTxSummary(p: Record<string, unknown>): string[] {
  const tx = rec(p.tx) ?? {};
  const d = rec(tx.decoded_details);
  const log = rec(p.log);
  const parts: string[] = [shortValue(tx.decoded_type, 16)];
  if (d && (d.amount_in !== undefined || d.token_in !== undefined)) {
    parts.push(`${shortValue(d.amount_in, 40)} ${symbolOf(d.token_in)} → ${shortValue(d.amount_out, 40)} ${symbolOf(d.token_out)}`);
  } else if (d && d.amount !== undefined) {
    parts.push(`${shortValue(d.amount, 40)} ${symbolOf(d.contract_metadata)}`);
    if (d.quote_usd !== undefined) parts.push(`$${shortValue(d.quote_usd, 20)}`);
    if (d.to !== undefined) parts.push(`to=${shortValue(d.to)}`);
    else if (d.spender !== undefined) parts.push(`spender=${shortValue(d.spender)}`);
  } else if (d && d.message !== undefined) parts.push(`error: ${shortValue(d.message)}`);
  if (log) parts.push(`log ${shortValue(log.log_offset, 6)}/${shortValue(p.logCount, 6)} by ${shortValue(log.emitter_address)}`);
  if (tx.successful === false) parts.push('FAILED');
  return parts;
}

/** MIST (a decimal string) as SUI with four significant digits: `2500000` -> `0.0025 SUI`. */
export function mistAsSui(mist: unknown): string {
  const n = typeof mist === 'string' && /^-?\d{1,30}$/.test(mist) ? Number(mist) : typeof mist === 'number' ? mist : NaN;
  if (!Number.isFinite(n)) return '';
  return `${n === 0 ? '0' : String(Number((n / 1e9).toPrecision(4)))} SUI`;
}

/** A Sui full-node transaction: status (a failure with its reason), net gas, the first Move call, the checkpoint. */
function suiTransactionSummary(p: Record<string, unknown>): string[] {
  const calls = Array.isArray(p.moveCalls) ? p.moveCalls : [];
  const status = p.status === 'failure' ? `FAILURE ${shortValue(p.error ?? '', 60)}`.trim() : shortValue(p.status ?? '', 12);
  const gas = mistAsSui(rec(p.gas)?.netMist);
  return [
    status,
    gas ? `gas ${gas}` : '',
    calls.length ? `${shortValue(calls[0], 80)}${calls.length > 1 ? ` +${calls.length - 1}` : ''}` : shortValue(p.kind ?? '', 32),
    p.checkpoint !== undefined ? `checkpoint ${shortValue(p.checkpoint, 24)}` : '',
  ];
}

/** A new pair (protocol, symbols, liquidity) or a pair update (side, rate, 24h change and volume, liquidity). */
function pairSummary(name: string, p: Record<string, unknown>): string[] {
  const pairName = `${symbolOf(p.base_token)}/${symbolOf(p.quote_token)}`;
  if (name === 'newPairs') {
    return [`new ${pairName}`, `${shortValue(p.protocol, 20)} v${shortValue(p.protocol_version, 4)}`, `liquidity $${shortValue(p.liquidity)}`, `pair=${shortValue(p.pair_address)}`];
  }
  // GoldRush's rolling windows (`last_24hr.price.pct_change`, `last_24hr.volume_usd.current_value`)
  const day = rec(p.last_24hr);
  const volume = rec(day?.volume_usd)?.current_value;
  return [
    pairName, directionOf(p), `rate $${shortValue(p.quote_rate_usd)}`, pct(rec(day?.price)?.pct_change, '24h'),
    volume === undefined ? '' : `vol $${shortValue(volume)} 24h`, `liquidity $${shortValue(p.liquidity)}`,
  ];
}

/** The side of a GoldRush swap update (`buy` / `sell`), or '' when absent. */
function directionOf(p: Record<string, unknown>): string {
  return typeof p.direction === 'string' ? shortValue(p.direction, 8) : '';
}
