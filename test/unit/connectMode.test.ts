import * as assert from 'assert';
import { resolveConnectMode, type ModeContext } from '../../src/core/stream/connectMode';

const ctx = (over: Partial<ModeContext> = {}): ModeContext => ({ resumeAfter: undefined, initial: false, stayLive: false, liveUntilFirstEvent: false, ...over });

describe('resolveConnectMode', () => {
  it('auto resumes after the cursor and keeps the live flag as it was', () => {
    assert.deepStrictEqual(resolveConnectMode({ kind: 'auto' }, ctx({ resumeAfter: 'm7', stayLive: true })), { mode: { kind: 'after', id: 'm7' }, stayLive: true });
  });

  it('auto without a cursor: a brand-new stream starts live, a retry replays the buffer', () => {
    assert.deepStrictEqual(resolveConnectMode({ kind: 'auto' }, ctx({ initial: true })), { mode: { kind: 'live' }, stayLive: true });
    assert.deepStrictEqual(resolveConnectMode({ kind: 'auto' }, ctx()), { mode: { kind: 'resume' }, stayLive: false });
  });

  it('a retry of a stream the user opened live stays live only where the provider asks for it', () => {
    assert.deepStrictEqual(resolveConnectMode({ kind: 'auto' }, ctx({ stayLive: true, liveUntilFirstEvent: true })).mode, { kind: 'live' });
    assert.deepStrictEqual(resolveConnectMode({ kind: 'auto' }, ctx({ stayLive: true })).mode, { kind: 'resume' });
  });

  it('continue is never live: after the cursor, else the buffer', () => {
    assert.deepStrictEqual(resolveConnectMode({ kind: 'continue' }, ctx({ stayLive: true, liveUntilFirstEvent: true })), { mode: { kind: 'resume' }, stayLive: false });
    assert.deepStrictEqual(resolveConnectMode({ kind: 'continue' }, ctx({ resumeAfter: 'm9' })).mode, { kind: 'after', id: 'm9' });
  });

  it('explicit modes are taken as asked; only live keeps retries live', () => {
    assert.deepStrictEqual(resolveConnectMode({ kind: 'live' }, ctx({ resumeAfter: 'm1' })), { mode: { kind: 'live' }, stayLive: true });
    assert.deepStrictEqual(resolveConnectMode({ kind: 'resume' }, ctx({ stayLive: true })), { mode: { kind: 'resume' }, stayLive: false });
    assert.deepStrictEqual(resolveConnectMode({ kind: 'after', id: 'x' }, ctx({ resumeAfter: 'm1', stayLive: true })), { mode: { kind: 'after', id: 'x' }, stayLive: false });
  });
});
