import * as assert from 'assert';
import { addStreamSteps, customEndpointProblem, stepOf } from '../../src/core/stream/addStreamSteps';

describe('Add Stream steps', () => {
  it('counts exactly the questions each provider asks', () => {
    assert.deepStrictEqual(addStreamSteps('warp'), ['provider', 'network', 'streamId', 'transport', 'label']);
    assert.deepStrictEqual(addStreamSteps('warp', { customEndpoint: true }), ['provider', 'network', 'endpoint', 'streamId', 'transport', 'label']);
    assert.deepStrictEqual(addStreamSteps('covalent'), ['provider', 'chain', 'address', 'label']);
    assert.deepStrictEqual(addStreamSteps('evm'), ['provider', 'chain', 'address', 'label']);
    assert.deepStrictEqual(addStreamSteps('evm', { needsEndpoint: true }), ['provider', 'chain', 'address', 'endpoint', 'label']);
  });

  it('numbers each question by its place: Covalent goes 2/4, 3/4, 4/4 (never from 3/5 to 5/5)', () => {
    const steps = addStreamSteps('covalent');
    assert.deepStrictEqual(['chain', 'address', 'label'].map((s) => stepOf(steps, s as never)), [
      { step: 2, totalSteps: 4 },
      { step: 3, totalSteps: 4 },
      { step: 4, totalSteps: 4 },
    ]);
    const warp = addStreamSteps('warp', { customEndpoint: true });
    assert.deepStrictEqual(stepOf(warp, 'label'), { step: 6, totalSteps: 6 });
  });

  it('accepts the local simulator and https endpoints; refuses other URLs with words', () => {
    assert.strictEqual(customEndpointProblem('http://127.0.0.1:7777'), undefined);
    assert.strictEqual(customEndpointProblem(' https://warp.example.org '), undefined);
    assert.match(customEndpointProblem('http://warp.example.org') ?? '', /unencrypted/);
    assert.match(customEndpointProblem('ws://127.0.0.1:7777') ?? '', /http:\/\/ or https:\/\//);
    assert.match(customEndpointProblem('localhost:7777') ?? '', /http:\/\/ or https:\/\//);
    assert.match(customEndpointProblem('not a url') ?? '', /URL/);
    assert.match(customEndpointProblem('https://user:pw@warp.example.org') ?? '', /credentials/);
  });
});
