/**
 * What a Warp reconnect recovered, in words: the gap ledger's Warp cases. Pure; no clock, no I/O.
 *
 * The seed's buffer rules: while no client is connected the stream buffers up to 30 minutes / 2,000 events (oldest
 * dropped first; after 30 minutes with no connection the buffer is deleted); a live connect discards it.
 * - {@link warpReconnectVerdict} states what is known when the new connection is live.
 * - {@link createWarpReplayJudge} watches the replay: events from before the cursor's checkpoint, or duplicates of
 *   events processed before the cursor, mean the server did not honour it; a replay of 2,000 events hit the cap.
 */
import type { ChainEvent } from '../event';
import type { GapVerdict, ReplayContext, ReplayJudge, ResolvedMode } from '../stream/baseStream';

/** How long Warp buffers while no client is connected (ms). */
export const WARP_BUFFER_MS = 30 * 60_000;
/** The most events Warp buffers (and so replays). */
export const WARP_BUFFER_MAX_EVENTS = 2_000;

/** The verdict of a Warp reconnect before anything arrives. Times are ms since epoch. */
export function warpReconnectVerdict(mode: ResolvedMode, downAt: number, resumedAt: number): GapVerdict {
  const downMs = resumedAt - downAt;
  if (mode.kind === 'live') {
    return { continuity: 'may_be_missing', missingFrom: downAt, missingTo: resumedAt, reason: 'reconnected live: the server discarded its buffer of events sent while down' };
  }
  if (downMs > WARP_BUFFER_MS) {
    return {
      continuity: 'may_be_missing',
      missingFrom: downAt,
      missingTo: resumedAt,
      reason: `down ${Math.round(downMs / 60_000)} min, longer than Warp's 30-minute buffer: the server may have deleted what it held`,
    };
  }
  return { continuity: 'unverified', reason: mode.kind === 'resume' ? 'replaying the server buffer (mode=resume): no cursor to check it against' : 'checking the replay against the cursor' };
}

/** A judge for one Warp reconnect's replay (see {@link ReplayJudge}). */
export function createWarpReplayJudge(ctx: ReplayContext): ReplayJudge {
  const after = ctx.mode.kind === 'after' ? ctx.mode.id : undefined;
  // the group that was being received when the connection dropped comes again: its duplicates are expected
  const openGroup = ctx.cursor.openGroup;
  const cursorCheckpoint = after !== undefined && after === ctx.cursor.resumeAfter ? ctx.cursor.resumeCheckpoint : undefined;
  let verdict: GapVerdict = ctx.initial;
  let sent = 0;
  let firstReplayedAt: number | undefined;
  let capped = false;
  let notHonoured: string | undefined;

  const current = (): GapVerdict => {
    if (ctx.initial.continuity === 'may_be_missing') return ctx.initial;
    if (capped) {
      const to = firstReplayedAt ?? ctx.resumedAt;
      return {
        continuity: 'may_be_missing',
        missingFrom: ctx.downAt,
        missingTo: Math.max(ctx.downAt, to),
        reason: `the replay brought ${WARP_BUFFER_MAX_EVENTS.toLocaleString('en-US')} events, Warp's buffer cap: older events were dropped by the server${notHonoured ? `; ${notHonoured}` : ''}`,
      };
    }
    if (notHonoured) return { continuity: 'cursor_not_honoured', reason: notHonoured };
    return verdict;
  };
  const check = (ev: ChainEvent, duplicate: boolean): void => {
    if (notHonoured || after === undefined) return;
    if (cursorCheckpoint !== undefined && ev.checkpoint !== undefined && ev.checkpoint < cursorCheckpoint) {
      notHonoured = `the server went back to checkpoint ${ev.checkpoint}, before the cursor's ${cursorCheckpoint}`;
    } else if (duplicate && (ev.messageId === undefined || ev.messageId !== openGroup)) {
      notHonoured = 'the replay brought events processed before the cursor';
    }
  };
  const changed = (): GapVerdict | undefined => {
    const next = current();
    if (next.continuity === verdict.continuity && next.reason === verdict.reason && next.missingTo === verdict.missingTo) return undefined;
    verdict = next;
    return next;
  };

  return {
    event(ev: ChainEvent, duplicate: boolean) {
      sent++;
      if (ev.timestamp !== undefined) firstReplayedAt ??= ev.timestamp;
      check(ev, duplicate);
      if (sent >= WARP_BUFFER_MAX_EVENTS) capped = true;
      return changed();
    },
    end(ev: ChainEvent, duplicate: boolean) {
      check(ev, duplicate);
      if (verdict.continuity === 'unverified' && after !== undefined && !notHonoured && !capped) {
        verdict = {
          continuity: 'verified',
          reason:
            sent > 0
              ? `the replay (${sent} events) started right after the cursor and nothing went backwards`
              : 'nothing was buffered while down, and the stream continued after the cursor',
        };
        return verdict;
      }
      return changed();
    },
  };
}
