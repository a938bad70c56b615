/**
 * {@link currentOnly}: the guard between a stream and the connections it has superseded. Each attempt gets its own
 * sink; once the stream moves on (a newer attempt, a teardown, dispose), whatever the old connection still reports
 * is dropped here, in one place, instead of in every handler.
 */
import type { TransportSink } from './streamTransport';

/** `sink` with every call dropped while `current()` is false. `current` is asked at each call. */
export function currentOnly(current: () => boolean, sink: TransportSink): TransportSink {
  return {
    opened: (info) => void (current() && sink.opened(info)),
    event: (ev, ack) => void (current() && sink.event(ev, ack)),
    activity: () => void (current() && sink.activity()),
    notice: (level, message) => void (current() && sink.notice(level, message)),
    cursor: (id) => void (current() && sink.cursor(id)),
    retryHint: (ms) => void (current() && sink.retryHint(ms)),
    quota: (remaining) => void (current() && sink.quota(remaining)),
    replayed: (n) => void (current() && sink.replayed(n)),
    continuity: (verdict) => void (current() && sink.continuity(verdict)),
    closed: (outcome) => void (current() && sink.closed(outcome)),
  };
}
