/** Add Stream's GoldRush steps (plain Node: the wizard only talks to a Prompter). */
import * as assert from 'assert';
import type { InputOptions, PickOptions, Prompter } from '../../src/vscode/prompter';
import { runStreamWizard } from '../../src/vscode/commands/streamWizard';
import type { WizardProvider } from '../../src/vscode/commands/streamWizard';
import { CONTRACT_LOGS_LABEL, goldRushWizard as makeGoldRushWizard } from '../../src/vscode/commands/wizardGoldRush';
import { validateDefinition } from '../../src/core/stream/streamDefinition';

const W = '0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc';

function scripted(answers: Array<string | undefined>): Prompter & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    pick: async <T extends { label: string }>(items: readonly T[], o: PickOptions) => {
      asked.push(`pick ${o.step}/${o.totalSteps} ${o.placeholder}`);
      const a = answers.shift();
      return a === undefined ? undefined : items.find((i) => i.label === a);
    },
    input: async (o: InputOptions) => {
      asked.push(`input ${o.step}/${o.totalSteps} ${o.prompt}`);
      const a = answers.shift();
      const problem = a !== undefined ? o.validate?.(a) : undefined;
      if (typeof problem === 'string') throw new Error(`rejected: ${problem}`);
      return a;
    },
    ask: async () => undefined,
    saveFile: async () => undefined,
  } as Prompter & { asked: string[] };
}

/** Stands in for the EVM node steps (their module reads settings, so it needs VS Code). */
const fakeEvm: WizardProvider = {
  provider: 'evm',
  label: 'EVM node',
  description: '',
  async ask(prompts, def) {
    const a = await prompts.input({ prompt: 'Contract address', step: 'address' });
    if (!a) return undefined;
    def.address = a;
    return 'contract';
  },
};
const goldRushWizard = makeGoldRushWizard(fakeEvm);
const WIZARD_PROVIDERS = [goldRushWizard, fakeEvm];

describe('Add Stream: GoldRush steps', () => {
  it('wallet activity: subscription, chain, wallets and label make a valid definition', async () => {
    const p = scripted(['GoldRush Streaming', 'Wallet activity (transactions and their logs)', 'BASE_MAINNET', `${W}, 0xd2216ed62a5c84f285a051839e808902fe8fc90b`, 'Wallets']);
    const def = await runStreamWizard(p, WIZARD_PROVIDERS, new Set());
    assert.deepStrictEqual(def, {
      id: 'wallets', provider: 'goldrush', autoConnect: true, subscription: 'walletTxs', chainName: 'BASE_MAINNET',
      address: [W, '0xd2216ed62a5c84f285a051839e808902fe8fc90b'], label: 'Wallets',
    });
    assert.deepStrictEqual(validateDefinition(def), []);
    assert.match(p.asked[3]!, /^input 4\/5 Wallet addresses, separated by commas \(up to 100\)/);
  });

  it('101 wallets are refused at the input with the limit in words', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`).join(',');
    await assert.rejects(runStreamWizard(scripted(['GoldRush Streaming', 'Wallet activity (transactions and their logs)', 'ETH_MAINNET', many]), [goldRushWizard], new Set()), /takes at most 100 wallet addresses/);
  });

  it('the address prompt names the limit of the kind and chain: 5 pairs for updatePairs, 1,000 wallets on Solana', async () => {
    const upd = scripted(['GoldRush Streaming', 'DEX pair updates (price, volume, liquidity)', 'BASE_MAINNET', '0x9c087eb773291e50cf6c6a90ef0f4500e349b903', 'P']);
    assert.strictEqual((await runStreamWizard(upd, [goldRushWizard], new Set()))?.subscription, 'updatePairs');
    assert.match(upd.asked[3]!, /^input 4\/5 Pair addresses, separated by commas \(up to 5\)$/);
    const sol = scripted(['GoldRush Streaming', 'Wallet activity (transactions and their logs)', 'SOLANA_MAINNET', '4ZJhPQAgUseCsWhKvJLTmmRRUV74fdoTpQLNfKoekbPY', 'S']);
    assert.strictEqual((await runStreamWizard(sol, [goldRushWizard], new Set()))?.chainName, 'SOLANA_MAINNET');
    assert.match(sol.asked[3]!, /\(up to 1000\)$/);
  });

  it('new pairs ask no address; candles ask the interval', async () => {
    const pairs = await runStreamWizard(scripted(['GoldRush Streaming', 'New DEX pairs', 'ETH_MAINNET', 'New pairs']), [goldRushWizard], new Set());
    assert.deepStrictEqual(pairs?.protocols, ['UNISWAP_V2', 'UNISWAP_V3']);
    assert.strictEqual(pairs?.address, undefined);
    const candles = await runStreamWizard(scripted(['GoldRush Streaming', 'OHLCV candles for pairs', 'BASE_MAINNET', '0x9c087eb773291e50cf6c6a90ef0f4500e349b903', 'FIVE_MINUTES', 'C']), [goldRushWizard], new Set());
    assert.deepStrictEqual([candles?.subscription, candles?.interval, candles?.timeframe], ['ohlcvCandlesForPair', 'FIVE_MINUTES', 'ONE_HOUR']);
    assert.deepStrictEqual(validateDefinition(candles), []);
  });

  it('"logs of my contract" continues with the EVM node steps', async () => {
    const p = scripted(['GoldRush Streaming', CONTRACT_LOGS_LABEL, W, 'Mine']);
    const def = await runStreamWizard(p, WIZARD_PROVIDERS, new Set());
    assert.strictEqual(def?.provider, 'evm');
    assert.strictEqual(def?.address, W);
    assert.strictEqual(def?.subscription, undefined, 'nothing of GoldRush is left in the definition');
    assert.match(p.asked[1]!, /for the logs of a contract, pick the last item: an EVM node stream/);
  });
});
