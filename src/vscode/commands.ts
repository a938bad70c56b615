/**
 * Every `chainWatch.*` command. Item commands take the tree node (or a stream id string); invoked from the
 * palette without one, they ask which stream or event with a quick pick. Each returns a value tests can check.
 */
import * as vscode from 'vscode';
import type { ChainEvent, Provider } from '../core/event';
import type { StreamDefinition } from '../core/stream/stream';
import type { StreamRegistry, RegisteredStream } from '../core/stream/streamRegistry';
import { isEvmAddress, isTopicHash, describeStatus } from '../core/stream/streamRegistry';
import { explorerTxUrl, SIMULATED_EXPLORER_MESSAGE } from '../core/explorers';
import { describeError } from '../core/redact';
import type { Logger } from '../core/logger';
import type { Prompter } from './prompter';
import type { KeyStore } from './secrets';
import type { OutputManager } from './output';
import type { StreamsTree, TreeNode } from './streamsTree';
import { shortDigest, shortType } from './streamsTree';
import type { EventDocuments } from './eventDocument';
import type { Demo } from './demo';
import type { ExportFormat } from './exportFormat';
import { formatEvents } from './exportFormat';
import { appendStream, defaultBaseUrl, effectiveDefinition, hostOf, removeStreamSetting, explorerOptionsFor } from './settings';
import { untrustedText } from '../core/untrustedText';

/** What the commands work with. */
export interface CommandDeps {
  registry: StreamRegistry;
  keys: KeyStore;
  output: OutputManager;
  tree: StreamsTree;
  docs: EventDocuments;
  demo: Demo;
  logger: Logger;
  /** The current prompter (swappable by tests). */
  prompter(): Prompter;
  /** Re-reads `chainWatch.streams` into the registry now; returns the problems found (skipped definitions). */
  syncFromSettings(): string[];
  /** The user took control of connections: the credit guard forgets its pause. */
  userActed(): void;
}

/** Chains offered for Covalent / EVM streams. */
export const CHAINS: ReadonlyArray<{ id: number; name: string }> = [
  { id: 1, name: 'Ethereum' },
  { id: 11155111, name: 'Ethereum Sepolia' },
  { id: 8453, name: 'Base' },
  { id: 84532, name: 'Base Sepolia' },
  { id: 10, name: 'Optimism' },
  { id: 42161, name: 'Arbitrum One' },
  { id: 137, name: 'Polygon' },
  { id: 56, name: 'BNB Smart Chain' },
  { id: 43114, name: 'Avalanche C-Chain' },
  { id: 100, name: 'Gnosis' },
  { id: 59144, name: 'Linea' },
  { id: 534352, name: 'Scroll' },
  { id: 324, name: 'zkSync Era' },
  { id: 31337, name: 'Local node (Hardhat)' },
];

const providerNames: Record<Provider, string> = { warp: 'Inodra Warp', covalent: 'Covalent (legacy STOMP)', evm: 'EVM node', goldrush: 'GoldRush Streaming' };

/** Validates a Warp stream id as typed in Add Stream. */
export function validateStreamId(v: string): string | undefined {
  const s = v.trim();
  if (!s) return 'Enter the stream id shown in the Inodra dashboard.';
  if (!/^[A-Za-z0-9._~-]+$/.test(s)) return 'A stream id holds only letters, digits, ".", "_", "~" and "-".';
  if (s.length > 128) return 'That is too long for a stream id.';
  return undefined;
}

/** A stream id for the settings list from a label, unique among `taken`. */
export function slugId(label: string, taken: ReadonlySet<string>): string {
  const base = label.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 48) || 'stream';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
}

type Arg = TreeNode | string | undefined;

/** The stream an argument points at: a stream id, a stream row, or an event/placeholder row under it. */
function streamIdOf(arg: Arg): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string') return arg;
  return arg.kind === 'stream' ? arg.id : arg.stream;
}

/** Registers every command; returns the disposables. */
export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const msg = describeError(err);
        d.logger.error(`${id} failed: ${msg}`);
        void vscode.window.showErrorMessage(`Chain Watch: ${untrustedText(msg)}`);
        return undefined;
      }
    });

  const label = (s: RegisteredStream) => s.handle.definition.label || s.id;

  async function pickStream(arg: Arg, title: string, filter?: (s: RegisteredStream) => boolean): Promise<RegisteredStream | undefined> {
    const id = streamIdOf(arg);
    if (id) {
      const s = d.registry.get(id);
      if (!s) throw new Error(`no stream "${id}"`);
      return s;
    }
    const list = d.registry.list().filter((s) => !filter || filter(s));
    if (list.length === 0) {
      void vscode.window.showInformationMessage('Chain Watch: no stream to pick. Add one with "Chain Watch: Add Stream...".');
      return undefined;
    }
    if (list.length === 1) return list[0];
    const picked = await d.prompter().pick(
      list.map((s) => ({ label: label(s), description: describeStatus(s.handle.status(), Date.now(), d.registry.rate(s.id)), id: s.id })),
      { title, placeholder: 'Which stream?' },
    );
    return picked ? d.registry.get(picked.id) : undefined;
  }

  async function pickEvent(arg: Arg, title: string, filter: (e: ChainEvent) => boolean = () => true): Promise<ChainEvent | undefined> {
    if (arg && typeof arg !== 'string' && arg.kind === 'event') return arg.event;
    const s = await pickStream(arg, title);
    if (!s) return undefined;
    const events = s.handle.recent(50).filter(filter).reverse();
    if (!events.length) {
      void vscode.window.showInformationMessage(`Chain Watch: ${untrustedText(label(s), 80)} has no events yet.`);
      return undefined;
    }
    const picked = await d.prompter().pick(
      events.map((e) => ({ label: shortType(e.type, e.name), description: [e.name, shortDigest(e.digest)].filter(Boolean).join(' · '), detail: e.id, ev: e })),
      { title, placeholder: 'Which event?' },
    );
    return picked?.ev;
  }

  function connectWith(mode: Parameters<RegisteredStream['handle']['connect']>[0]) {
    return async (arg: Arg) => {
      const s = await pickStream(arg, 'Connect');
      if (!s) return undefined;
      d.userActed();
      s.handle.connect(mode);
      return s.id;
    };
  }

  async function chooseHost(provider: Provider, title: string): Promise<string | undefined> {
    const hosts = new Set<string>();
    const add = (u: string | undefined) => {
      const h = hostOf(u);
      if (h) hosts.add(h);
    };
    if (provider === 'warp') {
      add(defaultBaseUrl({ id: 'x', provider: 'warp', network: 'mainnet' }));
      add(defaultBaseUrl({ id: 'x', provider: 'warp', network: 'testnet' }));
    } else add(defaultBaseUrl({ id: 'x', provider }));
    for (const s of d.registry.list()) if (s.handle.definition.provider === provider && s.origin === 'settings') add(effectiveDefinition(s.handle.definition).baseUrl);
    const items: Array<vscode.QuickPickItem & { host?: string }> = [...hosts].map((h) => ({ label: h, host: h }));
    items.push({ label: 'Other host...', description: 'type a host name (and port)' });
    const picked = await d.prompter().pick(items, { title, placeholder: 'The key is sent only to this host', step: 2, totalSteps: 3 });
    if (!picked) return undefined;
    if (picked.host) return picked.host;
    const typed = await d.prompter().input({
      title,
      prompt: 'Host (and port) the key is for',
      placeholder: 'mainnet-api.inodra.com',
      step: 2,
      totalSteps: 3,
      validate: (v) => (/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(v.trim()) ? undefined : 'A host name such as mainnet-api.inodra.com, optionally with :port'),
    });
    return typed?.trim().toLowerCase();
  }

  async function setApiKey(arg: Arg): Promise<string | undefined> {
    let provider: Provider | undefined;
    let host: string | undefined;
    const fromId = streamIdOf(arg);
    const fromStream = fromId ? d.registry.get(fromId) : undefined;
    if (fromStream) {
      provider = fromStream.handle.definition.provider;
      host = d.keys.hostFor(fromStream.handle.definition);
    }
    if (!provider) {
      const p = await d.prompter().pick(
        (['warp', 'goldrush', 'covalent', 'evm'] as Provider[]).map((p) => ({ label: providerNames[p], provider: p })),
        { title: 'Set API Key', placeholder: 'Which provider is the key for?', step: 1, totalSteps: 3 },
      );
      if (!p) return undefined;
      provider = p.provider;
    }
    if (!host) host = await chooseHost(provider, 'Set API Key');
    if (!host) return undefined;
    const isEvm = provider === 'evm';
    const key = await d.prompter().input({
      title: 'Set API Key',
      prompt: isEvm
        ? `Endpoint URL with its key for ${host} (wss://${host}/...; stored in the OS keychain, used only for ${host})`
        : `${providerNames[provider]} API key for ${host} (stored in the OS keychain, sent only to ${host})`,
      password: true,
      step: 3,
      totalSteps: 3,
      validate: (v) => {
        const k = v.trim();
        if (!k) return isEvm ? 'Paste the endpoint URL.' : 'Paste the key.';
        if (/\s/.test(k)) return 'A key has no spaces.';
        if (isEvm && hostOf(k) !== host) return `The URL must be on ${host}.`;
        if (provider === 'warp' && !k.startsWith('indr_')) return { message: 'Inodra keys start with "indr_": check you pasted the whole key.', severity: vscode.InputBoxValidationSeverity.Warning };
        return undefined;
      },
    });
    if (!key) return undefined;
    await d.keys.set(provider, host, key.trim());
    d.logger.info(`API key saved for ${provider} on ${host}`);
    return host;
  }

  async function clearApiKey(): Promise<string | undefined> {
    const saved = d.keys.saved();
    if (!saved.length) {
      void vscode.window.showInformationMessage('Chain Watch: no API key is saved.');
      return undefined;
    }
    const picked = await d.prompter().pick(
      saved.map((k) => ({ label: k.host, description: providerNames[k.provider] ?? k.provider, k })),
      { title: 'Clear API Key', placeholder: 'Which key?' },
    );
    if (!picked) return undefined;
    await d.keys.clear(picked.k.provider, picked.k.host);
    d.logger.info(`API key cleared for ${picked.k.provider} on ${picked.k.host}`);
    return picked.k.host;
  }

  async function addStream(): Promise<string | undefined> {
    const P = d.prompter();
    const title = 'Add Stream';
    const prov = await P.pick(
      [
        { label: 'Inodra Warp', description: 'Sui events, WebSocket or SSE', provider: 'warp' as Provider },
        { label: 'Covalent', description: 'EVM log events by address or topic (STOMP)', provider: 'covalent' as Provider },
        { label: 'EVM node', description: 'eth_subscribe logs on any WebSocket JSON-RPC node', provider: 'evm' as Provider },
      ],
      { title, placeholder: 'Provider', step: 1, totalSteps: 5 },
    );
    if (!prov) return undefined;
    const def: StreamDefinition = { id: '', provider: prov.provider, autoConnect: true };
    let suggested = '';
    if (prov.provider === 'warp') {
      const net = await P.pick(
        [
          { label: 'mainnet', description: 'Sui mainnet', network: 'mainnet' },
          { label: 'testnet', description: 'Sui testnet', network: 'testnet' },
        ],
        { title, placeholder: 'Network (a key belongs to one network)', step: 2, totalSteps: 5 },
      );
      if (!net) return undefined;
      def.network = net.network;
      const sid = await P.input({ title, prompt: 'Stream id from the Inodra dashboard', placeholder: 'e.g. 9f3c2a1b-usdc-transfers', step: 3, totalSteps: 5, validate: validateStreamId });
      if (!sid) return undefined;
      def.streamId = sid.trim();
      const tr = await P.pick(
        [
          { label: 'WebSocket', description: 'exactly-once with ACKs (recommended)', transport: 'websocket' as const },
          { label: 'SSE', description: 'Server-Sent Events, at-least-once (deduplicated)', transport: 'sse' as const },
        ],
        { title, placeholder: 'Transport', step: 4, totalSteps: 5 },
      );
      if (!tr) return undefined;
      def.transport = tr.transport;
      suggested = `Sui ${def.network} ${def.streamId}`;
    } else {
      const chain = await P.pick(
        CHAINS.map((c) => ({ label: c.name, description: `chain ${c.id}`, chainId: c.id })),
        { title, placeholder: 'Chain', step: 2, totalSteps: 5 },
      );
      if (!chain) return undefined;
      def.chainId = chain.chainId;
      const what = await P.input({
        title,
        prompt: prov.provider === 'covalent' ? 'Contract address (0x + 40 hex) or topic hash (0x + 64 hex)' : 'Contract address (0x + 40 hex); several separated by commas',
        placeholder: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc',
        step: 3,
        totalSteps: 5,
        validate: (v) => {
          const parts = v.split(',').map((p) => p.trim()).filter(Boolean);
          if (!parts.length) return 'Enter an address' + (prov.provider === 'covalent' ? ' or a topic hash.' : '.');
          if (prov.provider === 'covalent' && parts.length === 1 && isTopicHash(parts[0] as string)) return undefined;
          if (prov.provider === 'covalent' && parts.length > 1) return 'Covalent takes one address or one topic.';
          const bad = parts.find((p) => !isEvmAddress(p));
          return bad ? `"${bad.slice(0, 80)}" is not 0x + 40 hex digits.` : undefined;
        },
      });
      if (!what) return undefined;
      const parts = what.split(',').map((p) => p.trim()).filter(Boolean);
      if (prov.provider === 'covalent' && isTopicHash(parts[0] as string)) def.topic = parts[0] as string;
      else def.address = parts.length === 1 ? (parts[0] as string) : parts;
      if (prov.provider === 'evm' && !defaultBaseUrl(def)) {
        const url = await P.input({
          title,
          prompt: 'WebSocket JSON-RPC endpoint of the node',
          placeholder: 'ws://127.0.0.1:8545',
          step: 4,
          totalSteps: 5,
          validate: (v) => (/^wss?:\/\/[^\s/]+/i.test(v.trim()) ? undefined : 'A ws:// or wss:// URL.'),
        });
        if (!url) return undefined;
        def.baseUrl = url.trim();
      }
      suggested = `${CHAINS.find((c) => c.id === def.chainId)?.name ?? `chain ${def.chainId}`} ${shortDigest(parts[0]) ?? ''}`.trim();
    }
    const name = await P.input({ title, prompt: 'Label shown in the Streams view', value: suggested, step: 5, totalSteps: 5, validate: (v) => (v.trim() ? undefined : 'Enter a label.') });
    if (name === undefined) return undefined;
    def.label = name.trim() || suggested;
    def.id = slugId(def.label, new Set(d.registry.list().map((s) => s.id)));
    await appendStream(def);
    const problems = d.syncFromSettings();
    const s = d.registry.get(def.id);
    if (!s) throw new Error(`the stream "${def.label}" was saved but not loaded: ${problems.find((p) => p.includes(`"${def.id}"`)) ?? 'is the workspace trusted?'}`);
    d.logger.info(`stream added: ${def.label} (${def.provider})`);
    if (def.provider !== 'evm' && !(await d.keys.hasKey(def))) {
      const host = d.keys.hostFor(def);
      void P.ask(`Chain Watch: no API key saved for host ${untrustedText(host, 120)}. Set one to connect "${untrustedText(def.label || def.id, 80)}".`, ['Set API Key'], 'warn').then((c) => {
        if (c) void vscode.commands.executeCommand('chainWatch.setApiKey', def.id);
      });
    }
    s.handle.connect({ kind: 'auto' });
    void d.tree.reveal(def.id).catch(() => undefined);
    return def.id;
  }

  async function removeStream(arg: Arg): Promise<string | undefined> {
    const s = await pickStream(arg, 'Remove Stream');
    if (!s) return undefined;
    if (s.origin === 'memory') {
      if (s.id === 'demo') await d.demo.stop();
      else d.registry.remove(s.id);
      d.output.dropStream(s.id);
      return s.id;
    }
    const ok = await d.prompter().ask(`Remove the stream "${untrustedText(label(s), 80)}" from your settings? Its journal stays on disk.`, ['Remove'], 'warn');
    if (ok !== 'Remove') return undefined;
    const removed = await removeStreamSetting(s.id);
    if (!removed) throw new Error(`"${label(s)}" is not defined in any settings file Chain Watch can edit`);
    d.syncFromSettings();
    d.output.dropStream(s.id);
    return s.id;
  }

  async function resumeFrom(arg: Arg): Promise<string | undefined> {
    const s = await pickStream(arg, 'Resume From Event ID');
    if (!s) return undefined;
    const id = await d.prompter().input({
      title: 'Resume From Event ID',
      prompt: `Replay ${label(s)} after this message id (the server keeps up to 30 min / 2,000 events)`,
      value: s.handle.status().lastEventId ?? '',
      validate: (v) => (v.trim() ? undefined : 'Enter a message id.'),
    });
    if (!id) return undefined;
    d.userActed();
    s.handle.connect({ kind: 'after', id: id.trim() });
    return s.id;
  }

  async function copyDigest(arg: Arg): Promise<string | undefined> {
    const ev = await pickEvent(arg, 'Copy Transaction Digest', (e) => !!e.digest);
    if (!ev?.digest) return undefined;
    await vscode.env.clipboard.writeText(ev.digest);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${shortDigest(ev.digest)}`, 2_000);
    return ev.digest;
  }

  async function openInExplorer(arg: Arg): Promise<string | undefined> {
    const ev = await pickEvent(arg, 'Open in Explorer', (e) => !!e.digest);
    if (!ev) return undefined;
    const def = d.registry.get(ev.stream)?.handle.definition;
    const opts = explorerOptionsFor(def);
    const url = explorerTxUrl(ev, opts);
    if (!url) {
      void vscode.window.showWarningMessage(
        opts.simulated
          ? `Chain Watch: ${SIMULATED_EXPLORER_MESSAGE}.`
          : 'Chain Watch: no explorer link for this event (no digest in a known format, or no explorer for this chain).',
      );
      return undefined;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
    return url;
  }

  async function openEventJson(arg: Arg): Promise<string | undefined> {
    const ev = await pickEvent(arg, 'Open Event as JSON');
    if (!ev) return undefined;
    const editor = await d.docs.open(ev);
    return editor.document.uri.toString();
  }

  async function exportEvents(arg: Arg): Promise<string | undefined> {
    let streams: RegisteredStream[];
    if (arg) {
      const s = await pickStream(arg, 'Export Events');
      if (!s) return undefined;
      streams = [s];
    } else {
      const list = d.registry.list();
      if (!list.length) {
        void vscode.window.showInformationMessage('Chain Watch: no stream to export.');
        return undefined;
      }
      const picked = await d.prompter().pick(
        [{ label: 'All streams', id: '*' }, ...list.map((s) => ({ label: label(s), description: `${s.handle.status().eventCount} events this session`, id: s.id }))],
        { title: 'Export Events', placeholder: 'Which stream?', step: 1, totalSteps: 2 },
      );
      if (!picked) return undefined;
      streams = picked.id === '*' ? list : list.filter((s) => s.id === picked.id);
    }
    const fmt = await d.prompter().pick(
      [
        { label: 'NDJSON', description: 'one JSON event per line', format: 'ndjson' as ExportFormat, ext: 'ndjson' },
        { label: 'JSON', description: 'an array', format: 'json' as ExportFormat, ext: 'json' },
        { label: 'CSV', description: 'one row per event, payload as JSON', format: 'csv' as ExportFormat, ext: 'csv' },
      ],
      { title: 'Export Events', placeholder: 'Format', step: 2, totalSteps: 2 },
    );
    if (!fmt) return undefined;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `chain-watch-${streams.length === 1 ? streams[0]!.id : 'all'}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '')}.${fmt.ext}`;
    const target = await d.prompter().saveFile({ title: 'Export Events', filters: { [fmt.label]: [fmt.ext] }, ...(base ? { defaultUri: vscode.Uri.joinPath(base, name) } : {}) });
    if (!target) return undefined;
    const events: ChainEvent[] = [];
    for (const s of streams) {
      const h = s.handle as typeof s.handle & { readJournal?: () => Promise<ChainEvent[]> };
      events.push(...(h.readJournal ? await h.readJournal() : h.recent()));
    }
    events.sort((a, b) => a.receivedAt - b.receivedAt);
    await vscode.workspace.fs.writeFile(target, Buffer.from(formatEvents(events, fmt.format), 'utf8'));
    d.logger.info(`exported ${events.length} events to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Chain Watch: exported ${events.length} events.`);
    return target.toString();
  }

  return [
    reg('chainWatch.addStream', addStream),
    reg('chainWatch.removeStream', removeStream),
    reg('chainWatch.editStreams', () => vscode.commands.executeCommand('workbench.action.openSettings', 'chainWatch.streams')),
    reg('chainWatch.setApiKey', setApiKey),
    reg('chainWatch.clearApiKey', clearApiKey),
    reg('chainWatch.connect', connectWith({ kind: 'auto' })),
    reg('chainWatch.resume', connectWith({ kind: 'resume' })),
    reg('chainWatch.resumeFrom', resumeFrom),
    reg('chainWatch.disconnect', async (arg: Arg) => {
      const s = await pickStream(arg, 'Disconnect', (x) => x.handle.status().state !== 'stopped' && x.handle.status().state !== 'idle');
      if (!s) return undefined;
      d.userActed();
      s.handle.disconnect('user');
      return s.id;
    }),
    reg('chainWatch.reconnect', async (arg: Arg) => {
      const s = await pickStream(arg, 'Reconnect');
      if (!s) return undefined;
      d.userActed();
      s.handle.reconnect();
      return s.id;
    }),
    reg('chainWatch.connectAll', () => {
      d.userActed();
      return d.registry.connectAll();
    }),
    reg('chainWatch.disconnectAll', () => {
      d.userActed();
      return d.registry.disconnectAll('user');
    }),
    reg('chainWatch.copyDigest', copyDigest),
    reg('chainWatch.openInExplorer', openInExplorer),
    reg('chainWatch.openEventJson', openEventJson),
    reg('chainWatch.exportEvents', exportEvents),
    reg('chainWatch.showOutput', (arg: Arg) => {
      d.output.show(streamIdOf(arg));
      return true;
    }),
    reg('chainWatch.startDemo', async () => {
      // Try the Demo: both simulated streams (Sui, and EVM with its reorgs), the Feed shown, the Sui stream revealed
      const id = await d.demo.startAll();
      await vscode.commands.executeCommand('chainWatch.feed.focus');
      await d.tree.reveal(id).catch(() => undefined);
      return id;
    }),
    reg('chainWatch.startEvmDemo', async () => {
      const id = await d.demo.startEvm();
      await d.tree.reveal(id).catch(() => undefined);
      return id;
    }),
    reg('chainWatch.stopDemo', async () => {
      await d.demo.stop();
      d.output.dropStream('demo');
      d.output.dropStream('demo-evm');
      return true;
    }),
  ];
}

