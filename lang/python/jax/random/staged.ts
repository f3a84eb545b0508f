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
