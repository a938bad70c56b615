/**
 * Streams from settings into the registry: loads `chainWatch.streams` (reporting bad entries), restores each
 * stream's journal into its output channel, connects the `autoConnect` ones from the last processed id, and reacts
 * to what happens next (deliberate stops logged, fatal stops raised once, a newly saved key retried).
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { StreamStatus } from '../core/stream/stream';
import type { OutputManager } from './output';
import type { KeyStore } from './secrets';
import { effectiveDefinition, readStreams, recentEventsInTree } from './settings';
import { untrustedText } from '../core/untrustedText';

/** What {@link StreamLoader.sync} did. */
export type SyncResult = ReturnType<StreamRegistry['sync']>;

/** Keeps the registry in step with the settings and the output in step with the streams. */
export class StreamLoader implements vscode.Disposable {
  private readonly restored = new Set<string>();
  private readonly lastState = new Map<string, string>();
  private readonly subs: Array<{ dispose(): void }> = [];

  /** @param changed called after every load and status change (context keys, view message) */
  constructor(
    private readonly registry: StreamRegistry,
    private readonly output: OutputManager,
    private readonly keys: KeyStore,
    private readonly logger: Logger,
    private readonly changed: () => void,
  ) {
    this.subs.push(
      registry.onEvents((b) => output.events(b.stream, this.labelOf(b.stream), b.events)),
      registry.onStatus(({ stream, status }) => this.statusChanged(stream, status)),
      // a key set or cleared (in any window) lets streams stopped for want of it try again
      keys.onDidChange(() => void this.retryKeyless()),
    );
  }

  /** A stream's label (its id when it has none). */
  labelOf(id: string): string {
    const s = this.registry.get(id);
    return s ? s.handle.definition.label || id : id;
  }

  /** Loads `chainWatch.streams` now; new and changed streams are restored and, when `autoConnect`, connected. */
  sync(): SyncResult {
    const r = this.registry.sync(readStreams().map(effectiveDefinition));
    for (const p of r.problems) this.logger.warn(`chainWatch.streams: ${p}`);
    if (r.problems.length) void vscode.window.showWarningMessage(`Chain Watch: ${r.problems.length} stream definition(s) skipped: ${untrustedText(r.problems[0])}. Details are in the output.`);
    for (const id of r.removed) {
      this.output.dropStream(id);
      this.restored.delete(id);
    }
    for (const id of [...r.added, ...r.changed]) {
      this.restored.delete(id);
      void this.restoreAndConnect(id);
    }
    this.changed();
    return r;
  }

  /**
   * What a window reload does to the settings streams: flush, dispose, load again from settings and journals,
   * connect the `autoConnect` ones. `between` runs while they are gone.
   */
  async reload(between?: () => void | Promise<void>): Promise<void> {
    await this.registry.flushAll();
    const ids = this.registry.list().filter((s) => s.origin === 'settings').map((s) => s.id);
    for (const id of ids) {
      this.registry.remove(id);
      this.output.dropStream(id);
      this.restored.delete(id);
    }
    await between?.();
    const r = this.sync();
    await Promise.all(r.added.map((id) => this.restoreAndConnect(id)));
  }

  /**
   * Connects a stream just added to settings (and loaded by {@link sync}) once its journal is restored, when it
   * auto-connects and is still idle: the same path as every other settings stream, so it connects once.
   */
  connectNew(id: string): Promise<void> {
    return this.restoreAndConnect(id);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }

  /** Writes a stream's restored events to its output channel once, then connects it if it auto-connects. */
  private async restoreAndConnect(id: string): Promise<void> {
    const s = this.registry.get(id);
    if (!s) return;
    if (!this.restored.has(id)) {
      this.restored.add(id);
      await s.handle.ready.catch(() => undefined);
      const recent = s.handle.recent(recentEventsInTree());
      if (recent.length) {
        this.logger.info(`${this.labelOf(id)}: ${recent.length} recent events restored from the journal`);
        this.output.events(id, this.labelOf(id), recent);
      }
    }
    const current = this.registry.get(id);
    if (current?.handle === s.handle && s.handle.definition.autoConnect === true && s.handle.status().state === 'idle') s.handle.connect({ kind: 'auto' });
  }

  private statusChanged(stream: string, status: StreamStatus): void {
    const key = status.state === 'stopped' ? `stopped:${status.stopReason ?? 'user'}` : status.state;
    const changed = this.lastState.get(stream) !== key;
    this.lastState.set(stream, key);
    // the engine logs connects, retries and fatal stops; deliberate stops are logged here
    if (changed && (key === 'stopped:user' || key === 'stopped:paused')) {
      this.logger.info(`[${stream}] ${key === 'stopped:user' ? 'disconnected' : 'paused'} after ${status.eventCount} events this session${status.lastEventId ? `; last event ${status.lastEventId}` : ''}`);
    }
    // a fatal stop needs the user: say so once per stop (no_key is shown in the view and by Add Stream)
    const reason = status.stopReason;
    if (changed && status.state === 'stopped' && reason && reason !== 'user' && reason !== 'paused' && reason !== 'no_key') {
      const actions = reason === 'invalid_key' || reason === 'forbidden' ? ['Set API Key', 'Show Output'] : ['Show Output'];
      void vscode.window
        .showWarningMessage(`Chain Watch: ${untrustedText(this.labelOf(stream), 80)} stopped: ${untrustedText(status.message ?? reason.replace(/_/g, ' '))}. It stays stopped until you connect it again.`, ...actions)
        .then((choice) => {
          if (choice === 'Set API Key') void vscode.commands.executeCommand('chainWatch.setApiKey', stream);
          else if (choice === 'Show Output') this.output.show();
        });
    }
    this.changed();
  }

  private async retryKeyless(): Promise<void> {
    for (const s of this.registry.list()) {
      const st = s.handle.status();
      if (st.state === 'stopped' && (st.stopReason === 'no_key' || st.stopReason === 'invalid_key') && (await this.keys.hasKey(s.handle.definition))) {
        this.logger.info(`${this.labelOf(s.id)}: a key for ${this.keys.hostFor(s.handle.definition)} is now saved; connecting`);
        s.handle.connect({ kind: 'auto' });
      }
    }
    this.changed();
  }
}
