/**
 * Keccak-256 (the pre-NIST padding Ethereum uses), for event signatures -> topic0 hashes of user-supplied ABIs.
 * Small and dependency-free; speed is irrelevant here (a few hashes per stream definition), so lanes are BigInts.
 */

const MASK64 = (1n << 64n) - 1n;

/** Pi lane permutation, rho rotation offsets and iota round constants, derived (not typed in) as in FIPS 202. */
const PI: number[] = [];
const ROTL: bigint[] = [];
const IOTA: bigint[] = [];
(() => {
  let r = 1n;
  for (let round = 0, x = 1, y = 0; round < 24; round++) {
    [x, y] = [y, (2 * x + 3 * y) % 5];
    PI.push(x + 5 * y);
    ROTL.push(BigInt((((round + 1) * (round + 2)) / 2) % 64));
    let t = 0n;
    for (let j = 0; j < 7; j++) {
      r = ((r << 1n) ^ ((r >> 7n) * 0x71n)) % 256n;
      if (r & 2n) t ^= 1n << ((1n << BigInt(j)) - 1n);
    }
    IOTA.push(t);
  }
})();

function rotl(v: bigint, n: bigint): bigint {
  if (n === 0n) return v;
  return ((v << n) | (v >> (64n - n))) & MASK64;
}

function keccakF(s: bigint[]): void {
  const c = new Array<bigint>(5);
  for (let round = 0; round < 24; round++) {
    for (let x = 0; x < 5; x++) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
    for (let x = 0; x < 5; x++) {
      const d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1n);
      for (let y = 0; y < 25; y += 5) s[x + y] ^= d;
    }
    let cur = s[1];
    for (let t = 0; t < 24; t++) {
      const j = PI[t];
      const tmp = s[j];
      s[j] = rotl(cur, ROTL[t]);
      cur = tmp;
    }
    for (let y = 0; y < 25; y += 5) {
      const row = s.slice(y, y + 5);
      for (let x = 0; x < 5; x++) s[y + x] = (row[x] ^ (~row[(x + 1) % 5] & MASK64 & row[(x + 2) % 5])) & MASK64;
    }
    s[0] ^= IOTA[round];
  }
}

/** Keccak-256 of `input` (a string is hashed as UTF-8). Returns `0x` + 64 lowercase hex digits. */
export function keccak256(input: string | Uint8Array): string {
  return sponge256(input, 0x01);
}

/**
 * The 256-bit sponge behind {@link keccak256}, with the domain padding byte as a parameter: `0x01` is Keccak
 * (Ethereum), `0x06` is NIST SHA3-256 (which lets tests cross-check the permutation against `node:crypto`).
 */
export function sponge256(input: string | Uint8Array, domainPad: number): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const rate = 136;
  const padded = new Uint8Array(Math.floor(bytes.length / rate) * rate + rate);
  padded.set(bytes);
  padded[bytes.length] ^= domainPad;
  padded[padded.length - 1] ^= 0x80;
  const s = new Array<bigint>(25).fill(0n);
  for (let off = 0; off < padded.length; off += rate) {
    for (let i = 0; i < rate / 8; i++) {
      let lane = 0n;
      for (let b = 7; b >= 0; b--) lane = (lane << 8n) | BigInt(padded[off + i * 8 + b]);
      s[i] ^= lane;
    }
    keccakF(s);
  }
  let hex = '0x';
  for (let i = 0; i < 4; i++) {
    let lane = s[i];
    for (let b = 0; b < 8; b++) {
      hex += Number(lane & 0xffn).toString(16).padStart(2, '0');
      lane >>= 8n;
    }
  }
  return hex;
}
