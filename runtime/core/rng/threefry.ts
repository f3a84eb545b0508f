/**
 * JAX's threefry2x32 PRNG (jax/_src/random/threefry2x32.py), bit for bit: the hash, seeding,
 * split, fold_in and random bits, in both key layouts (`jax_threefry_partitionable` on, JAX's
 * default since 0.5, and off, the layout before it). Keys are two uint32 words.
 */

/** A key's two words (uint32 values held as non-negative numbers). */
export type KeyWords = readonly [number, number];

const ROTATIONS = [[13, 15, 26, 6], [17, 29, 16, 24]] as const;

const rotl = (x: number, d: number) => ((x << d) | (x >>> (32 - d))) >>> 0;

/** The Threefry-2x32 block function (20 rounds) on parallel count words: threefry2x32_p. */
export function threefry2x32(key: KeyWords, x1: Uint32Array, x2: Uint32Array): [Uint32Array, Uint32Array] {
  const ks = [key[0] >>> 0, key[1] >>> 0, (key[0] ^ key[1] ^ 0x1bd11bda) >>> 0];
  const n = x1.length;
  const o1 = new Uint32Array(n), o2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let a = (x1[i] + ks[0]) >>> 0;
    let b = (x2[i] + ks[1]) >>> 0;
    for (let r = 0; r < 5; r++) {
      for (const rot of ROTATIONS[r % 2]) {
        a = (a + b) >>> 0;
        b = rotl(b, rot);
        b = (a ^ b) >>> 0;
      }
      a = (a + ks[(r + 1) % 3]) >>> 0;
      b = (b + ks[(r + 2) % 3] + r + 1) >>> 0;
    }
    o1[i] = a;
    o2[i] = b;
  }
  return [o1, o2];
}

/** `threefry_2x32(keypair, count)`: the hash of a flat count array, split in halves (padded to even). */
export function threefryHash(key: KeyWords, count: Uint32Array): Uint32Array {
  const odd = count.length % 2;
  const padded = odd ? Uint32Array.from([...count, 0]) : count;
  const half = padded.length / 2;
  const [a, b] = threefry2x32(key, padded.subarray(0, half), padded.subarray(half));
  const out = new Uint32Array(padded.length);
  out.set(a, 0);
  out.set(b, half);
  return odd ? out.subarray(0, count.length) : out;
}

/** `threefry_seed`: a 32-bit seed (jax_enable_x64 off) as the key [seed >> 32, seed & 0xFFFFFFFF]. */
export function seedWords(seed: number): KeyWords {
  return [0, seed >>> 0];
}

/** The high and low words of `iota_2x32_shape`: the flat indices 0..n-1 as uint64 halves. */
function iota2x32(n: number): [Uint32Array, Uint32Array] {
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hi[i] = Math.floor(i / 2 ** 32);
    lo[i] = i >>> 0;
  }
  return [hi, lo];
}

const iota = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

/** `split(key, n)`: n keys, flat (2n words). */
export function splitWords(key: KeyWords, n: number, partitionable: boolean): Uint32Array {
  if (!partitionable) return threefryHash(key, iota(n * 2));
  const [hi, lo] = iota2x32(n);
  const [b1, b2] = threefry2x32(key, hi, lo);
  const out = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = b1[i];
    out[2 * i + 1] = b2[i];
  }
  return out;
}

/** `fold_in(key, data)`: the hash of the seed words of `data`. */
export function foldInWords(key: KeyWords, data: number): KeyWords {
  const out = threefryHash(key, Uint32Array.from(seedWords(data)));
  return [out[0], out[1]];
}

/** `random_bits(key, bit_width, shape)` for n values (bit widths 8, 16, 32), as uint values. */
export function randomBits(key: KeyWords, bitWidth: 8 | 16 | 32, n: number, partitionable: boolean): Uint32Array {
  if (partitionable) {
    const [hi, lo] = iota2x32(n);
    const [b1, b2] = threefry2x32(key, hi, lo);
    const mask = bitWidth === 32 ? 0xffffffff : (1 << bitWidth) - 1;
    return b1.map((x, i) => ((x ^ b2[i]) & mask) >>> 0);
  }
  const count = Math.ceil((bitWidth * n) / 32);
  const bits = threefryHash(key, iota(count));
  if (bitWidth === 32) return bits;
  // bits.view(uint8 or uint16)[:n]: little-endian pieces of each word.
  const per = 32 / bitWidth;
  const mask = (1 << bitWidth) - 1;
  return Uint32Array.from({ length: n }, (_, i) => (bits[Math.floor(i / per)] >>> (bitWidth * (i % per))) & mask);
}
