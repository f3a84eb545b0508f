import { floatToNarrowInt, isFloat, isWrappingInt, libm, typedArrayFrom, type AbstractValue } from '../../core';
import { CUMULATIVE, familyRules, RESHAPES, type CumulativeParams } from '../../primitives';
import type { KernelTable } from '../backend';
import { ReferenceArray } from './array';
import { dotGeneral } from './dot';
import { arithmetic, integerPower } from './arithmetic';
import { binary, logisticIn, maxOf, minOf, nary, roundTies, sign, unary, type BinaryFn, type UnaryFn } from './elementwise';
import { argmax, maxStep, minStep, prodStep, reduce, sumStep } from './reductions';
import * as s from './structural';
import * as a from './along_axis';
import { RANDOM_REFERENCE_KERNELS, uint32Mul, withKeyPlanes } from './random';
import { COMPLEX_PART_KERNELS, withComplex } from './complex';
import { BITWISE_REFERENCE_KERNELS } from './bitwise';
import { convGeneralDilated, reduceWindow, rev, selectAndGatherAdd, selectAndScatterAdd } from './windows';

const un = (f: UnaryFn) => (inputs: readonly ReferenceArray[], _p: unknown, out: AbstractValue) => unary(inputs[0], out, f);
const bin = (f: BinaryFn) => (inputs: readonly ReferenceArray[], _p: unknown, out: AbstractValue) => binary(inputs[0], inputs[1], out, f);
const cmp = (f: (a: number, b: number) => boolean) => bin((a, b) => (f(a, b) ? 1 : 0));
/**
 * A transcendental whose float64 results are glibc's (runtime/core/libm: NumPy's float64 ufuncs call
 * libm on CPUs without AVX-512, and CPython's math module always does), other dtypes V8's `Math`
 * rounded to the dtype (the double's last bit rarely survives the rounding to float32; `Math` is ~8x faster).
 */
const libmUn = (f64: UnaryFn, other: UnaryFn) => (inputs: readonly ReferenceArray[], _p: unknown, out: AbstractValue) =>
  unary(inputs[0], out, out.dtype === 'float64' ? f64 : other);

/**
 * Every primitive as a plain loop in JS doubles, stored in the dtype's array (float32 rounds,
 * int32 truncates toward zero: integer `div` is C division, not Python's floor division).
 * NB: an int32 division by zero stores 0 (the double quotient is ±Infinity or NaN, which an
 * Int32Array stores as 0); C leaves it undefined, and the tfjs backends match this.
 */
export const REFERENCE_KERNELS: KernelTable<ReferenceArray> = withComplex(withKeyPlanes({
  add: (inputs, _p, out) => arithmetic('add', inputs[0], inputs[1], out),
  sub: (inputs, _p, out) => arithmetic('sub', inputs[0], inputs[1], out),
  mul: (inputs, _p, out) => (out.dtype === 'uint32' ? uint32Mul(inputs[0], inputs[1], out) : arithmetic('mul', inputs[0], inputs[1], out)),
  div: (inputs, _p, out) => arithmetic('div', inputs[0], inputs[1], out),
  pow: (inputs, _p, out) => binary(inputs[0], inputs[1], out, out.dtype === 'float64' ? libm.pow : Math.pow),
  max: bin(maxOf),
  min: bin(minOf),
  lt: cmp((a, b) => a < b),
  le: cmp((a, b) => a <= b),
  gt: cmp((a, b) => a > b),
  ge: cmp((a, b) => a >= b),
  eq: cmp((a, b) => a === b),
  ne: cmp((a, b) => a !== b),
  neg: un((x) => -x),
  integer_pow: (inputs, { y }, out) => integerPower(inputs[0], y, out),
  exp: libmUn(libm.exp, Math.exp),
  log: libmUn(libm.log, Math.log),
  log1p: libmUn(libm.log1p, Math.log1p),
  expm1: libmUn(libm.expm1, Math.expm1),
  sin: libmUn(libm.sin, Math.sin),
  cos: libmUn(libm.cos, Math.cos),
  tan: libmUn(libm.tan, Math.tan),
  tanh: un(Math.tanh),
  logistic: (inputs, _p, out) => unary(inputs[0], out, logisticIn(out.dtype === 'float64' ? 'float64' : 'float32')),
  sqrt: un(Math.sqrt),
  rsqrt: un((x) => 1 / Math.sqrt(x)),
  abs: un(Math.abs),
  sign: un(sign),
  stop_gradient: un((x) => x),
  select: (inputs, _p, out) => nary(inputs, out, (p, t, f) => (p !== 0 ? t : f)),
  clamp: (inputs, _p, out) => nary(inputs, out, (lo, x, hi) => minOf(maxOf(x, lo), hi)),
  convert_element_type: ([x], _p, out) => new ReferenceArray(out.shape, out.dtype, isFloat(x.dtype) && isWrappingInt(out.dtype) && out.dtype !== 'uint32'
    ? floatToNarrowInt(out.dtype, x.data).data
    : typedArrayFrom(out.dtype, x.data)),
  reduce_sum: (inputs, { axes }, out) => reduce(inputs[0], axes, out, 0, sumStep),
  reduce_max: (inputs, { axes }, out) => reduce(inputs[0], axes, out, -Infinity, maxStep),
  reduce_min: (inputs, { axes }, out) => reduce(inputs[0], axes, out, Infinity, minStep),
  reduce_prod: (inputs, { axes }, out) => reduce(inputs[0], axes, out, 1, prodStep),
  argmax: (inputs, { axis }, out) => argmax(inputs[0], axis, out),
  broadcast_in_dim: (inputs, params, out) => s.broadcastInDim(inputs[0], params, out),
  ...familyRules(RESHAPES, () => (inputs: readonly ReferenceArray[], _p: unknown, out: AbstractValue) => s.reshape(inputs[0], out)),
  transpose: (inputs, params, out) => s.transpose(inputs[0], params, out),
  slice: (inputs, params, out) => s.slice(inputs[0], params, out),
  dynamic_slice: ([x, ...starts], params, out) => s.dynamicSlice(x, starts, params, out),
  dynamic_update_slice: ([x, update, ...starts], _p, out) => s.dynamicUpdateSlice(x, update, starts, out),
  gather: (inputs, params, out) => s.gather(inputs[0], inputs[1], params, out),
  scatter_add: (inputs, params, out) => s.scatterAdd(inputs[0], inputs[1], params, out),
  concatenate: (inputs, params, out) => s.concatenate(inputs, params, out),
  pad: (inputs, params, out) => s.pad(inputs[0], params, out),
  dot_general: (inputs, params, out) => dotGeneral(inputs[0], inputs[1], params, out),
  iota: (_inputs, params, out) => s.iota(params, out),
  erf: un(a.erf),
  // NB: float32's is XLA's float32 algorithm (jax.random.normal's bits depend on it), float64's exact.
  erfinv: (inputs, _p, out) => unary(inputs[0], out, out.dtype === 'float32' ? libm.erfinvFloat32 : a.erfinv),
  floor: un(Math.floor),
  ceil: un(Math.ceil),
  round: (inputs, { roundingMethod }, out) => unary(inputs[0], out, roundTies(roundingMethod)),
  // C's remainder (the sign of the dividend), as lax.rem: fmod on floats (exact; NaN for a zero divisor), and on
  // integers a zero divisor leaves the dividend, as XLA's integer rem does.
  is_finite: un((x) => (Number.isFinite(x) ? 1 : 0)),
  rem: ([x, y], _p, out) => binary(x, y, out, isFloat(out.dtype) ? (p, q) => p % q : (p, q) => (q === 0 ? p : p % q)),
  cbrt: (inputs, _p, out) => unary(inputs[0], out, (v) => a.xlaCbrt(v, out.dtype === 'float32')),
  logit: (inputs, { eps }, out) => unary(inputs[0], out, a.logitIn(out.dtype === 'float64' ? 'float64' : 'float32', eps)),
  ...familyRules(CUMULATIVE, (p) => (inputs: readonly ReferenceArray[], params: CumulativeParams, out: AbstractValue) => a.cumulative(p, inputs[0], params, out)),
  sort: (inputs, params, out) => a.sort(inputs[0], params, out),
  argsort: (inputs, params, out) => a.argsort(inputs[0], params, out),
  rev: (inputs, params, out) => rev(inputs[0], params, out),
  conv_general_dilated: (inputs, params, out) => convGeneralDilated(inputs[0], inputs[1], params, out),
  reduce_window_sum: (inputs, params, out) => reduceWindow(inputs[0], params, out, 'sum'),
  reduce_window_max: (inputs, params, out) => reduceWindow(inputs[0], params, out, 'max'),
  select_and_gather_add: (inputs, params, out) => selectAndGatherAdd(inputs[0], inputs[1], params, out),
  select_and_scatter_add: (inputs, params, out) => selectAndScatterAdd(inputs[0], inputs[1], params, out),
  ...RANDOM_REFERENCE_KERNELS,
  ...BITWISE_REFERENCE_KERNELS,
  ...COMPLEX_PART_KERNELS,
}));
