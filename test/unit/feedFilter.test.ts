import * as assert from 'assert';
import { compileFilter, REGEX_SEARCH_MAX_CHARS, tokenize } from '../../src/feed/filter';
import type { FeedFilter } from '../../src/feed/filter';
import { FeedRow } from '../../src/feed/row';
import type { FeedEvent, FeedItem } from '../../src/feed/protocol';

function ev(over: Partial<FeedEvent> & { payload?: unknown }): FeedEvent {
  return { id: 'm1', stream: 'demo', provider: 'warp', kind: 'event', name: 'event', receivedAt: 1_700_000_000_000, payload: {}, ...over };
}
function row(e: FeedEvent, seq = 0): FeedRow {
  return new FeedRow(seq, { kind: 'event', event: e });
}
function f(text: string, opts = {}): FeedFilter {
  const r = compileFilter(text, opts);
  if (!r.ok) throw new Error(`did not compile: ${r.error.message}`);
  return r.filter;
}

const swap = ev({
  id: '12345678_4_0',
  type: '0xdee9::clob_v2::SwapEvent',
  sender: '0xabCD0000000000000000000000000000000000000000000000000000000000ef',
  digest: 'AbC1111111111111111111111111111111111111111',
  checkpoint: 12345678,
  payload: { type: '0xdee9::clob_v2::SwapEvent', data: { amount: '123456789012345678901234', pool: 'Pool A', tags: ['x', 'y'], nested: { deep: 7 } } },
});
const coin = ev({ id: 'c1', stream: 'wallet', kind: 'coin', name: 'coin', type: '0x2::sui::SUI', payload: { amount: '-1000', coin_type: '0x2::sui::SUI' } });

describe('feedFilter: tokenize', () => {
  it('splits on whitespace, keeps quoted phrases, honours escaped quotes', () => {
    const t = tokenize('  a "b c" type:"d e" "x\\"y"  ');
    assert.ok(Array.isArray(t));
    assert.deepStrictEqual(t.map((x) => x.text), ['a', 'b c', 'type:d e', 'x"y']);
    assert.deepStrictEqual(t.map((x) => x.at), [2, 4, 10, 21]);
  });
  it('reports an unterminated quote with its position', () => {
    const t = tokenize('ok "broken');
    assert.ok(!Array.isArray(t));
    assert.strictEqual(t.type, 'unterminated_quote');
    assert.strictEqual(t.at, 3);
  });
});

describe('feedFilter: matching', () => {
  it('empty text matches everything', () => {
    const flt = f('   ');
    assert.strictEqual(flt.empty, true);
    assert.strictEqual(flt.test(row(swap)), true);
  });
  it('free text searches the whole payload, case-insensitively by default', () => {
    assert.strictEqual(f('pool a').test(row(swap)), true); // two terms, both present
    assert.strictEqual(f('pool zzz').test(row(swap)), false);
    assert.strictEqual(f('"pool a"').test(row(swap)), true);
    assert.strictEqual(f('"pool b"').test(row(swap)), false);
    assert.strictEqual(f('deep').test(row(swap)), true);
    assert.strictEqual(f('POOL', { caseSensitive: true }).test(row(swap)), false);
    assert.strictEqual(f('Pool', { caseSensitive: true }).test(row(swap)), true);
  });
  it('all terms must match (AND); -term negates', () => {
    assert.strictEqual(f('swap pool').test(row(swap)), true);
    assert.strictEqual(f('swap missingword').test(row(swap)), false);
    assert.strictEqual(f('-swap').test(row(swap)), false);
    assert.strictEqual(f('-swap').test(row(coin)), true);
  });
  it('field:value contains, with a|b alternatives', () => {
    assert.strictEqual(f('type:SwapEvent').test(row(swap)), true);
    assert.strictEqual(f('type:swapevent').test(row(swap)), true);
    assert.strictEqual(f('type:Sync|Swap').test(row(swap)), true);
    assert.strictEqual(f('type:Sync|Mint').test(row(swap)), false);
    assert.strictEqual(f('sender:0xabcd').test(row(swap)), true);
    assert.strictEqual(f('stream:demo').test(row(swap)), true);
    assert.strictEqual(f('stream:demo').test(row(coin)), false);
    assert.strictEqual(f('kind:coin').test(row(coin)), true);
  });
  it('field=value is exact, field!=value is its opposite', () => {
    assert.strictEqual(f('stream=dem').test(row(swap)), false);
    assert.strictEqual(f('stream=demo').test(row(swap)), true);
    assert.strictEqual(f('stream!=demo').test(row(swap)), false);
    assert.strictEqual(f('stream!=demo').test(row(coin)), true);
  });
  it('nested payload paths, with the data. fallback and arrays matching any element', () => {
    assert.strictEqual(f('data.pool:"pool a"').test(row(swap)), true);
    assert.strictEqual(f('pool:"pool a"').test(row(swap)), true); // tried under data.
    assert.strictEqual(f('data.nested.deep=7').test(row(swap)), true);
    assert.strictEqual(f('data.tags=y').test(row(swap)), true);
    assert.strictEqual(f('data.tags=z').test(row(swap)), false);
    assert.strictEqual(f('data.tags.0=x').test(row(swap)), true);
    assert.strictEqual(f('data.nothere:x').test(row(swap)), false);
  });
  it('numeric comparisons, exact for integers beyond 2^53', () => {
    assert.strictEqual(f('data.amount>123456789012345678901233').test(row(swap)), true);
    assert.strictEqual(f('data.amount>123456789012345678901234').test(row(swap)), false);
    assert.strictEqual(f('data.amount>=123456789012345678901234').test(row(swap)), true);
    assert.strictEqual(f('amount<0').test(row(coin)), true);
    assert.strictEqual(f('amount>-999').test(row(coin)), false);
    assert.strictEqual(f('checkpoint>12345677.5').test(row(swap)), true);
    assert.strictEqual(f('checkpoint<=12345677').test(row(swap)), false);
    // a non-numeric value never compares
    assert.strictEqual(f('data.pool>1').test(row(swap)), false);
  });
  it('regex mode applies to free text and field:value', () => {
    assert.strictEqual(f('Swap(Event)?$', { regex: true }).test(row(swap)), false); // haystack does not end there
    assert.strictEqual(f('clob_v\\d::Swap', { regex: true }).test(row(swap)), true);
    assert.strictEqual(f('type:^0xdee9', { regex: true }).test(row(swap)), true);
    // the type as the row shows it (no package address) is matched too
    assert.strictEqual(f('type:^clob', { regex: true }).test(row(swap)), true);
    assert.strictEqual(f('type:^sui', { regex: true }).test(row(swap)), false);
  });
  it('a type copied from a row (addresses dropped, generics included) finds the row', () => {
    const filled = ev({ id: 'o1', stream: 'dex', kind: 'event', name: 'OrderFilled', type: '0xdee9::clob_v2::OrderFilled<0x2::sui::SUI, 0x5d4b302506645c37ff133b98c4b50a5ae14841659738d6d733d59d0d217a93bf::coin::COIN>', payload: {} });
    assert.strictEqual(f('type:"clob_v2::OrderFilled<sui::SUI, coin::COIN>"').test(row(filled)), true);
    assert.strictEqual(f('type="clob_v2::OrderFilled<sui::SUI, coin::COIN>"').test(row(filled)), true);
    assert.strictEqual(f('type!="clob_v2::OrderFilled<sui::SUI, coin::COIN>"').test(row(filled)), false);
    assert.strictEqual(f('"OrderFilled<sui::SUI, coin::COIN>"').test(row(filled)), true);
    assert.strictEqual(f('type:"clob_v2::OrderFilled<sui::SUI, coin::USDC>"').test(row(filled)), false);
    assert.strictEqual(f('type:"clob_v2::OrderFilled<sui::SUI, coin::COIN>"').test(row(swap)), false);
  });
  it('text with a colon can be searched quoted', () => {
    assert.strictEqual(f('"clob_v2::SwapEvent"').test(row(swap)), true);
    assert.strictEqual(f('0xdee9::clob_v2').test(row(swap)), true); // starts with a digit: not a field
  });
  it('gap and notice rows answer stream/kind/level and free text', () => {
    const gap: FeedItem = { kind: 'gap', gap: { stream: 'demo', gapId: 1, downAt: 0, resumedAt: 12_400, downMs: 12_400, resumedFrom: 'x_1', mode: 'after', replayed: 37, continuity: 'verified', duplicatesDropped: 0 } };
    const notice: FeedItem = { kind: 'notice', notice: { stream: 'demo', level: 'error', message: 'quota exceeded', at: 5 } };
    assert.strictEqual(f('kind:gap').test(new FeedRow(0, gap)), true);
    assert.strictEqual(f('replayed').test(new FeedRow(0, gap)), true);
    assert.strictEqual(f('level:error quota').test(new FeedRow(1, notice)), true);
    assert.strictEqual(f('type:Swap').test(new FeedRow(1, notice)), false);
  });
});

describe('feedFilter: errors', () => {
  it('a bad regex is an error with its position, never a throw', () => {
    const r = compileFilter('ok (unclosed', { regex: true });
    assert.strictEqual(r.ok, false);
    if (!r.ok) {
      assert.strictEqual(r.error.type, 'bad_regex');
      assert.strictEqual(r.error.at, 3);
    }
    const r2 = compileFilter('type:[', { regex: true });
    assert.ok(!r2.ok && r2.error.type === 'bad_regex' && r2.error.at === 5);
  });
  it('the same text without regex mode is literal', () => {
    assert.strictEqual(f('(unclosed').test(row(ev({ payload: { x: 'a (unclosed b' } }))), true);
  });
  it('a comparison needs a number; field: needs a value', () => {
    const r = compileFilter('amount>lots');
    assert.ok(!r.ok && r.error.type === 'bad_number' && r.error.at === 7);
    const r2 = compileFilter('type:');
    assert.ok(!r2.ok && r2.error.type === 'empty_value');
  });
});

describe('feedFilter: regex over large payloads', () => {
  const big = ev({ id: 'big1', payload: { blob: 'a'.repeat(100_000), tail: 'needle-at-the-end' } });

  it('a regular expression searches only the first REGEX_SEARCH_MAX_CHARS of a row (a plain term searches all)', () => {
    assert.strictEqual(REGEX_SEARCH_MAX_CHARS, 16 * 1024);
    assert.strictEqual(f('needle-at', { regex: true }).test(row(big)), false);
    assert.strictEqual(f('needle-at').test(row(big)), true);
    assert.strictEqual(f('big1', { regex: true }).test(row(big)), true);
  });

  it('a field regex is capped the same way', () => {
    const blobEndsInB = ev({ id: 'big2', payload: { blob: 'a'.repeat(100_000) + 'b' } });
    assert.strictEqual(f('blob:b$', { regex: true }).test(row(blobEndsInB)), false);
    assert.strictEqual(f('blob:^a', { regex: true }).test(row(blobEndsInB)), true);
    assert.strictEqual(f('blob:b').test(row(blobEndsInB)), true);
  });
});
