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
import type { StreamDefinition, StreamStatus } from './core/stream';
import { createStreamHandle } from './core/streamFactory';
import { StreamRegistry } from './core/streamRegistry';
import type { RegisteredStream } from './core/streamRegistry';
import { CreditGuard } from './core/creditGuard';
import { describeError } from './core/redact';
import type { WarpServer } from './simulator/warpServer';
import { OutputManager } from './vscode/output';
import { KeyStore } from './vscode/secrets';
import { StreamsTree } from './vscode/streamsTree';
import { StatusBar } from './vscode/statusBar';
import { EventDocuments } from './vscode/eventDocument';
import { Demo } from './vscode/demo';
import { registerCommands } from './vscode/commands';
import { windowPrompter } from './vscode/prompter';
import { LEASE_RENEW_MS, LeasedHandle, StreamLeases } from './vscode/streamLease';
import { feedSourceFromRegistry, registerFeed } from './vscode/feedView';
import type { FeedController } from './vscode/feedView';
import type { Prompter } from './vscode/prompter';
import { effectiveDefinition, guardSettings, readStreams, recentEventsInTree, SECTION, suiExplorer } from './vscode/settings';

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
}

let teardown: (() => Promise<void>) | undefined;

/**
 * Builds the parts (output, keys, registry, tree, status bar, documents, demo, credit guard, leases, feed),
 * loads the streams from settings (restoring their journals, connecting the `autoConnect` ones) and returns the
 * {@link ChainWatchApi}. With `CHAIN_WATCH_AUTODEMO=1` in the environment it also starts the demo.
 */
export async function activate(context: vscode.ExtensionContext): Promise<ChainWatchApi> {
  const output = new OutputManager();
  const logger: Logger = createLogger(output);
  const keys = new KeyStore(context.secrets, context.globalState);
  await keys.preload();
  const storageDir = context.globalStorageUri.fsPath;
  const journalDir = path.join(storageDir, 'journal');
  fs.mkdirSync(journalDir, { recursive: true });

  // one connection per settings stream across windows (the demo is per window: its own local server)
  const leases = new StreamLeases(path.join(storageDir, 'leases'), `${process.pid}-${vscode.env.sessionId}`);
  const create = (def: StreamDefinition) => createStreamHandle(def, { journalDir, logger, getKey: (d) => keys.getKey(d) });
  const registry = new StreamRegistry({
    clock: systemClock,
    factory: (def, origin) => (origin === 'settings' ? new LeasedHandle(def, create, leases) : create(def)),
    onError: (err) => logger.error(`listener failed: ${describeError(err)}`),
  });
  let prompter: Prompter = windowPrompter;
  const tree = new StreamsTree(registry);
  const docs = new EventDocuments((stream, id) => registry.get(stream)?.handle.recent().find((e) => e.id === id));
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const demo = new Demo(registry, keys, logger.child('demo'), (running) => setContext('chainWatch.demoRunning', running));

  // ---- credit guard: idle pause across windows (a shared focus file), daily budget -------------------------
  const focusFile = path.join(storageDir, 'lastFocus.json');
  const markFocus = () => {
    try {
      fs.writeFileSync(focusFile, String(Date.now()));
    } catch {
      // another window may be writing at the same moment; the next mark wins
    }
  };
  let guard: CreditGuard | undefined;
  guard = new CreditGuard(
    systemClock,
    {
      pauseAll: () => registry.disconnectAll('paused'),
      resume: (ids) => ids.forEach((id) => registry.get(id)?.handle.connect({ kind: 'auto' })),
      totalCredits: () => registry.credits().credits,
      lastFocusElsewhereAt: () => {
        try {
          const v = Number(fs.readFileSync(focusFile, 'utf8'));
          return Number.isFinite(v) ? v : undefined;
        } catch {
          return undefined;
        }
      },
      notify: (message) => {
        logger.info(message);
        void vscode.window.showInformationMessage(`Chain Watch: ${message}`);
      },
      budgetExceeded: async (spent, budget) => {
        const choice = await prompter.ask(
          `Chain Watch: today's credits (~${Math.round(spent).toLocaleString('en-US')}) passed your daily budget of ${budget.toLocaleString('en-US')}. Every stream is paused.`,
          ['Keep Going', 'Stay Paused'],
          'warn',
        );
        return choice === 'Keep Going' ? 'continue' : 'stay_paused';
      },
    },
    guardSettings(),
    {
      get: () => context.globalState.get<{ day: string; spent: number }>('chainWatch.spentToday'),
      set: (v) => void context.globalState.update('chainWatch.spentToday', v),
    },
    vscode.window.state.focused,
  );
  if (vscode.window.state.focused) markFocus();
  /** Renews this window's leases; streams waiting for another window's lease connect once it is free. */
  const checkLeases = () => {
    leases.renewAll();
    for (const s of registry.list()) {
      if (s.handle instanceof LeasedHandle && s.handle.heldElsewhere && s.handle.tryTakeOver()) {
        logger.info(`[${s.id}] the other window let go of this stream: connecting here`);
      }
    }
  };
  let ticks = 0;
  const focusTicker = setInterval(() => {
    ticks++;
    // the budget is checked every 5 s while anything runs (the guard's own tick is 30 s)
    if (registry.summary().live > 0) guard?.check();
    if (ticks % (LEASE_RENEW_MS / 5_000) === 0) checkLeases();
    if (ticks % 12 === 0 && vscode.window.state.focused) markFocus();
  }, 5_000);
  const statusBar = new StatusBar(registry, () => guard);

  // ---- streams from settings ---------------------------------------------------------------------------------
  const labelOf = (id: string) => {
    const s = registry.get(id);
    return s ? s.handle.definition.label || id : id;
  };
  const restored = new Set<string>();
  /** Writes a stream's restored events to its output channel once, then connects it if it auto-connects. */
  const restoreAndConnect = async (id: string, connect: boolean) => {
    const s = registry.get(id);
    if (!s) return;
    if (!restored.has(id)) {
      restored.add(id);
      await s.handle.ready.catch(() => undefined);
      const recent = s.handle.recent(recentEventsInTree());
      if (recent.length) {
        logger.info(`${labelOf(id)}: ${recent.length} recent events restored from the journal`);
        output.events(id, labelOf(id), recent);
      }
    }
    if (connect && registry.get(id)?.handle === s.handle && s.handle.status().state === 'idle') s.handle.connect({ kind: 'auto' });
  };
  const updateContext = () => {
    setContext('chainWatch.streamCount', registry.list().length);
    setContext('chainWatch.hasKeys', keys.saved().length > 0);
    const noKey = registry.list().filter((s) => s.handle.status().stopReason === 'no_key');
    tree.view.message = noKey.length
      ? `No API key saved for host ${noKey.map((s) => keys.hostFor(s.handle.definition) ?? '?').filter((h, i, a) => a.indexOf(h) === i).join(', ')}. Run "Chain Watch: Set API Key...".`
      : undefined;
  };
  const syncFromSettings = () => {
    const r = registry.sync(readStreams().map(effectiveDefinition));
    for (const p of r.problems) logger.warn(`chainWatch.streams: ${p}`);
    if (r.problems.length) void vscode.window.showWarningMessage(`Chain Watch: ${r.problems.length} stream definition(s) skipped: ${r.problems[0]}`);
    for (const id of r.removed) {
      output.dropStream(id);
      restored.delete(id);
    }
    for (const id of [...r.added, ...r.changed]) {
      restored.delete(id);
      void restoreAndConnect(id, registry.get(id)?.handle.definition.autoConnect === true);
    }
    updateContext();
    return r;
  };

  registry.onEvents((b) => output.events(b.stream, labelOf(b.stream), b.events));
  // the engine logs connects, retries and fatal stops; deliberate stops are logged here
  const lastState = new Map<string, string>();
  registry.onStatus(({ stream, status }) => {
    const key = status.state === 'stopped' ? `stopped:${status.stopReason ?? 'user'}` : status.state;
    const changed = lastState.get(stream) !== key;
    if (changed && (key === 'stopped:user' || key === 'stopped:paused')) {
      logger.info(`[${stream}] ${key === 'stopped:user' ? 'disconnected' : 'paused'} after ${status.eventCount} events this session${status.lastEventId ? `; last event ${status.lastEventId}` : ''}`);
    }
    // a fatal stop needs the user: say so once per stop (no_key is shown in the view and by Add Stream)
    const reason = status.stopReason;
    if (changed && status.state === 'stopped' && reason && reason !== 'user' && reason !== 'paused' && reason !== 'no_key') {
      const actions = reason === 'invalid_key' || reason === 'forbidden' ? ['Set API Key', 'Show Output'] : ['Show Output'];
      void vscode.window
        .showWarningMessage(`Chain Watch: ${labelOf(stream)} stopped: ${status.message ?? reason.replace(/_/g, ' ')}. It stays stopped until you connect it again.`, ...actions)
        .then((choice) => {
          if (choice === 'Set API Key') void vscode.commands.executeCommand('chainWatch.setApiKey', stream);
          else if (choice === 'Show Output') output.show();
        });
    }
    lastState.set(stream, key);
    updateContext();
  });

  const subs: vscode.Disposable[] = [
    output,
    keys,
    tree,
    statusBar,
    docs,
    ...registerCommands({
      registry,
      keys,
      output,
      tree,
      docs,
      demo,
      logger,
      prompter: () => prompter,
      syncFromSettings: () => syncFromSettings().problems,
      userActed: () => guard?.clearPause(),
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.streams`) || e.affectsConfiguration(`${SECTION}.warp`) || e.affectsConfiguration(`${SECTION}.covalent`) || e.affectsConfiguration(`${SECTION}.evm`)) syncFromSettings();
      if (e.affectsConfiguration(`${SECTION}.credits`)) guard?.update(guardSettings());
      if (e.affectsConfiguration(`${SECTION}.tree`)) tree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => syncFromSettings()),
    vscode.window.onDidChangeWindowState((s) => {
      if (s.focused) markFocus();
      guard?.focusChanged(s.focused);
    }),
    { dispose: () => keysSub.dispose() },
    { dispose: () => clearInterval(focusTicker) },
  ];
  // a key set or cleared (in any window) lets streams stopped for want of it try again
  const keysSub = keys.onDidChange(async () => {
    for (const s of registry.list()) {
      const st = s.handle.status();
      if (st.state === 'stopped' && (st.stopReason === 'no_key' || st.stopReason === 'invalid_key') && (await keys.hasKey(s.handle.definition))) {
        logger.info(`${labelOf(s.id)}: a key for ${keys.hostFor(s.handle.definition)} is now saved; connecting`);
        s.handle.connect({ kind: 'auto' });
      }
    }
    updateContext();
  });
  context.subscriptions.push(...subs);

  // ---- the events feed (its view, panels and commands register themselves in context.subscriptions) ---------
  const feed = registerFeed(
    context,
    feedSourceFromRegistry(registry, {
      explorerOptions: (stream) => {
        const def = registry.get(stream)?.handle.definition;
        return { sui: suiExplorer(), ...(def?.network ? { network: def.network } : {}), ...(def?.chainId ? { chainId: def.chainId } : {}) };
      },
      openJson: (ev) => docs.open(ev),
    }),
    { prompter: () => prompter, logger: logger.child('feed') },
  );

  syncFromSettings();
  setContext('chainWatch.demoRunning', false);
  setContext('chainWatch.ready', true);

  let tornDown: Promise<void> | undefined;
  teardown = () =>
    (tornDown ??= (async () => {
      guard?.dispose();
      guard = undefined;
      await registry.flushAll();
      await demo.stop().catch(() => undefined);
      registry.dispose();
      leases.releaseAll();
    })());
  context.subscriptions.push({ dispose: () => void teardown?.() });

  if (process.env.CHAIN_WATCH_AUTODEMO === '1') {
    void vscode.commands.executeCommand('chainWatch.startDemo').then(undefined, (err) => logger.error(`auto demo failed: ${describeError(err)}`));
  }

  const api: ChainWatchApi = {
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
    reloadStreams: async (between) => {
      await registry.flushAll();
      const settingsIds = registry.list().filter((s) => s.origin === 'settings').map((s) => s.id);
      for (const id of settingsIds) registry.remove(id);
      for (const id of settingsIds) {
        output.dropStream(id);
        restored.delete(id);
      }
      await between?.();
      const r = syncFromSettings();
      await Promise.all(r.added.map((id) => restoreAndConnect(id, registry.get(id)?.handle.definition.autoConnect === true)));
    },
    registry,
    feed,
    leaseDir: path.join(storageDir, 'leases'),
    checkLeases,
  };
  return api;
}

/** Flushes every journal, stops the demo, closes every connection and gives the leases back. */
export async function deactivate(): Promise<void> {
  const t = teardown;
  teardown = undefined;
  await t?.();
}
