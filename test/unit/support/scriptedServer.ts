/**
 * A scripted Warp-shaped server for client tests: every connection attempt is recorded and answered the way the
 * test says (accept, or an HTTP status). Real sockets on 127.0.0.1. Not the simulator: this one does only what a
 * test scripts, so a client's reaction to one exact server behaviour can be checked.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Attempt {
  url: URL;
  headers: http.IncomingHttpHeaders;
  kind: 'ws' | 'sse';
}

export type Answer = { status: number; body?: string } | 'accept';

export class ScriptedServer {
  readonly attempts: Attempt[] = [];
  /** Decides each attempt's answer (default accept). */
  answer: (a: Attempt) => Answer = () => 'accept';
  private server = http.createServer();
  private wss = new WebSocketServer({ noServer: true, autoPong: true, perMessageDeflate: false });
  private stallWss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false });
  /** When true, new WS connections do not answer pings (a stalled server). */
  stalled = false;
  private waiters: Array<(ws: WebSocket, a: Attempt) => void> = [];
  private sseWaiters: Array<(res: http.ServerResponse, a: Attempt) => void> = [];
  readonly sockets: WebSocket[] = [];
  readonly received: string[] = [];

  async start(): Promise<void> {
    this.server.on('upgrade', (req, socket, head) => {
      const a: Attempt = { url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, kind: 'ws' };
      this.attempts.push(a);
      const ans = this.answer(a);
      if (ans !== 'accept') {
        const body = ans.body ?? JSON.stringify({ error: `status ${ans.status}` });
        socket.end(`HTTP/1.1 ${ans.status} X\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      const wss = this.stalled ? this.stallWss : this.wss;
      wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.push(ws);
        ws.on('message', (d) => this.received.push(d.toString()));
        const w = this.waiters.shift();
        if (w) w(ws, a);
      });
    });
    this.server.on('request', (req, res) => {
      const a: Attempt = { url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, kind: 'sse' };
      this.attempts.push(a);
      const ans = this.answer(a);
      if (ans !== 'accept') {
        res.writeHead(ans.status, { 'content-type': 'application/json' });
        res.end(ans.body ?? JSON.stringify({ error: `status ${ans.status}` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const w = this.sseWaiters.shift();
      if (w) w(res, a);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves with the next accepted WebSocket connection. */
  nextSocket(): Promise<{ ws: WebSocket; attempt: Attempt }> {
    return new Promise((resolve) => this.waiters.push((ws, attempt) => resolve({ ws, attempt })));
  }

  /** Resolves with the next accepted SSE response. */
  nextSse(): Promise<{ res: http.ServerResponse; attempt: Attempt }> {
    return new Promise((resolve) => this.sseWaiters.push((res, attempt) => resolve({ res, attempt })));
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.stallWss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** A Warp envelope as a frame. */
export function frame(event: string, data: unknown, id?: string | number): string {
  return JSON.stringify(id === undefined ? { event, data } : { id, event, data });
}

/** A realistic Move event payload for test frames. */
export function moveEvent(n: number, timestamp = 1_700_000_000_000): Record<string, unknown> {
  return {
    activityType: 'package_event',
    txDigest: `Dig${n}`,
    eventSequence: 0,
    checkpoint: 1000 + n,
    timestamp,
    type: '0x2::coin::Transfer',
    sender: '0x' + 'a'.repeat(64),
    data: { amount: String(n) },
  };
}
