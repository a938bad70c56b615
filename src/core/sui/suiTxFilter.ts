/**
 * Transaction filters for Sui full-node transaction and checkpoint subscriptions: the node's DNF
 * `TransactionFilter` from a definition's fields, and the node's matching rules (for the local node and for tests to
 * state the expected selection). Pure; the types come from `@mysten/sui`'s generated definitions, type-only.
 *
 * Same shape as the event filter (`suiFilter.ts`): each dimension's values are ORed, dimensions ANDed, `!value`
 * negated. A transaction filter adds `affectedAddress`, `affectedObject`, `moveCall` and `packageWrite` (a literal
 * with no value: true = only publishes and upgrades, false = none of them); `eventType` and `emitModule` match a
 * transaction that emitted such an event. A checkpoint subscription takes the same filter: a checkpoint matches when
 * any of its transactions does.
 */
import type { GrpcTypes } from '@mysten/sui/grpc';
import { eventLiteral, expandTerms, modulePathMatches, sameAddress, splitNegation, typeMatches, validateSuiFilter, type SuiFilterDimension, type SuiFilterFields } from './suiFilter';

/** The dimensions a transaction filter takes, in the order they enter the terms. */
const TX_DIMENSIONS: readonly SuiFilterDimension[] = ['moveCall', 'eventType', 'emitModule', 'sender', 'affectedAddress', 'affectedObject'];

function txLiteral(field: SuiFilterDimension, raw: string): GrpcTypes.TransactionLiteral {
  if (field === 'eventType' || field === 'emitModule' || field === 'sender') return eventLiteral(field, raw);
  const { negated, value } = splitNegation(raw);
  switch (field) {
    case 'affectedAddress':
      return { negated, predicate: { oneofKind: 'affectedAddress', affectedAddress: { address: value } } };
    case 'affectedObject':
      return { negated, predicate: { oneofKind: 'affectedObject', affectedObject: { objectId: value } } };
    case 'moveCall':
      return { negated, predicate: { oneofKind: 'moveCall', moveCall: { function: value } } };
  }
}

/**
 * The node's `TransactionFilter` for a definition's filter fields, or undefined for "every transaction". Throws an
 * Error naming the problems when the fields are invalid (see `validateSuiFilter`).
 */
export function buildTransactionFilter(d: SuiFilterFields & { subscription?: string }): GrpcTypes.TransactionFilter | undefined {
  const problems = validateSuiFilter({ ...d, subscription: d.subscription === 'checkpoints' ? 'checkpoints' : 'transactions' });
  if (problems.length) throw new Error(`invalid Sui filter: ${problems.join('; ')}`);
  const extra: GrpcTypes.TransactionLiteral[] = d.packageWrite === undefined ? [] : [{ negated: !d.packageWrite, predicate: { oneofKind: 'packageWrite', packageWrite: {} } }];
  const terms = expandTerms(d, TX_DIMENSIONS, txLiteral, extra);
  return terms ? { terms: terms.map((literals) => ({ literals })) } : undefined;
}

/** What the matching rules read of a transaction. */
export interface MatchableTransaction {
  sender?: string;
  /** Addresses whose state the transaction moved. */
  affectedAddresses: readonly string[];
  /** Object ids the transaction changed. */
  affectedObjects: readonly string[];
  /** Its Move calls. */
  moveCalls: ReadonlyArray<{ package: string; module: string; function: string }>;
  /** The events it emitted. */
  events: ReadonlyArray<{ packageId?: string; module?: string; eventType?: string }>;
  /** It published or upgraded a package. */
  packageWrite: boolean;
}

/** Whether a transaction matches the filter, by the node's rules (no filter matches everything). */
export function transactionMatches(filter: GrpcTypes.TransactionFilter | undefined, tx: MatchableTransaction): boolean {
  if (!filter) return true;
  return filter.terms.some((t) => t.literals.every((l) => txPredicateMatches(l, tx) !== l.negated));
}

function txPredicateMatches(l: GrpcTypes.TransactionLiteral, tx: MatchableTransaction): boolean {
  const p = l.predicate;
  switch (p.oneofKind) {
    case 'sender':
      return tx.sender !== undefined && sameAddress(p.sender.address ?? '', tx.sender);
    case 'affectedAddress':
      return tx.affectedAddresses.some((a) => sameAddress(p.affectedAddress.address ?? '', a));
    case 'affectedObject':
      return tx.affectedObjects.some((o) => sameAddress(p.affectedObject.objectId ?? '', o));
    case 'moveCall':
      return tx.moveCalls.some((c) => modulePathMatches(p.moveCall.function ?? '', c.package, c.module, c.function));
    case 'emitModule':
      return tx.events.some((e) => modulePathMatches(p.emitModule.module ?? '', e.packageId, e.module));
    case 'eventType':
      return tx.events.some((e) => e.eventType !== undefined && typeMatches(p.eventType.eventType ?? '', e.eventType));
    case 'packageWrite':
      return tx.packageWrite;
    default:
      return false;
  }
}
