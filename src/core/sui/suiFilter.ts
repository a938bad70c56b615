/**
 * Sui full-node filters: the checks Add Stream and the settings run on Move types and addresses, and the builder
 * that turns a stream definition into the node's DNF `EventFilter` (terms ORed, each term's literals ANDed, any
 * literal negated). Pure: the types come from `@mysten/sui`'s generated definitions, type-only.
 *
 * A definition names up to three dimensions (`eventType`, `emitModule`, `sender`), each one value or several (ORed
 * within the dimension); the dimensions are ANDed. A value written `!value` is negated. So
 * `{eventType: ['0xabc::pool::SwapEvent', '0xabc::pool::AddLiquidityEvent'], sender: '!0x...'}` becomes two terms,
 * `(type = Swap AND NOT sender) OR (type = AddLiquidity AND NOT sender)`. No dimension at all = every event (the
 * filter is omitted, as the node wants).
 */
import type { GrpcTypes } from '@mysten/sui/grpc';

/** What a `sui` stream subscribes to (default `events`). */
export type SuiSubscription = 'events' | 'transactions' | 'checkpoints';

/** The subscriptions a `sui` stream may name. */
export const SUI_SUBSCRIPTIONS: readonly SuiSubscription[] = ['events', 'transactions', 'checkpoints'];

/** The filter fields of a `sui` stream definition. */
export interface SuiFilterFields {
  /** Move event type(s): `addr[::module[::Name[<T, ...>]]]`. */
  eventType?: string | string[];
  /** Emitting package or module(s): `0xpkg[::module]`. */
  emitModule?: string | string[];
  /** Transaction sender address(es). */
  sender?: string | string[];
  /** Transactions / checkpoints: address(es) whose state the transaction moved. */
  affectedAddress?: string | string[];
  /** Transactions / checkpoints: object id(s) the transaction changed. */
  affectedObject?: string | string[];
  /** Transactions / checkpoints: Move call(s) `0xpkg[::module[::function]]`. */
  moveCall?: string | string[];
  /** Transactions / checkpoints: true = only package publishes and upgrades, false = none of them. */
  packageWrite?: boolean;
}

/** The value dimensions of a filter, in the order they enter the terms. */
export const SUI_FILTER_DIMENSIONS = ['eventType', 'emitModule', 'sender', 'affectedAddress', 'affectedObject', 'moveCall'] as const;
/** A value dimension of a filter. */
export type SuiFilterDimension = (typeof SUI_FILTER_DIMENSIONS)[number];
/** The dimensions only transaction filters have (transaction and checkpoint subscriptions). */
export const SUI_TRANSACTION_ONLY: readonly SuiFilterDimension[] = ['affectedAddress', 'affectedObject', 'moveCall'];

/** Terms a filter may expand to at most (the product of the dimensions' value counts). */
export const MAX_FILTER_TERMS = 64;
/** Values one dimension may hold at most. */
export const MAX_FILTER_VALUES = 16;

const HEX_ADDR = /^0x[0-9a-fA-F]{1,64}$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A Sui address or object id: `0x` + 1 to 64 hex digits (short forms such as `0x2` are the system packages). */
export function isSuiAddress(s: string): boolean {
  return HEX_ADDR.test(s.trim());
}

/** Why `s` is not a Move package path `0xpkg[::module]`, or undefined when it is one. */
export function emitModuleProblem(s: string): string | undefined {
  const parts = s.trim().split('::');
  if (!isSuiAddress(parts[0] ?? '')) return `"${short(s)}" does not start with a package address (0x + hex), e.g. 0x2::coin`;
  if (parts.length > 2) return `"${short(s)}" has more than package::module (an emitting module has no type name)`;
  if (parts.length === 2 && !IDENT.test(parts[1]!)) return `"${short(s)}": "${short(parts[1]!)}" is not a Move module name`;
  return undefined;
}

/** Why `s` is not a Move call path `0xpkg[::module[::function]]`, or undefined when it is one. */
export function moveCallProblem(s: string): string | undefined {
  const parts = s.trim().split('::');
  if (!isSuiAddress(parts[0] ?? '')) return `"${short(s)}" does not start with a package address (0x + hex), e.g. 0x2::coin::split`;
  if (parts.length > 3) return `"${short(s)}" has more than package::module::function`;
  for (const p of parts.slice(1)) if (!IDENT.test(p)) return `"${short(s)}": "${short(p)}" is not a Move identifier`;
  return undefined;
}

/** Why `s` is not a Move event type `addr[::module[::Name[<T, ...>]]]`, or undefined when it is one. */
export function moveTypeProblem(s: string): string | undefined {
  const v = s.trim();
  const lt = v.indexOf('<');
  const base = lt < 0 ? v : v.slice(0, lt);
  const parts = base.split('::');
  if (!isSuiAddress(parts[0] ?? '')) return `"${short(s)}" does not start with an address (0x + hex), e.g. 0x2::coin::CoinMetadata`;
  if (parts.length > 3) return `"${short(s)}" has more than address::module::Name`;
  for (const p of parts.slice(1)) if (!IDENT.test(p)) return `"${short(s)}": "${short(p)}" is not a Move identifier`;
  if (lt >= 0) {
    if (parts.length !== 3) return `"${short(s)}": type arguments follow a full address::module::Name`;
    if (!v.endsWith('>')) return `"${short(s)}": the type arguments are not closed with ">"`;
    let depth = 0;
    for (const ch of v.slice(lt)) {
      if (ch === '<') depth++;
      else if (ch === '>' && --depth < 0) break;
    }
    if (depth !== 0) return `"${short(s)}": unbalanced "<" and ">"`;
    const inner = v.slice(lt + 1, -1);
    if (inner.trim() === '') return `"${short(s)}": empty type arguments`;
    if (/[^A-Za-z0-9_:<>,\s]/.test(inner)) return `"${short(s)}": type arguments hold characters a Move type cannot`;
  }
  return undefined;
}

/** The values of one dimension (a string or an array), trimmed; non-strings kept for the checks to report. */
function valuesOf(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The subscription a definition names (`events` when it names none). */
export function suiSubscriptionOf(d: { subscription?: unknown }): SuiSubscription {
  return d.subscription === 'transactions' || d.subscription === 'checkpoints' ? d.subscription : 'events';
}

const addressCheck = (s: string) => (isSuiAddress(s) ? undefined : `"${short(s)}" is not a Sui address (0x + up to 64 hex digits)`);
const dimensionChecks: Record<SuiFilterDimension, (s: string) => string | undefined> = {
  eventType: moveTypeProblem,
  emitModule: emitModuleProblem,
  sender: addressCheck,
  affectedAddress: addressCheck,
  affectedObject: (s) => (isSuiAddress(s) ? undefined : `"${short(s)}" is not an object id (0x + up to 64 hex digits)`),
  moveCall: moveCallProblem,
};

/**
 * Problems with the subscription and filter fields of a definition (empty when valid); each in words, naming the
 * field. Event subscriptions take `eventType`, `emitModule` and `sender`; transaction and checkpoint subscriptions
 * also `affectedAddress`, `affectedObject`, `moveCall` and `packageWrite`.
 */
export function validateSuiFilter(d: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (d.subscription !== undefined && !SUI_SUBSCRIPTIONS.includes(d.subscription as SuiSubscription)) problems.push('a Sui node "subscription" is "events", "transactions" or "checkpoints"');
  const kind = suiSubscriptionOf(d);
  for (const field of SUI_FILTER_DIMENSIONS) {
    const vals = valuesOf(d[field]);
    if (vals.length > 0 && kind === 'events' && SUI_TRANSACTION_ONLY.includes(field)) {
      problems.push(`"${field}" filters transactions: it needs "subscription": "transactions" or "checkpoints"`);
      continue;
    }
    if (vals.length > MAX_FILTER_VALUES) problems.push(`"${field}" holds ${vals.length} values; at most ${MAX_FILTER_VALUES}`);
    for (const raw of vals) {
      if (typeof raw !== 'string' || raw.trim() === '' || raw.trim() === '!') {
        problems.push(`"${field}" values must be non-empty strings`);
        continue;
      }
      const p = dimensionChecks[field](splitNegation(raw).value);
      if (p) problems.push(`"${field}" ${p}`);
    }
  }
  if (d.packageWrite !== undefined) {
    if (typeof d.packageWrite !== 'boolean') problems.push('"packageWrite" is true (only package publishes and upgrades) or false (none)');
    else if (kind === 'events') problems.push('"packageWrite" filters transactions: it needs "subscription": "transactions" or "checkpoints"');
  }
  const terms = SUI_FILTER_DIMENSIONS.reduce((n, f) => n * Math.max(1, valuesOf(d[f]).length), 1);
  if (problems.length === 0 && terms > MAX_FILTER_TERMS) problems.push(`the filter expands to ${terms} terms; at most ${MAX_FILTER_TERMS} (name fewer values)`);
  return problems;
}

/** `!value` as negated + value (trimmed). */
export function splitNegation(raw: string): { negated: boolean; value: string } {
  const t = raw.trim();
  return t.startsWith('!') ? { negated: true, value: t.slice(1).trim() } : { negated: false, value: t };
}

/**
 * One literal of a dimension events and transactions share (`eventType`, `emitModule`, `sender`): the node's event
 * and transaction predicates spell these three alike, so the transaction filter builds them here too.
 */
export function eventLiteral(field: 'eventType' | 'emitModule' | 'sender', raw: string): GrpcTypes.EventLiteral {
  const { negated, value } = splitNegation(raw);
  switch (field) {
    case 'eventType':
      return { negated, predicate: { oneofKind: 'eventType', eventType: { eventType: value } } };
    case 'emitModule':
      return { negated, predicate: { oneofKind: 'emitModule', emitModule: { module: value } } };
    case 'sender':
      return { negated, predicate: { oneofKind: 'sender', sender: { address: value } } };
  }
}

/**
 * The node's `EventFilter` for a definition's filter fields, or undefined for "every event". Throws an Error
 * naming the problems when the fields are invalid (see {@link validateSuiFilter}).
 */
export function buildEventFilter(d: SuiFilterFields): GrpcTypes.EventFilter | undefined {
  const problems = validateSuiFilter(d as Record<string, unknown>);
  if (problems.length) throw new Error(`invalid Sui filter: ${problems.join('; ')}`);
  const terms = expandTerms<GrpcTypes.EventLiteral>(d, ['eventType', 'emitModule', 'sender'], (field, v) => eventLiteral(field as 'eventType' | 'emitModule' | 'sender', v));
  return terms ? { terms: terms.map((literals) => ({ literals })) } : undefined;
}

/**
 * The DNF terms of the named dimensions: the product of each dimension's values (ORed within it), one literal per
 * dimension in each term; undefined when no dimension holds a value. `extra` literals join every term.
 */
export function expandTerms<L>(d: SuiFilterFields, fields: readonly SuiFilterDimension[], literalOf: (field: SuiFilterDimension, raw: string) => L, extra: L[] = []): L[][] | undefined {
  let terms: L[][] = [[]];
  for (const field of fields) {
    const vals = valuesOf(d[field]) as string[];
    if (vals.length === 0) continue;
    terms = terms.flatMap((t) => vals.map((v) => [...t, literalOf(field, v)]));
  }
  if (extra.length) terms = terms.map((t) => [...t, ...extra]);
  return terms.length === 1 && terms[0]!.length === 0 ? undefined : terms;
}

/**
 * Whether an event matches the filter, by the node's rules (used by the local node, and by tests to state the
 * expected selection). Sender and addresses compare as normalized addresses (case and leading zeros ignored);
 * `emitModule` matches the event's package and module; `eventType` matches by prefix at `::` boundaries, a generic
 * name without type arguments matching every instantiation.
 */
export function eventMatches(filter: GrpcTypes.EventFilter | undefined, ev: { packageId?: string; module?: string; sender?: string; eventType?: string }): boolean {
  if (!filter) return true;
  return filter.terms.some((t) => t.literals.every((l) => predicateMatches(l, ev) !== l.negated));
}

function predicateMatches(l: GrpcTypes.EventLiteral, ev: { packageId?: string; module?: string; sender?: string; eventType?: string }): boolean {
  const p = l.predicate;
  switch (p.oneofKind) {
    case 'sender':
      return ev.sender !== undefined && sameAddress(p.sender.address ?? '', ev.sender);
    case 'emitModule':
      return modulePathMatches(p.emitModule.module ?? '', ev.packageId, ev.module);
    case 'eventType':
      return ev.eventType !== undefined && typeMatches(p.eventType.eventType ?? '', ev.eventType);
    default:
      return false;
  }
}

/**
 * Whether a Move path pattern `0xpkg[::module[::function]]` matches a package (and module, function): each part
 * the pattern names must be equal, addresses compared normalized.
 */
export function modulePathMatches(pattern: string, pkg: string | undefined, mod?: string, fn?: string): boolean {
  const [p, m, f] = pattern.trim().split('::');
  return pkg !== undefined && sameAddress(p ?? '', pkg) && (m === undefined || m === mod) && (f === undefined || f === fn);
}

/** `0x2` and `0x000…02` are the same address. */
export function normalizeSuiAddress(a: string): string {
  const hex = a.trim().toLowerCase().replace(/^0x/, '').replace(/^0+/, '');
  return `0x${hex.padStart(64, '0')}`;
}

/** Whether two addresses are the same (case and leading zeros ignored). */
export function sameAddress(a: string, b: string): boolean {
  return normalizeSuiAddress(a) === normalizeSuiAddress(b);
}

/** Whether a Move type matches an `eventType` pattern (prefix at `::` boundaries; see {@link eventMatches}). */
export function typeMatches(pattern: string, type: string): boolean {
  const norm = (t: string) => {
    const lt = t.indexOf('<');
    const base = lt < 0 ? t : t.slice(0, lt);
    const parts = base.split('::');
    parts[0] = normalizeSuiAddress(parts[0] ?? '');
    return { parts, args: lt < 0 ? undefined : t.slice(lt).replace(/\s+/g, '') };
  };
  const p = norm(pattern.trim());
  const t = norm(type);
  if (p.parts.length > t.parts.length) return false;
  for (let i = 0; i < p.parts.length; i++) if (p.parts[i] !== t.parts[i]) return false;
  if (p.args === undefined) return true;
  return p.parts.length === 3 && t.args !== undefined && t.args.replace(/0x0*/g, '0x') === p.args.replace(/0x0*/g, '0x');
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
