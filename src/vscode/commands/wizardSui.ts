/**
 * Add Stream for a Sui full node (gRPC SubscriptionService): network or a custom node URL, what to subscribe to
 * and filter by (events: event type, emitting package/module, sender, or every event; transactions: a Move call, an
 * affected address or object, a sender, package publishes, or every transaction; checkpoints: those with a Move
 * call, or every checkpoint) and the value, checked as the user types.
 * No key is needed for public nodes; a provider's node takes one through Set API Key (sent as `x-api-key`).
 */
import { addStreamSteps } from '../../core/stream/addStreamSteps';
import { endpointHost } from '../../core/connectFailure';
import { emitModuleProblem, isSuiAddress, moveCallProblem, moveTypeProblem, type SuiFilterDimension, type SuiSubscription } from '../../core/sui/suiFilter';
import { suiEndpointProblem, type SuiNetwork } from '../../core/sui/suiOutcome';
import type { StreamDefinition } from '../../core/stream/stream';
import type { WizardProvider } from './streamWizard';

type FilterField = SuiFilterDimension;

const address = (v: string) => (isSuiAddress(v) ? undefined : 'A Sui address: 0x followed by up to 64 hex digits.');
const filterChecks: Record<FilterField, (v: string) => string | undefined> = {
  eventType: moveTypeProblem,
  emitModule: emitModuleProblem,
  sender: address,
  affectedAddress: address,
  affectedObject: (v) => (isSuiAddress(v) ? undefined : 'An object id: 0x followed by up to 64 hex digits.'),
  moveCall: moveCallProblem,
};

const placeholders: Record<FilterField, string> = {
  eventType: '0x2::coin::CoinMetadata<0x2::sui::SUI>',
  emitModule: '0x2::kiosk',
  sender: '0x…',
  affectedAddress: '0x…',
  affectedObject: '0x… (object id)',
  moveCall: '0x2::pay::split',
};

/** One choice of "what to watch": the subscription, the filter field asked (none: no value), fixed fields. */
interface WatchChoice {
  label: string;
  description: string;
  subscription: SuiSubscription;
  field: FilterField | undefined;
  /** What the label calls it when no value is asked (`all events`). */
  name?: string;
  packageWrite?: boolean;
}

const watchChoices: WatchChoice[] = [
  { label: 'Events of a Move event type', description: 'e.g. 0x2::coin::CoinMetadata, or a whole module 0xpkg::pool', subscription: 'events', field: 'eventType' },
  { label: 'Events emitted by a package or module', description: '0xpkg or 0xpkg::module', subscription: 'events', field: 'emitModule' },
  { label: 'Events of transactions sent by an address', description: '0x + 64 hex', subscription: 'events', field: 'sender' },
  { label: 'Every event', description: 'the whole chain: busy on mainnet', subscription: 'events', field: undefined, name: 'all events' },
  { label: 'Transactions calling a Move function', description: '0xpkg, 0xpkg::module or 0xpkg::module::function', subscription: 'transactions', field: 'moveCall' },
  { label: 'Transactions touching an address', description: 'objects or balances of the address moved', subscription: 'transactions', field: 'affectedAddress' },
  { label: 'Transactions changing an object', description: 'an object id', subscription: 'transactions', field: 'affectedObject' },
  { label: 'Transactions sent by an address', description: '0x + 64 hex', subscription: 'transactions', field: 'sender' },
  { label: 'Package publishes and upgrades', description: 'every transaction that writes a Move package', subscription: 'transactions', field: undefined, name: 'package writes', packageWrite: true },
  { label: 'Every transaction', description: 'the whole chain: very busy on mainnet', subscription: 'transactions', field: undefined, name: 'all transactions' },
  { label: 'Checkpoints with a call to a Move function', description: 'checkpoints holding a matching transaction', subscription: 'checkpoints', field: 'moveCall' },
  { label: 'Every checkpoint', description: 'about four a second on mainnet: sequence number and transaction count', subscription: 'checkpoints', field: undefined, name: 'checkpoints' },
];

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
  description: "Sui events, transactions or checkpoints from a node's gRPC subscription: no account, gap-free across reconnects",
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
    const kind = await prompts.pick(watchChoices, 'What to watch?', 'kind');
    if (!kind) return undefined;
    const fields = def as StreamDefinition & Record<FilterField, string | string[]> & { packageWrite?: boolean };
    // the subscription rides in the shared `subscription` field, so each kind keeps its own journal
    if (kind.subscription !== 'events') (def as { subscription?: string }).subscription = kind.subscription;
    if (kind.packageWrite !== undefined) fields.packageWrite = kind.packageWrite;
    const where = custom ? endpointHost(def.baseUrl ?? '') : `Sui ${def.network}`;
    if (!kind.field) {
      prompts.replan(addStreamSteps('sui', { customEndpoint: custom, noFilter: true }));
      return `${where} ${kind.name ?? kind.subscription}`;
    }
    const field = kind.field;
    const value = await prompts.input({
      prompt: `${kind.label} (several separated by commas match any; ! in front excludes)`,
      placeholder: placeholders[field],
      step: 'filter',
      validate: (v) => suiFilterInputProblem(field, v),
    });
    if (!value) return undefined;
    const parts = value.split(',').map((s) => s.trim());
    fields[field] = parts.length === 1 ? parts[0]! : parts;
    const first = parts[0]!;
    const shortName = first.split('<')[0]!.split('::').slice(-1)[0]!;
    const what = field === 'sender' || field === 'affectedAddress' || field === 'affectedObject' ? `${field === 'affectedObject' ? 'object' : field === 'sender' ? 'sender' : 'address'} ${first.slice(0, 8)}…` : shortName.length > 24 ? `${shortName.slice(0, 10)}…` : shortName;
    return `${where} ${kind.subscription === 'events' ? '' : `${kind.subscription} `}${what}`;
  },
};
