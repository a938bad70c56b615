// The lean EVM journal: the log text as the node sent it, cut out of its notification frame; the built-in table
// without viem; lines read back (and old full lines still read); a stream restarted on its own journal.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { toEventSelector } from 'viem';
import { FakeClock } from '../../src/core/clock';
import { serializeEvent, setPayloadText, type ChainEvent } from '../../src/core/event';
import { decodeLog, wellKnownRegistry } from '../../src/core/evm/evmDecode';
import { evmJournalCodec, leanJournalable, reviveEvmEvent } from '../../src/core/evm/evmJournal';
import { normalizeEvmLog, parseLog, REMOVED_SUFFIX, type EvmLog } from '../../src/core/evm/evmLog';
import { notificationResultText } from '../../src/core/evm/evmRpc';
import { EvmStream } from '../../src/core/evm/evmStream';
import { decodeWellKnown, wellKnownByTopic } from '../../src/core/evm/evmWellKnown';
import { Journal } from '../../src/core/stream/journal';
import { journalLine } from '../../src/core/stream/journalLine';
import { CONTRACT, ScriptedNode, TRANSFER } from './support/evmScriptedNode';

const word = (n: number | bigint): string => BigInt(n).toString(16).padStart(64, '0');
const HASH = '0x' + 'ab'.repeat(32);

/** A Transfer log as a node sends it (mixed-case hex, as some nodes write it). */
function rawTransfer(index: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    address: '0x' + 'C0'.repeat(20),
    topics: [TRANSFER, '0x' + word(0x11 + index), '0x' + word(0x22)],
    data: '0x' + word(1_000 + index),
    blockNumber: '0x10',
    transactionHash: '0x' + word(0x77 + index),
    transactionIndex: '0x0',
    blockHash: HASH.toUpperCase().replace('0X', '0x'),
    logIndex: '0x' + index.toString(16),
    removed: false,
    ...extra,
  };
}

const frame = (sub: string, resultText: string) => `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${sub}","result":${resultText}}}`;

/** The event the stream makes of a raw log (built-in decoding), with its text kept as the stream keeps it. */
function liveEvent(raw: Record<string, unknown>, text = JSON.stringify(raw)): ChainEvent {
  const parsed = parseLog(JSON.parse(text));
  assert.ok('log' in parsed);
  const ev = normalizeEvmLog('s1', parsed.log, 1_764_633_600_123, { source: 'live', decode: (t, d) => decodeLog(t, d) });
  setPayloadText(ev, text);
  return ev;
}

const plain = (ev: ChainEvent): unknown => JSON.parse(JSON.stringify(ev));

describe('EVM journal: the log text cut out of its notification', () => {
  it('the usual frame gives the exact result text', () => {
    const text = JSON.stringify(rawTransfer(3));
    const f = frame('0xb0', text);
    assert.strictEqual(notificationResultText(f, '0xb0'), text);
    assert.deepStrictEqual(JSON.parse(notificationResultText(f, '0xb0')!), JSON.parse(f).params.result);
  });

  it('any other shape gives no text (the log is then journaled as a whole event)', () => {
    const text = JSON.stringify(rawTransfer(3));
    const shapes = [
      // whitespace, another key order, another subscription, another method
      `{"jsonrpc": "2.0","method":"eth_subscription","params":{"subscription":"0xb0","result":${text}}}`,
      `{"jsonrpc":"2.0","method":"eth_subscription","params":{"result":${text},"subscription":"0xb0"}}`,
      frame('0xb1', text),
      // a duplicate result key: the first value is not the one parsed
      `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"0xb0","result":{"a":1},"result":${text}}}`,
      // a nested object (a brace inside the result), a key after params, a result that is not an object
      frame('0xb0', JSON.stringify(rawTransfer(3, { extra: { x: 1 } }))),
      `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"0xb0","result":${text}},"x":{}}`,
      frame('0xb0', '[1,2]'),
    ];
    for (const s of shapes) {
      JSON.parse(s);
      assert.strictEqual(notificationResultText(s, '0xb0'), undefined, s.slice(0, 120));
    }
  });
});

describe('EVM journal: the built-in table without viem', () => {
  it('its topic0s and signatures are the ones viem computes, entry for entry', () => {
    const byViem = wellKnownRegistry().byTopic;
    const light = wellKnownByTopic();
    assert.deepStrictEqual([...light.keys()].sort(), [...byViem.keys()].sort());
    for (const [topic, entries] of light) {
      for (const e of entries) assert.strictEqual(e.topic0, toEventSelector(e.signature), e.signature);
      assert.deepStrictEqual(
        entries.map((e) => [e.signature, e.standard]),
        byViem.get(topic)!.map((e) => [e.signature, e.standard]),
      );
    }
  });

  it('decodes as the full decoder does: a fit, a misfit with its warning, an unknown topic0', () => {
    const cases: Array<{ topics: string[]; data: string }> = [
      { topics: [TRANSFER, '0x' + word(0x11), '0x' + word(0x22)], data: '0x' + word(5) },
      { topics: [TRANSFER, '0x' + word(0x11), '0x' + word(0x22), '0x' + word(9)], data: '0x' },
      { topics: [TRANSFER, '0x' + word(0x11)], data: '0x' + word(5) },
      { topics: ['0x' + word(0xdead)], data: '0x' },
    ];
    for (const c of cases) assert.deepStrictEqual(decodeWellKnown(c.topics, c.data), decodeLog(c.topics, c.data), JSON.stringify(c));
  });
});

describe('EVM journal: lean lines', () => {
  it('a lean line holds the log text as received, the id and the time, and reads back as the event shown', () => {
    const ev = liveEvent(rawTransfer(2));
    assert.ok(leanJournalable(ev));
    const line = journalLine(ev, true);
    assert.ok(line.includes(`"p":${JSON.stringify(rawTransfer(2))}}`), line);
    assert.ok(!line.includes('"decoded"') && !line.includes('"source"'), 'derived fields are not written');
    const back = reviveEvmEvent('s1', { id: ev.id, name: 'log', receivedAt: ev.receivedAt, payload: JSON.parse(line).p });
    assert.deepStrictEqual(plain(back), plain(ev));
    assert.strictEqual(back.type, 'Transfer');
  });

  it('is within 1.2x of the log bytes for a typical Transfer', () => {
    const raw = rawTransfer(7, { blockTimestamp: '0x692dd780' });
    const text = JSON.stringify(raw);
    const line = journalLine(liveEvent(raw, text), true);
    assert.ok(Buffer.byteLength(line) + 1 <= 1.2 * Buffer.byteLength(text), `${Buffer.byteLength(line) + 1} B for a ${Buffer.byteLength(text)} B log`);
  });

  it('a removal the node announced and a log decoded by an ABI: the first lean, the second a whole line', () => {
    const removed = liveEvent(rawTransfer(1, { removed: true }));
    removed.id += REMOVED_SUFFIX;
    assert.ok(leanJournalable(removed));
    const back = reviveEvmEvent('s1', { id: removed.id, name: 'log', receivedAt: removed.receivedAt, payload: JSON.parse(journalLine(removed, true)).p });
    assert.deepStrictEqual(plain(back), plain(removed));
    assert.strictEqual(back.removed, true);
    const byAbi = liveEvent(rawTransfer(1));
    (byAbi.payload as { decoded: { standard: string } }).decoded.standard = 'abi';
    assert.strictEqual(leanJournalable(byAbi), false);
    const warned = liveEvent(rawTransfer(1));
    warned.warnings = ['reorg removed a log this stream had not shown'];
    assert.strictEqual(leanJournalable(warned), false);
  });

  it('a lean line whose id does not name its log, or whose log is invalid, is not read back', () => {
    const payload = JSON.parse(JSON.stringify(rawTransfer(1)));
    assert.throws(() => reviveEvmEvent('s1', { id: `${HASH}:9`, name: 'log', receivedAt: 1, payload }), /does not name/);
    assert.throws(() => reviveEvmEvent('s1', { id: `${HASH}:1`, name: 'log', receivedAt: 1, payload: { ...payload, blockHash: 'x' } }), /blockHash/);
  });

  it('a journal of old full lines still reads, then takes lean lines after them, and reads both back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-evm-journal-'));
    try {
      const old = liveEvent(rawTransfer(0));
      const oldLine = serializeEvent(plain(old) as ChainEvent);
      assert.ok(oldLine.includes('"id":') && oldLine.includes('"decoded":'), 'the old format is the whole event');
      fs.writeFileSync(path.join(dir, 'evm.ndjson'), oldLine + '\n');
      const warnings: string[] = [];
      const j = await Journal.open({ dir, name: 'evm', streamId: 's1', revive: evmJournalCodec.revive, onWarning: (m) => warnings.push(m) });
      assert.deepStrictEqual(j.takeRestored().map(plain), [plain(old)]);
      const next = liveEvent(rawTransfer(1));
      const shown = plain(next);
      await j.append([next]);
      const all = await j.readAll();
      await j.close();
      assert.deepStrictEqual(all.map(plain), [plain(old), shown]);
      const lines = fs.readFileSync(path.join(dir, 'evm.ndjson'), 'utf8').trim().split('\n');
      assert.ok(!lines[1]!.includes('"id":'), 'the new line is lean');
      assert.deepStrictEqual(warnings, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('EVM journal: a stream restarted on its journal', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('live logs are journaled lean (a frame of another shape whole), and a new stream restores them as they were shown', async () => {
    const node = new ScriptedNode();
    const url = await node.start();
    cleanup.push(() => node.stop());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-evm-restart-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const def = { id: 'evm-j', provider: 'evm' as const, chainId: 31337, address: CONTRACT, baseUrl: url };
    const deps = { clock: new FakeClock(), getKey: async () => url, journalDir: dir, backoff: { baseMs: 100, maxMs: 1_000 }, random: () => 0.5 };
    const first = new EvmStream(def, deps);
    const shown: ChainEvent[] = [];
    let kick: () => void = () => undefined;
    first.onEvents((evs) => {
      shown.push(...evs.map((e) => plain(e) as ChainEvent));
      kick();
    });
    first.onStatus(() => kick());
    const until = async (cond: () => boolean) => {
      while (!cond()) await new Promise<void>((r) => (kick = r));
    };
    first.connect();
    await until(() => first.status().state === 'live');
    node.mine(3);
    await until(() => shown.length === 3);
    // a node that writes its frames another way (spaces, newlines): the log cannot be cut out, its line is whole
    node.push = false;
    const odd = node.mine(1).logs[0];
    node.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: node.sockets[0]!.sub, result: odd } }, null, 1));
    await until(() => shown.length === 4);
    await first.flush();
    first.dispose();
    await first.flush();

    const file = fs.readdirSync(dir).find((f) => f.endsWith('.ndjson') && !f.includes('.1.'))!;
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').slice(1);
    assert.strictEqual(lines.length, 4);
    for (const l of lines.slice(0, 3)) assert.ok(!l.includes('"id":') && l.includes('"p":{"address"'), l.slice(0, 120));
    assert.ok(lines[3]!.startsWith('{"id":') && lines[3]!.includes('"decoded":'), lines[3]!.slice(0, 120));

    const second = new EvmStream(def, { ...deps, clock: new FakeClock() });
    cleanup.push(() => second.dispose());
    await second.ready;
    assert.deepStrictEqual(second.recent().map(plain), shown);
    const logs: EvmLog[] = second.recent().map((e) => {
      const p = parseLog(e.payload);
      assert.ok('log' in p);
      return p.log;
    });
    assert.deepStrictEqual(logs.map((l) => l.logIndex), [0, 1, 2, 0]);
  });
});
