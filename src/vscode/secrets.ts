/**
 * API keys in SecretStorage, saved per provider AND host (`chainWatch.key/warp/mainnet-api.inodra.com`), so a key
 * is only ever sent to the host it was saved for: a workspace that points a stream elsewhere gets no key.
 * Every key loaded is registered with `registerSecret` so it is redacted from every log line.
 */
import type * as vscode from 'vscode';
import type { Provider } from '../core/event';
import type { StreamDefinition } from '../core/stream/stream';
import { forgetSecret, registerSecret } from '../core/redact';
import { Emitter } from '../core/emitter';
import { effectiveDefinition, hostOf } from './settings';

/** SecretStorage name of a key. */
export function secretName(provider: Provider, host: string): string {
  return `chainWatch.key/${provider}/${host.toLowerCase()}`;
}

const INDEX_KEY = 'chainWatch.keyIndex';

/** The key store. `onDidChange` fires (in every window) when a key is set or cleared. */
export class KeyStore implements vscode.Disposable {
  private readonly changed = new Emitter<{ provider?: Provider; host?: string }>();
  /** In-memory keys (the demo's local key): never written to SecretStorage. */
  private readonly memory = new Map<string, string>();
  private readonly subs: vscode.Disposable[] = [];
  /** Fires when any key changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {
    this.subs.push(
      secrets.onDidChange((e) => {
        if (!e.key.startsWith('chainWatch.key/')) return;
        const [, provider, host] = e.key.split('/');
        this.changed.fire({ provider: provider as Provider, ...(host ? { host } : {}) });
      }),
    );
  }

  /** The host `def` will connect to (after settings fill in the default URL), or undefined. */
  hostFor(def: StreamDefinition): string | undefined {
    return hostOf(effectiveDefinition(def).baseUrl);
  }

  /** The key saved for exactly the host `def` connects to; undefined when none (the stream stops with `no_key`). */
  async getKey(def: StreamDefinition): Promise<string | undefined> {
    const host = this.hostFor(def);
    if (!host) return undefined;
    const name = secretName(def.provider, host);
    const mem = this.memory.get(name);
    if (mem) return mem;
    const key = await this.secrets.get(name);
    if (key) registerSecret(key);
    return key || undefined;
  }

  /** True when a key is saved for the host `def` connects to. */
  async hasKey(def: StreamDefinition): Promise<boolean> {
    return (await this.getKey(def)) !== undefined;
  }

  /** Saves a key for a provider and host. */
  async set(provider: Provider, host: string, key: string): Promise<void> {
    registerSecret(key);
    const name = secretName(provider, host);
    await this.secrets.store(name, key);
    const index = new Set(this.state.get<string[]>(INDEX_KEY, []));
    index.add(name);
    await this.state.update(INDEX_KEY, [...index]);
    this.changed.fire({ provider, host });
  }

  /** Deletes a key. Returns false when none was saved. */
  async clear(provider: Provider, host: string): Promise<boolean> {
    const name = secretName(provider, host);
    const old = await this.secrets.get(name);
    await this.secrets.delete(name);
    const index = new Set(this.state.get<string[]>(INDEX_KEY, []));
    index.delete(name);
    await this.state.update(INDEX_KEY, [...index]);
    forgetSecret(old);
    this.changed.fire({ provider, host });
    return old !== undefined;
  }

  /** Saved keys as `{provider, host}` (from an index kept beside SecretStorage, which cannot list). */
  saved(): Array<{ provider: Provider; host: string }> {
    return this.state
      .get<string[]>(INDEX_KEY, [])
      .map((n) => n.split('/'))
      .filter((p) => p.length === 3)
      .map(([, provider, host]) => ({ provider: provider as Provider, host: host as string }));
  }

  /** Registers a key kept only in memory (the demo's local key) for a provider and host. */
  setMemoryKey(provider: Provider, host: string, key: string): void {
    registerSecret(key);
    this.memory.set(secretName(provider, host), key);
    this.changed.fire({ provider, host });
  }

  /** Forgets an in-memory key. */
  clearMemoryKey(provider: Provider, host: string): void {
    this.memory.delete(secretName(provider, host));
    this.changed.fire({ provider, host });
  }

  /** Loads every saved key once so `redact` knows them before any stream logs anything. */
  async preload(): Promise<void> {
    for (const name of this.state.get<string[]>(INDEX_KEY, [])) {
      try {
        registerSecret(await this.secrets.get(name));
      } catch {
        // a keychain hiccup must not stop activation; the key is registered when it is first used
      }
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
