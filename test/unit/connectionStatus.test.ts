import * as assert from 'assert';
import type { StreamStatus } from '../../src/core/stream/stream';
import type { RegistrySummary } from '../../src/core/stream/streamRegistry';
import { connectionStatus } from '../../src/core/stream/connectionStatus';
import type { StatusStream } from '../../src/core/stream/connectionStatus';

const st = (state: StreamStatus['state'], stopReason?: StreamStatus['stopReason']): StreamStatus => ({ state, attempt: 0, eventCount: 0, ...(stopReason ? { stopReason } : {}) });

/** The summary the registry would compute for these streams. */
function summary(streams: StatusStream[]): RegistrySummary {
  const s: RegistrySummary = { total: 0, live: 0, connecting: 0, reconnecting: 0, stopped: 0, idle: 0, failed: 0, quotaExceeded: false };
  for (const { status } of streams) {
    s.total++;
    s[status.state]++;
    if (status.state === 'stopped' && status.stopReason && status.stopReason !== 'user' && status.stopReason !== 'paused') s.failed++;
    if (status.stopReason === 'quota_exceeded') s.quotaExceeded = true;
  }
  return s;
}

const view = (streams: StatusStream[], pause?: 'idle' | 'budget') => connectionStatus(summary(streams), streams, pause);
const one = (...states: StreamStatus[]) => states.map((status, i) => ({ label: `s${i}`, status }));

describe('connection status item', () => {
  it('hides with no stream', () => {
    assert.strictEqual(view([]), undefined);
  });

  it('counts live, connecting and reconnecting streams; spins while any connects', () => {
    assert.strictEqual(view(one(st('live'), st('live')))?.text, '$(radio-tower) 2 live');
    assert.strictEqual(view(one(st('live'), st('connecting'), st('reconnecting')))?.text, '$(sync~spin) 1 live · 1 connecting · 1 reconnecting');
    assert.strictEqual(view(one(st('idle')))?.text, '$(radio-tower) idle');
    assert.strictEqual(view(one(st('stopped', 'user')))?.text, '$(radio-tower) off');
  });

  it('quota exceeded is an error, another fatal stop a warning, a user stop neither', () => {
    const q = view(one(st('live'), st('stopped', 'quota_exceeded'), st('stopped', 'invalid_key')));
    assert.deepStrictEqual([q?.text, q?.tone], ['$(error) 1 live · quota exceeded', 'error']);
    const w = view(one(st('stopped', 'invalid_key'), st('stopped', 'refused')));
    assert.deepStrictEqual([w?.text, w?.tone], ['$(warning) 2 stopped', 'warning']);
    assert.strictEqual(view(one(st('stopped', 'user')))?.tone, undefined);
  });

  it('paused streams: a pause icon only when nothing runs, and the credit guard says why', () => {
    assert.strictEqual(view(one(st('stopped', 'paused'), st('stopped', 'paused')))?.text, '$(debug-pause) 2 paused');
    assert.strictEqual(view(one(st('live'), st('stopped', 'paused')))?.text, '$(radio-tower) 1 live · 1 paused');
    assert.strictEqual(view(one(st('stopped', 'quota_exceeded'), st('stopped', 'paused')))?.text, '$(error) quota exceeded · 1 paused');
    assert.match(view(one(st('stopped', 'paused')), 'idle')?.pauseNote ?? '', /no VS Code window was focused/);
    assert.match(view(one(st('stopped', 'paused')), 'budget')?.pauseNote ?? '', /daily credit budget/);
    assert.strictEqual(view(one(st('stopped', 'paused')))?.pauseNote, undefined);
  });

  it('lists each stream with its state and reason, labels escaped for markdown; a screen reader label', () => {
    const v = view([
      { label: '**[x](http://evil)**', status: st('stopped', 'quota_exceeded') },
      { label: 'B', status: st('live') },
    ]);
    assert.strictEqual(v?.lines.length, 2);
    assert.match(v!.lines[0]!, /: stopped \(quota exceeded\)$/);
    assert.ok(!v!.lines[0]!.includes('**') && !v!.lines[0]!.includes('http://'), v!.lines[0]);
    assert.strictEqual(v?.lines[1], 'B: live');
    assert.strictEqual(v?.ariaLabel, 'Chain Watch: 1 live, quota exceeded');
  });

  it('says which streams are simulated: all of them, some of them, or none', () => {
    const demo = (status: StreamStatus, label: string) => ({ label, status, simulated: true });
    const all = view([demo(st('live'), 'Sui demo'), demo(st('live'), 'EVM demo')]);
    assert.strictEqual(all?.text, '$(radio-tower) 2 live · simulated');
    assert.strictEqual(all?.ariaLabel, 'Chain Watch: 2 live, simulated');
    assert.deepStrictEqual(all?.lines, ['Sui demo: live (simulated)', 'EVM demo: live (simulated)']);
    assert.match(all?.simulatedNote ?? '', /not a public chain/);
    const some = view([demo(st('live'), 'Sui demo'), demo(st('live'), 'EVM demo'), { label: 'mine', status: st('reconnecting') }]);
    assert.strictEqual(some?.text, '$(sync~spin) 2 live · 1 reconnecting (2 simulated)');
    assert.strictEqual(some?.lines[2], 'mine: reconnecting');
    const none = view(one(st('live')));
    assert.strictEqual(none?.text, '$(radio-tower) 1 live');
    assert.strictEqual(none?.simulatedNote, undefined);
  });
});
