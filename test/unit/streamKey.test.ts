import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import { Journal, journalHeader } from '../../src/core/stream/journal';
import type { StreamDefinition } from '../../src/core/stream/stream';
import { streamIdentity, streamKey } from '../../src/core/stream/streamKey';
import { WarpStream } from '../../src/core/warp/warpStream';
import { frame, moveEvent, ScriptedServer } from './support/scriptedServer';
import { collect } from './support/wait';

const evm: StreamDefinition = { id: 'ethereum-0xa0b8-eb48', provider: 'evm', chainId: 1, address: '0xA0b86991c6218b36c1d19d4a2e9eb0ce3606eB48', baseUrl: 'wss://eth.example/ws' };

function ev(i: number): ChainEvent {
  return { id: `id_${i}`, stream: 's', provider: 'warp', kind: 'event', name: 'event', receivedAt: i, payload: { n: i } };
}

describe('streamKey / streamIdentity', () => {
  it('the same stream under another label, transport or autoConnect keeps its key', () => {
    assert.strictEqual(streamKey({ ...evm, label: 'USDC', autoConnect: true }), streamKey(evm));
    const w: StreamDefinition = { id: 'w', provider: 'warp', streamId: 'abc' };
    assert.strictEqual(streamKey({ ...w, transport: 'sse' }), streamKey(w));
    assert.strictEqual(streamKey({ ...w, network: 'mainnet' }), streamKey(w), 'mainnet is the default network');
    assert.strictEqual(streamKey({ ...evm, address: evm.address!.toString().toLowerCase() }), streamKey(evm), 'address case');
    assert.strictEqual(streamKey({ ...evm, baseUrl: 'WSS://ETH.example/ws/' }), streamKey(evm), 'host case, trailing slash');
  });

  it('another host, stream, chain, address or network is another key (same id)', () => {
    const keys = new Set([
      streamKey(evm),
      streamKey({ ...evm, baseUrl: 'ws://127.0.0.1:9999' }),
      streamKey({ ...evm, baseUrl: undefined }),
      streamKey({ ...evm, chainId: 5 }),
      streamKey({ ...evm, address: '0x0000000000000000000000000000000000000001' }),
      streamKey({ ...evm, provider: 'covalent' }),
      streamKey({ ...evm, provider: 'covalent', destination: '/queue/chain-watch' }),
    ]);
    assert.strictEqual(keys.size, 7);
    assert.notStrictEqual(streamKey({ id: 'w', provider: 'warp', streamId: 'a' }), streamKey({ id: 'w', provider: 'warp', streamId: 'a', network: 'testnet' }));
    assert.match(streamKey(evm), /^ethereum-0xa0b8-eb48\.[0-9a-f]{16}$/);
  });

  it('a Sui transaction filter is part of the key: another Move call, affected address, object or package-write choice is another journal', () => {
    const tx: StreamDefinition = { id: 't', provider: 'sui', subscription: 'transactions', moveCall: '0x2::coin::split' };
    const keys = new Set([
      streamKey(tx),
      streamKey({ ...tx, moveCall: '0x2::coin::join' }),
      streamKey({ ...tx, affectedAddress: '0x1' }),
      streamKey({ ...tx, affectedObject: '0x5' }),
      streamKey({ ...tx, packageWrite: true }),
      streamKey({ ...tx, packageWrite: false }),
    ]);
    assert.strictEqual(keys.size, 6);
    assert.strictEqual(streamKey({ ...tx, label: 'splits' }), streamKey(tx));
  });

  it('identity holds no label and no id', () => {
    const id = streamIdentity({ ...evm, label: 'secret label' });
    assert.ok(!JSON.stringify(id).includes('secret label'));
    assert.ok(!('id' in id));
  });
});

describe('Journal: definition header', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-jdef-'));
  });
  const def = { provider: 'evm', baseUrl: 'wss://a' };

  it('writes the definition as the first line of each file and restores only a matching one', async () => {
    const j = await Journal.open({ dir, name: 'k', definition: def, maxEvents: 3 });
    await j.append([ev(1), ev(2), ev(3)]);
    await j.append([ev(4)]);
    await j.close();
    for (const f of [j.file, j.previousFile]) assert.strictEqual(fs.readFileSync(f, 'utf8').split('\n')[0], journalHeader(def), f);
    const k = await Journal.open({ dir, name: 'k', definition: def, maxEvents: 3 });
    assert.deepStrictEqual(k.takeRestored().map((e) => e.id), ['id_2', 'id_3', 'id_4'], 'the newest maxEvents, across the rotation');
    assert.deepStrictEqual((await k.readAll()).map((e) => e.id), ['id_1', 'id_2', 'id_3', 'id_4']);
    await k.close();
  });

  it('refuses, with a warning, to restore a file written for a different definition, and sets it aside', async () => {
    const j = await Journal.open({ dir, name: 'k', definition: def });
    await j.append([ev(1)]);
    await j.close();
    const warnings: string[] = [];
    const k = await Journal.open({ dir, name: 'k', definition: { ...def, baseUrl: 'ws://127.0.0.1:1' }, onWarning: (w) => warnings.push(w) });
    assert.deepStrictEqual(k.takeRestored(), []);
    assert.strictEqual(k.lastId, undefined);
    await k.append([ev(9)]);
    await k.close();
    assert.match(warnings.join('\n'), /written for a different stream definition: its 1 events are not restored \(kept as k\.rejected\.ndjson\)/);
    assert.ok(fs.existsSync(path.join(dir, 'k.rejected.ndjson')));
  });

  it('a headerless file is not restored under a definition; an old id-keyed journal is set aside once', async () => {
    fs.writeFileSync(path.join(dir, 'k.ndjson'), JSON.stringify(ev(1)) + '\n');
    fs.writeFileSync(path.join(dir, 'old-id.ndjson'), JSON.stringify(ev(2)) + '\n');
    const warnings: string[] = [];
    const k = await Journal.open({ dir, name: 'k', definition: def, legacyName: 'old-id', onWarning: (w) => warnings.push(w) });
    assert.deepStrictEqual(k.takeRestored(), []);
    await k.close();
    assert.match(warnings.join('\n'), /unknown stream definition/);
    assert.match(warnings.join('\n'), /old-id\.ndjson predates journals tied to their stream definition/);
    assert.ok(fs.existsSync(path.join(dir, 'old-id.legacy.ndjson')));
    warnings.length = 0;
    const again = await Journal.open({ dir, name: 'k', definition: def, legacyName: 'old-id', onWarning: (w) => warnings.push(w) });
    await again.close();
    assert.deepStrictEqual(warnings, []);
  });
});

describe('a cloned workspace cannot feed another workspace\'s journal', () => {
  it('a stream with the same id but another endpoint restores none of the first stream\'s events', async () => {
    const server = new ScriptedServer();
    await server.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-jclone-'));
    const clock = new FakeClock();
    const make = (baseUrl: string) =>
      new WarpStream({ id: 'same-id', provider: 'warp', streamId: 'st', baseUrl }, { clock, journalDir: dir, getKey: async () => 'indr_k_123456', random: () => 0.5 });
    try {
      const a = make(server.baseUrl);
      const got = collect(a);
      const next = server.nextSocket();
      a.connect();
      const { ws } = await next;
      ws.send(frame('event', moveEvent(1), '1_0_0'));
      await got.until(1);
      await a.flush();
      a.dispose();
      const other = make('http://127.0.0.1:1');
      await other.ready;
      assert.deepStrictEqual(other.recent(10), []);
      assert.strictEqual(other.status().lastEventId, undefined);
      other.dispose();
      const same = make(server.baseUrl);
      await same.ready;
      assert.deepStrictEqual(same.recent(10).map((e) => e.messageId), ['1_0_0']);
      same.dispose();
    } finally {
      await server.stop();
    }
  });
});
