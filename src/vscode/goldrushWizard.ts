/**
 * Add Stream's GoldRush steps: subscription, chain, addresses (or protocols), candle interval. The values are
 * checked with the same core validation the settings use, so the wizard cannot save a stream the engine refuses.
 * GoldRush has no stream by contract or topic: the subscription list says that "logs of my contract" is the EVM
 * node provider's job.
 */
import type * as vscode from 'vscode';
import {
  goldRushChains,
  goldRushDefaultProtocols,
  goldRushIntervals,
  goldRushKindLabels,
  goldRushKinds,
  maxAddresses,
  validateGoldRush,
  type GoldRushKind,
} from '../core/goldrush/goldrushQuery';
import type { StreamDefinition } from '../core/stream/stream';
import type { Prompter } from './prompter';

/** Label of the Add Stream provider item. */
export const GOLDRUSH_PROVIDER_LABEL = 'GoldRush Streaming';

/** Description of the Add Stream provider item. */
export const GOLDRUSH_PROVIDER_DESCRIPTION = 'EVM wallet activity, DEX pairs, token updates, OHLCV candles (GraphQL over WebSocket)';

/** The item that explains where contract logs live; picking it ends GoldRush's steps. */
const contractLogsItem = {
  label: 'Logs of my contract?',
  description: 'GoldRush streams no logs by contract or topic: add an "EVM node" stream for that',
  subscription: undefined as GoldRushKind | undefined,
};

/** What the GoldRush steps add to a definition, and a label suggestion; undefined when cancelled. */
export interface GoldRushAnswers {
  fields: Pick<StreamDefinition, 'subscription' | 'chainName' | 'address' | 'protocols' | 'interval' | 'timeframe'>;
  suggested: string;
}

/**
 * Asks the GoldRush questions (steps 2-4 of 5). Returns undefined when the user cancels or picks the
 * "logs of my contract" item (after telling them to use an EVM node stream).
 */
export async function askGoldRush(P: Prompter, title: string): Promise<GoldRushAnswers | undefined> {
  const kind = await P.pick<vscode.QuickPickItem & { subscription: GoldRushKind | undefined }>(
    [...goldRushKinds.map((k) => ({ label: goldRushKindLabels[k], description: k, subscription: k as GoldRushKind | undefined })), contractLogsItem],
    { title, placeholder: 'What to stream (GoldRush has no stream by contract: for contract logs use an EVM node)', step: 2, totalSteps: 5 },
  );
  if (!kind) return undefined;
  if (!kind.subscription) {
    void P.ask('Chain Watch: GoldRush Streaming has no stream by contract or topic (that moved to its Pipeline API, which pushes to databases and webhooks). For the logs of a contract, add an "EVM node" stream.', ['OK']);
    return undefined;
  }
  const k = kind.subscription;
  const chain = await P.pick(
    goldRushChains.map((c) => ({ label: c, chain: c })),
    { title, placeholder: 'Chain (GoldRush enum name)', step: 3, totalSteps: 5 },
  );
  if (!chain) return undefined;
  const fields: GoldRushAnswers['fields'] = { subscription: k, chainName: chain.chain };
  const max = maxAddresses(k);
  if (max > 0) {
    const noun = k === 'walletTxs' ? 'Wallet' : k === 'updateTokens' || k === 'ohlcvCandlesForToken' ? 'Token' : 'Pair';
    const typed = await P.input({
      title,
      prompt: `${noun} address${max > 1 ? `es, separated by commas (up to ${max})` : ''}`,
      placeholder: '0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc',
      step: 4,
      totalSteps: 5,
      validate: (v) => {
        const parts = splitList(v);
        if (!parts.length) return `Enter at least one ${noun.toLowerCase()} address.`;
        const problems = validateGoldRush({ provider: 'goldrush', subscription: k, chainName: chain.chain, address: parts });
        return problems[0];
      },
    });
    if (!typed) return undefined;
    const parts = splitList(typed);
    fields.address = parts.length === 1 ? (parts[0] as string) : parts;
  } else {
    fields.protocols = [...goldRushDefaultProtocols];
  }
  if (k === 'ohlcvCandlesForPair' || k === 'ohlcvCandlesForToken') {
    const interval = await P.pick(goldRushIntervals.map((i) => ({ label: i, interval: i })), { title, placeholder: 'Candle interval', step: 4, totalSteps: 5 });
    if (!interval) return undefined;
    fields.interval = interval.interval;
    fields.timeframe = 'ONE_HOUR';
  }
  const first = Array.isArray(fields.address) ? fields.address[0] : fields.address;
  const suggested = `GoldRush ${k} ${chain.chain}${first ? ` ${first.slice(0, 6)}…${first.slice(-4)}` : ''}`;
  return { fields, suggested };
}

function splitList(v: string): string[] {
  return v.split(/[\s,]+/).map((p) => p.trim()).filter(Boolean);
}
