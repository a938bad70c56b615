import * as assert from 'assert';
import { eventTitle, normalizeWarp, payloadText, serializeEvent, setPayloadText, warpIdentity } from '../../src/core/event';
import { envelopeDataText } from '../../src/core/warp/warpFrame';

describe('event model (Warp)', () => {
  it('normalizes a Move event', () => {
    const ev = normalizeWarp('s', 'event', '12345678_4_0', {
      activityType: 'package_event',
      txDigest: '5KmR',
      eventSequence: '4',
      checkpoint: '12345678',
      timestamp: 1704729600000,
      type: '0x2::coin::Transfer',
      sender: '0xabc',
      data: { amount: '1' },
    }, 5);
    assert.strictEqual(ev.messageId, '12345678_4_0');
    assert.match(ev.id, /^12345678_4_0~[0-9a-f]{16}$/, 'identity = the message id + what tells its events apart');
    assert.strictEqual(ev.kind, 'event');
    assert.strictEqual(ev.digest, '5KmR');
    assert.strictEqual(ev.sequence, 4);
    assert.strictEqual(ev.checkpoint, 12345678);
    assert.strictEqual(ev.timestamp, 1704729600000);
    assert.strictEqual(ev.type, '0x2::coin::Transfer');
    assert.strictEqual(ev.sender, '0xabc');
    assert.strictEqual(ev.receivedAt, 5);
    assert.strictEqual(ev.warnings, undefined);
  });

  it('accepts coin_type and coinType, object_id and objectId', () => {
    assert.strictEqual(normalizeWarp('s', 'coin', '1', { coin_type: '0x2::sui::SUI', address: '0x1' }, 0).type, '0x2::sui::SUI');
    assert.strictEqual(normalizeWarp('s', 'coin', '1', { coinType: '0x2::sui::SUI', address: '0x1' }, 0).type, '0x2::sui::SUI');
    const o = normalizeWarp('s', 'object', '1', { objectId: '0xo', owner: '0xw', writeKind: 'mutated' }, 0);
    assert.strictEqual(o.sender, '0xw');
    assert.strictEqual(o.type, 'mutated');
  });

  it('passes unknown event names through with a warning', () => {
    const ev = normalizeWarp('s', 'brand_new', 'x1', { txDigest: 'D', whatever: 1 }, 0);
    assert.strictEqual(ev.kind, 'unknown');
    assert.strictEqual(ev.name, 'brand_new');
    assert.deepStrictEqual(ev.payload, { txDigest: 'D', whatever: 1 });
    assert.ok(ev.warnings?.some((w) => w.includes('brand_new')));
  });

  it('derives a stable id for messages without one', () => {
    const a = normalizeWarp('s', 'event', undefined, { txDigest: 'D', eventSequence: 2 }, 0);
    const b = normalizeWarp('s', 'event', undefined, { txDigest: 'D', eventSequence: 2 }, 9);
    assert.strictEqual(a.id, b.id);
    assert.ok(a.warnings?.some((w) => w.includes('without id')));
  });

  it('never throws on non-object payloads', () => {
    const ev = normalizeWarp('s', 'event', '1', 'just a string', 0);
    assert.strictEqual(ev.payload, 'just a string');
    assert.ok(ev.warnings?.length);
  });

  it('keeps the identities older journals and feeds hold (pinned values: the hash must never change)', () => {
    assert.strictEqual(warpIdentity('42', 'event', { txDigest: '5HqAbc', eventSequence: '3' }), '42~d0256b440e6481db');
    assert.strictEqual(warpIdentity('7', 'coin', { digest: 'D1', address: '0xa', coinType: '0x2::sui::SUI' }), '7~7838200d27881ef1');
    assert.strictEqual(warpIdentity(undefined, 'event', { txDigest: 'Zz9' }), '~ecc2359b4eddeaa8');
    assert.strictEqual(warpIdentity('9', 'weird', [1, 2, 3]), '9~88ef52fc998dc254');
    assert.strictEqual(warpIdentity('10', 'object', { objectId: '0xff' }), '10~e86019ec488b3f7e');
  });

  it('makes no warnings list for an event without problems', () => {
    const ev = normalizeWarp('s', 'event', '1', { txDigest: 'x', sender: '0x1', type: 'T' }, 0);
    assert.ok(!('warnings' in ev));
  });
});

describe('journal serialization', () => {
  it('reuses the payload text it was parsed from, giving the same object back', () => {
    const text = '{"txDigest":"D","n":1,"s":"a\\u2028b"}';
    const ev = normalizeWarp('s', 'event', 'i1', JSON.parse(text), 3);
    setPayloadText(ev, text);
    const line = serializeEvent(ev);
    assert.ok(line.includes(`"payload":${text}`), line);
    assert.deepStrictEqual(JSON.parse(line), JSON.parse(JSON.stringify(ev)));
  });

  it('never writes a multi-line payload text into a one-line journal', () => {
    const text = '{"txDigest":"D",\n"n":1}';
    const ev = normalizeWarp('s', 'event', 'i1', JSON.parse(text), 3);
    setPayloadText(ev, text);
    const line = serializeEvent(ev);
    assert.ok(!line.includes('\n'));
    assert.deepStrictEqual(JSON.parse(line), JSON.parse(JSON.stringify(ev)));
  });
});

describe('envelopeDataText', () => {
  const cut = (text: string) => envelopeDataText(text, JSON.parse(text));

  it('cuts the data member of a Warp envelope, even when the payload nests its own "data"', () => {
    const text = '{"id":"1_0_0","event":"event","data":{"txDigest":"D","data":{"amount":"5"},"s":"\\"data\\":{}"}}';
    const got = cut(text);
    assert.strictEqual(got, '{"txDigest":"D","data":{"amount":"5"},"s":"\\"data\\":{}"}');
    assert.deepStrictEqual(JSON.parse(got!), JSON.parse(text).data);
  });

  it('tolerates whitespace and refuses shapes it cannot cut safely', () => {
    assert.strictEqual(cut('{ "id" : "1", "event": "coin", "data" : { "a": 1 } }'), '{ "a": 1 }');
    assert.strictEqual(cut('{"data":{"a":1},"id":"1","event":"e"}'), undefined, 'data not last');
    assert.strictEqual(cut('{"meta":{"data":{}},"id":"1","data":{"a":1}}'), undefined, 'an object before data');
    assert.strictEqual(cut('{"id":"1","event":"e","data":"text"}'), undefined, 'data not an object');
  });
});

describe("serializeEvent with the payload text", () => {
  it('writes exactly what JSON.stringify would, for every optional field, hostile strings included', () => {
    const text = '{"a":"<script>\\u2028","n":[1,2]}';
    const ev = normalizeWarp('s"1', 'brand_new', 'id"\\x', JSON.parse(text), 7);
    Object.assign(ev, { digest: 'd\n', sequence: 3, checkpoint: 9, timestamp: 11, type: '0x2::a::B<"x">', sender: '0x\u202e', removed: true });
    setPayloadText(ev, text);
    const line = serializeEvent(ev);
    assert.ok(!line.includes('\n'));
    assert.deepStrictEqual(JSON.parse(line), JSON.parse(JSON.stringify(ev)));
  });

  it('keeps a key outside the model', () => {
    const text = '{"a":1}';
    const ev = normalizeWarp('s', 'event', 'i', JSON.parse(text), 1);
    (ev as unknown as Record<string, unknown>).extra = 'kept';
    setPayloadText(ev, text);
    assert.strictEqual(JSON.parse(serializeEvent(ev)).extra, 'kept');
  });

  it('never splices text the payload was only built from (EVM) into a full line', () => {
    const text = '{"address":"0xAB","data":"0x"}';
    const ev = normalizeWarp('s', 'event', 'i', { address: '0xab', data: '0x', decoded: { name: 'Transfer' } }, 1);
    setPayloadText(ev, text, true);
    assert.strictEqual(payloadText(ev), text, 'still there for a lean line');
    assert.deepStrictEqual(JSON.parse(serializeEvent(ev)), JSON.parse(JSON.stringify(ev)));
  });
});

describe('eventTitle', () => {
  it('names an event by its short type and cut digest', () => {
    const digest = '2FceBeQn5Zx3vLkP8tYwR7mH1sUaJdG6oE4iCbNqKA2';
    assert.strictEqual(eventTitle({ id: 'x', name: 'event', type: '0x2::pool::SwapEvent<0x2::sui::SUI>', digest }), 'SwapEvent · 2FceBe…KA2');
    assert.strictEqual(eventTitle({ id: '0x2::sui::SUI_93985558', name: 'coin', type: undefined, digest: undefined }), 'coin · 0x2__s…558');
    assert.strictEqual(eventTitle({ id: 'ev-1', name: '', type: undefined, digest: undefined }), 'event · ev-1');
  });

  it('keeps file-name breaking and control characters out, and stays short', () => {
    const t = eventTitle({ id: 'a', name: 'x', type: '0x1::m::../../Evil\u0007*?', digest: 'a/b' });
    assert.ok(!/[/\\:*?"<>|\u0000-\u001f]/.test(t), t);
    assert.ok(eventTitle({ id: 'i', name: 'n', type: 'x'.repeat(300) }).length <= 80);
  });
});
