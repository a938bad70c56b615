// A loopback TCP proxy the test controls: sits between the client and the node so a test can kill the client's
// connection mid-stream (both directions, abruptly) while the node keeps running.
import * as net from 'net';
import type { AddressInfo } from 'net';

export class TcpProxy {
  private server!: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  /** Connections accepted so far. */
  accepted = 0;

  constructor(private readonly targetPort: number, private readonly targetHost = '127.0.0.1') {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      this.accepted++;
      const upstream = net.connect(this.targetPort, this.targetHost);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      const end = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return (this.server.address() as AddressInfo).port;
  }

  /** Open connections right now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Destroys every open connection (no close frames: as if the network dropped). Returns how many. */
  killAll(): number {
    const n = this.pairs.size;
    for (const [a, b] of [...this.pairs]) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    return n;
  }

  async stop(): Promise<void> {
    this.killAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
