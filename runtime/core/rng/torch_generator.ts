/**
 * PyTorch's CPU generator (aten/src/ATen/CPUGeneratorImpl.cpp) and the draws its CPU kernels make
 * from it (DistributionsHelper.h, TransformationHelper.h, native/cpu/DistributionTemplates.h),
 * bit for bit as PyTorch 1.13's AVX2 build computes them. ../../../../shared/torch-rng.md (in the
 * workspace) has the facts; each function below says which PyTorch call it is.
 */
import { checkInterrupt } from '../budget';
import { glibcLog as log } from '../libm/glibc_log';
import { glibcCos as cos, glibcSin as sin } from '../libm/glibc_sincos';
import { MT19937 } from '../mt19937';
import { fma, fmaf } from '../libm/fused';
import { log256, sincos256 } from './avx_mathfun';

/** The seed a fresh `torch.Generator()` starts from. */
export const TORCH_GENERATOR_DEFAULT_SEED = 67280421310721n;

export type TorchFloat = 'float32' | 'float64';

const TWO_POW_32 = 4294967296;
/** Long draws check the run's clock every 2^16 elements. */
const CHUNK = 0xffff;
const f = Math.fround;

/** An mt19937 engine and the cached second value of the double-precision Box-Muller. */
export class TorchGenerator {
  private engine!: MT19937;
  private seed = 0n;
  /** No draw since the last seeding (PyTorch's state then records position 0, not 624). */
  private fresh = true;
  /** `r * sin(theta)` of the last double Box-Muller pair, unscaled, until a small normal draw takes it. */
  nextDoubleNormal: number | null = null;

  constructor(seed: bigint = TORCH_GENERATOR_DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** `manual_seed(s)`: only the low 32 bits reach the engine; the cached normal is dropped. */
  manualSeed(seed: bigint): void {
    this.seed = BigInt.asUintN(64, seed);
    this.engine = MT19937.fromSeed(Number(this.seed & 0xffffffffn));
    this.nextDoubleNormal = null;
    this.fresh = true;
  }

  /** `initial_seed()`: all 64 bits of the last seed. */
  initialSeed(): bigint {
    return this.seed;
  }

  /** One 32-bit draw. */
  random(): number {
    this.fresh = false;
    return this.engine.next32();
  }

  /** Two draws, the first one the high half. */
  random64(): bigint {
    this.fresh = false;
    const hi = this.engine.next32();
    const lo = this.engine.next32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** `uniform_real_distribution<float>` on [0, 1): the low 24 bits of one draw, times 2^-24. */
  uniformFloat(): number {
    this.fresh = false;
    return (this.engine.next32() & 0xffffff) / 16777216;
  }

  /** `uniform_real_distribution<double>` on [0, 1): the low 53 bits of two draws (the first is high), times 2^-53. */
  uniformDouble(): number {
    this.fresh = false;
    const hi = this.engine.next32() & 0x1fffff;
    const lo = this.engine.next32();
    return (hi * TWO_POW_32 + lo) / 9007199254740992;
  }

  /** `normal_distribution<double>`: Box-Muller on two uniform doubles, the sine kept for the next call. */
  normalDouble(mean: number, std: number): number {
    const cached = this.nextDoubleNormal;
    if (cached !== null) {
      this.nextDoubleNormal = null;
      return fma(cached, std, mean);
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    // NB: 1.13 writes log(1 - u2); later releases write log1p(-u2), which differs in the last bit.
    const r = Math.sqrt(-2 * log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * sin(theta);
    return fma(r * cos(theta), std, mean);
  }

  /** The engine's words and position, with the seed and the cache (what `get_state` serialises). */
  state(): TorchGeneratorState {
    return { seed: this.seed, engine: this.engine.state(), nextDoubleNormal: this.nextDoubleNormal, fresh: this.fresh };
  }

  restore(state: TorchGeneratorState): void {
    this.seed = state.seed;
    this.fresh = state.fresh;
    this.engine.restore(state.engine);
    this.nextDoubleNormal = state.nextDoubleNormal;
  }
}

export interface TorchGeneratorState {
  readonly seed: bigint;
  readonly engine: { readonly words: readonly number[]; readonly position: number };
  readonly nextDoubleNormal: number | null;
  /** Seeded and not drawn from since. */
  readonly fresh: boolean;
}

/** `empty(n, dtype).uniform_(from, to)` (and `rand`): the bounds rounded to the dtype, then x*(to-from)+from in one FMA. */
export function torchUniform(g: TorchGenerator, n: number, dtype: TorchFloat, from = 0, to = 1): Float64Array {
  const out = new Float64Array(n);
  if (dtype === 'float32') {
    const lo = f(from);
    const range = f(f(to) - lo);
    for (let i = 0; i < n; i++) {
      if ((i & CHUNK) === 0) checkInterrupt();
      out[i] = fmaf(g.uniformFloat(), range, lo);
    }
  } else {
    const range = to - from;
    for (let i = 0; i < n; i++) {
      if ((i & CHUNK) === 0) checkInterrupt();
      out[i] = fma(g.uniformDouble(), range, from);
    }
  }
  return out;
}

const TWO_PI_F = f(2 * Math.PI);

/** Box-Muller over one block of 16 float32 uniforms, in place: element j gives the radius and j + 8 the angle. */
function normalBlock32(d: Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - d[at + j]!);
    const u2 = d[at + j + 8]!;
    const radius = f(Math.sqrt(f(-2 * log256(u1))));
    const [s, c] = sincos256(f(TWO_PI_F * u2));
    d[at + j] = fmaf(f(radius * c), std, mean);
    d[at + j + 8] = fmaf(f(radius * s), std, mean);
  }
}

function normalBlock64(d: Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - d[at + j]!;
    const u2 = d[at + j + 8]!;
    const radius = Math.sqrt(-2 * log(u1));
    const theta = 2 * Math.PI * u2;
    d[at + j] = fma(radius * cos(theta), std, mean);
    d[at + j + 8] = fma(radius * sin(theta), std, mean);
  }
}

/**
 * `empty(n, dtype).normal_(mean, std)` on a contiguous tensor (and `randn`, `torch.normal(m, s, size)`):
 * below 16 elements the double Box-Muller with its cache, element by element; from 16 up, n
 * uniforms transformed 16 at a time, and a tail of 16 fresh ones written over the last 16 slots.
 */
export function torchNormal(g: TorchGenerator, n: number, dtype: TorchFloat, mean = 0, std = 1, contiguous = true): Float64Array {
  // NB: a tensor that is not contiguous (a transposed view, randn_like of one) takes the element-by-element path at any size.
  if (n < 16 || !contiguous) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = g.normalDouble(mean, std);
      out[i] = dtype === 'float32' ? f(v) : v;
    }
    return out;
  }
  const uniforms = (count: number) => torchUniform(g, count, dtype);
  const block = dtype === 'float32' ? normalBlock32 : normalBlock64;
  const m = dtype === 'float32' ? f(mean) : mean;
  const s = dtype === 'float32' ? f(std) : std;
  const d = uniforms(n);
  for (let i = 0; i + 16 <= n; i += 16) {
    if ((i & CHUNK) === 0) checkInterrupt();
    block(d, i, m, s);
  }
  if (n % 16 !== 0) {
    const tail = uniforms(16);
    block(tail, 0, m, s);
    d.set(tail, n - 16);
  }
  return d;
}

/** `randint(low, high, size)` / `random_(from, to)`: one draw modulo the range (two while it is 2^32 or more), no rejection. */
export function torchRandint(g: TorchGenerator, n: number, low: bigint, high: bigint): bigint[] {
  const range = high - low;
  const out: bigint[] = new Array(n);
  if (range < 1n << 32n) {
    const r = Number(range);
    for (let i = 0; i < n; i++) {
      if ((i & CHUNK) === 0) checkInterrupt();
      out[i] = BigInt(g.random() % r) + low;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = (g.random64() % range) + low;
  }
  return out;
}

/** `Tensor.random_()` on int64 without bounds: a 64-bit draw modulo 2^63 (DataLoader's seeds). */
export function torchRandomInt64(g: TorchGenerator): bigint {
  return g.random64() % (1n << 63n);
}

/** `randperm(n)`: Fisher-Yates from the front, slot i swapped with i + (draw % (n - i)), modulo bias included. */
export function torchRandperm(g: TorchGenerator, n: number): Float64Array {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    if ((i & CHUNK) === 0) checkInterrupt();
    const z = g.random() % (n - i);
    const t = r[i]!;
    r[i] = r[i + z]!;
    r[i + z] = t;
  }
  return r;
}

/** `Tensor.bernoulli_(p)` with a Python float: a uniform double per element, 1 where u < p. */
export function torchBernoulliScalar(g: TorchGenerator, n: number, p: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & CHUNK) === 0) checkInterrupt();
    out[i] = g.uniformDouble() < p ? 1 : 0;
  }
  return out;
}

/** `torch.bernoulli(probs)`: a uniform of the probabilities' own dtype per element, 1 where u < p. */
export function torchBernoulli(g: TorchGenerator, probs: ArrayLike<number>, dtype: TorchFloat): Float64Array {
  const out = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) {
    if ((i & CHUNK) === 0) checkInterrupt();
    const u = dtype === 'float32' ? g.uniformFloat() : g.uniformDouble();
    out[i] = u < probs[i]! ? 1 : 0;
  }
  return out;
}

/** `Tensor.exponential_(lambd)`: -1/lambd * log(1 - u) on a uniform double, rounded to the dtype. */
export function torchExponential(g: TorchGenerator, n: number, lambd: number, dtype: TorchFloat): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & CHUNK) === 0) checkInterrupt();
    const v = (-1 / lambd) * log(1 - g.uniformDouble());
    out[i] = dtype === 'float32' ? f(v) : v;
  }
  return out;
}

/**
 * The draws `torch.multinomial` makes for `rows` distributions, which do not depend on the weights:
 * without replacement an exponential per weight (`empty_like(w).exponential_(1)`), with replacement
 * a uniform double per sample, row after row. NB: one sample with replacement takes the second
 * path in PyTorch 1.13 (makemore's `multinomial(p, 1, replacement=True, generator=g)`): the
 * exponential shortcut for k == 1 came later.
 */
export function torchMultinomialDraws(g: TorchGenerator, rows: number, categories: number, k: number, replacement: boolean, dtype: TorchFloat): Float64Array {
  if (!replacement) return torchExponential(g, rows * categories, 1, dtype);
  const out = new Float64Array(rows * k);
  for (let i = 0; i < out.length; i++) {
    if ((i & CHUNK) === 0) checkInterrupt();
    out[i] = g.uniformDouble();
  }
  return out;
}

/**
 * `torch.multinomial(w, k)` from its draws: without replacement, the indices of the k largest w / q
 * (topk, sorted descending); with replacement, per draw the first category whose normalised float32
 * running sum of the weights reaches it (a binary search).
 */
export function torchMultinomialFrom(
  draws: ArrayLike<number>, weights: ArrayLike<number>, rows: number, categories: number, k: number, replacement: boolean, dtype: TorchFloat,
): Float64Array {
  const out = new Float64Array(rows * k);
  const r = dtype === 'float32' ? f : (x: number) => x;
  if (!replacement) {
    for (let row = 0; row < rows; row++) {
      const score = Array.from({ length: categories }, (_, j) => r(weights[row * categories + j]! / draws[row * categories + j]!));
      const order = score.map((_, j) => j).sort((a, b) => score[b]! - score[a]! || a - b);
      for (let s = 0; s < k; s++) out[row * k + s] = order[s]!;
    }
    return out;
  }
  for (let row = 0; row < rows; row++) {
    const cum = new Float64Array(categories);
    let sum = 0;
    for (let j = 0; j < categories; j++) {
      sum = r(sum + weights[row * categories + j]!);
      cum[j] = sum;
    }
    for (let j = 0; j < categories; j++) cum[j] = r(cum[j]! / sum);
    cum[categories - 1] = 1;
    for (let s = 0; s < k; s++) {
      const u = draws[row * k + s]!;
      let lo = 0;
      let hi = categories;
      while (hi - lo > 0) {
        const mid = lo + ((hi - lo) >> 1);
        if (cum[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      out[row * k + s] = lo;
    }
  }
  return out;
}

/**
 * The noise `F.dropout(x, p)` multiplies x by in training mode on the CPU (0 < p < 1):
 * `empty_like(x).bernoulli_(1 - p)` (a uniform double per element), then divided by 1 - p in the
 * tensor's dtype. p == 0 and p == 1 draw nothing (PyTorch returns x, and x * 0).
 */
export function torchDropoutNoise(g: TorchGenerator, n: number, p: number, dtype: TorchFloat): Float64Array {
  const keep = torchBernoulliScalar(g, n, 1 - p);
  const scale = dtype === 'float32' ? f(1 / f(1 - p)) : 1 / (1 - p);
  for (let i = 0; i < n; i++) keep[i] = keep[i]! * scale;
  return keep;
}

/**
 * The order of one epoch of `DataLoader(ds, shuffle=True)`: `iter()` draws the workers' 64-bit
 * base seed (even with no workers), then `RandomSampler` draws another 64-bit seed, seeds a fresh
 * generator with it and takes `randperm(n)` from that one: four draws from the global generator
 * an epoch. With `generator=g`, the base seed and the permutation both come from g. (A loader
 * without shuffling still draws the base seed: `torchRandomInt64(global)` each `iter()`.)
 */
export function torchShuffledEpoch(global: TorchGenerator, n: number, generator: TorchGenerator | null = null): Float64Array {
  if (generator) {
    torchRandomInt64(generator);
    return torchRandperm(generator, n);
  }
  torchRandomInt64(global);
  return torchRandperm(new TorchGenerator(torchRandomInt64(global)), n);
}
