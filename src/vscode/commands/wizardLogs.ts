/** Add Stream for EVM log streams: Covalent (STOMP) and any EVM node (eth_subscribe): chain, address or topic, node URL. */
import { isTopicHash } from '../../core/stream/streamDefinition';
import { addStreamSteps } from '../../core/stream/addStreamSteps';
import { defaultBaseUrl } from '../settings';
import { shortHash } from '../../feed/rowFormat';
import type { WizardProvider } from './streamWizard';
import { CHAINS, chainName, splitList, validateLogTarget, validateWsUrl } from './streamInput';

function logWizard(provider: 'covalent' | 'evm', label: string, description: string): WizardProvider {
  return {
    provider,
    label,
    description,
    // an EVM node without chainWatch.evm.defaultUrl is asked its endpoint: one more question
    steps: (def) => addStreamSteps(provider, { needsEndpoint: provider === 'evm' && !defaultBaseUrl(def) }),
    async ask(prompts, def) {
      const chain = await prompts.pick(
        CHAINS.map((c) => ({ label: c.name, description: `chain ${c.id}`, chainId: c.id })),
        'Chain',
        'chain',
      );
      if (!chain) return undefined;
      def.chainId = chain.chainId;
      const what = await prompts.input({
        prompt: provider === 'covalent' ? 'Contract address (0x + 40 hex) or topic hash (0x + 64 hex)' : 'Contract address (0x + 40 hex); several separated by commas',
        placeholder: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc',
        step: 'address',
        validate: (v) => validateLogTarget(provider, v),
      });
      if (!what) return undefined;
      const parts = splitList(what);
      if (provider === 'covalent' && isTopicHash(parts[0] as string)) def.topic = parts[0] as string;
      else def.address = parts.length === 1 ? (parts[0] as string) : parts;
      if (provider === 'evm' && !defaultBaseUrl(def)) {
        const url = await prompts.input({ prompt: 'WebSocket JSON-RPC endpoint of the node', placeholder: 'ws://127.0.0.1:8545', step: 'endpoint', validate: validateWsUrl });
        if (!url) return undefined;
        def.baseUrl = url.trim();
      }
      return `${chainName(def.chainId)} ${parts[0] ? shortHash(parts[0], 6, 4) : ''}`.trim();
    },
  };
}

/** The Covalent steps of the Add Stream wizard. */
export const covalentWizard = logWizard('covalent', 'Covalent (legacy)', 'EVM log events by address or topic over the 2022 STOMP beta (GoldRush Streaming is its successor)');
/** The EVM node steps of the Add Stream wizard. */
export const evmWizard = logWizard('evm', 'EVM node', 'eth_subscribe logs on any WebSocket JSON-RPC node (logs of your contract)');
