/**
 * Events meet the code: `chainWatch.goToEventDefinition` (a feed row, a tree event, or one picked from the palette),
 * `chainWatch.watchEvent` (the "Watch this event" CodeLens: a stream definition for the declaration, EVM node by
 * topic0, Sui full node by Move event type or a named Warp stream; connected, with the feed open on it) and `chainWatch.cannotWatchEvent` (a lens that says why it cannot).
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../../core/event';
import { parseExpectWithin } from '../../core/source/expectWatchdog';
import { moveTypeProblem } from '../../core/sui/suiFilter';
import { suiEndpointProblem } from '../../core/sui/suiOutcome';
import type { EventDeclaration } from '../../core/source/sourceIndex';
import type { StreamDefinition } from '../../core/stream/stream';
import { untrustedText } from '../../core/untrustedText';
import { shortHash } from '../../feed/rowFormat';
import { appendStream, defaultBaseUrl } from '../settings';
import { goToEventDefinition } from '../source/goToEvent';
import type { GoToResult } from '../source/goToEvent';
import { CANNOT_WATCH_COMMAND, WATCH_EVENT_COMMAND, cannotWatch } from '../source/eventLens';
import type { WorkspaceSources } from '../source/workspaceSources';
import type { Arg, CommandDeps } from './commandDeps';
import { pickEvent, registerCommand } from './commandDeps';
import { CHAINS, chainName, slugId, validateStreamId, validateWsUrl } from './streamInput';

/** The argument of a `webview/context` command: the feed row's `data-vscode-context`. */
interface RowContext {
  webviewSection?: string;
  chainWatchStream?: string;
  chainWatchEventId?: string;
}

/** How the commands reach the feed's held events (a row may have left the stream's recent list). */
export interface EventSourceDeps {
  sources: WorkspaceSources;
  findFeedEvent(stream: string, id: string): Promise<ChainEvent | undefined>;
  /** Where the workspace's artifacts say a contract declaring `topic0` is deployed (empty when unknown). */
  deployments(contract: string, topic0: string): Promise<Array<{ address: string; chainId?: number; implementation?: string }>>;
}

const TITLE = 'Watch this event';

async function eventOf(d: CommandDeps, s: EventSourceDeps, arg: Arg | RowContext): Promise<ChainEvent | undefined> {
  if (arg && typeof arg === 'object' && 'webviewSection' in arg) {
    const ctx = arg as RowContext;
    if (typeof ctx.chainWatchStream !== 'string' || typeof ctx.chainWatchEventId !== 'string') return undefined;
    const ev = (await s.findFeedEvent(ctx.chainWatchStream, ctx.chainWatchEventId)) ?? d.registry.get(ctx.chainWatchStream)?.handle.recent().find((e) => e.id === ctx.chainWatchEventId);
    if (!ev) void vscode.window.showInformationMessage('Chain Watch: that event is no longer in memory.');
    return ev;
  }
  return pickEvent(d, arg as Arg, 'Go to Event Definition');
}

/** Asks where an EVM event is watched: an endpoint already used by an EVM stream, or a chain (and node URL). */
async function askEvmTarget(d: CommandDeps, def: StreamDefinition, step: () => number): Promise<boolean> {
  const seen = new Map<string, { chainId: number; baseUrl?: string }>();
  for (const s of d.registry.list()) {
    const x = s.handle.definition;
    if (x.provider !== 'evm' || typeof x.chainId !== 'number') continue;
    seen.set(`${x.chainId} ${x.baseUrl ?? ''}`, { chainId: x.chainId, ...(x.baseUrl ? { baseUrl: x.baseUrl } : {}) });
  }
  const items = [
    ...[...seen.values()].map((e) => ({ label: chainName(e.chainId), description: e.baseUrl ? untrustedText(e.baseUrl.replace(/^(wss?:\/\/[^/?#]+).*$/i, '$1'), 80) : 'chainWatch.evm.defaultUrl', target: e as { chainId: number; baseUrl?: string } | undefined })),
    { label: 'Another chain...', description: 'pick the chain, then the node', target: undefined },
  ];
  const picked = await d.prompter().pick(items, { title: TITLE, placeholder: 'Which chain and node?', step: step() });
  if (!picked) return false;
  if (picked.target) {
    def.chainId = picked.target.chainId;
    if (picked.target.baseUrl) def.baseUrl = picked.target.baseUrl;
    return true;
  }
  const chain = await d.prompter().pick(
    CHAINS.map((c) => ({ label: c.name, description: `chain ${c.id}`, chainId: c.id })),
    { title: TITLE, placeholder: 'Chain', step: step() },
  );
  if (!chain) return false;
  def.chainId = chain.chainId;
  if (!defaultBaseUrl(def)) {
    const url = await d.prompter().input({ title: TITLE, prompt: 'WebSocket JSON-RPC endpoint of the node', placeholder: 'ws://127.0.0.1:8545', step: step(), validate: validateWsUrl });
    if (!url) return false;
    def.baseUrl = url.trim();
  }
  return true;
}

/**
 * Asks where a Move event is watched: a Sui full node's subscription filtered on the event type (the default), or
 * an Inodra Warp stream (filtered on Inodra's side: the user names the stream).
 */
async function askMoveTarget(d: CommandDeps, def: StreamDefinition, decl: EventDeclaration, step: () => number): Promise<boolean> {
  const typeProblem = moveTypeProblem(decl.moveType ?? '');
  const via = await d.prompter().pick(
    [
      { label: 'Sui full node', description: typeProblem ? `not available: ${typeProblem}` : `a gRPC subscription filtered on ${decl.moveType}`, provider: 'sui' as const },
      { label: 'Inodra Warp stream', description: 'a Warp stream already filtered on this event type in the Inodra dashboard', provider: 'warp' as const },
    ],
    { title: TITLE, placeholder: 'Watch through', step: step() },
  );
  if (!via) return false;
  def.provider = via.provider;
  if (via.provider === 'warp') return askWarpTarget(d, def, decl, step);
  if (typeProblem) throw new Error(`${decl.moveType} cannot filter a Sui node: ${typeProblem} (is the package published, with its id in Move.toml or Published.toml?)`);
  const net = await d.prompter().pick(
    [
      { label: 'mainnet', network: 'mainnet' },
      { label: 'testnet', network: 'testnet' },
      { label: 'devnet', network: 'devnet' },
      { label: 'localnet', network: 'localnet' },
      { label: 'Custom node URL...', network: '' },
    ],
    { title: TITLE, placeholder: 'Sui network (or a node URL)', step: step() },
  );
  if (!net) return false;
  if (net.network) def.network = net.network;
  else {
    const url = await d.prompter().input({ title: TITLE, prompt: 'Node gRPC URL: https://host:port (http:// only for a node on this machine)', placeholder: 'https://fullnode.testnet.sui.io:443', step: step(), validate: (v) => suiEndpointProblem(v) });
    if (!url) return false;
    def.baseUrl = url.trim().replace(/\/+$/, '');
  }
  def.eventType = decl.moveType!;
  return true;
}

/** Asks for the Warp stream that carries a Move event type (Warp streams are filtered on Inodra's side). */
async function askWarpTarget(d: CommandDeps, def: StreamDefinition, decl: EventDeclaration, step: () => number): Promise<boolean> {
  const net = await d.prompter().pick(
    [
      { label: 'mainnet', network: 'mainnet' },
      { label: 'testnet', network: 'testnet' },
    ],
    { title: TITLE, placeholder: 'Sui network (Inodra Warp)', step: step() },
  );
  if (!net) return false;
  def.network = net.network;
  const streamId = await d.prompter().input({
    title: TITLE,
    prompt: `Id of the Inodra Warp stream filtered on eventType ${decl.moveType}`,
    placeholder: 'stream id from the Inodra dashboard',
    step: step(),
    validate: validateStreamId,
  });
  if (!streamId) return false;
  def.streamId = streamId.trim();
  return true;
}

/** Offers the contract's deployed addresses (its proxies first) on the chosen chain, from the artifacts; false when cancelled, 'proxy' when a proxy was picked. */
async function askDeployedAddress(d: CommandDeps, s: EventSourceDeps, def: StreamDefinition, decl: EventDeclaration, step: () => number): Promise<boolean | 'proxy'> {
  if (!decl.container || !decl.topic0) return true;
  const found = (await s.deployments(decl.container, decl.topic0).catch(() => [])).filter((x) => x.chainId === undefined || x.chainId === def.chainId);
  if (!found.length) return true;
  const picked = await d.prompter().pick(
    [
      ...found.map((x) => ({
        label: shortHash(x.address, 6, 4),
        description: x.implementation
          ? `proxy of ${decl.container} (implementation ${shortHash(x.implementation, 6, 4)}): its logs come from here`
          : `${decl.container} deployed here (from the workspace's deployment records)`,
        address: x.address as string | undefined,
        proxy: x.implementation !== undefined,
      })),
      { label: 'Any address', description: `every ${decl.name} log on this chain (topic0 only)`, address: undefined, proxy: false },
    ],
    { title: TITLE, placeholder: `Which ${decl.container}?`, step: step() },
  );
  if (!picked) return false;
  if (picked.address) def.address = picked.address;
  return picked.proxy ? 'proxy' : true;
}

/** Runs the lens: builds, saves, loads and connects the definition, then opens the feed on it. */
async function watchEvent(d: CommandDeps, s: EventSourceDeps, decl: EventDeclaration): Promise<string | undefined> {
  if (!decl || typeof decl !== 'object' || typeof decl.name !== 'string') return undefined;
  const why = cannotWatch(decl);
  if (why) {
    void vscode.window.showInformationMessage(`Chain Watch: ${untrustedText(why, 200)}.`);
    return undefined;
  }
  let n = 0;
  const step = () => ++n;
  const taken = new Set(d.registry.list().map((s) => s.id));
  const def: StreamDefinition = { id: '', provider: decl.language === 'solidity' ? 'evm' : 'warp', autoConnect: true };
  if (decl.language === 'solidity') {
    if (!(await askEvmTarget(d, def, step))) return undefined;
    const at = await askDeployedAddress(d, s, def, decl, step);
    if (!at) return undefined;
    def.topics = [decl.topic0!];
    def.label = typeof def.address === 'string' ? `${decl.name} on ${at === 'proxy' ? 'proxy ' : ''}${shortHash(def.address, 6, 4)}` : `${decl.name} · ${chainName(def.chainId)}`;
  } else {
    if (!(await askMoveTarget(d, def, decl, step))) return undefined;
    def.label = `${decl.name} · ${shortHash(decl.moveType?.split('::')[0] ?? '', 6, 4)}`;
  }
  const within = await d.prompter().input({
    title: TITLE,
    prompt: 'Expect an event at least every... (optional: 30s, 5m, 2h; leave empty for no expectation)',
    placeholder: '5m',
    step: step(),
    validate: (v) => (v.trim() === '' ? undefined : (parseExpectWithin(v) as { error?: string }).error),
  });
  if (within === undefined) return undefined;
  if (within.trim()) def.expectWithin = within.trim();
  def.id = slugId(`watch-${decl.name}`, taken);
  await appendStream(def);
  const problems = d.syncFromSettings();
  if (!d.registry.get(def.id)) throw new Error(`the stream "${def.label}" was saved but not loaded: ${problems.find((p) => p.includes(`"${def.id}"`)) ?? 'is the workspace trusted?'}`);
  d.logger.info(`stream added from the source: ${def.label} (${def.provider}${def.topics ? `, topic0 ${def.topics[0]}` : `, ${decl.moveType}`})`);
  // EVM endpoints carry their key in the URL; public Sui nodes need none
  if (def.provider === 'warp' && !(await d.keys.hasKey(def))) {
    const host = d.keys.hostFor(def);
    void d.prompter().ask(`Chain Watch: no API key saved for host ${untrustedText(host, 120)}. Set one to connect "${untrustedText(def.label, 80)}".`, ['Set API Key'], 'warn').then((c) => {
      if (c) void vscode.commands.executeCommand('chainWatch.setApiKey', def.id);
    });
  }
  await d.connectNew(def.id);
  await vscode.commands.executeCommand('chainWatch.openFeedInEditor', def.id);
  return def.id;
}

/** Registers the commands; the caller puts them into `context.subscriptions`. */
export function registerEventSourceCommands(d: CommandDeps, s: EventSourceDeps): vscode.Disposable[] {
  return [
    registerCommand(d, 'chainWatch.goToEventDefinition', async (arg: Arg | RowContext): Promise<GoToResult | undefined> => {
      const ev = await eventOf(d, s, arg);
      if (!ev) return undefined;
      return goToEventDefinition(s.sources, ev, (items, title) => d.prompter().pick(items, { title, placeholder: 'Which declaration?' }));
    }),
    registerCommand(d, WATCH_EVENT_COMMAND, (decl: EventDeclaration) => watchEvent(d, s, decl)),
    registerCommand(d, CANNOT_WATCH_COMMAND, (why: string) => {
      void vscode.window.showInformationMessage(`Chain Watch: ${untrustedText(String(why), 200)}.`);
    }),
  ];
}
