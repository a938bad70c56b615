/** The one Warp decoder shared by the WebSocket and SSE transports, and the resume cursor. Pure. */
import * as assert from 'assert';
import { decodeSseMessage, decodeWarpMessage, parseWsEnvelope } from '../../src/core/warp/warpFrame';
import { ResumeCursor } from '../../src/core/stream/resumeCursor';
import { headerValueProblem } from '../../src/core/warp/warpStream';

describe('decodeWarpFrame', () => {
  it('keeps a numeric id a number (it is ACKed as one) and a string id a string', () => {
    const n = parseWsEnvelope('{"id":22000500,"event":"event","data":{"txDigest":"D"}}');
    assert.deepStrictEqual(n, { kind: 'data', name: 'event', id: 22000500, data: { txDigest: 'D' }, dataText: '{"txDigest":"D"}' });
    const s = parseWsEnvelope('{"id":"12_4_0","event":"coin","data":{}}');
    assert.strictEqual(s.kind === 'data' && s.id, '12_4_0');
    const none = parseWsEnvelope('{"id":"","event":"event","data":{}}');
    assert.strictEqual(none.kind === 'data' && none.id, undefined, 'an empty id is no id');
  });
  it('WebSocket and SSE decode the same message to the same frame', () => {
    const data = '{"activityType":"package_event","txDigest":"X"}';
    const ws = parseWsEnvelope(`{"id":"7","event":"event","data":${data}}`);
    const sse = decodeSseMessage('event', '7', data);
    assert.deepStrictEqual(ws, sse);
    assert.deepStrictEqual(decodeSseMessage('connected', undefined, '{"heartbeatIntervalMs":5000}'), { kind: 'connected', heartbeatMs: 5000 });
    assert.deepStrictEqual(parseWsEnvelope('{"event":"connected","data":{"connId":"c"}}'), { kind: 'connected' });
  });
  it('control names, unknown names and bad input', () => {
    assert.deepStrictEqual(decodeWarpMessage('quota_exceeded', undefined, { remaining: '0' }), { kind: 'quota_exceeded', remaining: 0 });
    assert.deepStrictEqual(decodeWarpMessage('pong', undefined, null), { kind: 'heartbeat' });
    assert.deepStrictEqual(decodeWarpMessage('error', undefined, { code: 'E1', message: 'odd' }), { kind: 'error', message: 'E1: odd' });
    assert.strictEqual(decodeWarpMessage('brand_new', 'x', {}).kind, 'data', 'unknown names pass through as data');
    const bad = parseWsEnvelope('{not json');
    assert.ok(bad.kind === 'invalid' && /invalid JSON/.test(bad.problem));
    const nameless = parseWsEnvelope('[1,2]');
    assert.ok(nameless.kind === 'invalid' && /without an event name/.test(nameless.problem));
    const sseBad = decodeSseMessage('event', '1', 'nope');
    assert.ok(sseBad.kind === 'invalid' && /malformed SSE data/.test(sseBad.problem));
  });
  it('says which ids an HTTP header cannot carry', () => {
    assert.strictEqual(headerValueProblem('22000500'), undefined);
    assert.strictEqual(headerValueProblem('12345682_Qr9Mn3wxyz_0x1234abcd_0x2::sui::SUI_-1000000000'), undefined);
    assert.match(headerValueProblem('5€') ?? '', /cannot carry/);
    assert.match(headerValueProblem('a\u0000b') ?? '', /cannot carry/);
    assert.match(headerValueProblem('x'.repeat(257)) ?? '', /257 characters/);
  });
});

describe('ResumeCursor', () => {
  it('grouped: resumes after the last id whose group is complete', () => {
    const c = new ResumeCursor(true);
    c.observe('100', 100);
    assert.strictEqual(c.resumeAfter, undefined, 'checkpoint 100 may not be complete');
    c.observe('101', 101);
    c.observe('101', 101);
    assert.deepStrictEqual(c.position(), { resumeAfter: '100', resumeCheckpoint: 100, openGroup: '101' });
    c.observe('102', 102);
    assert.strictEqual(c.resumeAfter, '101');
  });
  it('granular ids: one behind (one duplicate per reconnect, dropped by identity); ungrouped: the last id', () => {
    const g = new ResumeCursor(true);
    for (const id of ['a', 'b', 'c']) g.observe(id);
    assert.strictEqual(g.resumeAfter, 'b');
    const u = new ResumeCursor(false);
    for (const id of ['a', 'b', 'c']) u.observe(id);
    assert.strictEqual(u.resumeAfter, 'c');
  });
});
