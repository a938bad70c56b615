// A scripted StreamHandle for registry/guard unit tests: the test drives state and events by hand.
import { Emitter } from '../../../src/core/emitter';
import type { ChainEvent } from '../../../src/core/event';
import type { ConnectMode, CreditSnapshot, GapInfo, StreamDefinition, StreamHandle, StreamNotice, StreamStatus } from '../../../src/core/stream/stream';

export class FakeHandle implements StreamHandle {
  st: StreamStatus = { state: 'idle', attempt: 0, eventCount: 0 };
  creditsUsed = 0;
  connects: Array<ConnectMode | undefined> = [];
  disconnects: Array<'user' | 'paused' | undefined> = [];
  disposed = false;
  readonly ready: Promise<void> = Promise.resolve();
  events: ChainEvent[] = [];
  private ev = new Emitter<ChainEvent[]>();
  private stE = new Emitter<StreamStatus>();
  private gapE = new Emitter<GapInfo>();
  private noteE = new Emitter<StreamNotice>();
  readonly onEvents = this.ev.event;
  readonly onStatus = this.stE.event;
  readonly onGap = this.gapE.event;
  readonly onNotice = this.noteE.event;
  constructor(readonly definition: StreamDefinition) {}
  status(): StreamStatus {
    return { ...this.st };
  }
  credits(): CreditSnapshot {
    return { credits: this.creditsUsed, events: 0, intervals: 0, perHour: 0 };
  }
  recent(limit = 100): ChainEvent[] {
    return this.events.slice(-limit);
  }
  readJournal(): Promise<ChainEvent[]> {
    return Promise.resolve([...this.events]);
  }
  connect(mode?: ConnectMode): void {
    this.connects.push(mode);
    this.setState({ state: 'live' });
  }
  disconnect(reason?: 'user' | 'paused'): void {
    this.disconnects.push(reason);
    this.setState({ state: 'stopped', stopReason: reason ?? 'user' });
  }
  reconnect(): void {
    this.connect({ kind: 'auto' });
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  dispose(): void {
    this.disposed = true;
  }
  setState(patch: Partial<StreamStatus>): void {
    this.st = { ...this.st, stopReason: undefined, ...patch };
    this.stE.fire(this.status());
  }
  push(events: ChainEvent[]): void {
    this.events.push(...events);
    this.st.eventCount += events.length;
    this.ev.fire(events);
  }
  notice(n: StreamNotice): void {
    this.noteE.fire(n);
  }
}

export function ev(stream: string, id: string, at: number): ChainEvent {
  return { id, stream, provider: 'warp', kind: 'event', name: 'event', receivedAt: at, payload: { txDigest: 'D' + id } };
}
