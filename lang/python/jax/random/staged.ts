/**
 * jax.random's samplers as equations of the random primitives, where a key or a parameter is
 * traced (jit, vmap, grad, make_jaxpr): each is the body of JAX's jitted helper (jax/_src/random.py,
 * JAX 0.4.35) in its order, its traced arguments in place. NB: Gradlens's jaxprs nest no `pjit`
 * for jnp functions, so `make_jaxpr` shows these bodies inline where JAX prints
 * `pjit[name=_uniform jaxpr={ ... }]`; the equations inside are JAX's.
 * Their numbers are those of samplers.ts (the host path) bit for bit: the primitives' kernels run
 * the same threefry2x32 and every float operation is one float32 rounding.
 */
import type { DType } from '../../../../runtime/core';
import type { ParamsOf, Primitive } from '../../../../runtime/primitives';
import type { JaxRuntime } from '../array';
import { Scalar, type Val } from '../values';

/** An operand and whether it is weakly typed (a Python scalar's). */
export interface Operand { readonly v: Val; readonly weak: boolean }

const bind = <P extends Primitive>(rt: JaxRuntime, prim: P, inputs: readonly Val[], params: ParamsOf<P>): Val => rt.bind(prim, inputs, params);
const u32 = (v: number) => new Scalar(v, 'uint32');
const f32 = (v: number) => new Scalar(v, 'float32');

/** lax.convert_element_type: an equation unless the operand already is a strong `dtype` value. */
export function convert(rt: JaxRuntime, x: Operand, dtype: DType): Val {
  return !x.weak && rt.aval(x.v).dtype === dtype ? x.v : bind(rt, 'convert_element_type', [x.v], { newDtype: dtype });
}

/** lax.broadcast_to_rank: size-1 axes in front. */
function broadcastToRank(rt: JaxRuntime, x: Val, rank: number): Val {
  const s = rt.aval(x).shape;
  const lead = rank - s.length;
  if (lead <= 0) return x;
  return bind(rt, 'broadcast_in_dim', [x], { shape: [...new Array<number>(lead).fill(1), ...s], broadcastDimensions: s.map((_, i) => lead + i) });
}

export const randomBits = (rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val =>
  bind(rt, 'random_bits', [key], { bitWidth: 32, shape, partitionable });

/** `_split(key, 2)` unpacked: the keys of random_split, each sliced out and squeezed (a key array's __iter__). */
export function split2(rt: JaxRuntime, key: Val, partitionable: boolean): [Val, Val] {
  const keys = bind(rt, 'random_split', [key], { shape: [2], partitionable });
  const one = (i: number) => rt.o.squeeze(rt.o.slice(keys, [i], [i + 1], [1]), [0]);
  return [one(0), one(1)];
}

/** `_uniform`: 23 random mantissa bits under the exponent of 1.0, minus 1, scaled to [minval, maxval). */
export function uniform(rt: JaxRuntime, key: Val, shape: readonly number[], minval: Operand, maxval: Operand, partitionable: boolean): Val {
  const lo0 = convert(rt, minval, 'float32');
  const hi0 = convert(rt, maxval, 'float32');
  const lo = broadcastToRank(rt, lo0, shape.length);
  const hi = broadcastToRank(rt, hi0, shape.length);
  const bits = randomBits(rt, key, shape, partitionable);
  const mantissa = bind(rt, 'shift_right_logical', [bits, u32(32 - 23)], {});
  const floatBits = bind(rt, 'or', [mantissa, u32(0x3f800000)], {});
  const floats = bind(rt, 'sub', [bind(rt, 'bitcast_convert_type', [floatBits], { newDtype: 'float32' }), f32(1)], {});
  const scaled = bind(rt, 'add', [bind(rt, 'mul', [floats, bind(rt, 'sub', [hi, lo], {})], {}), lo], {});
  return bind(rt, 'max', [lo, rt.o.reshape(scaled, shape)], {});
}

/** np.nextafter(-1, 0) in float32: `_normal_real`'s lower bound. */
const NEXT_ABOVE_MINUS_ONE = Math.fround(-1 + 2 ** -24);

/** `_normal_real`: sqrt(2) * erf_inv(uniform(key, shape, lo, 1)). */
export function normal(rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val {
  const u = uniform(rt, key, shape, { v: f32(NEXT_ABOVE_MINUS_ONE), weak: false }, { v: f32(1), weak: false }, partitionable);
  return bind(rt, 'mul', [f32(Math.SQRT2), bind(rt, 'erfinv', [u], {})], {});
}

/** `_bernoulli` (mode 'low'): uniform(key, shape) < p. */
export function bernoulli(rt: JaxRuntime, key: Val, shape: readonly number[], p: Operand, partitionable: boolean): Val {
  // NB: bernoulli converts `p` before it calls the jitted _bernoulli; a Python float is a strong float32 there.
  const prob = p.v instanceof Scalar ? f32(p.v.value) : convert(rt, p, 'float32');
  const u = uniform(rt, key, shape, { v: f32(0), weak: true }, { v: f32(1), weak: true }, partitionable);
  return bind(rt, 'lt', [u, prob], {});
}

/**
 * `_randint` for int32: two words of bits per value combined modulo the span in uint32
 * arithmetic ((a * b) % n as ((a % n) * (b % n)) % n). NB: `_convert_and_clip_integer`'s clamps
 * and the out-of-range correction are left out: both are identities on int32 bounds.
 */
export function randint(rt: JaxRuntime, key: Val, shape: readonly number[], minval: Operand, maxval: Operand, partitionable: boolean): Val {
  const lo = broadcastToRank(rt, convert(rt, minval, 'int32'), shape.length);
  const hi = broadcastToRank(rt, convert(rt, maxval, 'int32'), shape.length);
  const [k1, k2] = split2(rt, key, partitionable);
  const higher = randomBits(rt, k1, shape, partitionable);
  const lower = randomBits(rt, k2, shape, partitionable);
  const span0 = bind(rt, 'convert_element_type', [bind(rt, 'sub', [hi, lo], {})], { newDtype: 'uint32' });
  const span = bind(rt, 'select', [bind(rt, 'le', [hi, lo], {}), rt.o.full(rt.aval(span0).shape, 1, 'uint32'), span0], {});
  const rem = (a: Val, b: Val) => bind(rt, 'rem', [a, b], {});
  const mul = (a: Val, b: Val) => bind(rt, 'mul', [a, b], {});
  let multiplier = rem(u32(2 ** 16), span);
  multiplier = rem(mul(multiplier, multiplier), span);
  const offset = rem(bind(rt, 'add', [mul(rem(higher, span), multiplier), rem(lower, span)], {}), span);
  return bind(rt, 'add', [lo, bind(rt, 'convert_element_type', [offset], { newDtype: 'int32' })], {});
}

const neg = (rt: JaxRuntime, x: Val) => bind(rt, 'neg', [x], {});
const log = (rt: JaxRuntime, x: Val) => bind(rt, 'log', [x], {});

/** The smallest float32 (jnp.finfo(float32).tiny): `_gumbel`'s lower bound. */
const TINY = 2 ** -126;

/** `_gumbel` (mode 'low'): -log(-log(uniform(key, shape, tiny, 1))). */
export function gumbel(rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val {
  const u = uniform(rt, key, shape, { v: f32(TINY), weak: false }, { v: f32(1), weak: true }, partitionable);
  return neg(rt, log(rt, neg(rt, log(rt, u))));
}

/**
 * `categorical` (replace=True): the argmax along `axis` of gumbel noise of shape
 * `prefix + logitsShape` plus the logits, expanded in front by `prefix`'s rank.
 */
export function categorical(rt: JaxRuntime, key: Val, logits: Val, axis: number, prefix: readonly number[], logitsShape: readonly number[], partitionable: boolean): Val {
  const g = gumbel(rt, key, [...prefix, ...logitsShape], partitionable);
  const l = prefix.length ? rt.o.expandDims(logits, prefix.map((_, i) => i)) : logits;
  return bind(rt, 'argmax', [bind(rt, 'add', [g, l], {})], { axis: prefix.length + axis, indexDtype: 'int32' });
}

/** The number of sorts `_shuffle` makes for `size` items: ceil(3 ln(size) / ln(2^32 - 1)). */
const shuffleRounds = (size: number) => Math.ceil((3 * Math.log(Math.max(1, size))) / Math.log(0xffffffff));

/**
 * `x` with the rows along `axis` of each line taken at `order` (same shape as x):
 * jnp.take_along_axis, as a gather from the flat operand.
 */
function takeAlongAxis(rt: JaxRuntime, x: Val, order: Val, axis: number): Val {
  const shape = rt.aval(x).shape;
  if (shape.length === 1) return rt.o.gather(x, order, 0);
  const perm = [...shape.keys()].filter((d) => d !== axis).concat([axis]);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const n = shape[axis], lines = shape.reduce((m, d) => m * d, 1) / n;
  const flatOrder = rt.o.reshape(rt.o.transpose(order, perm), [lines, n]);
  const offsets = bind(rt, 'mul', [rt.o.iota('int32', [lines, n], 0), new Scalar(n, 'int32')], {});
  const at = rt.o.reshape(bind(rt, 'add', [flatOrder, offsets], {}), [lines * n]);
  const flatX = rt.o.reshape(rt.o.transpose(x, perm), [lines * n]);
  const taken = rt.o.reshape(rt.o.gather(flatX, at, 0), perm.map((d) => shape[d]));
  return rt.o.transpose(taken, inverse);
}

/**
 * `_shuffle`: rounds of a stable sort of `x` along `axis` by fresh 32-bit keys of x's shape.
 * NB: JAX sorts the keys and x together (`sort[num_keys=1]` with two operands and two results);
 * Gradlens's equations have one result, so each round is the stable argsort of the keys and a
 * gather of x at it: the same permutation, bit for bit.
 */
export function shuffle(rt: JaxRuntime, key: Val, x: Val, axis: number, partitionable: boolean): Val {
  const shape = rt.aval(x).shape;
  let k = key;
  for (let r = shuffleRounds(shape.reduce((m, d) => m * d, 1)); r > 0; r--) {
    const [next, sub] = split2(rt, k, partitionable);
    k = next;
    const order = bind(rt, 'argsort', [randomBits(rt, sub, shape, partitionable)], { dimension: axis, descending: false, indexDtype: 'int32' });
    x = takeAlongAxis(rt, x, order, axis);
  }
  return x;
}

/** `permutation`: of arange(n) (`x` a count), of a 1-d `x`, or of the rows of `x` along `axis` (take at a shuffled arange). */
export function permutation(rt: JaxRuntime, key: Val, x: Val | number, axis: number, independent: boolean, partitionable: boolean): Val {
  if (typeof x === 'number') return shuffle(rt, key, rt.o.iota('int32', [x], 0), 0, partitionable);
  const shape = rt.aval(x).shape;
  if (independent || shape.length === 1) return shuffle(rt, key, x, axis, partitionable);
  return rt.o.gather(x, shuffle(rt, key, rt.o.iota('int32', [shape[axis]], 0), 0, partitionable), axis);
}

/** lax.nextafter(x, +inf or -inf) on float32, by the bits: the float beside x towards `up` or down. */
function nextafter(rt: JaxRuntime, x: Val, up: boolean): Val {
  const bits = bind(rt, 'bitcast_convert_type', [x], { newDtype: 'uint32' });
  const plus = bind(rt, 'add', [bits, u32(1)], {}), minus = bind(rt, 'sub', [bits, u32(1)], {});
  const positive = bind(rt, 'gt', [x, f32(0)], {});
  const beside = bind(rt, 'bitcast_convert_type', [bind(rt, 'select', up ? [positive, plus, minus] : [positive, minus, plus], {})], { newDtype: 'float32' });
  return bind(rt, 'select', [bind(rt, 'eq', [x, f32(0)], {}), f32(up ? 2 ** -149 : -(2 ** -149)), beside], {});
}

/**
 * `_truncated_normal`: sqrt(2) erf_inv of a uniform between erf(lower / sqrt 2) and
 * erf(upper / sqrt 2), clipped into the open interval (jnp.clip: max, then min).
 */
export function truncatedNormal(rt: JaxRuntime, key: Val, lower: Operand, upper: Operand, shape: readonly number[], partitionable: boolean): Val {
  const sqrt2 = f32(Math.SQRT2);
  const lo = convert(rt, lower, 'float32'), hi = convert(rt, upper, 'float32');
  const a = bind(rt, 'erf', [bind(rt, 'div', [lo, sqrt2], {})], {});
  const b = bind(rt, 'erf', [bind(rt, 'div', [hi, sqrt2], {})], {});
  const u = uniform(rt, key, shape, { v: a, weak: false }, { v: b, weak: false }, partitionable);
  const out = bind(rt, 'mul', [sqrt2, bind(rt, 'erfinv', [u], {})], {});
  const above = nextafter(rt, bind(rt, 'stop_gradient', [lo], {}), true);
  const below = nextafter(rt, bind(rt, 'stop_gradient', [hi], {}), false);
  return bind(rt, 'min', [below, bind(rt, 'max', [above, out], {})], {});
}

/** The prefix of `x` along `axis` of length `n`. */
function head(rt: JaxRuntime, x: Val, axis: number, n: number): Val {
  const shape = rt.aval(x).shape;
  return rt.o.slice(x, shape.map(() => 0), shape.map((d, i) => (i === axis ? n : d)));
}

/** What `choice` draws: indices into a.shape[axis] (`n` of them), of shape `shape`. */
export interface ChoiceDraw { readonly n: number; readonly shape: readonly number[]; readonly replace: boolean; readonly p: Val | null }

/**
 * `choice`: with replacement, randint indices (or, with `p`, the first cumulative probability at
 * least a uniform draw scaled by the total, as jnp.searchsorted finds it); without, a prefix of a
 * permutation (or, with `p`, of the argsort of -gumbel - log p: the Gumbel top-k trick). `arr` is
 * null where `a` is a count. The result is reshaped as JAX's.
 */
export function choice(rt: JaxRuntime, key: Val, arr: Val | null, axis: number, d: ChoiceDraw, partitionable: boolean): Val {
  const nDraws = d.shape.reduce((m, x) => m * x, 1);
  const outShape = arr === null ? d.shape : [...rt.aval(arr).shape.slice(0, axis), ...d.shape, ...rt.aval(arr).shape.slice(axis + 1)];
  let ind: Val;
  if (d.p === null && d.replace) {
    ind = randint(rt, key, d.shape, { v: new Scalar(0, 'int32'), weak: true }, { v: new Scalar(d.n, 'int32'), weak: true }, partitionable);
  } else if (d.p === null) {
    const perm = permutation(rt, key, arr ?? d.n, axis, false, partitionable);
    return rt.o.reshape(head(rt, perm, arr === null ? 0 : axis, nDraws), outShape);
  } else if (d.replace) {
    const cum = bind(rt, 'cumsum', [d.p], { axis: 0, reverse: false });
    const total = rt.o.squeeze(rt.o.slice(cum, [d.n - 1], [d.n]), [0]);
    const u = uniform(rt, key, d.shape, { v: f32(0), weak: true }, { v: f32(1), weak: true }, partitionable);
    const r = bind(rt, 'mul', [total, bind(rt, 'sub', [f32(1), u], {})], {});
    // jnp.searchsorted(cum, r) (side 'left'): how many cumulative sums lie below r.
    const rank = d.shape.length;
    const below = bind(rt, 'lt', [rt.o.broadcastInDim(cum, [...d.shape, d.n], [rank]), rt.o.expandDims(r, [rank])], {});
    ind = bind(rt, 'reduce_sum', [bind(rt, 'convert_element_type', [below], { newDtype: 'int32' })], { axes: [rank] });
  } else {
    const g = bind(rt, 'sub', [neg(rt, gumbel(rt, key, [d.n], partitionable)), log(rt, d.p)], {});
    ind = head(rt, bind(rt, 'argsort', [g], { dimension: 0, descending: false, indexDtype: 'int32' }), 0, nDraws);
  }
  return rt.o.reshape(arr === null ? ind : rt.o.gather(arr, ind, axis), outShape);
}

const un = (rt: JaxRuntime, prim: 'log1p' | 'log' | 'neg' | 'abs' | 'sign' | 'tan' | 'exp' | 'sqrt', x: Val) => bind(rt, prim, [x], {});
const binop = (rt: JaxRuntime, prim: 'add' | 'sub' | 'mul' | 'div' | 'pow', a: Val, b: Val) => bind(rt, prim, [a, b], {});
/** jnp.finfo(float32).eps and .epsneg. */
const EPS = 2 ** -23, EPSNEG = 2 ** -24;
const weak1 = { v: f32(1), weak: true }, weak0 = { v: f32(0), weak: true };

/** `_exponential`: -log1p(-u), u uniform in [0, 1). */
export function exponential(rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val {
  return un(rt, 'neg', un(rt, 'log1p', un(rt, 'neg', uniform(rt, key, shape, weak0, weak1, partitionable))));
}

/** `_laplace`: sign(u) log1p(-|u|), u uniform in [-1 + epsneg, 1). */
export function laplace(rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val {
  // NB: -1. + jnp.finfo(dtype).epsneg is a NumPy scalar there (strong).
  const u = uniform(rt, key, shape, { v: f32(-1 + EPSNEG), weak: false }, weak1, partitionable);
  return binop(rt, 'mul', un(rt, 'sign', u), un(rt, 'log1p', un(rt, 'neg', un(rt, 'abs', u))));
}

/** `_logistic`: log(x / (1 - x)), x uniform in [eps, 1). */
export function logistic(rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val {
  const x = uniform(rt, key, shape, { v: f32(EPS), weak: false }, weak1, partitionable);
  return un(rt, 'log', binop(rt, 'div', x, binop(rt, 'sub', f32(1), x)));
}

/** `_cauchy`: tan(pi (u - 1/2)), u uniform in [eps, 1). */
export function cauchy(rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val {
  const u = uniform(rt, key, shape, { v: f32(EPS), weak: false }, weak1, partitionable);
  return un(rt, 'tan', binop(rt, 'mul', f32(Math.PI), binop(rt, 'sub', u, f32(0.5))));
}

/** `_rademacher`: 2 bernoulli(1/2) - 1 in `dtype`. */
export function rademacher(rt: JaxRuntime, key: Val, shape: readonly number[], dtype: DType, partitionable: boolean): Val {
  // NB: bernoulli's p=0.5 is a Python float: a strong float32 once bernoulli converts it.
  const b = bind(rt, 'convert_element_type', [bernoulli(rt, key, shape, { v: f32(0.5), weak: true }, partitionable)], { newDtype: dtype });
  return binop(rt, 'sub', binop(rt, 'mul', new Scalar(2, dtype), b), new Scalar(1, dtype));
}

/** `_maxwell`: the 2-norm of three standard normals (jnp.linalg.norm over the last axis). */
export function maxwell(rt: JaxRuntime, key: Val, shape: readonly number[], partitionable: boolean): Val {
  const n = normal(rt, key, [...shape, 3], partitionable);
  return un(rt, 'sqrt', bind(rt, 'reduce_sum', [binop(rt, 'mul', n, n)], { axes: [shape.length] }));
}

/** `_double_sided_maxwell`: a Maxwell sample with a Rademacher sign, scaled and shifted. */
export function doubleSidedMaxwell(rt: JaxRuntime, key: Val, loc: Operand, scale: Operand, shape: readonly number[], partitionable: boolean): Val {
  const [mk, rk] = split2(rt, key, partitionable);
  const m = maxwell(rt, mk, shape, partitionable);
  const sign = rademacher(rt, rk, shape, 'float32', partitionable);
  return binop(rt, 'add', binop(rt, 'mul', binop(rt, 'mul', sign, m), convert(rt, scale, 'float32')), convert(rt, loc, 'float32'));
}

/** `_weibull_min`: (-log1p(-u)) ** (1 / concentration) * scale. */
export function weibullMin(rt: JaxRuntime, key: Val, scale: Operand, concentration: Operand, shape: readonly number[], partitionable: boolean): Val {
  const u = uniform(rt, key, shape, { v: new Scalar(0, 'int32'), weak: true }, { v: new Scalar(1, 'int32'), weak: true }, partitionable);
  const e = un(rt, 'neg', un(rt, 'log1p', un(rt, 'neg', u)));
  // 1.0 / concentration keeps a Python float's weak type; jnp.power then converts it.
  const c = rt.aval(concentration.v).dtype === 'float32' ? concentration : { v: convert(rt, concentration, 'float32'), weak: false };
  const inv = convert(rt, { v: binop(rt, 'div', f32(1), c.v), weak: c.weak }, 'float32');
  return binop(rt, 'mul', binop(rt, 'pow', e, inv), convert(rt, scale, 'float32'));
}

/** `_pareto`: exp(exponential / b). */
export function pareto(rt: JaxRuntime, key: Val, b: Operand, shape: readonly number[], partitionable: boolean): Val {
  const bb = convert(rt, b, 'float32');
  return un(rt, 'exp', binop(rt, 'div', exponential(rt, key, shape, partitionable), bb));
}
