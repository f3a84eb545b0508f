/**
 * jax.random's samplers (jax/_src/random/core.py) on the host, in float32 as XLA computes them:
 * each float operation rounded to float32. Bits, uniform, randint, bernoulli, permutation and
 * choice are bit-exact; normal and truncated_normal go through XLA's float32 erf_inv (Giles'
 * polynomial over log1p), categorical through log, where JavaScript's correctly rounded double
 * functions rounded to float32 may differ from XLA's by an ulp.
 */
import { libm, randomBits, splitWords, type KeyWords } from '../../../../runtime/core';

const f = Math.fround;
const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** A flat host array and its shape (row-major). */
export interface HostArray<T extends Float32Array | Int32Array | Uint8Array = Float32Array> {
  readonly data: T;
  readonly shape: readonly number[];
}

/** `x` broadcast (NumPy rules) to `shape`, flat. */
export function broadcastTo(x: HostArray<Float32Array | Int32Array>, shape: readonly number[]): Float64Array {
  const n = size(shape);
  const out = new Float64Array(n);
  const r = shape.length - x.shape.length;
  if (r < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[r + i])) {
    throw new Error(`shape (${x.shape.join(', ')}) cannot be broadcast to (${shape.join(', ')})`);
  }
  const strides = x.shape.map((_, i) => size(x.shape.slice(i + 1)));
  for (let i = 0; i < n; i++) {
    let rem = i, src = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const idx = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      const k = d - r;
      if (k >= 0 && x.shape[k] !== 1) src += idx * strides[k];
    }
    out[i] = x.data[src];
  }
  return out;
}

const u32f32 = new Uint32Array(1);
const asF32 = new Float32Array(u32f32.buffer);

/** `_uniform` in float32: mantissa bits over [1, 2), minus 1, scaled, then at least minval. */
export function uniform(key: KeyWords, shape: readonly number[], lo: Float64Array | number, hi: Float64Array | number, partitionable: boolean): Float32Array {
  const n = size(shape);
  const bits = randomBits(key, 32, n, partitionable);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    u32f32[0] = (bits[i] >>> 9) | 0x3f800000;
    const z = f(asF32[0] - 1);
    const a = f(typeof lo === 'number' ? lo : lo[i]);
    const b = f(typeof hi === 'number' ? hi : hi[i]);
    out[i] = Math.max(a, f(f(z * f(b - a)) + a));
  }
  return out;
}

const SQRT2 = f(Math.SQRT2);
const NEXT_BELOW_ONE_NEG = f(-1 + 2 ** -24);

export function normal(key: KeyWords, shape: readonly number[], partitionable: boolean): Float32Array {
  const u = uniform(key, shape, NEXT_BELOW_ONE_NEG, 1, partitionable);
  return u.map((x) => f(SQRT2 * libm.erfinvFloat32(x)));
}

/** The float32 next after `x` towards `to`. */
function nextafterF32(x: number, to: number): number {
  x = f(x);
  if (Number.isNaN(x) || x === to) return x;
  if (x === 0) return to > 0 ? 2 ** -149 : -(2 ** -149);
  const buf = new Float32Array([x]);
  const bits = new Int32Array(buf.buffer);
  bits[0] += (to > x) === (x > 0) ? 1 : -1;
  return buf[0];
}

export function truncatedNormal(key: KeyWords, shape: readonly number[], lower: Float64Array, upper: Float64Array, partitionable: boolean): Float32Array {
  const a = lower.map((l) => f(libm.erf(f(f(l) / SQRT2))));
  const b = upper.map((u) => f(libm.erf(f(f(u) / SQRT2))));
  const u = uniform(key, shape, a, b, partitionable);
  return u.map((x, i) => {
    const v = f(SQRT2 * libm.erfinvFloat32(x));
    const lo = nextafterF32(lower[i], Infinity), hi = nextafterF32(upper[i], -Infinity);
    return Math.min(Math.max(v, lo), hi);
  });
}

/** The first key of `split(key)` and the second. */
function split2(key: KeyWords, partitionable: boolean): [KeyWords, KeyWords] {
  const w = splitWords(key, 2, partitionable);
  return [[w[0], w[1]], [w[2], w[3]]];
}

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

/** `_randint` for int32: two words of bits combined modulo the span, in uint32 arithmetic. */
export function randint(key: KeyWords, shape: readonly number[], minval: Float64Array, maxval: Float64Array, partitionable: boolean): Int32Array {
  const n = size(shape);
  const [k1, k2] = split2(key, partitionable);
  const higher = randomBits(k1, 32, n, partitionable);
  const lower = randomBits(k2, 32, n, partitionable);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.min(Math.max(minval[i], INT32_MIN), INT32_MAX);
    const hi = Math.min(Math.max(maxval[i], INT32_MIN), INT32_MAX);
    let span = (hi - lo) >>> 0;
    if (hi <= lo) span = 1;
    let mult = 65536 % span;
    mult = (Math.imul(mult, mult) >>> 0) % span;
    const offset = (((Math.imul(higher[i] % span, mult) >>> 0) + (lower[i] % span)) >>> 0) % span;
    out[i] = (lo + offset) | 0;
  }
  return out;
}

export function bernoulli(key: KeyWords, shape: readonly number[], p: Float64Array, partitionable: boolean): Uint8Array {
  const u = uniform(key, shape, 0, 1, partitionable);
  return Uint8Array.from(u, (x, i) => (x < f(p[i]) ? 1 : 0));
}

const TINY_F32 = 2 ** -126;

/** `gumbel` (mode 'low'): -log(-log(uniform(tiny, 1))). */
export function gumbel(key: KeyWords, shape: readonly number[], partitionable: boolean): Float32Array {
  return uniform(key, shape, TINY_F32, 1, partitionable).map((u) => f(-f(Math.log(f(-f(Math.log(u)))))));
}

/** A stable argsort of uint32 sort keys: lax.sort_key_val's order. */
function stableOrder(keys: Uint32Array): number[] {
  return Array.from(keys, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
}

/**
 * `_shuffle` of `n` items: ceil(3 ln(n) / ln(2^32 - 1)) rounds, each a stable sort by fresh
 * 32-bit keys. Returns the permutation of indices.
 */
export function shuffleOrder(key: KeyWords, n: number, partitionable: boolean): number[] {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(0xffffffff));
  let order = Array.from({ length: n }, (_, i) => i);
  let k = key;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split2(k, partitionable);
    k = next;
    const o = stableOrder(randomBits(sub, 32, n, partitionable));
    order = o.map((i) => order[i]);
  }
  return order;
}
