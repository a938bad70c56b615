/** How a STOMP socket close is read (pure): refused, lost, early, with words. */
import * as assert from 'assert';
import { classifySocketClose, type SocketCloseFacts } from '../../src/core/covalent/stompClose';

/** A close after a healthy start: opened, CONNECTED, messages flowing, long after SUBSCRIBE. */
function facts(over: Partial<SocketCloseFacts> = {}): SocketCloseFacts {
  return {
    code: 1006,
    reason: undefined,
    lastSocketError: undefined,
    connectError: undefined,
    url: 'ws://127.0.0.1:1/ws?key=cqt_secret',
    opened: true,
    connected: true,
    messages: 3,
    sinceSubscribeMs: 60_000,
    earlyCloseWindowMs: 2_000,
    ...over,
  };
}

describe('STOMP close classification', () => {
  it('an HTTP 4xx on the handshake is refused, a 5xx lost, both with the status', () => {
    const r = classifySocketClose(facts({ opened: false, connected: false, lastSocketError: 'Unexpected server response: 401' }));
    assert.deepStrictEqual(r, { kind: 'refused', message: 'endpoint refused the subscription: WebSocket handshake answered HTTP 401', httpStatus: 401, early: false });
    const l = classifySocketClose(facts({ opened: false, connected: false, lastSocketError: 'Unexpected server response: 503' }));
    assert.strictEqual(l.kind, 'lost');
    assert.strictEqual(l.httpStatus, 503);
  });

  it('a clean close right after CONNECT is refused; an abnormal one is lost and early', () => {
    const clean = classifySocketClose(facts({ connected: false, code: 1000, reason: 'bye' }));
    assert.strictEqual(clean.kind, 'refused');
    assert.match(clean.message, /right after CONNECT \(code 1000: bye\)/);
    const abnormal = classifySocketClose(facts({ connected: false, code: 1006 }));
    assert.deepStrictEqual([abnormal.kind, abnormal.early], ['lost', true]);
  });

  it('a socket that never opened is lost, in words that name the endpoint and never the key', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const r = classifySocketClose(facts({ opened: false, connected: false, lastSocketError: refused.message, connectError: refused }));
    assert.deepStrictEqual([r.kind, r.early], ['lost', false]);
    assert.match(r.message, /cannot reach 127\.0\.0\.1:1 \(connection refused\)/);
    assert.doesNotMatch(r.message, /cqt_secret/);
    const bare = classifySocketClose(facts({ opened: false, connected: false }));
    assert.strictEqual(bare.message, 'could not connect: socket closed');
  });

  it('a close soon after SUBSCRIBE with no message is early; later, or after a message, it is not', () => {
    assert.strictEqual(classifySocketClose(facts({ messages: 0, sinceSubscribeMs: 500, code: 1000 })).early, true);
    assert.strictEqual(classifySocketClose(facts({ messages: 0, sinceSubscribeMs: 5_000 })).early, false);
    const late = classifySocketClose(facts({ lastSocketError: 'read ECONNRESET' }));
    assert.deepStrictEqual([late.kind, late.early], ['lost', false]);
    assert.match(late.message, /connection closed \(code 1006\): read ECONNRESET/);
  });
});
