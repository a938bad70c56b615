/**
 * The hosts Set API Key offers. A trusted workspace can re-point the endpoints (`chainWatch.warp.mainnetUrl`, a
 * stream's `baseUrl`) at a look-alike host; offering only what the settings say would invite the user to hand
 * their key to it. So the provider's real default hosts always come first, and every host that comes from a
 * workspace's settings says so.
 */

/** Where a configured endpoint came from. */
export type EndpointOrigin = 'user' | 'workspace';

/** One host choice. */
export interface KeyHostChoice {
  /** `host[:port]`, lower-case. */
  host: string;
  /** One line for the quick pick ("default Inodra host", "from this workspace's settings: ..."). */
  description: string;
  /** True when only a workspace's settings name this host. */
  fromWorkspace: boolean;
}

/** `host[:port]` of a URL, lower-case; undefined when it does not parse or has no host. */
export function urlHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url.trim()).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host choices, in order: the real default hosts (never replaced by settings), then hosts from the user's
 * settings, then hosts only a workspace names (marked). Each host appears once; a default host is never marked.
 * @param defaults the provider's built-in endpoint URLs, with a word on each ("mainnet")
 * @param configured endpoint URLs from settings and stream definitions, with where each came from
 */
export function keyHostChoices(defaults: ReadonlyArray<{ url: string; what: string }>, configured: ReadonlyArray<{ url: string | undefined; origin: EndpointOrigin }>): KeyHostChoice[] {
  const out = new Map<string, KeyHostChoice>();
  for (const d of defaults) {
    const host = urlHost(d.url);
    if (host && !out.has(host)) out.set(host, { host, description: `default host (${d.what})`, fromWorkspace: false });
  }
  for (const c of configured) {
    const host = urlHost(c.url);
    if (!host || c.origin !== 'user' || out.has(host)) continue;
    out.set(host, { host, description: 'from your settings', fromWorkspace: false });
  }
  for (const c of configured) {
    const host = urlHost(c.url);
    if (!host || out.has(host)) continue;
    out.set(host, { host, description: "from this workspace's settings: check it is yours before you give it a key", fromWorkspace: true });
  }
  return [...out.values()];
}

/**
 * Warnings for endpoint settings a workspace overrides: one line per setting whose workspace value points at
 * another host than the user's (or built-in) value. Empty when the workspace overrides nothing.
 */
export function endpointOverrideWarnings(settings: ReadonlyArray<{ id: string; effective: string | undefined; workspace: string | undefined; userOrDefault: string | undefined }>): string[] {
  const out: string[] = [];
  for (const s of settings) {
    if (s.workspace === undefined || s.workspace.trim() === '') continue;
    const to = urlHost(s.workspace) ?? s.workspace;
    const from = urlHost(s.userOrDefault) ?? (s.userOrDefault || 'no endpoint');
    if (to === from) continue;
    out.push(`this workspace sets ${s.id} to ${to} (instead of ${from}); streams without their own baseUrl connect there`);
  }
  return out;
}
