import * as assert from 'assert';
import type { InputOptions, PickOptions, Prompter } from '../../src/vscode/prompter';
import { runStreamWizard } from '../../src/vscode/commands/streamWizard';
import type { WizardProvider } from '../../src/vscode/commands/streamWizard';
import { warpWizard } from '../../src/vscode/commands/wizardWarp';
import { slugId, validateLabel, validateLogTarget, validateStreamId, validateWsUrl } from '../../src/vscode/commands/streamInput';

type Answer = string | undefined;

/** Answers picks by label and inputs by text, in order; records every question with its step. */
function scripted(answers: Answer[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = () => answers.shift();
  return {
    asked,
    pick: async <T extends { label: string }>(items: readonly T[], o: PickOptions) => {
      asked.push(`pick ${o.step}/${o.totalSteps} ${o.placeholder}`);
      const a = next();
      return a === undefined ? undefined : items.find((i) => i.label === a);
    },
    input: async (o: InputOptions) => {
      asked.push(`input ${o.step}/${o.totalSteps} ${o.prompt}${o.value ? ` [${o.value}]` : ''}`);
      const a = next();
      if (a !== undefined && o.validate) {
        const problem = o.validate(a);
        if (typeof problem === 'string') throw new Error(`rejected: ${problem}`);
      }
      return a;
    },
    ask: async () => undefined,
    saveFile: async () => undefined,
  } as Prompter & { asked: string[] };
}

describe('Add Stream wizard', () => {
  it('Warp: provider, network, stream id, transport and label make a definition with a unique id', async () => {
    const p = scripted(['Inodra Warp', 'testnet', ' abc-123 ', 'SSE', 'My stream']);
    const def = await runStreamWizard(p, [warpWizard], new Set(['my-stream']));
    assert.deepStrictEqual(def, { id: 'my-stream-2', provider: 'warp', autoConnect: true, network: 'testnet', streamId: 'abc-123', transport: 'sse', label: 'My stream' });
    assert.deepStrictEqual(p.asked.map((q) => q.split(' ')[1]), ['1/undefined', '2/5', '3/5', '4/5', '5/5']);
  });

  it('Warp "Custom endpoint...": asks the base URL as an extra step, numbered exactly (6 questions), no network', async () => {
    const p = scripted(['Inodra Warp', 'Custom endpoint...', 'http://127.0.0.1:7777/', 'demo', 'WebSocket', 'Local']);
    const def = await runStreamWizard(p, [warpWizard], new Set());
    assert.deepStrictEqual(def, { id: 'local', provider: 'warp', autoConnect: true, baseUrl: 'http://127.0.0.1:7777', streamId: 'demo', transport: 'websocket', label: 'Local' });
    assert.deepStrictEqual(p.asked.map((q) => q.split(' ')[1]), ['1/undefined', '2/5', '3/6', '4/6', '5/6', '6/6']);
    assert.match(p.asked[2]!, /Base URL of the Warp-compatible server/);
    await assert.rejects(runStreamWizard(scripted(['Inodra Warp', 'Custom endpoint...', 'http://warp.example.org']), [warpWizard], new Set()), /unencrypted/);
  });

  it('the label step offers the suggestion and refuses an empty label; cancelling any step gives undefined', async () => {
    const p = scripted(['Inodra Warp', 'mainnet', 's1', 'WebSocket', 'Sui mainnet s1']);
    const def = await runStreamWizard(p, [warpWizard], new Set());
    assert.strictEqual(p.asked.at(-1), 'input 5/5 Label shown in the Streams view [Sui mainnet s1]');
    assert.strictEqual(def?.id, 'sui-mainnet-s1');
    await assert.rejects(runStreamWizard(scripted(['Inodra Warp', 'mainnet', 's1', 'WebSocket', '  ']), [warpWizard], new Set()), /Enter a label/);
    for (let cut = 0; cut < 5; cut++) {
      const answers: Answer[] = ['Inodra Warp', 'mainnet', 's1', 'WebSocket', 'x'];
      answers[cut] = undefined;
      assert.strictEqual(await runStreamWizard(scripted(answers), [warpWizard], new Set()), undefined, `cancel at step ${cut + 1}`);
    }
  });

  it('a provider module plugs in its own steps', async () => {
    const custom: WizardProvider = {
      provider: 'evm',
      label: 'Custom',
      description: 'test provider',
      steps: () => ['provider', 'endpoint', 'label'],
      async ask(prompts, def) {
        const url = await prompts.input({ prompt: 'URL', step: 'endpoint' });
        if (!url) return undefined;
        def.baseUrl = url;
        return 'custom';
      },
    };
    const p = scripted(['Custom', 'ws://127.0.0.1:1', 'Mine']);
    const def = await runStreamWizard(p, [warpWizard, custom], new Set());
    assert.deepStrictEqual(def, { id: 'mine', provider: 'evm', autoConnect: true, baseUrl: 'ws://127.0.0.1:1', label: 'Mine' });
    assert.deepStrictEqual(p.asked, ['pick 1/undefined Provider', 'input 2/3 URL', 'input 3/3 Label shown in the Streams view [custom]']);
  });
});

describe('Add Stream input validation', () => {
  it('stream ids', () => {
    assert.strictEqual(validateStreamId(' ok-1.2_~ '), undefined);
    assert.match(validateStreamId('  ') ?? '', /Enter the stream id/);
    assert.match(validateStreamId('a b') ?? '', /only letters/);
    assert.match(validateStreamId('a'.repeat(129)) ?? '', /too long/);
  });

  it('log targets: Covalent one address or topic, an EVM node one or more addresses', () => {
    const addr = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';
    const topic = `0x${'ab'.repeat(32)}`;
    assert.strictEqual(validateLogTarget('covalent', addr), undefined);
    assert.strictEqual(validateLogTarget('covalent', topic), undefined);
    assert.match(validateLogTarget('covalent', `${addr},${addr}`) ?? '', /one address or one topic/);
    assert.strictEqual(validateLogTarget('evm', `${addr}, ${addr}`), undefined);
    assert.match(validateLogTarget('evm', topic) ?? '', /is not 0x \+ 40 hex/);
    assert.match(validateLogTarget('evm', ' , ') ?? '', /^Enter an address\.$/);
    assert.match(validateLogTarget('covalent', '') ?? '', /or a topic hash/);
  });

  it('node URLs, labels and ids from labels', () => {
    assert.strictEqual(validateWsUrl('wss://node.example:8546/key'), undefined);
    assert.ok(validateWsUrl('https://node.example'));
    assert.ok(validateLabel('   '));
    assert.strictEqual(slugId('  Ünï Pair!! ', new Set()), 'n-pair');
    assert.strictEqual(slugId('!!!', new Set(['stream'])), 'stream-2');
  });
});
