/**
 * jax.numpy's and jax.lax's rounding and floating-point tests as JAX writes them (jax/_src/numpy/
 * ufuncs.py and lax_numpy.py, lax/lax.py): each is lax.floor, ceil or round (the ROUNDING
 * primitives) or a comparison, so it traces, fuses and differentiates (to zero) like any jax
 * function. NumPy's twins, computed on the host in float64, are numpy_rounding.ts.
 */
import { isComplex, isFloat, isInteger, type DType } from '../../../runtime/core';
import { ROUNDING_METHODS, type RoundingMethod } from '../../../runtime/primitives';
import { bindArgs, createModule, type HostContext, type Kwargs, pyError, pyFunction, PyTuple, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { Scalar, type Val } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

/** JAX's largest `decimals` that still changes a float: past log10(finfo(dtype).max), jnp.round returns its operand. */
const MAX_DECIMALS: Partial<Record<DType, number>> = { float32: 38, float64: 308 };

function refuseComplex(name: string, d: DType): void {
  if (isComplex(d)) throw pyError('NotImplementedError', `jnp.${name} of ${d} arrays is not supported by Gradlens; round the real and imaginary parts (jnp.real(x), jnp.imag(x)) and recombine them with lax.complex`);
}

/** `body` over a float array's value, keeping its weak type; an integer or bool array is returned as it is, as JAX's floor/ceil/trunc do. */
function onFloat(rt: JaxRuntime, name: string, a: PyValue, ctx: HostContext, body: (v: Val) => Val): PyArray {
  const x = L.operand(rt, a, ctx);
  refuseComplex(name, x.v.dtype);
  if (!isFloat(x.v.dtype)) return a instanceof PyArray ? a : L.asArray(rt, a, ctx);
  return L.op(rt, () => L.wrap(rt, body(x.v), x.weak, false));
}

const roundBind = (rt: JaxRuntime, v: Val, method: RoundingMethod): Val => rt.o.bind('round', [v], { roundingMethod: method });
const ceilBind = (rt: JaxRuntime, v: Val): Val => rt.o.bind('ceil', [v], {});
const floorBind = (rt: JaxRuntime, v: Val): Val => rt.o.bind('floor', [v], {});

export const ceil = (rt: JaxRuntime, a: PyValue, ctx: HostContext): PyArray => onFloat(rt, 'ceil', a, ctx, (v) => ceilBind(rt, v));

/** jnp.trunc: ceil below zero, floor elsewhere (lax_numpy.trunc), so -0.5 truncates to -0. */
export const trunc = (rt: JaxRuntime, a: PyValue, ctx: HostContext): PyArray =>
  onFloat(rt, 'trunc', a, ctx, (v) => rt.o.select(rt.o.lt(v, new Scalar(0, v.dtype)), ceilBind(rt, v), floorBind(rt, v)));

/** jnp.fix: floor at zero and above, ceil below (lax_numpy.fix): trunc by another name, written the other way round. */
export const fix = (rt: JaxRuntime, a: PyValue, ctx: HostContext): PyArray =>
  onFloat(rt, 'fix', a, ctx, (v) => rt.o.select(rt.o.ge(v, new Scalar(0, v.dtype)), floorBind(rt, v), ceilBind(rt, v)));

/**
 * jnp.round(a, decimals): lax.round with ties to even; with decimals, as lax_numpy's _round_float,
 * x * 10**decimals rounded and divided back, in x's dtype. An integer array is returned as it is.
 */
export function round(rt: JaxRuntime, a: PyValue, decimals: number, ctx: HostContext): PyArray {
  const x = L.operand(rt, a, ctx);
  const d = x.v.dtype;
  refuseComplex('round', d);
  if (d === 'bool') throw pyError('TypeError', 'round does not accept dtype bool. Accepted dtypes are subtypes of floating.');
  if (isInteger(d)) {
    if (decimals < 0) throw pyError('NotImplementedError', 'integer np.round not implemented for decimals < 0');
    return a instanceof PyArray ? a : L.asArray(rt, a, ctx);
  }
  if (decimals > (MAX_DECIMALS[d] ?? 38)) return a instanceof PyArray ? a : L.asArray(rt, a, ctx);
  const even = ROUNDING_METHODS.TO_NEAREST_EVEN;
  if (decimals === 0) return L.op(rt, () => L.wrap(rt, roundBind(rt, x.v, even), x.weak, false));
  const factor = new Scalar(10 ** decimals, d);
  return L.op(rt, () => L.wrap(rt, rt.o.div(roundBind(rt, rt.o.mul(x.v, factor), even), factor), x.weak, false));
}

/** jnp.rint: lax.round with ties to even; integers and bools become the default float, as JAX's. */
export function rint(rt: JaxRuntime, a: PyValue, ctx: HostContext): PyArray {
  const x = L.operand(rt, a, ctx);
  refuseComplex('rint', x.v.dtype);
  if (!isFloat(x.v.dtype)) return L.op(rt, () => L.wrap(rt, rt.o.convert(x.v, rt.floatDtype), false, false));
  return L.op(rt, () => L.wrap(rt, roundBind(rt, x.v, ROUNDING_METHODS.TO_NEAREST_EVEN), x.weak, false));
}

/** A bool array of `x`'s shape, all `value`: JAX's lax.full_like(x, value, dtype=bool) for integer operands. */
const allBool = (rt: JaxRuntime, x: L.Operand, value: boolean, numpy: boolean): PyArray =>
  L.op(rt, () => L.wrap(rt, rt.o.full(x.v.shape, value ? 1 : 0, 'bool'), false, numpy));

/** A comparison of a float operand (`test`), or all `otherwise` for integers and bools, as ufuncs.py's float tests. */
function floatTest(rt: JaxRuntime, name: string, a: PyValue, ctx: HostContext, numpy: boolean, otherwise: boolean, test: (v: Val) => Val): PyArray {
  const x = L.operand(rt, a, ctx);
  refuseComplex(name, x.v.dtype);
  if (!isFloat(x.v.dtype)) return allBool(rt, x, otherwise, numpy);
  return L.op(rt, () => L.wrap(rt, test(x.v), false, numpy));
}

const infinity = (v: Val, sign: 1 | -1): Scalar => new Scalar(sign * Infinity, v.dtype);

/** jnp.divmod: floats as JAX's _float_divmod (both from one rem); integers as floor_divide and remainder. */
function divmod(rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext, numpy: boolean): PyTuple {
  const x = L.operand(rt, a, ctx);
  const y = L.operand(rt, b, ctx);
  const d = L.resultDtype(rt, [x, y]);
  if (numpy || !isFloat(d)) return new PyTuple([L.floorDivMod(rt, '//', a, b, ctx), L.floorDivMod(rt, '%', a, b, ctx)]);
  const weak = x.weak && y.weak;
  const [quotient, mod] = rt.run(() => {
    const [q, m] = L.floatDivmod(rt, L.cast(rt, x.v, d), L.cast(rt, y.v, d));
    return [L.wrap(rt, q, weak, false), L.wrap(rt, m, weak, false)];
  }, (r) => r.map((p) => p.v));
  return new PyTuple([quotient, mod]);
}

const unaryFn = (name: string, f: (rt: JaxRuntime, a: PyValue, ctx: HostContext) => PyArray): Fn => (rt, args, kwargs, ctx) =>
  f(rt, L.arrayArgument(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx, false), ctx);

const roundFn = (name: string): Fn => (rt, args, kwargs, ctx) => {
  const a = bindArgs(name, ['a', 'decimals?', 'out?'], args, kwargs, ctx);
  if (a.opt('out') !== undefined && a.opt('out') !== null) throw pyError('NotImplementedError', `The 'out' argument to jnp.${name} is not supported.`);
  return round(rt, L.arrayArgument(rt, a.required('a'), ctx, false), a.int('decimals', 0), ctx);
};

const testFn = (name: string, otherwise: boolean, test: (rt: JaxRuntime, v: Val) => Val): Fn => (rt, args, kwargs, ctx, numpy) => {
  const x = L.arrayArgument(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx, numpy);
  return floatTest(rt, name, x, ctx, numpy, otherwise, (v) => test(rt, v));
};

/** jax.numpy's rounding functions and float tests (numpy's own are NUMPY_ONLY_FUNCTIONS, on the host). */
export const JNP_ROUNDING_FUNCTIONS: Readonly<Record<string, Fn>> = {
  ceil: unaryFn('ceil', ceil),
  trunc: unaryFn('trunc', trunc),
  fix: unaryFn('fix', fix),
  rint: unaryFn('rint', rint),
  round: roundFn('round'),
  around: roundFn('around'),
  isnan: (rt, args, kwargs, ctx) => {
    const x = L.operand(rt, L.arrayArgument(rt, bindArgs('isnan', ['x'], args, kwargs, ctx).required('x'), ctx, false), ctx);
    refuseComplex('isnan', x.v.dtype);
    // NB: lax.ne(x, x) on every dtype (ufuncs.isnan): false for integers, as NaN is the only value unequal to itself.
    return L.op(rt, () => L.wrap(rt, rt.o.ne(x.v, x.v), false, false));
  },
  isinf: testFn('isinf', false, (rt, v) => rt.o.eq(rt.o.abs(v), infinity(v, 1))),
  // NB: on floats JAX's ufuncs.isfinite binds lax.is_finite, which make_jaxpr prints as is_finite.
  isfinite: testFn('isfinite', true, (rt, v) => rt.o.bind('is_finite', [v], {})),
  isposinf: testFn('isposinf', false, (rt, v) => rt.o.eq(v, infinity(v, 1))),
  isneginf: testFn('isneginf', false, (rt, v) => rt.o.eq(v, infinity(v, -1))),
  divmod: (rt, args, kwargs, ctx, numpy) => {
    const a = bindArgs('divmod', ['x1', 'x2'], args, kwargs, ctx);
    return divmod(rt, L.arrayArgument(rt, a.required('x1'), ctx, numpy), L.arrayArgument(rt, a.required('x2'), ctx, numpy), ctx, numpy);
  },
};

/** lax.round, lax.ceil and lax.RoundingMethod (its members are ints: Python 3.11 prints an IntEnum as its value). */
export function laxRoundingAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const laxRound = pyFunction('round', (args, kwargs, ctx) => {
    const a = bindArgs('round', ['x', 'rounding_method?'], args, kwargs, ctx);
    const method = a.int('rounding_method', ROUNDING_METHODS.AWAY_FROM_ZERO);
    if (method !== ROUNDING_METHODS.AWAY_FROM_ZERO && method !== ROUNDING_METHODS.TO_NEAREST_EVEN) throw pyError('ValueError', `${method} is not a valid RoundingMethod`);
    const x = L.operand(rt, a.required('x'), ctx);
    if (!isFloat(x.v.dtype)) throw pyError('TypeError', `round does not accept dtype ${x.v.dtype}. Accepted dtypes are subtypes of floating.`);
    return L.op(rt, () => L.wrap(rt, roundBind(rt, x.v, method), x.weak, false));
  });
  const laxCeil = pyFunction('ceil', (args, kwargs, ctx) => {
    const x = L.operand(rt, bindArgs('ceil', ['x'], args, kwargs, ctx).required('x'), ctx);
    if (!isFloat(x.v.dtype)) throw pyError('TypeError', `ceil does not accept dtype ${x.v.dtype}. Accepted dtypes are subtypes of floating.`);
    return L.op(rt, () => L.wrap(rt, ceilBind(rt, x.v), x.weak, false));
  });
  const methods = createModule('jax.lax.RoundingMethod', {
    AWAY_FROM_ZERO: BigInt(ROUNDING_METHODS.AWAY_FROM_ZERO), TO_NEAREST_EVEN: BigInt(ROUNDING_METHODS.TO_NEAREST_EVEN),
  });
  return { round: laxRound, ceil: laxCeil, RoundingMethod: methods };
}
