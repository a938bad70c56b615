/**
 * Deterministic, realistic Sui activity for the local Warp server (`warpServer.ts`).
 *
 * Same seed + same stream + same sequence of `next()` calls at the same clock times = the same events, byte for byte.
 * Values follow Sui's formats: transaction digests are 32 random bytes in base58 (43-44 chars; the first byte is
 * never zero, which pins the length), addresses and object ids are `0x` + 64 lowercase hex, coin amounts are signed
 * decimal strings in the coin's smallest unit (MIST for SUI: 1 SUI = 10^9 MIST), checkpoints never decrease, and
 * timestamps (ms since epoch) come from the injected clock.
 *
 * The four payload shapes are exactly the Warp ones (see /work/shared/protocols.md §1):
 * - `event`:   `{activityType:'package_event', txDigest, eventSequence, checkpoint, timestamp, type, sender, data}`
 * - `address`: `{address, activityType:'sender'|'object_received', txDigest, checkpoint, timestamp, objectId, objectType}`
 * - `coin`:    `{activityType:'balance_change', address, coin_type, amount, txDigest, checkpoint, timestamp}`
 * - `object`:  `{activityType:'object_change', object_id, transactionDirection, writeKind, owner, previousOwner, txDigest, checkpoint, timestamp}`
 *
 * Message ids (`ids` option):
 * - `checkpoint` (default, what the Warp service sends today: "Event ID format: Checkpoint number"): the checkpoint
 *   number, as a JSON number, shared by every event of that checkpoint (1 to 6 of them here).
 * - `granular`: unique and increasing per generator: `checkpoint_txIndex_eventIndex` (e.g. `180000123_4_0`) for
 *   `event`, `address` and `object`; coin ids use Warp's longer documented form
 *   `checkpoint_digestPrefix_addressPrefix_coinType_amount` (e.g. `180000123_Qr9Mn3wxyz_0x1234abcd_0x2::sui::SUI_-1000000000`),
 *   so clients are exercised with ids that must be treated as opaque.
 * The numeric `seq` orders the events either way. Within one transaction no two events are the same activity
 * (event sequence; address + activity + object; coin address; object + direction), so each has its own identity.
 */
import type { Clock } from '../core/clock';
import { prng } from './prng';

/** The kinds of Warp data message the generator produces (the envelope's `event` name). */
export type SuiActivityKind = 'event' | 'address' | 'coin' | 'object';

/** One generated message: the envelope fields plus an ordering number. */
export interface GeneratedActivity {
  /** Warp message id (opaque to clients): the checkpoint number (shared) or a granular string id. */
  id: string | number;
  /** Envelope event name. */
  event: SuiActivityKind;
  /** The payload, one of the four Warp shapes. */
  data: Record<string, unknown>;
  /** Strictly increasing per generator, starting at 1; the order ids were created in. */
  seq: number;
}

/** Options for {@link createSuiGenerator}. */
export interface SuiGeneratorOptions {
  /** Seed for the pseudo-random sequence (default 1). */
  seed?: number;
  /** Mixed into the seed so two streams with the same seed differ (default ''). */
  salt?: string;
  /** Source of timestamps and of checkpoint progress (Sui makes a checkpoint about every 250 ms). */
  clock: Clock;
  /** What to produce; 'mixed' picks among the four kinds (default 'mixed'). */
  kind?: SuiActivityKind | 'mixed';
  /** For kind 'event': the Move event type every event carries (default: a realistic mix). */
  eventType?: string;
  /** Message ids: `checkpoint` (default; shared by a checkpoint's events) or `granular` (unique per event). */
  ids?: 'checkpoint' | 'granular';
}

/** A deterministic activity source. */
export interface SuiGenerator {
  /** The next message. */
  next(): GeneratedActivity;
  /** The watched address (address/coin streams). */
  readonly watchedAddress: string;
  /** The watched object id (object streams). */
  readonly watchedObject: string;
}

/** `0x2::sui::SUI`, the native coin type. */
export const SUI_COIN_TYPE = '0x2::sui::SUI';
/** Circle's native USDC on Sui mainnet. */
export const USDC_COIN_TYPE = '0xdba34672e30cb065b1f93e3ab55318768fd6fef66c15942c9f7cb846e2f900e7::usdc::USDC';
/** Wormhole-bridged USDC (the old `COIN` type), still common in DEX pools. */
export const WUSDC_COIN_TYPE = '0x5d4b302506645c37ff133b98c4b50a5ae14841659738d6d733d59d0d217a93bf::coin::COIN';
/** Cetus CLMM package on mainnet. */
export const CETUS_PACKAGE = '0x1eabed72c53feb3805120a081dc15963c204dc8d091542592abaf7a35689b2fb';
/** Cetus CLMM swap event type. */
export const CETUS_SWAP_EVENT = `${CETUS_PACKAGE}::pool::SwapEvent`;
/** DeepBook v2 fill event (SUI / wUSDC pool). */
export const DEEPBOOK_FILL_EVENT = `0xdee9::clob_v2::OrderFilled<${SUI_COIN_TYPE}, ${WUSDC_COIN_TYPE}>`;
const NFT_PACKAGE = '0x75888defd3f392d276643932ae204cd85337a5b8f04335f9f912b6291149f423';
const NFT_TYPE = `${NFT_PACKAGE}::suifrens::SuiFren<${NFT_PACKAGE}::capy::Capy>`;
/** A kiosk listing event for an NFT collection. */
export const KIOSK_LISTED_EVENT = `0x2::kiosk::ItemListed<${NFT_TYPE}>`;
/** A kiosk purchase event. */
export const KIOSK_PURCHASED_EVENT = `0x2::kiosk::ItemPurchased<${NFT_TYPE}>`;
/** An NFT mint event. */
export const NFT_MINT_EVENT = `${NFT_PACKAGE}::mint::MintEvent`;
/** Staking request (Sui system package). */
export const STAKING_EVENT = '0x3::validator::StakingRequestEvent';
/** The coin-transfer event type Warp's docs use as their example. */
export const COIN_TRANSFER_EVENT = '0x2::coin::Transfer';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58 (Bitcoin alphabet) of `bytes`. Leading zero bytes become '1's. */
export function base58(bytes: Uint8Array): string {
  // little-endian limbs in base 58^5 (< 2^30): 5x fewer inner steps than digit by digit, still exact in doubles
  const LIMB = 656_356_768; // 58^5
  const limbs: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < limbs.length; i++) {
      carry += limbs[i] * 256;
      limbs[i] = carry % LIMB;
      carry = Math.floor(carry / LIMB);
    }
    while (carry > 0) {
      limbs.push(carry % LIMB);
      carry = Math.floor(carry / LIMB);
    }
  }
  let digits = '';
  for (let i = 0; i < limbs.length; i++) {
    let v = limbs[i];
    for (let d = 0; d < 5; d++) {
      digits = BASE58[v % 58] + digits;
      v = Math.floor(v / 58);
    }
  }
  digits = digits.replace(/^1+/, ''); // the top limb's padding (BASE58[0] is '1')
  let zeros = '';
  for (let i = 0; i < bytes.length && bytes[i] === 0; i++) zeros += '1';
  return zeros + digits;
}


/** FNV-1a of a string, for mixing a stream id into the seed. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Checkpoint the first event of every generator starts near (Sui mainnet was past 180M in 2025). */
const BASE_CHECKPOINT = 180_000_000;
/** Sui produces roughly one checkpoint every 250 ms. */
const CHECKPOINT_MS = 250;

interface TxState {
  digest: string;
  sender: string;
  txIndex: number;
  eventsLeft: number;
  eventIndex: number;
  /** Addresses already used by coin events in this tx (keeps coin ids unique). */
  coinAddresses: Set<string>;
  /** An address `sender` activity was emitted for this tx (it happens once per tx). */
  senderSeen: boolean;
  /** Directions already used by the watched object's changes in this tx. */
  objectDirections: Set<string>;
}

/** Creates a deterministic generator. See the module comment for formats. */
export function createSuiGenerator(opts: SuiGeneratorOptions): SuiGenerator {
  const rand = prng(((opts.seed ?? 1) ^ hash32(opts.salt ?? '')) >>> 0);
  const clock = opts.clock;
  const kind = opts.kind ?? 'mixed';
  const startMs = clock.now();
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  // 4 bytes per draw: these run several times per event, so they are kept cheap
  const hex = (bytes: number) => {
    let s = '';
    for (let i = 0; i < bytes; i += 4) s += (Math.floor(rand() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, bytes * 2);
  };
  const address = () => `0x${hex(32)}`;
  const digest = () => {
    const b = new Uint8Array(32);
    for (let i = 0; i < 32; i += 4) {
      const r = Math.floor(rand() * 4294967296) >>> 0;
      b[i] = r >>> 24;
      b[i + 1] = (r >>> 16) & 255;
      b[i + 2] = (r >>> 8) & 255;
      b[i + 3] = r & 255;
    }
    if (b[0] === 0) b[0] = 1 + int(255);
    return base58(b);
  };
  const bigAmount = (maxDigits: number) => {
    // a positive decimal string with 1..maxDigits digits, no leading zero
    const len = 1 + int(maxDigits);
    let s = String(1 + int(9));
    while (s.length < len) s += String(Math.floor(rand() * 1e9)).padStart(9, '0');
    return s.slice(0, len);
  };

  // A small population of recurring actors makes the feed look like a chain, not noise.
  const actors = Array.from({ length: 12 }, address);
  const pools = Array.from({ length: 4 }, address);
  const kiosks = Array.from({ length: 3 }, address);
  const validators = Array.from({ length: 5 }, address);
  const watchedAddress = actors[0];
  const watchedObject = address();
  const streamCoinType = rand() < 0.75 ? SUI_COIN_TYPE : USDC_COIN_TYPE;

  const granular = opts.ids === 'granular';
  let checkpoint = BASE_CHECKPOINT + int(1_000_000);
  let seq = 0;
  let tx: TxState | undefined;
  let txIndex = -1;
  // a filtered stream sees a few events per checkpoint: 1 to 6 here, then the next checkpoint
  let checkpointTarget = 1 + int(6);
  let checkpointEvents = 0;

  const newTx = () => {
    const cp = BASE_CHECKPOINT + Math.floor((clock.now() - startMs) / CHECKPOINT_MS);
    if (cp > checkpoint || checkpointEvents >= checkpointTarget) {
      checkpoint = Math.max(checkpoint + 1, cp);
      txIndex = 0;
      checkpointTarget = 1 + int(6);
      checkpointEvents = 0;
    } else {
      txIndex += 1 + int(3);
    }
    tx = {
      digest: digest(),
      sender: rand() < 0.3 ? watchedAddress : pick(actors),
      txIndex,
      eventsLeft: Math.min(1 + int(3), checkpointTarget - checkpointEvents),
      eventIndex: 0,
      coinAddresses: new Set(),
      senderSeen: false,
      objectDirections: new Set(),
    };
    return tx;
  };

  const moveEvent = (t: TxState, type: string): Record<string, unknown> => {
    let data: Record<string, unknown>;
    if (type.includes('::pool::SwapEvent')) {
      data = {
        atob: rand() < 0.5,
        pool: pick(pools),
        partner: '0x0000000000000000000000000000000000000000000000000000000000000000',
        amount_in: bigAmount(11),
        amount_out: bigAmount(10),
        ref_amount: '0',
        fee_amount: bigAmount(6),
        vault_a_amount: bigAmount(14),
        vault_b_amount: bigAmount(13),
        before_sqrt_price: bigAmount(20),
        after_sqrt_price: bigAmount(20),
        steps: String(1 + int(3)),
      };
    } else if (type.includes('::clob_v2::OrderFilled')) {
      data = {
        pool_id: pick(pools),
        order_id: bigAmount(12),
        taker_client_order_id: bigAmount(8),
        maker_client_order_id: bigAmount(8),
        original_quantity: bigAmount(12),
        base_asset_quantity_filled: bigAmount(11),
        base_asset_quantity_remaining: bigAmount(10),
        is_bid: rand() < 0.5,
        maker_address: pick(actors),
        taker_address: t.sender,
        price: bigAmount(7),
        taker_commission: bigAmount(6),
        maker_rebates: bigAmount(5),
      };
    } else if (type.includes('::kiosk::ItemListed')) {
      data = { kiosk: pick(kiosks), id: address(), price: bigAmount(11) };
    } else if (type.includes('::kiosk::ItemPurchased')) {
      data = { kiosk: pick(kiosks), id: address(), price: bigAmount(11) };
    } else if (type.includes('::mint::')) {
      data = { object_id: address(), creator: t.sender, name: `Capy #${1 + int(99_999)}` };
    } else if (type.includes('StakingRequestEvent')) {
      data = {
        pool_id: pick(pools),
        validator_address: pick(validators),
        staker_address: t.sender,
        epoch: String(600 + int(50)),
        amount: bigAmount(13),
      };
    } else {
      // coin transfer and any custom type: amount + recipient, like the Warp docs' example
      data = { amount: bigAmount(12), recipient: pick(actors) };
    }
    return {
      activityType: 'package_event',
      txDigest: t.digest,
      eventSequence: t.eventIndex,
      checkpoint,
      timestamp: clock.now(),
      type,
      sender: t.sender,
      data,
    };
  };

  const eventTypes = [
    CETUS_SWAP_EVENT,
    CETUS_SWAP_EVENT,
    DEEPBOOK_FILL_EVENT,
    COIN_TRANSFER_EVENT,
    KIOSK_LISTED_EVENT,
    KIOSK_PURCHASED_EVENT,
    NFT_MINT_EVENT,
    STAKING_EVENT,
  ];

  const next = (): GeneratedActivity => {
    let t = tx && tx.eventsLeft > 0 ? tx : newTx();
    const k: SuiActivityKind = kind === 'mixed' ? pick(['event', 'event', 'coin', 'address', 'object'] as const) : kind;
    // coin events need a fresh address per tx; start a new tx when the population is exhausted
    if (k === 'coin' && t.coinAddresses.size >= actors.length) t = newTx();
    // the watched object changes at most once per direction in a tx
    if (k === 'object' && kind === 'object' && t.objectDirections.size >= 2) t = newTx();
    const ts = clock.now();
    let data: Record<string, unknown>;
    let id = `${checkpoint}_${t.txIndex}_${t.eventIndex}`;
    switch (k) {
      case 'event':
        data = moveEvent(t, opts.eventType ?? pick(eventTypes));
        break;
      case 'address': {
        // a tx has one `sender` activity; further activity of the address in it is objects received
        const received = t.senderSeen || rand() < 0.4;
        if (!received) t.senderSeen = true;
        const coinType = rand() < 0.7 ? SUI_COIN_TYPE : USDC_COIN_TYPE;
        data = {
          address: watchedAddress,
          activityType: received ? 'object_received' : 'sender',
          txDigest: t.digest,
          checkpoint,
          timestamp: ts,
          objectId: received ? address() : null,
          objectType: received ? `0x2::coin::Coin<${coinType}>` : null,
        };
        break;
      }
      case 'coin': {
        let addr = t.coinAddresses.size === 0 ? t.sender : pick(actors);
        while (t.coinAddresses.has(addr)) addr = actors[(actors.indexOf(addr) + 1) % actors.length];
        t.coinAddresses.add(addr);
        const coinType = kind === 'coin' ? streamCoinType : rand() < 0.7 ? SUI_COIN_TYPE : USDC_COIN_TYPE;
        const magnitude = coinType === SUI_COIN_TYPE ? bigAmount(12) : bigAmount(9);
        const amount = addr === t.sender ? `-${magnitude}` : magnitude;
        data = {
          activityType: 'balance_change',
          address: addr,
          coin_type: coinType,
          amount,
          txDigest: t.digest,
          checkpoint,
          timestamp: ts,
        };
        id = `${checkpoint}_${t.digest.slice(0, 10)}_${addr.slice(0, 10)}_${coinType}_${amount}`;
        break;
      }
      case 'object': {
        const writeKind = pick(['mutated', 'mutated', 'mutated', 'created', 'deleted', 'wrapped', 'unwrapped'] as const);
        let input = writeKind !== 'created' && rand() < 0.5;
        if (kind === 'object' && t.objectDirections.has(input ? 'input' : 'output')) input = !input;
        t.objectDirections.add(input ? 'input' : 'output');
        const owner = writeKind === 'deleted' || writeKind === 'wrapped' ? null : rand() < 0.8 ? t.sender : pick(actors);
        data = {
          activityType: 'object_change',
          object_id: kind === 'object' ? watchedObject : address(),
          transactionDirection: input ? 'input' : 'output',
          writeKind,
          owner,
          previousOwner: writeKind === 'created' ? null : rand() < 0.8 ? t.sender : pick(actors),
          txDigest: t.digest,
          checkpoint,
          timestamp: ts,
        };
        break;
      }
    }
    t.eventIndex++;
    t.eventsLeft--;
    checkpointEvents++;
    seq++;
    return { id: granular ? id : checkpoint, event: k, data, seq };
  };

  return { next, watchedAddress, watchedObject };
}
