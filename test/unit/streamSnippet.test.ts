import * as assert from 'assert';
import { simulatorStreams, streamSnippet } from '../../src/simulator/streamSnippet';
import { validateDefinition } from '../../src/core/stream/streamDefinition';

const endpoints = { warp: 'http://127.0.0.1:7777', covalent: 'ws://127.0.0.1:61613/v1/', evm: 'ws://127.0.0.1:8545' };

describe('simulator banner: the stream definitions to paste', () => {
  it('are valid chainWatch.streams entries, one per provider, pointed at the simulator', () => {
    const defs = simulatorStreams(endpoints);
    assert.deepStrictEqual(defs.map((d) => d.provider), ['warp', 'covalent', 'evm']);
    for (const d of defs) assert.deepStrictEqual(validateDefinition(d), [], d.id);
    assert.deepStrictEqual(defs.map((d) => d.baseUrl), [endpoints.warp, endpoints.covalent, endpoints.evm]);
  });

  it('print as a settings.json fragment that parses, with the key to save for each host', () => {
    const text = streamSnippet(endpoints, { warp: 'indr_demo_local', covalent: 'cqt_demo_local' });
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.includes('"chainWatch.streams"'));
    const end = lines.findIndex((l, i) => i > start && l === '  ]');
    const parsed = JSON.parse(`{${lines.slice(start, end + 1).join('\n')}}`) as { 'chainWatch.streams': unknown[] };
    assert.deepStrictEqual(parsed['chainWatch.streams'], simulatorStreams(endpoints));
    assert.match(text, /save indr_demo_local for 127\.0\.0\.1:7777 \(Inodra Warp\) and cqt_demo_local for 127\.0\.0\.1:61613 \(Covalent\)/);
  });
});
