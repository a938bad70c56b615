/** Checks of stream definitions as they come from settings or Add Stream. Pure: no vscode import. */
import { validateGoldRush } from '../goldrush/goldrushQuery';
import { isStompDestination } from '../covalent/covalentDestination';
import { parseExpectWithin } from '../source/expectWatchdog';
import { validateSuiFilter } from '../sui/suiFilter';

/**
 * Checks one stream definition from settings. Returns a list of problems (empty when valid); used for the setting
 * (bad entries are reported and skipped, the others still load) and for Add Stream's input validation.
 */
export function validateDefinition(def: unknown): string[] {
  const problems: string[] = [];
  if (!def || typeof def !== 'object' || Array.isArray(def)) return ['not an object'];
  const d = def as Record<string, unknown>;
  if (typeof d.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(d.id)) problems.push('"id" must be 1-64 letters, digits, ".", "-" or "_"');
  else if (isWindowsDeviceName(d.id)) problems.push(`"id" ${JSON.stringify(d.id)} is a device name on Windows (CON, PRN, AUX, NUL, COM0-9, LPT0-9) and cannot name a journal file`);
  if (d.provider !== 'warp' && d.provider !== 'covalent' && d.provider !== 'evm' && d.provider !== 'goldrush' && d.provider !== 'sui') problems.push('"provider" must be "warp", "covalent", "evm", "goldrush" or "sui"');
  if (d.provider === 'sui') {
    if (d.network !== undefined && !['mainnet', 'testnet', 'devnet', 'localnet'].includes(d.network as string)) problems.push('"network" must be "mainnet", "testnet", "devnet" or "localnet"');
    if (d.baseUrl !== undefined && (typeof d.baseUrl !== 'string' || !/^https?:\/\/[^\s/]+\/?$/i.test(d.baseUrl))) problems.push('a Sui node "baseUrl" is http(s)://host:port (https for remote nodes)');
    problems.push(...validateSuiFilter(d));
  } else {
    const suiOnly = ['eventType', 'emitModule', 'sender', 'affectedAddress', 'affectedObject', 'moveCall', 'packageWrite'].filter((k) => d[k] !== undefined);
    if (suiOnly.length) problems.push(`${suiOnly.map((k) => `"${k}"`).join(', ')} ${suiOnly.length === 1 ? 'is' : 'are'} for Sui node streams only`);
  }
  if (d.provider === 'goldrush') problems.push(...validateGoldRush(d));
  if (d.provider === 'warp') {
    if (typeof d.streamId !== 'string' || d.streamId.trim() === '') problems.push('a Warp stream needs "streamId"');
    else if (!/^[A-Za-z0-9._~-]+$/.test(d.streamId)) problems.push('"streamId" may only hold letters, digits, ".", "_", "~" and "-"');
    if (d.network !== undefined && d.network !== 'mainnet' && d.network !== 'testnet') problems.push('"network" must be "mainnet" or "testnet"');
    if (d.transport !== undefined && d.transport !== 'websocket' && d.transport !== 'sse') problems.push('"transport" must be "websocket" or "sse"');
  }
  if (d.provider === 'covalent' || d.provider === 'evm') {
    if (typeof d.chainId !== 'number' || !Number.isInteger(d.chainId) || d.chainId < 1) problems.push('"chainId" must be a positive integer');
    const addrs = d.address === undefined ? [] : Array.isArray(d.address) ? d.address : [d.address];
    for (const a of addrs) if (typeof a !== 'string' || !isEvmAddress(a)) problems.push(`"address" ${JSON.stringify(a)} is not a 0x + 40 hex address`);
    if (d.topic !== undefined && (typeof d.topic !== 'string' || !isTopicHash(d.topic))) problems.push('"topic" must be 0x + 64 hex');
    if (d.provider === 'covalent' && addrs.length === 0 && d.topic === undefined) problems.push('a Covalent stream needs "address" or "topic"');
  }
  if (d.destination !== undefined) {
    if (d.provider !== 'covalent') problems.push('"destination" is for Covalent (STOMP) streams only');
    else if (typeof d.destination !== 'string' || !isStompDestination(d.destination)) problems.push('"destination" must start with "/" and hold no control characters (up to 512)');
  }
  if (d.baseUrl !== undefined) {
    if (typeof d.baseUrl !== 'string' || !/^(https?|wss?):\/\/[^\s/]+/i.test(d.baseUrl)) problems.push('"baseUrl" must be an http(s):// or ws(s):// URL');
    else if (d.baseUrl.includes('#')) problems.push('"baseUrl" must not have a #fragment (a WebSocket URL cannot carry one)');
  }
  if (d.expectWithin !== undefined) {
    const within = parseExpectWithin(d.expectWithin);
    if ('error' in within) problems.push(within.error);
  }
  return problems;
}

/** Whether `name` (any case, with or without an extension) is a reserved device name on Windows. */
export function isWindowsDeviceName(name: string): boolean {
  return /^(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(?:\.[^]*)?$/i.test(name.trim());
}

/** `0x` + 40 hex digits. */
export function isEvmAddress(s: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(s);
}

/** `0x` + 64 hex digits (a topic hash or EVM tx hash). */
export function isTopicHash(s: string): boolean {
  return /^0x[0-9a-fA-F]{64}$/.test(s);
}
