/**
 * CPython's `random.Random`, bit for bit (Modules/_randommodule.c and Lib/random.py of 3.11):
 * the same seed gives the same numbers as `python3`, which is what users compare against. Only the
 * arithmetic lives here; the module shim (random.ts) turns Python values into these calls.
 */
import { libm, MT19937 } from '../../../runtime/core';

const TWO_PI = 2 * Math.PI;
const NV_MAGICCONST = (4 * libm.exp(-0.5)) / Math.SQRT2;
const LOG4 = libm.log(4);
const SG_MAGICCONST = 1 + libm.log(4.5);

export class CPythonRandom {
  private engine: MT19937;
  /** `gauss()` draws its normals in pairs and keeps the second for the next call, as CPython does. */
  private gaussNext: number | null = null;

  constructor(seed: bigint | null) {
    this.engine = engineFor(seed);
  }

  /** `seed(n)` for an int (CPython uses |n|) or None (the operating system's randomness). */
  seed(seed: bigint | null): void {
    this.engine = engineFor(seed);
    this.gaussNext = null;
  }

  random(): number {
    return this.engine.nextDouble53();
  }

  /** `getrandbits(k)`: k random bits, the first word the least significant. */
  getrandbits(k: number): bigint {
    if (k <= 32) return k === 0 ? 0n : BigInt(this.engine.next32() >>> (32 - k));
    let result = 0n;
    for (let shift = 0; shift < k; shift += 32) {
      const remaining = k - shift;
      const word = this.engine.next32();
      result |= BigInt(remaining < 32 ? word >>> (32 - remaining) : word) << BigInt(shift);
    }
    return result;
  }

  /** `_randbelow(n)`, n > 0: rejection sampling on n.bit_length() bits. */
  below(n: bigint): bigint {
    const bits = n.toString(2).length;
    let r = this.getrandbits(bits);
    while (r >= n) r = this.getrandbits(bits);
    return r;
  }

  /** `shuffle`'s swaps, in CPython's order: the index pairs to exchange for a list of length n. */
  *shuffleSwaps(n: number): Generator<readonly [number, number]> {
    for (let i = n - 1; i > 0; i--) yield [i, Number(this.below(BigInt(i + 1)))];
  }

  /** `sample(range(n), k)`'s indices: CPython picks a pool or a set by the same size rule. */
  sampleIndices(n: number, k: number): number[] {
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(libm.log(k * 3) / LOG4);
    const result: number[] = [];
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = Number(this.below(BigInt(n - i)));
        result.push(pool[j]!);
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = Number(this.below(BigInt(n)));
        while (selected.has(j)) j = Number(this.below(BigInt(n)));
        selected.add(j);
        result.push(j);
      }
    }
    return result;
  }

  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  triangular(low: number, high: number, mode: number | null): number {
    let u = this.random();
    if (mode !== null && high - low === 0) return low; // CPython's ZeroDivisionError branch
    let c = mode === null ? 0.5 : (mode - low) / (high - low);
    if (u > c) {
      u = 1 - u;
      c = 1 - c;
      [low, high] = [high, low];
    }
    return low + (high - low) * Math.sqrt(u * c);
  }

  /** Kinderman and Monahan's ratio method, as `normalvariate`. */
  normalvariate(mu: number, sigma: number): number {
    let z: number;
    for (;;) {
      const u1 = this.random();
      const u2 = 1 - this.random();
      z = (NV_MAGICCONST * (u1 - 0.5)) / u2;
      if ((z * z) / 4 <= -libm.log(u2)) break;
    }
    return mu + z * sigma;
  }

  /** Box-Muller with the second normal kept, as `gauss`. */
  gauss(mu: number, sigma: number): number {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * TWO_PI;
      const g2rad = Math.sqrt(-2 * libm.log(1 - this.random()));
      z = libm.cos(x2pi) * g2rad;
      this.gaussNext = libm.sin(x2pi) * g2rad;
    }
    return mu + z * sigma;
  }

  expovariate(lambd: number): number {
    return -libm.log(1 - this.random()) / lambd;
  }

  /** Marsaglia and Tsang for alpha > 1, Ahrens and Dieter's GS for alpha < 1, as `gammavariate`. */
  gammavariate(alpha: number, beta: number): number {
    if (alpha > 1) {
      const ainv = Math.sqrt(2 * alpha - 1);
      const bbb = alpha - LOG4;
      const ccc = alpha + ainv;
      for (;;) {
        const u1 = this.random();
        if (!(1e-7 < u1 && u1 < 0.9999999)) continue;
        const u2 = 1 - this.random();
        const v = libm.log(u1 / (1 - u1)) / ainv;
        const x = alpha * libm.exp(v);
        const z = u1 * u1 * u2;
        const r = bbb + ccc * v - x;
        if (r + SG_MAGICCONST - 4.5 * z >= 0 || r >= libm.log(z)) return x * beta;
      }
    }
    if (alpha === 1) return -libm.log(1 - this.random()) * beta;
    for (;;) {
      const u = this.random();
      const b = (Math.E + alpha) / Math.E;
      const p = b * u;
      const x = p <= 1 ? libm.pow(p, 1 / alpha) : -libm.log((b - p) / alpha);
      const u1 = this.random();
      if (p > 1 ? u1 <= libm.pow(x, alpha - 1) : u1 <= libm.exp(-x)) return x * beta;
    }
  }

  /** The von Mises distribution of angles (Best and Fisher's algorithm, as random.py writes it). */
  vonmisesvariate(mu: number, kappa: number): number {
    if (kappa <= 1e-6) return TWO_PI * this.random();
    const s = 0.5 / kappa;
    const r = s + Math.sqrt(1 + s * s);
    let z: number;
    for (;;) {
      z = libm.cos(Math.PI * this.random());
      const d = z / (r + z);
      const u2 = this.random();
      if (u2 < 1 - d * d || u2 <= (1 - d) * libm.exp(d)) break;
    }
    const q = 1 / r;
    const f = (q + z) / (1 + q * z);
    const theta = this.random() > 0.5 ? mu + libm.acos(f) : mu - libm.acos(f);
    // Python's float %: the sign of the divisor.
    const m = theta % TWO_PI;
    return m !== 0 && m < 0 ? m + TWO_PI : m === 0 ? 0 : m;
  }

  paretovariate(alpha: number): number {
    return libm.pow(1 - this.random(), -1 / alpha);
  }

  weibullvariate(alpha: number, beta: number): number {
    return alpha * libm.pow(-libm.log(1 - this.random()), 1 / beta);
  }

  betavariate(alpha: number, beta: number): number {
    const y = this.gammavariate(alpha, 1);
    return y === 0 ? 0 : y / (y + this.gammavariate(beta, 1));
  }

  /** The state as `getstate()` returns it: (3, 625 ints, gauss_next). */
  state(): { readonly words: readonly number[]; readonly position: number; readonly gaussNext: number | null } {
    return { ...this.engine.state(), gaussNext: this.gaussNext };
  }

  restore(state: { readonly words: readonly number[]; readonly position: number; readonly gaussNext: number | null }): void {
    this.engine.restore(state);
    this.gaussNext = state.gaussNext;
  }
}

/** `random_seed` of _randommodule.c: |n| as little-endian 32-bit words through init_by_array. */
function engineFor(seed: bigint | null): MT19937 {
  if (seed === null) {
    const key = new Uint32Array(N_ENTROPY_WORDS);
    globalThis.crypto.getRandomValues(key);
    return MT19937.fromKey(key);
  }
  let n = seed < 0n ? -seed : seed;
  const key: number[] = [];
  do {
    key.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  return MT19937.fromKey(key);
}

/** CPython seeds from 2,496 bytes of os.urandom when given None. */
const N_ENTROPY_WORDS = 624;

const HASH_BITS = 61n;
const HASH_MODULUS = (1n << HASH_BITS) - 1n;

/**
 * CPython's hash of a float (Python/pyhash.c, `_Py_HashDouble`): `random.seed(0.5)` seeds from it.
 * NaN hashes by identity in CPython 3.10+, so it is null here: no reproducible seed.
 */
export function floatHash(v: number): bigint | null {
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return v > 0 ? 314159n : -314159n;
  let [m, e] = libm.frexp(v);
  const sign = m < 0 ? -1n : 1n;
  m = Math.abs(m);
  let x = 0n;
  while (m) {
    x = ((x << 28n) & HASH_MODULUS) | (x >> (HASH_BITS - 28n));
    m *= 268435456;
    e -= 28;
    const y = Math.trunc(m);
    m -= y;
    x += BigInt(y);
    if (x >= HASH_MODULUS) x -= HASH_MODULUS;
  }
  const shift = BigInt(e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61));
  x = ((x << shift) & HASH_MODULUS) | (x >> (HASH_BITS - shift));
  x *= sign;
  return x === -1n ? -2n : x;
}
