/**
 * Chain Watch: activate() builds the parts, wires them, registers everything in `context.subscriptions` and
 * returns a small API (stream states and events, the demo, the output lines, a scriptable prompter) for tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { systemClock } from './core/clock';
import { createLogger } from './core/logger';
import type { Logger } from './core/logger';
import type { ChainEvent } from './core/event';
import type { StreamDefinition, StreamStatus } from './core/stream/stream';
import { createStreamHandle } from './core/stream/streamFactory';
import { StreamRegistry } from './core/stream/streamRegistry';
import type { RegisteredStream } from './core/stream/streamRegistry';
import { describeError } from './core/redact';
import type { WarpServer } from './simulator/warpServer';
import { OutputManager } from './vscode/output';
import { KeyStore } from './vscode/secrets';
import { StreamsTree } from './vscode/streamsTree';
import { StatusBar } from './vscode/statusBar';
import { registerStatusPicks } from './vscode/statusPicks';
import { EventDocuments } from './vscode/eventDocument';
import { Demo } from './vscode/demo';
import type { CommandDeps } from './vscode/commands/commandDeps';
import { registerDemoCommands } from './vscode/commands/demo';
import { registerEventCommands } from './vscode/commands/events';
import { registerKeyCommands } from './vscode/commands/keys';
import { registerStreamCommands } from './vscode/commands/streams';
import { windowPrompter } from './vscode/prompter';
import { LeasedHandle, StreamLeases, startLeaseRenewal } from './core/stream/streamLease';
import { StreamLoader } from './vscode/streamLoader';
import { CreditGuardHost } from './vscode/creditGuardHost';
import { feedSourceFromRegistry } from './vscode/feed/source';
import { registerFeed } from './vscode/feed/registerFeed';
import type { FeedController } from './vscode/feed/registerFeed';
import type { Prompter } from './vscode/prompter';
import { covalentHeartbeatMs, SECTION, explorerOptionsFor } from './vscode/settings';
import { registerEventSource } from './vscode/source/registerSource';
import type { EventSourceParts } from './vscode/source/registerSource';
import { ArtifactWatcher } from './vscode/source/artifactWatcher';

/** One stream as the test API reports it. */
export interface ApiStream {
  id: string;
  label: string;
  origin: RegisteredStream['origin'];
  status: StreamStatus;
  /** The stream's recent events, oldest first. */
  events: ChainEvent[];
}

/** What `activate()` returns (for tests and other extensions). */
export interface ChainWatchApi {
  /** Every stream with its status and recent events. */
  streams(): ApiStream[];
  /** Runs "Start Demo"; resolves with the demo stream id. */
  startDemo(): Promise<string>;
  /** Runs "Stop Demo". */
  stopDemo(): Promise<void>;
  /** The demo's simulator while it runs. */
  readonly demoServer: WarpServer | undefined;
  /** Every line written to Chain Watch's output channels (the log and the per-stream channels). */
  logLines(): string[];
  /** Replaces the prompter the commands ask through (undefined restores the real one). */
  setPrompter(prompter: Prompter | undefined): void;
  /** The Streams view as shown: labels, descriptions, context values, children. */
  tree(): ReturnType<StreamsTree['snapshot']>;
  /** Status bar texts (recomputed now). */
  statusBar(): { connection: string; credits: string; connectionVisible: boolean };
  /** Does what a window reload does to the streams: flush, dispose every handle, load again from settings and
   *  journals, and connect the `autoConnect` ones (from the last processed id). `between` runs while every
   *  settings stream is gone (tests emit events then, as a server would while the window reloads). */
  reloadStreams(between?: () => void | Promise<void>): Promise<void>;
  /** The registry (advanced tests). */
  readonly registry: StreamRegistry;
  /** The events feed (webview view and editor panels). */
  readonly feed: FeedController;
  /** Folder of the cross-window stream leases (`<encoded stream id>.json`). */
  readonly leaseDir: string;
  /** Renews leases and lets waiting streams take over free ones now (normally every 10 s). */
  checkLeases(): void;
  /** Milliseconds from `activate` entry to the Streams view being ready (streams loaded from settings). */
  readonly activationMs: number;
  /** The workspace source index and the expected-event watchdog (Go to Event Definition, CodeLens, Problems). */
  readonly eventSource: EventSourceParts;
}

let teardown: (() => Promise<void>) | undefined;

/** Start of the log line that reports how long activation took. */
export const ACTIVATED_LINE = 'activated in';

/**
 * Builds the parts (output, keys, registry, tree, status bar, documents, demo, credit guard, leases, feed),
 * loads the streams from settings (restoring their journals, connecting the `autoConnect` ones) and returns the
 * {@link ChainWatchApi}. With `CHAIN_WATCH_AUTODEMO=1` in the environment (`npm run demo`) it then runs Try the Demo.
 */
export async function activate(context: vscode.ExtensionContext): Promise<ChainWatchApi> {
  const activateStart = performance.now();
  const cpuStart = process.cpuUsage();
  // ---- output, keys, storage -----------------------------------------------------------------------------------
  const output = new OutputManager();
  const logger: Logger = createLogger(output);
  const keys = new KeyStore(context.secrets, context.globalState);
  await keys.preload();
  const storageDir = context.globalStorageUri.fsPath;
  const journalDir = path.join(storageDir, 'journal');
  const leaseDir = path.join(storageDir, 'leases');
  fs.mkdirSync(journalDir, { recursive: true });

  // ---- the streams: one connection per settings stream across windows (the demo is per window) ----------------
  const leases = new StreamLeases(leaseDir, `${process.pid}-${vscode.env.sessionId}`);
  // the workspace's contract artifacts: found and watched on the first EVM connection, not now
  const artifacts = new ArtifactWatcher(logger.child('artifacts'));
  const create = (def: StreamDefinition) => createStreamHandle(def, { journalDir, logger, getKey: (d) => keys.getKey(d), covalentHeartbeatMs, evmWorkspace: artifacts });
  const registry = new StreamRegistry({
    clock: systemClock,
    factory: (def, origin) => (origin === 'settings' ? new LeasedHandle(def, create, leases) : create(def)),
    onError: (err) => logger.error(`listener failed: ${describeError(err)}`),
  });
  // a stream waiting for another window's lease respects the credit guard's pause (one budget for all windows)
  const leaseRenewal = startLeaseRenewal(leases, () => registry.list(), (m) => logger.info(m), (id) => guardHost.guard.mayTakeOver(id));

  // ---- UI surfaces ------------------------------------------------------------------------------------------------
  let prompter: Prompter = windowPrompter;
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const tree = new StreamsTree(registry);
  const docs = new EventDocuments((stream, id) => registry.get(stream)?.handle.recent().find((e) => e.id === id));
  const demo = new Demo(registry, keys, logger.child('demo'), (running) => setContext('chainWatch.demoRunning', running));
  let feedVisible = () => false;
  const guardHost = new CreditGuardHost(storageDir, registry, logger, () => prompter, {
    owner: leases.owner,
    viewVisible: () => tree.view.visible || feedVisible(),
  });
  // a stream on a loopback endpoint (the demo, a local simulator or node) is simulated: the UI says so
  const simulated = (id: string) => explorerOptionsFor(registry.get(id)?.handle.definition).simulated === true;
  const statusBar = new StatusBar(registry, () => guardHost.guard, simulated);
  const updateContext = () => {
    setContext('chainWatch.streamCount', registry.list().length);
    setContext('chainWatch.hasKeys', keys.saved().length > 0);
    const noKey = registry.list().filter((s) => s.handle.status().stopReason === 'no_key');
    const hosts = [...new Set(noKey.map((s) => keys.hostFor(s.handle.definition) ?? '?'))];
    tree.view.message = hosts.length ? `No API key saved for host ${hosts.join(', ')}. Run "Chain Watch: Set API Key...".` : undefined;
  };
  const loader = new StreamLoader(registry, output, keys, logger, updateContext);
  const commands: CommandDeps = {
    registry,
    keys,
    output,
    tree,
    docs,
    demo,
    logger,
    prompter: () => prompter,
    syncFromSettings: () => loader.sync().problems,
    connectNew: (id) => loader.connectNew(id),
    userActed: () => guardHost.userActed(),
  };

  context.subscriptions.push(
    output,
    artifacts,
    keys,
    tree,
    statusBar,
    docs,
    guardHost,
    loader,
    leaseRenewal,
    ...registerStreamCommands(commands),
    ...registerKeyCommands(commands),
    ...registerEventCommands(commands),
    ...registerDemoCommands(commands),
    ...registerStatusPicks({ registry, guard: () => guardHost.guard, prompter: () => prompter, userActed: () => guardHost.userActed() }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['streams', 'warp', 'covalent', 'evm', 'goldrush'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) loader.sync();
      if (e.affectsConfiguration(`${SECTION}.tree`)) tree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => loader.sync()),
  );

  // ---- the events feed (its view, panels and commands register themselves in context.subscriptions) ---------
  // the feed's hover asks the source index (wired below, once it exists)
  let describeSource: (ev: ChainEvent) => Promise<string | undefined> = () => Promise.resolve(undefined);
  const feed = registerFeed(
    context,
    feedSourceFromRegistry(registry, {
      explorerOptions: (stream) => explorerOptionsFor(registry.get(stream)?.handle.definition),
      openJson: (ev) => docs.open(ev),
      simulated,
      describeSource: (ev) => describeSource(ev),
    }),
    { prompter: () => prompter, logger: logger.child('feed') },
  );
  // events meet the code: Go to Event Definition, the Watch this event lens, expected events (nothing loads until used)
  const eventSource = registerEventSource(commands, feed, () => artifacts.index(), context.globalStorageUri);
  context.subscriptions.push(...eventSource);
  describeSource = eventSource.parts.describe;
  // the guard counts this window as watched while the Streams view or a feed (view or panel) is visible
  feedVisible = () => feed.liveWebviews > 0;
  context.subscriptions.push(tree.view.onDidChangeVisibility(() => guardHost.refreshVisibility()));

  // ---- go ---------------------------------------------------------------------------------------------------------
  loader.sync();
  setContext('chainWatch.demoRunning', false);
  setContext('chainWatch.ready', true);
  // the start-up budget (`npm run size` reads this line from the installed copy's log)
  const activationMs = performance.now() - activateStart;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time of the whole extension-host process meanwhile (other extensions activating too): steadier than wall time on a busy machine
  logger.info(`${ACTIVATED_LINE} ${activationMs.toFixed(1)} ms, CPU ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms (activate entry to Streams view ready)`);

  let tornDown: Promise<void> | undefined;
  teardown = () =>
    (tornDown ??= (async () => {
      guardHost.dispose();
      await registry.flushAll();
      await demo.stop().catch(() => undefined);
      registry.dispose();
      leases.releaseAll();
    })());
  context.subscriptions.push({ dispose: () => void teardown?.() });

  if (process.env.CHAIN_WATCH_AUTODEMO === '1') {
    // `npm run demo` is exactly Try the Demo, run once at start
    void Promise.resolve(vscode.commands.executeCommand('chainWatch.startDemo')).catch((err) => logger.error(`auto demo failed: ${describeError(err)}`));
  }

  return {
    streams: () =>
      registry.list().map((s) => ({
        id: s.id,
        label: s.handle.definition.label || s.id,
        origin: s.origin,
        status: s.handle.status(),
        events: s.handle.recent(),
      })),
    startDemo: async () => (await vscode.commands.executeCommand<string>('chainWatch.startDemo')) as string,
    stopDemo: async () => {
      await vscode.commands.executeCommand('chainWatch.stopDemo');
    },
    get demoServer() {
      return demo.demoServer;
    },
    logLines: () => output.lines(),
    setPrompter: (p) => {
      prompter = p ?? windowPrompter;
    },
    tree: () => tree.snapshot(),
    statusBar: () => {
      statusBar.update();
      return { connection: statusBar.connection.text, credits: statusBar.credits.text, connectionVisible: registry.list().length > 0 };
    },
    reloadStreams: (between) => loader.reload(between),
    registry,
    feed,
    leaseDir,
    checkLeases: () => leaseRenewal.check(),
    activationMs,
    eventSource: eventSource.parts,
  };
}

/** Flushes every journal, stops the demo, closes every connection and gives the leases back. */
export async function deactivate(): Promise<void> {
  const t = teardown;
  teardown = undefined;
  await t?.();
}
