import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeWarp, setPayloadText, type ChainEvent } from '../../src/core/event';
import { normalizeCovalent } from '../../src/core/covalent/covalentEvent';
import { Journal } from '../../src/core/stream/journal';
import { encodeLines, eventFromLine, journalLine, maxEncodedBytes, type EventReviver } from '../../src/core/stream/journalLine';

const reviveWarp: EventReviver = (stream, rec) => normalizeWarp(stream, rec.name, rec.messageId, rec.payload, rec.receivedAt);
const fixture = path.resolve(__dirname, '../../../test/unit/fixtures/journal-v1.ndjson');
const definition = { provider: 'warp', baseUrl: 'http://127.0.0.1:7777', streamId: 'stream-1', transport: 'websocket' };

/** A Warp event as the WebSocket transport makes it: normalized, with the data text it was parsed from. */
function received(seq: number, dataText: string, messageId: string | number = `200${seq}_0_0`): ChainEvent {
  const ev = normalizeWarp('w', 'event', messageId, JSON.parse(dataText), 1_764_633_700_000 + seq);
  setPayloadText(ev, dataText);
  return ev;
}

const suiEvent = (seq: number) =>
  JSON.stringify({
    txDigest: `Dg${seq}B9RND1jgT9GxCXJ6FQmvQFt2KQocYCAdQr3T3db`,
    eventSequence: seq,
    checkpoint: 2000 + seq,
    timestamp: 1_764_633_690_000 + seq,
    type: '0x3::validator::StakingRequestEvent',
    sender: '0x00000000000000000000000000000000000000000000000000000000000a11ce',
    parsedJson: { pool_id: '0x5c0ffee0000000000000000000000000000000000000000000000000000000b0', amount: '1000000000', epoch: '512' },
  });

/** The event as JSON would carry it (symbols and undefined dropped), for comparisons. */
const plain = (ev: ChainEvent | undefined) => JSON.parse(JSON.stringify(ev)) as unknown;

describe('journal lines', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-jline-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a lean line holds the data text, the id, the name and the time; reading it back derives the same event', () => {
    const ev = received(3, suiEvent(3));
    const line = journalLine(ev, true);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(parsed), ['m', 'h', 'n', 't', 'p'], 'no normalized field is written');
    assert.ok(line.endsWith(`"p":${suiEvent(3)}}`), 'the payload text as received');
    assert.deepStrictEqual(plain(eventFromLine(parsed, 'w', reviveWarp)), plain(ev));
  });

  it('with derivesIds a Warp id is not written at all, and reading derives the same id again', () => {
    const ev = received(6, suiEvent(6));
    const parsed = JSON.parse(journalLine(ev, true, true)) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(parsed), ['m', 'n', 't', 'p']);
    const back = eventFromLine(parsed, 'w', reviveWarp);
    assert.strictEqual(back?.id, ev.id);
    assert.deepStrictEqual(plain(back), plain(ev));
    const noMid = received(7, suiEvent(7));
    delete noMid.messageId;
    noMid.id = '~0011223344556677';
    assert.strictEqual(eventFromLine(JSON.parse(journalLine(noMid, true, true)), 'w', reviveWarp)?.id, '~0011223344556677', 'an id without a message id is always written');
  });

  it('keeps ids that are not messageId~suffix, numeric message ids as text, and the drained flag', () => {
    const ev = received(4, suiEvent(4), 77);
    ev.drained = true;
    const odd = received(5, suiEvent(5));
    odd.id = 'custom-id';
    const back = [ev, odd].map((e) => eventFromLine(JSON.parse(journalLine(e, true)), 'w', reviveWarp));
    assert.deepStrictEqual(back.map(plain), [ev, odd].map(plain));
    assert.strictEqual(back[0]?.messageId, '77');
    assert.strictEqual(back[0]?.drained, true);
  });

  it('lean Covalent lines revive through the Covalent normalizer', () => {
    const body = JSON.stringify({ tx_hash: '0xabc', log_offset: 3, block_height: 99, block_signed_at: '2026-12-01T00:00:00Z', sender_address: '0xdef', decoded: { name: 'Transfer' } });
    const ev = normalizeCovalent('c', JSON.parse(body), 1_764_633_600_000);
    setPayloadText(ev, body);
    const revive: EventReviver = (stream, rec) => normalizeCovalent(stream, rec.payload, rec.receivedAt);
    assert.deepStrictEqual(plain(eventFromLine(JSON.parse(journalLine(ev, true)), 'c', revive)), plain(ev));
  });

  it('without payload text, or without a reviver, the line is the whole event (format 1)', () => {
    const ev = normalizeWarp('w', 'event', '9', JSON.parse(suiEvent(1)), 5);
    assert.deepStrictEqual(JSON.parse(journalLine(ev, true)), plain(ev));
    const withText = received(2, suiEvent(2));
    assert.deepStrictEqual(JSON.parse(journalLine(withText, false)), plain(withText));
    assert.strictEqual(eventFromLine(JSON.parse(journalLine(withText, true)), 'w', undefined), undefined, 'a lean line needs a reviver');
  });

  it('encodes a batch straight into one buffer, newline after each line, multi-byte text intact', () => {
    const buf = encodeLines(['{"a":"é"}', '{"b":"😀"}']);
    assert.strictEqual(buf.toString('utf8'), '{"a":"é"}\n{"b":"😀"}\n');
  });

  it('encodes into a given buffer when it is large enough (a view of it, no copy), else into a new one', () => {
    const lines = ['{"a":"é"}', '{"b":"😀"}'];
    const into = Buffer.alloc(maxEncodedBytes(lines), 0x78);
    const buf = encodeLines(lines, into);
    assert.strictEqual(buf.buffer, into.buffer, 'written into the given buffer');
    assert.strictEqual(buf.toString('utf8'), '{"a":"é"}\n{"b":"😀"}\n');
    const small = Buffer.alloc(4);
    const other = encodeLines(lines, small);
    assert.notStrictEqual(other.buffer, small.buffer, 'too small: a buffer of its own');
    assert.strictEqual(other.toString('utf8'), '{"a":"é"}\n{"b":"😀"}\n');
    assert.strictEqual(small.toString('latin1'), '\u0000\u0000\u0000\u0000', 'the small buffer is left alone');
  });

  it('reads an old-format (full line) journal, then appends lean lines after it, and reads both back', async () => {
    const name = 'w';
    const j0 = await Journal.open({ dir, name, definition });
    const file = j0.file;
    await j0.close();
    fs.copyFileSync(fixture, file);
    const expected = fs.readFileSync(fixture, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as ChainEvent);
    const warnings: string[] = [];
    const j = await Journal.open({ dir, name, definition, revive: reviveWarp, derivesIds: true, streamId: 'w', onWarning: (w) => warnings.push(w) });
    assert.deepStrictEqual(warnings, []);
    const restored = j.takeRestored();
    assert.deepStrictEqual(restored.map(plain), expected.map(plain), 'every old event back as written');
    assert.strictEqual(j.lastId, '1002_0_0~51c7e2b09a3d6f18');
    const fresh = [received(1, suiEvent(1)), received(2, suiEvent(2))];
    const want = fresh.map(plain);
    await j.append(fresh);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.ok(lines.slice(-2).every((l) => !l.includes('"id":')), 'new lines are lean');
    assert.deepStrictEqual((await j.readAll()).map(plain), [...expected.map(plain), ...want]);
    await j.close();
    const again = await Journal.open({ dir, name, definition, revive: reviveWarp, derivesIds: true, streamId: 'w' });
    assert.deepStrictEqual(again.takeRestored().map(plain), [...expected.map(plain), ...want], 'restored after a restart');
    await again.close();
  });

  it('journal bytes per event stay within 1.2x of the payload bytes (a typical Sui event)', async () => {
    const j = await Journal.open({ dir, name: 'size', revive: reviveWarp, derivesIds: true, streamId: 'w' });
    let payloadBytes = 0;
    const events: ChainEvent[] = [];
    for (let i = 0; i < 100; i++) {
      const data = suiEvent(i);
      payloadBytes += Buffer.byteLength(data);
      events.push(received(i, data, `${2000 + i}_0_0`));
    }
    await j.append(events);
    await j.close();
    const journalBytes = fs.statSync(j.file).size;
    assert.ok(journalBytes <= 1.2 * payloadBytes, `${journalBytes} journal bytes for ${payloadBytes} payload bytes`);
  });
});
