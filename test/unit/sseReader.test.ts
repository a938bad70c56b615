/**
 * The SSE parsing path, checked against the web-platform-tests eventsource `format-*` cases
 * (https://github.com/web-platform-tests/wpt/tree/master/eventsource), transcribed as data: each input is fed
 * whole, split at every position, and one character at a time.
 */
import * as assert from 'assert';
import { createSseReader, type SseMessage } from '../../src/core/warp/sseReader';

interface Case {
  name: string;
  input: string;
  messages: Array<{ event?: string; data: string; lastEventId?: string }>;
  lastEventId?: string;
  retry?: number[];
}

const cases: Case[] = [
  { name: 'format-bom', input: '\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n', messages: [{ data: '1' }, { data: '3' }] },
  { name: 'format-bom-2', input: '\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n', messages: [{ data: '2' }, { data: '3' }] },
  { name: 'format-comments', input: 'data:1\n\n:\n:\n:\ndata:2\n\n:' + 'x'.repeat(2049) + '\ndata:3\n\n', messages: [{ data: '1' }, { data: '2' }, { data: '3' }] },
  { name: 'format-data-before-final-empty-line', input: 'retry:1000\ndata:test1\n\nid:test\ndata:test2', messages: [{ data: 'test1' }], retry: [1000] },
  { name: 'format-field-data', input: 'data:\n\ndata\ndata\n\ndata:test\n\n', messages: [{ data: '' }, { data: '\n' }, { data: 'test' }] },
  { name: 'format-field-event', input: 'event:test\ndata:x\n\ndata:x\n\n', messages: [{ event: 'test', data: 'x' }, { event: 'message', data: 'x' }] },
  { name: 'format-field-event-empty', input: 'event: \ndata:data\n\n', messages: [{ event: 'message', data: 'data' }] },
  {
    name: 'format-field-id',
    input: 'id:1\ndata:x\n\ndata:y\n\nid:\ndata:z\n\n',
    messages: [{ data: 'x', lastEventId: '1' }, { data: 'y', lastEventId: '1' }, { data: 'z', lastEventId: '' }],
    lastEventId: '',
  },
  {
    name: 'format-field-id-2 (id without data updates the last event id, dispatches nothing)',
    input: 'id:1\ndata:first\n\nid:2\n\ndata:second\n\n',
    messages: [{ data: 'first', lastEventId: '1' }, { data: 'second', lastEventId: '2' }],
    lastEventId: '2',
  },
  { name: 'format-field-id-null', input: 'id:a\0b\ndata:x\n\n', messages: [{ data: 'x', lastEventId: '' }], lastEventId: '' },
  {
    name: 'format-field-parsing',
    input: 'data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n',
    messages: [{ data: '\0\n 2\n1\n3\n\n4' }],
  },
  { name: 'format-field-retry', input: 'retry:03000\ndata:x\n\n', messages: [{ data: 'x' }], retry: [3000] },
  { name: 'format-field-retry-bogus', input: 'retry:3000\nretry:1000x\ndata:x\n\n', messages: [{ data: 'x' }], retry: [3000] },
  { name: 'format-field-retry-empty', input: 'retry\ndata:test\n\n', messages: [{ data: 'test' }] },
  { name: 'format-field-unknown', input: 'data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n', messages: [{ data: 'test\n\ntest' }] },
  { name: 'format-leading-space', input: 'data:\ttest\rdata: \ndata:test\n\n', messages: [{ data: '\ttest\n\ntest' }] },
  { name: 'format-newlines', input: 'data:test\r\ndata\ndata:test\r\n\r\n', messages: [{ data: 'test\n\ntest' }] },
  { name: 'format-null-character', input: 'data:\0\n\n\n\n', messages: [{ data: '\0' }] },
  { name: 'format-utf-8', input: 'data:ok\u2026\n\n', messages: [{ data: 'ok\u2026' }] },
];

function run(chunks: string[]): { messages: SseMessage[]; retry: number[]; lastEventId: string } {
  const messages: SseMessage[] = [];
  const retry: number[] = [];
  const reader = createSseReader({ onMessage: (m) => messages.push(m), onRetry: (ms) => retry.push(ms) });
  for (const c of chunks) reader.feed(c);
  return { messages, retry, lastEventId: reader.lastEventId };
}

function check(c: Case, chunks: string[], how: string): void {
  const r = run(chunks);
  const got = r.messages.map((m) => {
    const o: { event?: string; data: string; lastEventId?: string } = { data: m.data };
    if (c.messages.some((x) => x.event !== undefined)) o.event = m.event;
    if (c.messages.some((x) => x.lastEventId !== undefined)) o.lastEventId = m.lastEventId;
    return o;
  });
  assert.deepStrictEqual(got, c.messages, `${c.name} (${how})`);
  if (c.retry) assert.deepStrictEqual(r.retry, c.retry, `${c.name} retry (${how})`);
  if (c.lastEventId !== undefined) assert.strictEqual(r.lastEventId, c.lastEventId, `${c.name} lastEventId (${how})`);
}

describe('SSE reader (web-platform-tests eventsource format cases)', () => {
  for (const c of cases) {
    it(c.name, () => {
      check(c, [c.input], 'whole');
      check(c, Array.from(c.input), 'one character at a time');
      for (let i = 1; i < c.input.length; i++) check(c, [c.input.slice(0, i), c.input.slice(i)], `split at ${i}`);
    });
  }

  it('keeps the block id apart from the sticky last event id', () => {
    const r = run(['id:7\nevent:coin\ndata:{}\n\nevent:coin\ndata:{}\n\n']);
    assert.strictEqual(r.messages[0].id, '7');
    assert.strictEqual(r.messages[1].id, undefined, 'second block had no id of its own');
    assert.strictEqual(r.messages[1].lastEventId, '7');
  });
});
