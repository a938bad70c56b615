/**
 * Builds the right {@link StreamHandle} for a definition's provider. The extension calls only this.
 */
import type { BackoffPolicy } from './backoff';
import type { BaseStreamDeps } from './baseStream';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { StreamDefinition, StreamHandle } from './stream';
import { CovalentStream } from '../covalent/covalentStream';
import { EvmStream, type WorkspaceArtifacts } from '../evm/evmStream';
import { GoldRushStream } from '../goldrush/goldrushStream';
import { SuiGrpcStream } from '../sui/suiGrpcStream';
import { WarpStream } from '../warp/warpStream';

/** What every stream needs from its host. */
export interface StreamDeps {
  clock?: Clock;
  logger?: Logger;
  /** Directory for per-stream journals (the extension passes its global storage). */
  journalDir: string;
  /** The key (or, for EVM, the endpoint URL) saved for the host this stream connects to. */
  getKey(def: StreamDefinition): Promise<string | undefined>;
  backoff?: Partial<BackoffPolicy>;
  random?: () => number;
  /**
   * Covalent STOMP: the server heart-beat interval to ask for, ms (setting `chainWatch.covalent.heartbeatMs`;
   * default 10,000; 0 = none). A function is read again on every connect, so a changed setting applies at the next one.
   */
  covalentHeartbeatMs?: number | (() => number);
  /** EVM: the workspace's contract artifacts (asked for on an EVM stream's first connection, never before). */
  evmWorkspace?: WorkspaceArtifacts;
  /** Other tunables passed through to the base stream. */
  tuning?: Omit<BaseStreamDeps, 'clock' | 'logger' | 'journalDir' | 'backoff' | 'random'>;
}

/** The base-stream part of {@link StreamDeps}. */
export function baseDeps(deps: StreamDeps): BaseStreamDeps {
  const out: BaseStreamDeps = { ...(deps.tuning ?? {}), journalDir: deps.journalDir };
  if (deps.clock) out.clock = deps.clock;
  if (deps.logger) out.logger = deps.logger;
  if (deps.backoff) out.backoff = deps.backoff;
  if (deps.random) out.random = deps.random;
  return out;
}

/** Creates the handle for `def`. Throws for an unknown provider. */
export function createStreamHandle(def: StreamDefinition, deps: StreamDeps): StreamHandle {
  switch (def.provider) {
    case 'warp':
      return new WarpStream(def, { ...baseDeps(deps), getKey: deps.getKey });
    case 'covalent':
      return new CovalentStream(def, { ...baseDeps(deps), getKey: deps.getKey, ...(deps.covalentHeartbeatMs !== undefined ? { heartbeatIncomingMs: deps.covalentHeartbeatMs } : {}) });
    case 'evm':
      return new EvmStream(def, { ...baseDeps(deps), getKey: deps.getKey, ...(deps.evmWorkspace ? { workspace: deps.evmWorkspace } : {}) });
    case 'goldrush':
      return new GoldRushStream(def, { ...baseDeps(deps), getKey: deps.getKey });
    case 'sui':
      return new SuiGrpcStream(def, { ...baseDeps(deps), getKey: deps.getKey });
    default:
      throw new Error(`unknown provider "${String(def.provider)}"`);
  }
}
