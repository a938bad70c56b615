/**
 * EVM logs from any node over WebSocket JSON-RPC (`eth_subscribe("logs")`), gap-free and reorg-aware.
 *
 * On every connection: subscribe first (notifications are held back), read the head block, then, when something
 * was processed before, check the last remembered blocks for reorgs that happened while disconnected (their logs
 * are re-emitted as removals), fill the gap with `eth_getLogs` from the resume block to the head in bounded
 * ranges (split on "range too large" errors), and only then release the held-back live logs. Everything is
 * deduplicated by `blockHash` + `logIndex`, so each log reaches the feed exactly once, in chain order.
 * A live log re-sent with `removed: true` becomes an event with `removed: true` and id `<original id>:removed`.
 *
 * Limits: the gap fill reads at most `maxBackfillBlocks` blocks (default 10,000) back from the head; reorgs
 * during a disconnect are detected only within the last `reorgCheckDepth` remembered blocks (default 16).
 */
import { describeConnectFailure } from '../connectFailure';
import type WebSocket from 'ws';
import { BaseStream, ConnectError, type BaseStreamDeps, type CloseOutcome, type ResolvedMode, type TransportConnection, type TransportSink } from '../stream/baseStream';
import { Emitter } from '../emitter';
import { EvmDecoding } from './evmDecoding';
import { buildLogFilter, EvmLogLedger, evmOriginalId, normalizeEvmLog, parseLog, parseQuantity, REMOVED_SUFFIX, toQuantity, type EvmLog, type EvmLogFilter } from './evmLog';
import { EvmRpcConnection, fetchLogsInRanges, RpcError } from './evmRpc';
import type { ArtifactIndex } from '../artifacts/artifactIndex';
import { describeError, redact } from '../redact';
import { backfillVerdict, reorgText, type EvmBackfillInfo } from './evmBackfill';
import { evmEndpointUrl, isSubscribeRefusal, outcomeForStatus, registerEndpointSecrets } from './evmEndpoint';
import { evmJournalCodec, leanJournalable } from './evmJournal';
import type { StreamDefinition } from '../stream/stream';
import { setPayloadText, type ChainEvent } from '../event';
import type { JournalCodec } from '../stream/journalLine';

/** An `evm` stream definition: the shared fields plus an optional ABI for events outside the built-in table. */
export interface EvmStreamDefinition extends StreamDefinition {
  /**
   * ABI JSON (array of fragments, an artifact with `abi`, or that as a string), or the workspace-relative path of
   * such a file (read through {@link EvmStreamDeps.workspace}). Optional.
   */
  abi?: unknown;
}

/** The workspace's contract artifacts, as the host offers them to EVM streams. */
export interface WorkspaceArtifacts {
  /**
   * The artifact index, after its first scan (the first call starts finding and watching the files; the index then
   * stays current). Undefined when there is no workspace folder. Never rejects.
   */
  index(): Promise<ArtifactIndex | undefined>;
  /** The text of the ABI file at a workspace-relative path; rejects with a readable error (missing, too large). */
  readAbiFile(path: string): Promise<string>;
  /**
   * Whether proxy slots may be read now (the host says no in an untrusted workspace: its deployment records would
   * choose what the node is asked). Absent = yes.
   */
  mayReadProxies?(): boolean;
}

/** What an EVM stream needs beyond {@link BaseStreamDeps}. */
export interface EvmStreamDeps extends BaseStreamDeps {
  /**
   * Returns the endpoint URL saved in SecretStorage for this stream (provider URLs embed keys), or undefined;
   * then `definition.baseUrl` is used, and without either the stream stops with `no_key`.
   */
  getKey(def: StreamDefinition): Promise<string | undefined>;
  /** Blocks per `eth_getLogs` request at most (default 2,000; halved on "range too large" errors). */
  maxBlockRange?: number;
  /** The gap fill reads at most this many blocks back from the head (default 10,000). */
  maxBackfillBlocks?: number;
  /** Remembered blocks checked for reorgs after a reconnect (default 16). */
  reorgCheckDepth?: number;
  /** JSON-RPC request timeout, ms (default 30,000). */
  requestTimeoutMs?: number;
  /** Builds the socket (tests); default `ws` with permessage-deflate off. */
  socketFactory?: (url: string) => WebSocket;
  /** The workspace's artifacts: logs decode with them first (by address, through EIP-1967 proxies, then by topic0). */
  workspace?: WorkspaceArtifacts;
  /** How long the first connection waits for the workspace scan before going on without it (default 5,000 ms). */
  workspaceWaitMs?: number;
  /** How long a log waits for its proxy's implementation slot to be read before it is shown as is (default 5,000 ms). */
  proxyLookupMs?: number;
}

/** A live log waiting for the gap fill: the notification's `result` and, when known, its JSON text. */
interface HeldLog {
  result: unknown;
  text: string | undefined;
}

/** State of one connection (a reconnect makes a new one). */
interface Session {
  cancelled: boolean;
  /** Live logs held back until the gap fill is done, with their texts as received; undefined once released. */
  held: HeldLog[] | undefined;
  subscription: string | undefined;
  /** Notifications that arrived before the `eth_subscribe` response named the subscription. */
  early: Array<HeldLog & { sub: string }>;
  outcome: CloseOutcome | undefined;
  /** Head block read at the previous keep-alive; covered once the next keep-alive finds the connection still up. */
  headProbe: number | undefined;
  /** The connection's requests (proxy slot reads go through it). */
  rpc: EvmRpcConnection | undefined;
  /** Logs waiting for a proxy read, in arrival order; undefined when none is waiting (logs are then emitted at once). */
  queue: Promise<void> | undefined;
  /** Events handed to the sink and not yet journaled and shown (flow control, see {@link MAX_UNSETTLED_LOGS}). */
  unsettled: number;
  /** Whether reading the socket is paused because of them. */
  readingPaused: boolean;
  /** Runs once per event when it is processed: one function for the whole connection. */
  settle: () => void;
}

/**
 * Events of one connection handed on and not yet journaled and shown at most: past that the connection stops reading
 * its socket until half of them are (a stream that falls behind slows the node, TCP backpressure, instead of buffering
 * without bound).
 */
export const MAX_UNSETTLED_LOGS = 500;

/** An `evm` stream. Not billed (the node's provider bills on its own terms). */
export class EvmStream extends BaseStream {
  private readonly ledger = new EvmLogLedger();
  private seeded = false;
  /** The log decoder and its proxy reads (the decoder module loads on the first connection). */
  private readonly decoding: EvmDecoding;
  private readonly normalizing: NonNullable<Parameters<typeof normalizeEvmLog>[3]> = {};
  private readonly backfillEmitter = new Emitter<EvmBackfillInfo>();
  /** Fires after each gap fill (also when it found nothing). */
  readonly onBackfill = this.backfillEmitter.event;

  constructor(definition: EvmStreamDefinition, private readonly evmDeps: EvmStreamDeps) {
    super(definition, evmDeps, { billed: false, replay: 'backfill' });
    this.decoding = new EvmDecoding(definition, evmDeps, this.clock, this.log);
  }

  override dispose(): void {
    super.dispose();
    this.backfillEmitter.dispose();
  }

  /** Lean journal lines: the log as received, its id and receive time (see evmJournal). */
  protected override journalCodec(): JournalCodec {
    return evmJournalCodec;
  }

  protected async open(mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> {
    const url = evmEndpointUrl(this.definition, await this.evmDeps.getKey(this.definition));
    if (!url) throw new ConnectError({ fatal: true, reason: 'no_key', message: 'no endpoint URL saved for this stream' });
    registerEndpointSecrets(url);
    try {
      new URL(url);
    } catch {
      throw new ConnectError({ fatal: true, reason: 'refused', message: `invalid endpoint URL ${redact(url)}` });
    }
    if (!/^wss?:\/\//i.test(url)) {
      throw new ConnectError({ fatal: true, reason: 'refused', message: `eth_subscribe needs a WebSocket endpoint (ws:// or wss://), not ${redact(url)}` });
    }
    let filter: EvmLogFilter;
    try {
      filter = buildLogFilter(this.definition);
    } catch (err) {
      throw new ConnectError({ fatal: true, reason: 'error', message: describeError(err) });
    }
    await this.decoding.load();
    this.seedFromJournal();
    const session: Session = {
      cancelled: false,
      held: [],
      subscription: undefined,
      early: [],
      outcome: undefined,
      headProbe: undefined,
      rpc: undefined,
      queue: undefined,
      unsettled: 0,
      readingPaused: false,
      settle: () => {
        if (session.unsettled > 0) session.unsettled--;
        if (session.readingPaused && session.unsettled <= MAX_UNSETTLED_LOGS >> 1) {
          session.readingPaused = false;
          session.rpc?.resume();
        }
      },
    };
    const rpc: EvmRpcConnection = new EvmRpcConnection(
      url,
      {
        onOpen: () => void this.runSession(rpc, session, sink, filter, mode),
        onNotification: (sub, result, text) => {
          if (session.cancelled) return;
          if (session.subscription === undefined) session.early.push({ sub, result, text });
          else if (sub !== session.subscription) return;
          else if (session.held) session.held.push({ result, text });
          else this.deliver(session, sink, result, 'live', text);
        },
        onMalformed: (reason) => sink.notice('warn', `malformed message ignored: ${reason}`),
        onActivity: () => sink.activity(),
        onTrace: (dir, text) => this.log.trace(`${dir} ${text}`),
        onUnexpectedResponse: (status) => {
          session.outcome ??= outcomeForStatus(status);
        },
        onClose: (code, reason, error) => {
          session.cancelled = true;
          const message = error
            ? describeConnectFailure(url, error, 'node')
            : code === 1006
              ? 'connection lost (1006)'
              : `connection closed (${code}${reason ? ' ' + redact(reason) : ''})`;
          sink.closed(session.outcome ?? { fatal: false, message });
        },
      },
      { clock: this.clock, requestTimeoutMs: this.evmDeps.requestTimeoutMs ?? 30_000, ...(this.evmDeps.socketFactory ? { socketFactory: this.evmDeps.socketFactory } : {}) },
    );
    session.rpc = rpc;
    return {
      endpoint: redact(url),
      transport: 'websocket',
      close: () => {
        session.cancelled = true;
        rpc.close();
      },
      ping: () => {
        rpc.ping();
        this.probeHead(rpc, session);
      },
    };
  }

  /**
   * Keeps the resume point moving on a quiet stream: each keep-alive reads the head block, and the head read at the
   * previous keep-alive (a heartbeat ago, on the same still-open socket, so its logs have long been delivered) is
   * marked covered. Without this, a filter that matches nothing for days would re-read all those blocks after a
   * reconnect (and hit the backfill limit).
   */
  private probeHead(rpc: EvmRpcConnection, session: Session): void {
    if (session.cancelled || session.held !== undefined) return;
    if (session.headProbe !== undefined) this.ledger.coveredThrough(session.headProbe);
    rpc.request('eth_blockNumber', []).then(
      (r) => {
        const head = parseQuantity(r);
        if (head !== undefined && !session.cancelled) {
          session.headProbe = head;
          this.log.trace(`head block ${head}`);
        }
      },
      (err) => this.log.debug(`head probe failed: ${describeError(err)}`),
    );
  }

  private end(rpc: EvmRpcConnection, session: Session, outcome: CloseOutcome): void {
    session.outcome ??= outcome;
    rpc.close();
  }

  private async runSession(rpc: EvmRpcConnection, session: Session, sink: TransportSink, filter: EvmLogFilter, mode: ResolvedMode): Promise<void> {
    let sub: unknown;
    try {
      sub = await rpc.request('eth_subscribe', ['logs', filter]);
    } catch (err) {
      if (session.cancelled) return;
      const msg = `endpoint rejected eth_subscribe: ${describeError(err)}`;
      return this.end(rpc, session, isSubscribeRefusal(err) ? { fatal: true, reason: 'refused', message: msg } : { fatal: false, message: msg });
    }
    if (session.cancelled) return;
    if (typeof sub !== 'string' || sub === '') {
      return this.end(rpc, session, { fatal: true, reason: 'refused', message: 'eth_subscribe returned no subscription id' });
    }
    session.subscription = sub;
    for (const e of session.early.splice(0)) if (e.sub === sub) session.held?.push({ result: e.result, text: e.text });
    try {
      const head = parseQuantity(await rpc.request('eth_blockNumber', []));
      if (session.cancelled) return;
      if (head === undefined) throw new RpcError('bad_response', 'eth_blockNumber returned no block number');
      this.log.debug(`subscribed (${sub}); head block ${head}; resume from ${this.ledger.resumeFrom ?? 'nothing'}`);
      sink.opened();
      // an explicit live connect skips the gap fill; `after`/`resume` (every automatic reconnect) fills it
      let from = mode.kind === 'live' ? undefined : this.ledger.resumeFrom;
      if (from === undefined && mode.kind === 'after') from = await this.blockOfId(rpc, mode.id, sink);
      if (session.cancelled) return;
      if (from !== undefined) await this.fillGap(rpc, session, sink, filter, from, head);
      else if (mode.kind !== 'live') sink.continuity({ continuity: 'may_be_missing', reason: 'the block of the last processed log is not known: continued live, blocks mined while down were not read' });
      if (session.cancelled) return;
      this.ledger.coveredThrough(head);
    } catch (err) {
      if (session.cancelled) return;
      return this.end(rpc, session, { fatal: false, message: `gap fill failed: ${describeError(err)}` });
    }
    const held = session.held ?? [];
    session.held = undefined;
    this.log.debug(`releasing ${held.length} held-back live log(s)`);
    for (const h of held) this.deliver(session, sink, h.result, 'live', h.text);
  }

  /**
   * Validates one log and hands it on in arrival order: at once, or after the logs ahead of it when one of them
   * waits for a proxy read (and after its own, when it needs one). `text` is the log's JSON as received, if known.
   */
  private deliver(session: Session, sink: TransportSink, raw: unknown, source: 'live' | 'backfill', text?: string): void {
    if (session.cancelled) return;
    const parsed = parseLog(raw);
    if ('error' in parsed) {
      sink.notice('warn', `malformed log skipped: ${parsed.error}`);
      return;
    }
    const log = parsed.log;
    if (!session.queue && !this.decoding.needsProxyRead(log)) {
      this.emitLog(session, sink, log, source, text);
      return;
    }
    const next: Promise<void> = (session.queue ?? Promise.resolve())
      .then(async () => {
        await this.decoding.readProxy(session, log);
        if (!session.cancelled) this.emitLog(session, sink, log, source, text);
      })
      .catch((err) => this.log.error(`log not delivered: ${describeError(err)}`))
      .finally(() => {
        if (session.queue === next) session.queue = undefined;
      });
    session.queue = next;
  }

  /** Hands one event on, counted for flow control. */
  private emit(session: Session, sink: TransportSink, ev: ChainEvent): void {
    if (++session.unsettled >= MAX_UNSETTLED_LOGS && !session.readingPaused) {
      session.readingPaused = true;
      session.rpc?.pause();
    }
    sink.event(ev, session.settle);
  }

  /**
   * Enters `log` in the ledger and hands its event on (after the removals of a reorg it reveals). With `text` (the
   * log as received) the event is journaled lean when that reads back as it is (see evmJournal).
   */
  private emitLog(session: Session, sink: TransportSink, log: EvmLog, source: 'live' | 'backfill', text?: string): boolean {
    this.decoding.observe(log);
    const verdict = this.ledger.accept(log);
    if (verdict.kind === 'duplicate') return false;
    if (verdict.kind === 'new' && verdict.reorg) {
      // the node did not announce it: retract the orphaned logs before the replacement, so the feed reads in chain order
      const { block, depth, removed } = verdict.reorg;
      for (const orphan of removed) this.emit(session, sink, this.removalEvent(orphan, source));
      sink.notice('warn', reorgText(block, depth, removed.length, 'the node did not announce it'));
    }
    const ev = normalizeEvmLog(this.definition.id, log, this.clock.now(), this.normalizeOptions(source, verdict.idSuffix));
    if (verdict.kind === 'removed' && !verdict.seen) {
      (ev.warnings ??= []).push(`reorg removed a log this stream had not shown (block ${log.blockNumber}, index ${log.logIndex})`);
    }
    if (text !== undefined && leanJournalable(ev)) setPayloadText(ev, text, true); // the payload is built from it
    this.emit(session, sink, ev);
    return true;
  }

  private async fillGap(rpc: EvmRpcConnection, session: Session, sink: TransportSink, filter: EvmLogFilter, from: number, head: number): Promise<void> {
    const reorgRemoved = await this.checkReorgs(rpc, session, sink);
    if (session.cancelled) return;
    let start = Math.min(from, this.ledger.resumeFrom ?? from);
    let chainReset = false;
    if (start > head + 1) {
      chainReset = true;
      // the node is behind the last block we processed: a restarted dev chain, or another chain behind the same URL
      sink.notice('warn', `the node's head block ${head} is behind the last processed block ${start - 1} (chain reset?): continuing from its head`);
      this.ledger.resetTo(head + 1);
      start = head + 1;
    }
    const max = Math.max(1, this.evmDeps.maxBackfillBlocks ?? 10_000);
    let skippedBlocks = 0;
    if (head - start + 1 > max) {
      skippedBlocks = head - max + 1 - start;
      sink.notice('warn', `gap of ${head - start + 1} blocks is over the backfill limit: blocks ${start}-${start + skippedBlocks - 1} were not read`);
      start = head - max + 1;
    }
    let backfilled = 0;
    if (start <= head) {
      await fetchLogsInRanges(rpc, filter, start, head, {
        maxBlockRange: this.evmDeps.maxBlockRange ?? 2_000,
        cancelled: () => session.cancelled,
        onInvalid: (reason) => sink.notice('warn', `malformed log skipped in eth_getLogs: ${reason}`),
        onSplit: (a, b, err) => this.log.info(`eth_getLogs ${a}-${b} too large (${err.message}); splitting`),
        onChunk: async (logs) => {
          for (const log of logs) {
            await this.decoding.readProxy(session, log);
            if (!session.cancelled && this.emitLog(session, sink, log, 'backfill')) backfilled++;
          }
        },
      });
    }
    if (session.cancelled) return;
    const info: EvmBackfillInfo = { stream: this.definition.id, fromBlock: start, toBlock: head, backfilled, reorgRemoved, skippedBlocks };
    const text = `gap filled: ${backfilled} log${backfilled === 1 ? '' : 's'} backfilled from blocks ${start}-${head}` + (reorgRemoved ? `, ${reorgRemoved} removed by a reorg while disconnected` : '');
    sink.notice('info', text);
    sink.replayed(backfilled);
    sink.continuity(backfillVerdict(info, chainReset));
    this.backfillEmitter.fire(info, (err) => this.log.error(`a backfill listener failed: ${describeError(err)}`));
  }

  /**
   * Compares every remembered height (up to `reorgCheckDepth` of them, newest first) with the chain; the logs of
   * blocks no longer canonical are re-emitted as removed. Every height is asked: a newer block that matches says
   * nothing about an older one this stream saw on a chain that was later abandoned.
   */
  private async checkReorgs(rpc: EvmRpcConnection, session: Session, sink: TransportSink): Promise<number> {
    const depth = this.evmDeps.reorgCheckDepth ?? 16;
    const blocks = this.ledger.recentBlocks();
    const numbers = [...new Set(blocks.map((b) => b.number))].slice(0, depth);
    let removed = 0;
    let lowest: number | undefined;
    let highest: number | undefined;
    for (const n of numbers) {
      const block = (await rpc.request('eth_getBlockByNumber', [toQuantity(n), false])) as { hash?: unknown } | null;
      if (session.cancelled) return removed;
      const canonical = block && typeof block.hash === 'string' ? block.hash.toLowerCase() : undefined;
      for (const b of blocks) {
        if (b.number !== n || b.hash === canonical) continue;
        const dropped = this.ledger.dropBlock(b.hash);
        if (dropped.length === 0) continue;
        lowest = Math.min(lowest ?? n, n);
        highest = Math.max(highest ?? n, n);
        for (const log of dropped) {
          this.emit(session, sink, this.removalEvent(log, 'backfill'));
          removed++;
        }
      }
    }
    if (lowest !== undefined && highest !== undefined) sink.notice('warn', reorgText(lowest, highest - lowest + 1, removed, 'found after reconnecting'));
    return removed;
  }

  /** The event announcing that `log` (flagged removed) left the canonical chain; its id points at the original. */
  private removalEvent(log: EvmLog, source: 'live' | 'backfill'): ChainEvent {
    return normalizeEvmLog(this.definition.id, log, this.clock.now(), this.normalizeOptions(source, REMOVED_SUFFIX));
  }

  /** The options of the next {@link normalizeEvmLog} call: one object, refilled per log (the call keeps none of it). */
  private normalizeOptions(source: 'live' | 'backfill', idSuffix: string): Parameters<typeof normalizeEvmLog>[3] {
    const o = this.normalizing;
    o.source = source;
    o.idSuffix = idSuffix;
    const decode = this.decoding.decode;
    if (decode) o.decode = decode;
    return o;
  }

  /** The block number of an event id from the journal: from the restored events, else `eth_getBlockByHash`. */
  private async blockOfId(rpc: EvmRpcConnection, id: string, sink: TransportSink): Promise<number | undefined> {
    const original = evmOriginalId(id);
    const known = this.recent().find((e) => e.id === id || e.id === original);
    if (known?.checkpoint !== undefined) return known.checkpoint;
    const hash = original.split(':')[0];
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) {
      sink.notice('warn', `cannot resume after "${id.slice(0, 80)}": not an EVM log id; starting live`);
      return undefined;
    }
    const block = (await rpc.request('eth_getBlockByHash', [hash, false])) as { number?: unknown } | null;
    const n = block ? parseQuantity(block.number) : undefined;
    if (n === undefined) sink.notice('warn', `the block of the last processed log is no longer on the chain; starting live`);
    return n;
  }

  /** Seeds the ledger once from the events restored from the journal, so removals and duplicates match after a restart. */
  private seedFromJournal(): void {
    if (this.seeded) return;
    this.seeded = true;
    for (const ev of this.recent()) {
      if (ev.provider !== 'evm' || ev.id.endsWith(REMOVED_SUFFIX)) continue;
      const parsed = parseLog(ev.payload);
      if ('log' in parsed && !parsed.log.removed) this.ledger.accept(parsed.log);
    }
  }
}
