import * as assert from 'assert';
import type { ChainEvent } from '../../src/core/event';
import { csvField, formatEvents } from '../../src/vscode/exportFormat';

const ev = (id: string, payload: unknown, extra: Partial<ChainEvent> = {}): ChainEvent => ({
  id,
  stream: 's',
  provider: 'warp',
  kind: 'coin',
  name: 'coin',
  receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  payload,
  ...extra,
});

describe('export formats', () => {
  const events = [ev('1_0', { amount: '-5', note: 'a,"b"\nc' }, { digest: 'D1', type: '=HYPERLINK("x")' }), ev('2_0', { ok: true })];

  it('NDJSON: one parseable event per line, payload untouched', () => {
    const lines = formatEvents(events, 'ndjson').trimEnd().split('\n');
    assert.strictEqual(lines.length, 2);
    const first = JSON.parse(lines[0]!) as ChainEvent;
    assert.deepStrictEqual(first.payload, { amount: '-5', note: 'a,"b"\nc' });
    assert.strictEqual(formatEvents([], 'ndjson'), '');
  });

  it('JSON: an array of the events', () => {
    assert.deepStrictEqual(JSON.parse(formatEvents(events, 'json')), JSON.parse(JSON.stringify(events)));
  });

  it('CSV: RFC 4180 quoting, ISO times, formula-looking cells defused', () => {
    const text = formatEvents(events, 'csv');
    const rows = text.split('\r\n');
    assert.strictEqual(rows[0], 'receivedAt,stream,provider,kind,name,id,digest,sequence,checkpoint,timestamp,type,sender,removed,payload');
    assert.ok(rows[1]!.startsWith('2026-01-02T03:04:05.678Z,s,warp,coin,coin,1_0,D1,,,,'));
    assert.ok(rows[1]!.includes(`"'=HYPERLINK(""x"")"`), rows[1]);
    assert.ok(text.includes('"{""amount"":""-5"",""note"":""a,\\""b\\""\\nc""}"'), text);
    assert.strictEqual(csvField(undefined), '');
    assert.strictEqual(csvField(12), '12');
    assert.strictEqual(csvField('-1'), "'-1");
  });

  it('CSV: a field with ";" is quoted (";"-separated spreadsheets would split it and run what follows)', () => {
    assert.strictEqual(csvField('a;=cmd|x'), '"a;=cmd|x"');
    assert.strictEqual(csvField('plain'), 'plain');
  });
});
