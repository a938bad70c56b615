import * as assert from 'assert';
import { decodeLog, TOPIC_TRANSFER } from '../../src/core/evm/evmDecode';
import { buildLogFilter, EvmLogLedger, evmOriginalId, hexCase, HEX_INVALID, HEX_LOWER, HEX_MIXED, normalizeEvmLog, parseLog, parseQuantity, type EvmLog } from '../../src/core/evm/evmLog';

const H = (n: number, p = '') => '0x' + p + n.toString(16).padStart(64 - p.length, '0');
const addr = '0x' + 'Ab'.repeat(20);

function raw(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    address: addr,
    blockHash: H(7),
    blockNumber: '0x7',
    logIndex: '0x2',
    transactionHash: H(99, '7'),
    transactionIndex: '0x1',
    topics: [TOPIC_TRANSFER, H(1), H(2)],
    data: '0x' + (5).toString(16).padStart(64, '0'),
    ...over,
  };
}

function log(block: number, index: number, over: Partial<EvmLog> = {}): EvmLog {
  const r = parseLog(raw({ blockHash: H(block, over.blockHash ? '' : ''), blockNumber: block, logIndex: index }));
  if (!('log' in r)) throw new Error(r.error);
  return { ...r.log, ...over };
}

describe('evm logs', () => {
  it('parses quantities as hex, numbers or decimal strings and refuses junk', () => {
    assert.strictEqual(parseQuantity('0x1b4'), 436);
    assert.strictEqual(parseQuantity(12), 12);
    assert.strictEqual(parseQuantity('12'), 12);
    for (const bad of ['0x', '-1', 'zz', -1, 1.5, null, undefined, '0x' + 'f'.repeat(20), {}]) assert.strictEqual(parseQuantity(bad), undefined, String(bad));
  });

  it('hexCase tells invalid, lowercase and mixed-case hex apart, at the length asked', () => {
    const h = 'ab'.repeat(32);
    assert.strictEqual(hexCase('0x' + h, 64), HEX_LOWER);
    assert.strictEqual(hexCase('0x' + h.toUpperCase(), 64), HEX_MIXED);
    assert.strictEqual(hexCase('0x' + h.slice(2), 64), HEX_INVALID);
    for (const bad of ['0X' + h, 'ab' + h, '0x' + h.slice(1) + 'g', '0x' + h.slice(1) + ' ', '0x' + h.slice(1) + 'G']) assert.strictEqual(hexCase(bad, 64), HEX_INVALID, bad);
    assert.strictEqual(hexCase('0x', -1), HEX_LOWER);
    assert.strictEqual(hexCase('0xAb12', -1), HEX_MIXED);
    assert.strictEqual(hexCase('0x123', -1), HEX_INVALID);
    assert.strictEqual(hexCase('', -1), HEX_INVALID);
  });

  it('keeps lowercase hex as received and lowercases mixed case, topics included', () => {
    const lower = parseLog(raw({ topics: [H(1).toLowerCase()], data: '0xab' }));
    assert.ok('log' in lower);
    assert.deepStrictEqual(lower.log.topics, [H(1).toLowerCase()]);
    const mixed = parseLog(raw({ topics: [H(1).toLowerCase(), '0x' + 'AB'.repeat(32)], data: '0xAB', transactionHash: '0x' + 'CD'.repeat(32) }));
    assert.ok('log' in mixed);
    assert.deepStrictEqual(mixed.log.topics, [H(1).toLowerCase(), '0x' + 'ab'.repeat(32)]);
    assert.strictEqual(mixed.log.data, '0xab');
    assert.strictEqual(mixed.log.transactionHash, '0x' + 'cd'.repeat(32));
  });

  it('validates logs field by field and lowercases hashes', () => {
    const r = parseLog(raw());
    assert.ok('log' in r);
    assert.strictEqual(r.log.address, addr.toLowerCase());
    assert.strictEqual(r.log.blockNumber, 7);
    assert.strictEqual(r.log.logIndex, 2);
    assert.strictEqual(r.log.removed, false);
    assert.strictEqual(r.log.transactionIndex, 1);
    assert.strictEqual(r.log.timestamp, undefined);
    assert.strictEqual((parseLog(raw({ blockTimestamp: '0x10' })) as { log: EvmLog }).log.timestamp, 16_000);
    assert.strictEqual((parseLog(raw({ removed: true })) as { log: EvmLog }).log.removed, true);
    assert.strictEqual((parseLog(raw({ data: undefined })) as { log: EvmLog }).log.data, '0x');
    const errors: Array<[Record<string, unknown>, RegExp]> = [
      [{ blockHash: null }, /blockHash/],
      [{ blockNumber: null }, /blockNumber/],
      [{ logIndex: 'x' }, /logIndex/],
      [{ transactionHash: '0x12' }, /transactionHash/],
      [{ address: 'nope' }, /address/],
      [{ topics: 'x' }, /topics/],
      [{ topics: [H(1), H(2), H(3), H(4), H(5)] }, /topics/],
      [{ data: '0x123' }, /data/],
      [{ removed: 'yes' }, /removed/],
    ];
    for (const [over, re] of errors) {
      const e = parseLog(raw(over));
      assert.ok('error' in e && re.test(e.error), JSON.stringify(over));
    }
    assert.ok('error' in parseLog(null));
    assert.ok('error' in parseLog([1]));
  });

  it('builds the subscription filter from a definition', () => {
    assert.deepStrictEqual(buildLogFilter({}), {});
    assert.deepStrictEqual(buildLogFilter({ address: addr }), { address: addr.toLowerCase() });
    assert.deepStrictEqual(buildLogFilter({ address: [addr, '0x' + '11'.repeat(20)] }), { address: [addr.toLowerCase(), '0x' + '11'.repeat(20)] });
    assert.deepStrictEqual(buildLogFilter({ topics: [TOPIC_TRANSFER, null, [H(1), H(2)], null] }), { topics: [TOPIC_TRANSFER, null, [H(1), H(2)]] });
    assert.deepStrictEqual(buildLogFilter({ topics: [null, null] }), {});
    assert.throws(() => buildLogFilter({ address: '0x12' }), /invalid address/);
    assert.throws(() => buildLogFilter({ topics: ['0x12'] }), /invalid topic at position 0/);
    assert.throws(() => buildLogFilter({ topics: [null, null, null, null, null] }), /at most 4/);
  });

  it('normalizes to the shared event model', () => {
    const l = log(7, 2);
    const decode = (t: readonly string[], d: string) => decodeLog(t, d);
    const ev = normalizeEvmLog('s', l, 123, { decode });
    assert.strictEqual(normalizeEvmLog('s', l, 123).type, undefined, 'without a decoder the log stays raw');
    assert.deepStrictEqual(
      { id: ev.id, provider: ev.provider, kind: ev.kind, digest: ev.digest, checkpoint: ev.checkpoint, sequence: ev.sequence, sender: ev.sender, type: ev.type, removed: ev.removed, receivedAt: ev.receivedAt },
      { id: `${H(7)}:2`, provider: 'evm', kind: 'log', digest: H(99, '7'), checkpoint: 7, sequence: 2, sender: addr.toLowerCase(), type: 'Transfer', removed: undefined, receivedAt: 123 },
    );
    const removed = normalizeEvmLog('s', { ...l, removed: true }, 1, { idSuffix: ':removed', decode });
    assert.strictEqual(removed.removed, true);
    assert.strictEqual(evmOriginalId(removed.id), ev.id);
    assert.strictEqual(evmOriginalId(ev.id + ':readded'), ev.id);
    const unknown = normalizeEvmLog('s', { ...l, topics: [H(5)] }, 1, { decode });
    assert.strictEqual(unknown.type, undefined);
    assert.strictEqual(unknown.warnings, undefined);
    const bad = normalizeEvmLog('s', { ...l, data: '0x01' }, 1, { decode });
    assert.strictEqual(bad.type, undefined);
    assert.match(bad.warnings?.[0] ?? '', /does not fit/);
  });

  it('ledger: new, duplicate, removed, duplicate removal, re-added', () => {
    const ledger = new EvmLogLedger();
    const l = log(7, 2);
    assert.deepStrictEqual(ledger.accept(l), { kind: 'new', idSuffix: '' });
    assert.deepStrictEqual(ledger.accept(l), { kind: 'duplicate' });
    assert.deepStrictEqual(ledger.accept({ ...l, removed: true }), { kind: 'removed', idSuffix: ':removed', seen: true });
    assert.deepStrictEqual(ledger.accept({ ...l, removed: true }), { kind: 'duplicate' });
    assert.deepStrictEqual(ledger.accept(l), { kind: 'new', idSuffix: ':readded' });
    assert.deepStrictEqual(ledger.accept({ ...log(8, 0), removed: true }), { kind: 'removed', idSuffix: ':removed', seen: false });
  });

  it('ledger: a second block hash at a known height orphans that block and the ones above it (a reorg nobody announced)', () => {
    const ledger = new EvmLogLedger();
    ledger.accept(log(5, 0));
    ledger.accept(log(6, 0));
    ledger.accept(log(7, 0));
    ledger.accept(log(7, 1));
    ledger.coveredThrough(9);
    const replacement = log(6, 0, { blockHash: H(6, 'b') });
    const verdict = ledger.accept(replacement);
    assert.strictEqual(verdict.kind, 'new');
    const reorg = verdict.kind === 'new' ? verdict.reorg : undefined;
    assert.deepStrictEqual(reorg && { block: reorg.block, depth: reorg.depth }, { block: 6, depth: 2 });
    // newest first, each flagged removed, with its original block hash (the id of the row it strikes through)
    assert.deepStrictEqual(reorg?.removed.map((l) => [l.blockNumber, l.logIndex, l.blockHash, l.removed]), [
      [7, 1, H(7), true],
      [7, 0, H(7), true],
      [6, 0, H(6), true],
    ]);
    assert.strictEqual(ledger.resumeFrom, 6, 'a reconnect re-reads from the reorged height');
    assert.deepStrictEqual(ledger.recentBlocks().map((b) => [b.number, b.hash]), [[6, H(6, 'b')], [5, H(5)]]);
    // the replacement's own next log, and the old block re-sent as removed later, change nothing more
    assert.deepStrictEqual(ledger.accept(log(6, 1, { blockHash: H(6, 'b') })), { kind: 'new', idSuffix: '' });
    assert.deepStrictEqual(ledger.accept({ ...log(7, 0), removed: true }), { kind: 'duplicate' });
    // a new height above everything is no reorg
    assert.deepStrictEqual(ledger.accept(log(8, 0)), { kind: 'new', idSuffix: '' });
  });

  it('ledger: a new hash at a height whose earlier block had no logs of ours orphans only the blocks above it', () => {
    const ledger = new EvmLogLedger();
    ledger.accept(log(5, 0));
    ledger.accept(log(8, 0));
    const verdict = ledger.accept(log(7, 0));
    assert.strictEqual(verdict.kind, 'new');
    const reorg = verdict.kind === 'new' ? verdict.reorg : undefined;
    assert.deepStrictEqual(reorg && { block: reorg.block, depth: reorg.depth, n: reorg.removed.length }, { block: 7, depth: 2, n: 1 });
    assert.deepStrictEqual(ledger.recentBlocks().map((b) => b.number), [7, 5]);
  });

  it('ledger: resume point is the newest log block (inclusive) or the block after the covered head', () => {
    const ledger = new EvmLogLedger();
    assert.strictEqual(ledger.resumeFrom, undefined);
    ledger.coveredThrough(10);
    assert.strictEqual(ledger.resumeFrom, 11);
    ledger.accept(log(9, 0));
    assert.strictEqual(ledger.resumeFrom, 11);
    ledger.accept(log(12, 0));
    assert.strictEqual(ledger.resumeFrom, 12);
    ledger.coveredThrough(11);
    assert.strictEqual(ledger.resumeFrom, 12);
    ledger.rewindTo(5);
    assert.strictEqual(ledger.resumeFrom, 5);
  });

  it('ledger: drops a reorged block, newest blocks first, bounded memory', () => {
    const ledger = new EvmLogLedger(5);
    for (let b = 1; b <= 4; b++) ledger.accept(log(b, 0));
    ledger.accept(log(4, 1));
    assert.deepStrictEqual(ledger.recentBlocks().map((b) => b.number), [4, 3, 2, 1]);
    const dropped = ledger.dropBlock(H(4));
    assert.deepStrictEqual(dropped.map((l) => [l.logIndex, l.removed]), [[0, true], [1, true]]);
    assert.strictEqual(ledger.resumeFrom, 4);
    assert.deepStrictEqual(ledger.recentBlocks().map((b) => b.number), [3, 2, 1]);
    assert.deepStrictEqual(ledger.dropBlock(H(4)), []);
    ledger.accept(log(5, 0));
    ledger.accept(log(6, 0));
    assert.ok(ledger.size <= 5);
    assert.deepStrictEqual(ledger.recentBlocks().map((b) => b.number), [6, 5, 3]);
  });
});
