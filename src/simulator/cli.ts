/**
 * `npm run simulator`: runs the local Warp server until SIGINT/SIGTERM.
 *
 * Flags: `--port N` (default 7777; 0 = any free port), `--rate R` (events/s of the `demo` stream, default 3),
 * `--seed N` (default 1), `--quota N` (credit quota of the demo key, default unlimited), `--host H` (default
 * 127.0.0.1), `--heartbeat MS` (default 5000), `--verbose` (debug logs). Streams: `demo` (mixed, at --rate) and one
 * per kind (`events`, `address`, `coin`, `object`, each at 1 event/s). Also on free ports: a Covalent-compatible
 * STOMP endpoint, an eth_subscribe node, a GoldRush-Streaming-compatible endpoint and a Sui full node serving gRPC
 * Subscribe/List Events, Transactions and Checkpoints (`--sui-port N`, default 9000: a `sui start` localnet's
 * port). The banner goes to stdout, logs to stderr.
 */
import { createLogger } from '../core/logger';
import type { LogLevel } from '../core/logger';
import { COIN_TRANSFER_EVENT } from './suiGenerator';
import { COVALENT_DEMO_KEY, CovalentServer } from './covalentServer';
import { EvmNodeServer } from './evmNodeServer';
import { GOLDRUSH_DEMO, GOLDRUSH_DEMO_KEY, GoldRushServer } from './goldrushServer';
import { DEMO_KEY, WarpServer } from './warpServer';
import { SuiNodeServer } from './suiNodeServer';
import { streamSnippet } from './streamSnippet';

/** Parsed command line. */
export interface SimulatorArgs {
  port: number;
  rate: number;
  seed: number;
  quota: number | undefined;
  host: string;
  heartbeatMs: number;
  /** Port of the local Sui gRPC node (default 9000). */
  suiPort: number;
  verbose: boolean;
}

/** Parses argv (without node and script). Throws with a readable message on a bad flag or value. */
export function parseSimulatorArgs(argv: string[]): SimulatorArgs {
  const out: SimulatorArgs = { port: 7777, rate: 3, seed: 1, quota: undefined, host: '127.0.0.1', heartbeatMs: 5000, suiPort: 9000, verbose: false };
  const num = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min} (got ${v ?? 'nothing'})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--port':
        out.port = Math.floor(num(flag, value(), 0));
        break;
      case '--rate':
        out.rate = num(flag, value(), 0);
        break;
      case '--seed':
        out.seed = Math.floor(num(flag, value(), 0));
        break;
      case '--quota':
        out.quota = Math.floor(num(flag, value(), 0));
        break;
      case '--sui-port':
        out.suiPort = Math.floor(num(flag, value(), 0));
        break;
      case '--heartbeat':
        out.heartbeatMs = Math.floor(num(flag, value(), 1));
        break;
      case '--host': {
        const h = value();
        if (!h) throw new Error('--host needs a value');
        out.host = h;
        break;
      }
      case '--verbose':
        out.verbose = true;
        break;
      case '--help':
      case '-h':
        throw new Error('usage: simulator [--port 7777] [--rate 3] [--seed 1] [--quota N] [--host 127.0.0.1] [--heartbeat 5000] [--sui-port 9000] [--verbose]');
      default:
        throw new Error(`unknown flag ${argv[i]}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  let args: SimulatorArgs;
  try {
    args = parseSimulatorArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
    return;
  }
  const levels: LogLevel[] = args.verbose ? ['debug', 'info', 'warn', 'error'] : ['info', 'warn', 'error'];
  const logger = createLogger({
    log: (level, message) => {
      if (levels.includes(level)) process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
    },
  });
  const server = new WarpServer({
    host: args.host,
    port: args.port,
    seed: args.seed,
    heartbeatMs: args.heartbeatMs,
    logger,
    streams: [
      { id: 'demo', type: 'mixed', ratePerSec: args.rate },
      { id: 'events', type: 'event', ratePerSec: 1, eventType: COIN_TRANSFER_EVENT },
      { id: 'address', type: 'address', ratePerSec: 1 },
      { id: 'coin', type: 'coin', ratePerSec: 1 },
      { id: 'object', type: 'object', ratePerSec: 1 },
    ],
  });
  if (args.quota !== undefined) server.setQuota(DEMO_KEY, args.quota);
  await server.start();
  // the EVM side of the demo: a Covalent-compatible STOMP endpoint and an eth_subscribe node, on free ports
  const covalent = new CovalentServer({ host: args.host, seed: args.seed, logger });
  await covalent.start();
  covalent.startAuto();
  const evm = new EvmNodeServer({ host: args.host, seed: args.seed, blockTimeMs: 2_000, reorgEveryBlocks: 20, logger });
  await evm.start();
  const goldrush = new GoldRushServer({ host: args.host, seed: args.seed, intervalMs: 1_500, logger });
  await goldrush.start();
  goldrush.startAuto();
  const sui = new SuiNodeServer({ host: args.host, port: args.suiPort, seed: args.seed, intervalMs: 1_000, logger });
  await sui.start();
  sui.startAuto();
  const ws = server.baseUrl.replace(/^http/, 'ws');
  process.stdout.write(
    [
      `Chain Watch local Warp server on ${server.baseUrl}`,
      `  API key:   ${DEMO_KEY}${args.quota !== undefined ? ` (quota ${args.quota} credits)` : ''}`,
      `  WebSocket: ${ws}/v1/warp/demo/ws?api_key=${DEMO_KEY}`,
      `  SSE:       ${server.baseUrl}/v1/warp/demo/stream   (header x-api-key: ${DEMO_KEY})`,
      `  streams:   demo (mixed, ${args.rate}/s), events, address, coin, object (1/s each)`,
      `  health:    ${server.baseUrl}/healthz`,
      `Covalent-compatible STOMP endpoint: ${covalent.url}   (key ${COVALENT_DEMO_KEY}; destinations /v1/{chainId}/events/address/{address}/ or .../topics/{topic}/)`,
      `EVM node (eth_subscribe, chain 31337, a block every 2 s, a reorg every 20 blocks): ${evm.url}`,
      `GoldRush-compatible Streaming endpoint (graphql-transport-ws): ${goldrush.url}   (GOLDRUSH_API_KEY ${GOLDRUSH_DEMO_KEY}; walletTxs, newPairs, updatePairs, updateTokens, OHLCV; e.g. ${GOLDRUSH_DEMO.chain} wallet ${GOLDRUSH_DEMO.wallets[0]})`,
      `Sui full node (gRPC, plain HTTP/2: SubscriptionService events / transactions / checkpoints, LedgerService List*; a checkpoint a second): ${sui.url}   (Add Stream > Sui full node > Custom node URL, or network localnet on port 9000)`,
      '',
      streamSnippet({ warp: server.baseUrl, covalent: covalent.url, evm: evm.url }, { warp: DEMO_KEY, covalent: COVALENT_DEMO_KEY }),
      '',
      'Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    Promise.all([server.stop(), covalent.stop(), evm.stop(), goldrush.stop(), sui.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`simulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
