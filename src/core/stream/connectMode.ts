/** {@link resolveConnectMode}: what a connect request means, given the resume cursor and whether retries stay live. Pure. */
import type { ConnectMode } from './stream';
import type { ResolvedMode } from './streamTransport';

/** What a connect request is resolved against. */
export interface ModeContext {
  /** The id to resume after (server-issued), if any. */
  resumeAfter: string | undefined;
  /** The first attempt of a brand-new connect (not a retry or a reconnect). */
  initial: boolean;
  /** The user connected live and no event was processed since. */
  stayLive: boolean;
  /** The provider keeps a live connection live until its first event is processed. */
  liveUntilFirstEvent: boolean;
}

/** A resolved mode, and whether automatic retries stay live after it. */
export interface ModeChoice {
  mode: ResolvedMode;
  stayLive: boolean;
}

/**
 * Resolves `requested`: `auto` resumes after the cursor, else a brand-new stream starts live (and its retries stay
 * live until an event is processed), else retries of such a stream stay live where the provider asks for it, else
 * the server's buffer is replayed (`resume`, dedup by identity). `continue` (a paused stream coming back) is
 * `auto` that is never live.
 */
export function resolveConnectMode(requested: ConnectMode, ctx: ModeContext): ModeChoice {
  switch (requested.kind) {
    case 'live':
      return { mode: { kind: 'live' }, stayLive: true };
    case 'resume':
      return { mode: { kind: 'resume' }, stayLive: false };
    case 'after':
      return { mode: { kind: 'after', id: requested.id }, stayLive: false };
    case 'continue':
      return { mode: ctx.resumeAfter === undefined ? { kind: 'resume' } : { kind: 'after', id: ctx.resumeAfter }, stayLive: false };
    case 'auto':
      if (ctx.resumeAfter !== undefined) return { mode: { kind: 'after', id: ctx.resumeAfter }, stayLive: ctx.stayLive };
      if (ctx.initial) return { mode: { kind: 'live' }, stayLive: true };
      if (ctx.stayLive && ctx.liveUntilFirstEvent) return { mode: { kind: 'live' }, stayLive: true };
      return { mode: { kind: 'resume' }, stayLive: ctx.stayLive };
  }
}
