/** The key commands: Set API Key (provider, host, key; stored per host in the OS keychain) and Clear API Key. */
import * as vscode from 'vscode';
import type { Provider } from '../../core/event';
import { keyHostChoices, type EndpointOrigin } from '../../core/keyHosts';
import { builtInEndpoints, effectiveDefinition, endpointSettings, hostOf, workspaceStreamIds } from '../settings';
import type { Arg, CommandDeps } from './commandDeps';
import { registerCommand, streamIdOf } from './commandDeps';

const providerNames: Record<Provider, string> = { warp: 'Inodra Warp', covalent: 'Covalent (legacy STOMP)', evm: 'EVM node', goldrush: 'GoldRush Streaming', sui: 'Sui full node' };

async function chooseHost(d: CommandDeps, provider: Provider, title: string): Promise<string | undefined> {
  // the real default hosts always; hosts that only a workspace names are marked (a look-alike could be one)
  const fromWorkspace = workspaceStreamIds();
  const configured: Array<{ url: string | undefined; origin: EndpointOrigin }> = [];
  for (const e of endpointSettings()) {
    if (e.provider !== provider) continue;
    if (e.workspace) configured.push({ url: e.workspace, origin: 'workspace' });
    if (e.userOrDefault) configured.push({ url: e.userOrDefault, origin: 'user' });
  }
  const workspaceHosts = new Set(configured.filter((c) => c.origin === 'workspace').map((c) => hostOf(c.url)));
  for (const s of d.registry.list()) {
    if (s.handle.definition.provider !== provider || s.origin !== 'settings') continue;
    const url = effectiveDefinition(s.handle.definition).baseUrl;
    configured.push({ url, origin: fromWorkspace.has(s.id) || workspaceHosts.has(hostOf(url)) ? 'workspace' : 'user' });
  }
  const items: Array<vscode.QuickPickItem & { host?: string }> = keyHostChoices(builtInEndpoints(provider), configured).map((c) => ({
    label: c.fromWorkspace ? `$(warning) ${c.host}` : c.host,
    description: c.description,
    host: c.host,
  }));
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

async function setApiKey(d: CommandDeps, arg: Arg): Promise<string | undefined> {
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
      (['warp', 'goldrush', 'sui', 'covalent', 'evm'] as Provider[]).map((p) => ({ label: providerNames[p], provider: p })),
      { title: 'Set API Key', placeholder: 'Which provider is the key for?', step: 1, totalSteps: 3 },
    );
    if (!p) return undefined;
    provider = p.provider;
  }
  if (!host) host = await chooseHost(d, provider, 'Set API Key');
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

async function clearApiKey(d: CommandDeps): Promise<string | undefined> {
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

/** Registers the key commands; returns the disposables. */
export function registerKeyCommands(d: CommandDeps): vscode.Disposable[] {
  return [
    registerCommand(d, 'chainWatch.setApiKey', (arg: Arg) => setApiKey(d, arg)),
    registerCommand(d, 'chainWatch.clearApiKey', () => clearApiKey(d)),
  ];
}
