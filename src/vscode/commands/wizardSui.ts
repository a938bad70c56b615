/**
 * Add Stream for a Sui full node (gRPC SubscriptionService): network or a custom node URL, what to filter by
 * (event type, emitting package/module, sender, or every event) and the value, checked as the user types.
 * No key is needed for public nodes; a provider's node takes one through Set API Key (sent as `x-api-key`).
 */
import { addStreamSteps } from '../../core/stream/addStreamSteps';
import { endpointHost } from '../../core/connectFailure';
import { emitModuleProblem, isSuiAddress, moveTypeProblem } from '../../core/sui/suiFilter';
import { suiEndpointProblem, type SuiNetwork } from '../../core/sui/suiOutcome';
import type { StreamDefinition } from '../../core/stream/stream';
import type { WizardProvider } from './streamWizard';

type FilterField = 'eventType' | 'emitModule' | 'sender';

const filterChecks: Record<FilterField, (v: string) => string | undefined> = {
  eventType: moveTypeProblem,
  emitModule: emitModuleProblem,
  sender: (v) => (isSuiAddress(v) ? undefined : 'A Sui address: 0x followed by up to 64 hex digits.'),
};

/** The value typed for a filter, checked: one value, or several separated by commas (ORed); `!` in front excludes. */
export function suiFilterInputProblem(field: FilterField, text: string): string | undefined {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '' || p === '!')) return 'Type a value (several separated by commas; ! in front excludes one).';
  for (const p of parts) {
    const problem = filterChecks[field](p.startsWith('!') ? p.slice(1).trim() : p);
    if (problem) return problem;
  }
  return parts.length > 16 ? 'At most 16 values.' : undefined;
}

/** The Sui full-node steps of the Add Stream wizard. */
export const suiWizard: WizardProvider = {
  provider: 'sui',
  label: 'Sui full node',
  description: "Sui events from a node's gRPC subscription: no account, gap-free across reconnects",
  async ask(prompts, def) {
    const net = await prompts.pick(
      [
        { label: 'mainnet', description: 'fullnode.mainnet.sui.io (whether it serves subscriptions is up to the node)', network: 'mainnet' as const },
        { label: 'testnet', description: 'fullnode.testnet.sui.io', network: 'testnet' as const },
        { label: 'devnet', description: 'fullnode.devnet.sui.io', network: 'devnet' as const },
        { label: 'localnet', description: 'a local `sui start` network on 127.0.0.1:9000', network: 'localnet' as const },
        { label: 'Custom node URL...', description: "your own node, a provider's gRPC endpoint, or the local simulator", network: 'custom' as const },
      ],
      'Sui network (or a node URL)',
      'network',
    );
    if (!net) return undefined;
    const custom = net.network === 'custom';
    if (custom) {
      prompts.replan(addStreamSteps('sui', { customEndpoint: true }));
      const url = await prompts.input({
        prompt: 'Node gRPC URL: https://host:port (http:// only for a node on this machine); a key, if it needs one, is saved with Set API Key',
        placeholder: 'https://mainnet-grpc.inodra.com:443',
        step: 'endpoint',
        validate: (v) => suiEndpointProblem(v),
      });
      if (!url) return undefined;
      def.baseUrl = url.trim().replace(/\/+$/, '');
    } else def.network = net.network as SuiNetwork;
    const kind = await prompts.pick(
      [
        { label: 'Events of a Move event type', description: 'e.g. 0x2::coin::CoinMetadata, or a whole module 0xpkg::pool', field: 'eventType' as const },
        { label: 'Events emitted by a package or module', description: '0xpkg or 0xpkg::module', field: 'emitModule' as const },
        { label: 'Events of transactions sent by an address', description: '0x + 64 hex', field: 'sender' as const },
        { label: 'Every event', description: 'the whole chain: busy on mainnet', field: undefined },
      ],
      'Which events?',
      'kind',
    );
    if (!kind) return undefined;
    const where = custom ? endpointHost(def.baseUrl ?? '') : `Sui ${def.network}`;
    if (!kind.field) {
      prompts.replan(addStreamSteps('sui', { customEndpoint: custom, noFilter: true }));
      return `${where} all events`;
    }
    const field = kind.field;
    const value = await prompts.input({
      prompt: `${kind.label} (several separated by commas match any; ! in front excludes)`,
      placeholder: field === 'sender' ? '0x…' : field === 'emitModule' ? '0x2::kiosk' : '0x2::coin::CoinMetadata<0x2::sui::SUI>',
      step: 'filter',
      validate: (v) => suiFilterInputProblem(field, v),
    });
    if (!value) return undefined;
    const parts = value.split(',').map((s) => s.trim());
    (def as StreamDefinition & Record<FilterField, string | string[]>)[field] = parts.length === 1 ? parts[0]! : parts;
    const first = parts[0]!;
    const shortName = first.split('<')[0]!.split('::').slice(-1)[0]!;
    return `${where} ${field === 'sender' ? `sender ${first.slice(0, 8)}…` : shortName.length > 24 ? `${shortName.slice(0, 10)}…` : shortName}`;
  },
};
