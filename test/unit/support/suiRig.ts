/** A Sui stream against the local gRPC node, client timers on a FakeClock (shared by the local-node tests). */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../../src/core/clock';
import type { ChainEvent } from '../../../src/core/event';
import { SuiGrpcStream, type SuiStreamDefinition, type SuiStreamDeps } from '../../../src/core/sui/suiGrpcStream';
import { SuiNodeServer, type SuiNodeServerOptions } from '../../../src/simulator/suiNodeServer';
import { prng } from '../../../src/simulator/prng';
import { until } from './wait';

export interface Rig {
  clock: FakeClock;
  server: SuiNodeServer;
  stream: SuiGrpcStream;
  seen: ChainEvent[];
  dir: string;
}

/** A stream of `def` on a node (a new one unless `server` is given), journaling into `dir` (a new temp dir by default). */
export async function rig(def: Partial<SuiStreamDefinition>, serverOpts: SuiNodeServerOptions = {}, deps: Partial<SuiStreamDeps> = {}, dir?: string, server?: SuiNodeServer): Promise<Rig> {
  const clock = new FakeClock();
  if (!server) {
    server = new SuiNodeServer(serverOpts);
    await server.start();
  }
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cw-sui-'));
  const stream = new SuiGrpcStream({ id: 'sui-test', provider: 'sui', baseUrl: server.url, ...def } as SuiStreamDefinition, { clock, journalDir: dir, getKey: async () => undefined, random: prng(5), ...deps });
  const seen: ChainEvent[] = [];
  stream.onEvents((b) => seen.push(...b));
  return { clock, server, stream, seen, dir };
}

/** Waits until the stream is live with `n` events seen, stepping the fake clock through any reconnect delay. */
export async function settle(r: Rig, n: number, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    const st = r.stream.status();
    assert.notStrictEqual(st.state, 'stopped', `${what}: stopped: ${st.message}`);
    if (st.state === 'reconnecting') r.clock.advance(Math.max(0, (st.nextRetryAt ?? r.clock.now()) - r.clock.now()));
    await until(() => {
      const s = r.stream.status().state;
      return (s === 'live' && r.seen.length >= n && r.server.subscriptionCount > 0) || s === 'reconnecting' || s === 'stopped';
    }, `${what} (${r.seen.length}/${n}, ${r.stream.status().state})`, 100_000);
    if (r.stream.status().state === 'live' && r.seen.length >= n) return;
  }
  throw new Error(`${what}: never settled`);
}
