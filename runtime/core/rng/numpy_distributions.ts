/**
 * NumPy's distributions over a bit generator, as numpy/random/src/distributions/distributions.c,
 * src/legacy/legacy-distributions.c, _bounded_integers.pyx.in, mtrand.pyx and _generator.pyx
 * (NumPy 1.24) compute them: the legacy Gaussian (polar method, second value cached), the
 * ziggurat normal of `Generator`, bounded integers by masked rejection (legacy) or Lemire's
 * method (`Generator`), the shuffles and the sampling `choice` does.
 */
import { checkInterrupt } from '../budget';
import { exp } from '../libm';
import { glibcLog as log } from '../libm/glibc_log';
import type { NumpyBitGenerator } from './numpy_bit_generators';
import { ZIGGURAT_FI, ZIGGURAT_KI, ZIGGURAT_NOR_INV_R, ZIGGURAT_NOR_R, ZIGGURAT_WI } from './ziggurat_constants';

const UINT32_MAX = 0xffffffff;
const MASK64 = (1n << 64n) - 1n;

/** The smallest all-ones mask at or above max (max below 2^32). */
function mask32(max: number): number {
  let m = max;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

function mask64(max: bigint): bigint {
  let m = max;
  for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) m |= m >> s;
  return m;
}

/** `random_interval(max)`: masked rejection on [0, max] (the legacy shuffles and Generator.shuffle). */
export function randomInterval(bg: NumpyBitGenerator, max: number): number {
  if (max === 0) return 0;
  if (max <= UINT32_MAX) {
    const mask = mask32(max);
    let v: number;
    while ((v = (bg.nextUint32() & mask) >>> 0) > max);
    return v;
  }
  const big = BigInt(max);
  const mask = mask64(big);
  let v: bigint;
  while ((v = bg.nextUint64() & mask) > big);
  return Number(v);
}

/** Lemire's method on [0, rng] for rng below 2^32 - 1. */
function lemire32(bg: NumpyBitGenerator, rng: number): number {
  const excl = BigInt(rng + 1);
  let m = BigInt(bg.nextUint32()) * excl;
  let leftover = Number(m & 0xffffffffn);
  if (leftover < rng + 1) {
    const threshold = (UINT32_MAX - rng) % (rng + 1);
    while (leftover < threshold) {
      m = BigInt(bg.nextUint32()) * excl;
      leftover = Number(m & 0xffffffffn);
    }
  }
  return Number(m >> 32n);
}

function lemire64(bg: NumpyBitGenerator, rng: bigint): bigint {
  const excl = rng + 1n;
  let m = bg.nextUint64() * excl;
  let leftover = m & MASK64;
  if (leftover < excl) {
    const threshold = (MASK64 - rng) % excl;
    while (leftover < threshold) {
      m = bg.nextUint64() * excl;
      leftover = m & MASK64;
    }
  }
  return m >> 64n;
}

/**
 * `random_bounded_uint64_fill(off, rng, cnt, use_masked)`: cnt integers in [off, off + rng], by
 * masked rejection (RandomState.randint) or Lemire's method (Generator.integers).
 */
export function boundedIntegers(bg: NumpyBitGenerator, off: bigint, rng: bigint, cnt: number, masked: boolean): bigint[] {
  const out: bigint[] = new Array(cnt);
  for (let i = 0; i < cnt; i++) {
    if ((i & 0xffff) === 0) checkInterrupt();
    out[i] = off + boundedOne(bg, rng, masked);
  }
  return out;
}

function boundedOne(bg: NumpyBitGenerator, rng: bigint, masked: boolean): bigint {
  if (rng === 0n) return 0n;
  if (rng <= 0xffffffffn) {
    const r = Number(rng);
    if (r === UINT32_MAX) return BigInt(bg.nextUint32());
    if (!masked) return BigInt(lemire32(bg, r));
    const mask = mask32(r);
    let v: number;
    while ((v = (bg.nextUint32() & mask) >>> 0) > r);
    return BigInt(v);
  }
  if (rng === MASK64) return bg.nextUint64();
  if (!masked) return lemire64(bg, rng);
  const mask = mask64(rng);
  let v: bigint;
  while ((v = bg.nextUint64() & mask) > rng);
  return v;
}

/** `random_bounded_uint64(bitgen, 0, rng, 0, False)`: one Lemire draw on [0, rng] (Generator.choice's sampling). */
export function lemireBounded(bg: NumpyBitGenerator, rng: number): number {
  return Number(boundedOne(bg, BigInt(rng), false));
}

/** The legacy Gaussian of `RandomState`: Marsaglia's polar method, the second value kept for the next call. */
export class LegacyGauss {
  hasGauss = false;
  gauss = 0;

  next(bg: NumpyBitGenerator): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * bg.nextDouble() - 1;
      x2 = 2 * bg.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  reset(): void {
    this.hasGauss = false;
    this.gauss = 0;
  }
}

/** `random_standard_normal`: the 256-layer ziggurat of `Generator.standard_normal`/`normal`. */
export function zigguratNormal(bg: NumpyBitGenerator): number {
  for (;;) {
    let r = bg.nextUint64();
    const idx = Number(r & 0xffn);
    r >>= 8n;
    const sign = (r & 1n) === 1n;
    const rabs = Number((r >> 1n) & 0xfffffffffffffn);
    let x = rabs * ZIGGURAT_WI[idx]!;
    if (sign) x = -x;
    if (rabs < ZIGGURAT_KI[idx]!) return x;
    if (idx === 0) {
      for (;;) {
        const xx = -ZIGGURAT_NOR_INV_R * Math.log1p(-bg.nextDouble());
        const yy = -Math.log1p(-bg.nextDouble());
        if (yy + yy > xx * xx) return Math.floor(rabs / 256) % 2 === 1 ? -(ZIGGURAT_NOR_R + xx) : ZIGGURAT_NOR_R + xx;
      }
    }
    if ((ZIGGURAT_FI[idx - 1]! - ZIGGURAT_FI[idx]!) * bg.nextDouble() + ZIGGURAT_FI[idx]! < exp(-0.5 * x * x)) return x;
  }
}

/**
 * Fisher-Yates from the end over slots n-1 .. first, each swapped with a slot drawn on [0, i]:
 * `pick` is `randomInterval` (RandomState.shuffle, Generator.shuffle) or `lemireBounded`
 * (Generator.choice's `_shuffle_int`).
 */
export function shuffleInPlace<T>(items: T[], first: number, pick: (i: number) => number): void {
  for (let i = items.length - 1; i >= first; i--) {
    if ((i & 0xffff) === 0) checkInterrupt();
    const j = pick(i);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** `np.cumsum(p)` divided by its last value: the cdf `choice` searches. */
export function normalizedCdf(p: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = s += p[i]!;
  const last = cdf[p.length - 1]!;
  for (let i = 0; i < p.length; i++) cdf[i] = cdf[i]! / last;
  return cdf;
}

/** `cdf.searchsorted(u, side='right')`: the number of cdf values at or below u. */
export function searchsortedRight(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `choice(n, size, replace=False, p=p)`: rounds of uniforms over the cdf of the weights not yet
 * taken, each round keeping the first appearance of each new index (in draw order), until size
 * indices are found. `uniforms(k)` is the generator's `random_sample(k)`/`random(k)`.
 */
export function choiceWithoutReplacement(p: ArrayLike<number>, size: number, uniforms: (k: number) => ArrayLike<number>): number[] {
  const weights = Float64Array.from(p);
  const found: number[] = [];
  while (found.length < size) {
    const x = uniforms(size - found.length);
    for (const i of found) weights[i] = 0;
    const cdf = normalizedCdf(weights);
    const seen = new Set<number>();
    for (let k = 0; k < x.length; k++) {
      const idx = searchsortedRight(cdf, x[k]!);
      if (!seen.has(idx)) {
        seen.add(idx);
        found.push(idx);
      }
    }
  }
  return found;
}

/**
 * `Generator.choice(pop, size, replace=False)` without weights: a tail shuffle of arange(pop) for
 * large draws from large populations, Floyd's algorithm otherwise (then shuffled when asked).
 */
export function generatorChoiceIndices(bg: NumpyBitGenerator, pop: number, size: number, shuffle: boolean): number[] {
  const cutoff = shuffle ? 50 : 20;
  const pick = (i: number) => lemireBounded(bg, i);
  if (pop > 10000 && size > Math.floor(pop / cutoff)) {
    const idx = Array.from({ length: pop }, (_, i) => i);
    shuffleInPlace(idx, Math.max(pop - size, 1), pick);
    return idx.slice(pop - size);
  }
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = pop - size; j < pop; j++) {
    if ((j & 0xffff) === 0) checkInterrupt();
    const v = pick(j);
    const take = chosen.has(v) ? j : v;
    chosen.add(take);
    out.push(take);
  }
  if (shuffle) shuffleInPlace(out, 1, pick);
  return out;
}
