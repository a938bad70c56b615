/**
 * Child process for the Warp benchmark: runs the local Warp server and emits events when the parent asks
 * (`{emit: n}` over IPC), so the server has its own core and the client under test has the other.
 */
import { WarpServer } from '../../src/simulator/warpServer';

const KEY = 'indr_bench_key';

async function main(): Promise<void> {
  const server = new WarpServer({ keys: [{ key: KEY }], streams: [{ id: 'bench', type: 'mixed' }], heartbeatMs: 60_000 });
  await server.start();
  process.on('message', (m: { emit?: number; stop?: boolean; cpu?: boolean }) => {
    if (m.emit) server.emit('bench', m.emit);
    // the server's own CPU time (µs), so the bench can show whether the server, not the client, was the ceiling
    if (m.cpu) {
      const c = process.cpuUsage();
      process.send?.({ cpuUs: c.user + c.system });
    }
    if (m.stop) void server.stop().then(() => process.exit(0));
  });
  process.send?.({ ready: true, baseUrl: server.baseUrl, key: KEY });
}

void main();
