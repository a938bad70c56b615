// Helpers for the integration tests: the extension's API and event-driven waits (never timers).
import * as vscode from 'vscode';
import type { ChainWatchApi } from '../../../src/extension';

export const EXTENSION_ID = 'chain-watch.chain-watch';

/** Activates the extension and returns its API. */
export async function chainWatch(): Promise<ChainWatchApi> {
  const ext = vscode.extensions.getExtension<ChainWatchApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} not installed`);
  return ext.activate();
}

/**
 * Resolves once `predicate()` holds, re-checking on every event, status change and registry change (real socket
 * activity drives it; mocha's timeout fails a wait that never comes true). `what` names it in the error.
 */
export function waitUntil(api: ChainWatchApi, predicate: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const subs: Array<{ dispose(): void }> = [];
    const done = (err?: Error) => {
      for (const s of subs) s.dispose();
      if (err) reject(err);
      else resolve();
    };
    const check = () => {
      try {
        if (predicate()) done();
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    };
    subs.push(api.registry.onEvents(check), api.registry.onStatus(check), api.registry.onChange(check), api.registry.onNotice(check));
    (check as unknown as { what: string }).what = what;
    check();
  });
}

/** The status of a stream (throws when unknown). */
export function streamOf(api: ChainWatchApi, id: string) {
  const s = api.streams().find((x) => x.id === id);
  if (!s) throw new Error(`no stream "${id}" (have ${api.streams().map((x) => x.id).join(', ')})`);
  return s;
}
