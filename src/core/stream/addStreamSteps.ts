/**
 * The questions Add Stream asks, per provider, so every question shows its exact place (`3/4`): Warp asks the
 * network (or a custom endpoint URL), stream id, transport and label; Covalent the chain, address or topic and
 * label; an EVM node the chain, addresses, the endpoint when no default is set, and the label; GoldRush the kind of
 * stream, the chain, the addresses (when the kind takes them), the candle interval (candles only) and the label; a Sui
 * full node the network (or a custom node URL), what to filter by, the filter value (unless every event) and the label.
 */
import type { Provider } from '../event';
import { keyTransportProblem } from '../transportSecurity';

/** One question of Add Stream. */
export type AddStreamStep = 'provider' | 'network' | 'endpoint' | 'streamId' | 'transport' | 'kind' | 'chain' | 'address' | 'interval' | 'filter' | 'label';

/** What changes the plan: a custom endpoint (Warp), no default endpoint (EVM). */
export interface StepOptions {
  /** The user picked "Custom endpoint..." as the Warp network. */
  customEndpoint?: boolean;
  /** The EVM node has no `chainWatch.evm.defaultUrl`: its endpoint is asked. */
  needsEndpoint?: boolean;
  /** GoldRush: the chosen subscription takes no address (new pairs): the address question is skipped. */
  noAddress?: boolean;
  /** GoldRush: the chosen subscription is a candle stream: its interval is asked. */
  candles?: boolean;
  /** Sui node: "every event" was picked: no filter value is asked. */
  noFilter?: boolean;
}

/** The questions for a provider, in order (the provider question first). */
export function addStreamSteps(provider: Provider, o: StepOptions = {}): AddStreamStep[] {
  switch (provider) {
    case 'warp':
      return ['provider', 'network', ...(o.customEndpoint ? (['endpoint'] as const) : []), 'streamId', 'transport', 'label'];
    case 'covalent':
      return ['provider', 'chain', 'address', 'label'];
    case 'evm':
      return ['provider', 'chain', 'address', ...(o.needsEndpoint ? (['endpoint'] as const) : []), 'label'];
    case 'goldrush':
      return ['provider', 'kind', 'chain', ...(o.noAddress ? [] : (['address'] as const)), ...(o.candles ? (['interval'] as const) : []), 'label'];
    case 'sui':
      return ['provider', 'network', ...(o.customEndpoint ? (['endpoint'] as const) : []), 'kind', ...(o.noFilter ? [] : (['filter'] as const)), 'label'];
    default:
      return ['provider', 'label'];
  }
}

/** `{step, totalSteps}` of a question in a plan (1-based). */
export function stepOf(steps: readonly AddStreamStep[], step: AddStreamStep): { step: number; totalSteps: number } {
  const i = steps.indexOf(step);
  return { step: i < 0 ? steps.length : i + 1, totalSteps: steps.length };
}

/**
 * Checks a custom Warp endpoint typed in Add Stream: an `http(s)://` base URL with a host, and one a key may be
 * sent to (encrypted, or loopback such as the local simulator). Returns the problem in words, or undefined.
 */
export function customEndpointProblem(text: string): string | undefined {
  const v = text.trim();
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'An http:// or https:// URL, e.g. http://127.0.0.1:7777 for the local simulator.';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'The Warp base URL starts with http:// or https:// (WebSocket and SSE are derived from it).';
  if (!u.hostname) return 'The URL needs a host.';
  if (u.username || u.password) return 'Leave credentials out of the URL: keys are saved with Set API Key.';
  return keyTransportProblem(v);
}
