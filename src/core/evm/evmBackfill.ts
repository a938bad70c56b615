/**
 * What an EVM reconnect recovered, in words: the gap fill's summary, its verdict for the gap row, and the feed's text
 * for a reorg. Pure.
 */
import type { GapVerdict } from '../stream/baseStream';

/** One gap fill after a reconnect, for the feed's gap row and the output. */
export interface EvmBackfillInfo {
  stream: string;
  /** First and last block read (inclusive); `from > to` when there was nothing to read. */
  fromBlock: number;
  toBlock: number;
  /** Logs found by `eth_getLogs` that had not been seen (the rest were duplicates). */
  backfilled: number;
  /** Logs re-emitted as removed because their block was reorged out while disconnected. */
  reorgRemoved: number;
  /** Blocks beyond `maxBackfillBlocks` that were not read (0 normally). */
  skippedBlocks: number;
}

/** The feed's words for a reorg: `reorg at block N (depth d): k logs removed (why)`. */
export function reorgText(block: number, depth: number, removed: number, why: string): string {
  return `reorg at block ${block} (depth ${depth}): ${removed} log${removed === 1 ? '' : 's'} removed (${why})`;
}

/**
 * What a gap fill recovered, for the gap row: `verified` when every block from the resume point to the head was
 * read; `may_be_missing` when the backfill limit left older blocks unread, or the node's chain was behind ours
 * (a reset dev chain: only its new blocks are read).
 */
export function backfillVerdict(info: EvmBackfillInfo, chainReset = false): GapVerdict {
  const read = info.fromBlock <= info.toBlock ? `blocks ${info.fromBlock}-${info.toBlock} read with eth_getLogs` : 'no block to read';
  if (info.skippedBlocks > 0) {
    const first = info.fromBlock - info.skippedBlocks;
    return { continuity: 'may_be_missing', reason: `the backfill limit was reached: blocks ${first}-${info.fromBlock - 1} (older) were not read; ${read}` };
  }
  if (chainReset) return { continuity: 'may_be_missing', reason: `the node's chain is behind the last processed block (reset?): continued from its head; ${read}` };
  return { continuity: 'verified', reason: `${read}, from the last processed block to the head` };
}
