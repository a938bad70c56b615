/**
 * Add Stream for GoldRush Streaming: subscription, chain, addresses (or the default protocols), candle interval.
 * Values are checked with the core validation the settings use, so the wizard cannot save a stream the engine
 * refuses. GoldRush has no stream by contract or topic: the subscription list says so, and its "Logs of my contract"
 * item continues with the EVM node steps instead (passed in, so this module stays free of the settings).
 */
import type * as vscode from 'vscode';
import { goldRushChains, goldRushDefaultProtocols, goldRushIntervals, goldRushKindLabels, goldRushKinds, maxAddresses, validateGoldRush, type GoldRushKind } from '../../core/goldrush/goldrushQuery';
import { addStreamSteps } from '../../core/stream/addStreamSteps';
import { shortHash } from '../../feed/rowFormat';
import type { WizardProvider } from './streamWizard';

/** The subscription item that hands over to the EVM node steps. */
export const CONTRACT_LOGS_LABEL = 'Logs of my contract (EVM node stream)';

type KindItem = vscode.QuickPickItem & { subscription: GoldRushKind | undefined };

function splitAddresses(v: string): string[] {
  return v.split(/[\s,]+/).map((p) => p.trim()).filter(Boolean);
}

/** The GoldRush steps of the Add Stream wizard; `contractLogs` takes over for "logs of my contract". */
export function goldRushWizard(contractLogs: WizardProvider): WizardProvider {
  return {
  provider: 'goldrush',
  label: 'GoldRush Streaming',
  description: 'EVM wallet activity, DEX pairs, token updates, OHLCV candles (GraphQL over WebSocket)',
  async ask(prompts, def) {
    const items: KindItem[] = goldRushKinds.map((k) => ({ label: goldRushKindLabels[k], description: k, subscription: k }));
    items.push({
      label: CONTRACT_LOGS_LABEL,
      description: 'GoldRush streams no logs by contract or topic (that is its Pipeline API, for databases and webhooks)',
      subscription: undefined,
    });
    const kind = await prompts.pick(items, 'What to stream (for the logs of a contract, pick the last item: an EVM node stream)', 'kind');
    if (!kind) return undefined;
    if (!kind.subscription) {
      def.provider = contractLogs.provider;
      prompts.replan(contractLogs.steps ? contractLogs.steps(def) : addStreamSteps(contractLogs.provider));
      return contractLogs.ask(prompts, def);
    }
    const k = kind.subscription;
    const max = maxAddresses(k);
    prompts.replan(addStreamSteps('goldrush', { noAddress: max === 0, candles: k === 'ohlcvCandlesForPair' || k === 'ohlcvCandlesForToken' }));
    const chain = await prompts.pick(goldRushChains.map((c) => ({ label: c, chain: c })), 'Chain (GoldRush enum name)', 'chain');
    if (!chain) return undefined;
    def.subscription = k;
    def.chainName = chain.chain;
    if (max > 0) {
      const limit = maxAddresses(k, chain.chain);
      const noun = k === 'walletTxs' ? 'Wallet' : k === 'updateTokens' || k === 'ohlcvCandlesForToken' ? 'Token' : 'Pair';
      const typed = await prompts.input({
        prompt: `${noun} address${limit > 1 ? `es, separated by commas (up to ${limit})` : ''}`,
        placeholder: '0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc',
        step: 'address',
        validate: (v) => {
          const parts = splitAddresses(v);
          if (!parts.length) return `Enter at least one ${noun.toLowerCase()} address.`;
          return validateGoldRush({ provider: 'goldrush', subscription: k, chainName: chain.chain, address: parts })[0];
        },
      });
      if (!typed) return undefined;
      const parts = splitAddresses(typed);
      def.address = parts.length === 1 ? (parts[0] as string) : parts;
    } else def.protocols = [...goldRushDefaultProtocols];
    if (k === 'ohlcvCandlesForPair' || k === 'ohlcvCandlesForToken') {
      const interval = await prompts.pick(goldRushIntervals.map((i) => ({ label: i, interval: i })), 'Candle interval', 'interval');
      if (!interval) return undefined;
      def.interval = interval.interval;
      def.timeframe = 'ONE_HOUR';
    }
    const first = Array.isArray(def.address) ? def.address[0] : def.address;
    return `GoldRush ${k} ${chain.chain}${first ? ` ${shortHash(first, 6, 4)}` : ''}`;
  },
  };
}
