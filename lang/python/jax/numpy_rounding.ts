/**
 * NumPy's rounding and floating-point tests, computed on the host in float64 so every value is
 * NumPy 1.24's: `round`/`around` (and `x.round()`, `round(x)`) as numpy/core/src/multiarray/
 * calculation.c rounds (multiply by 10**decimals, rint with ties to even, divide back), `floor`,
 * `ceil`, `trunc`, `rint`, `isnan`, `isinf`, `isfinite`. NumPy arrays only: a jax Array's
 * `round` is jnp.round (jnp_rounding.ts), which traces.
 */
import { isFloat, isInteger, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, type PyValue } from '../interpreter';
import { PyArray, type ArrayMethod, type JaxRuntime } from './array';
import { round as jnpRound } from './jnp_rounding';
import * as L from './lax';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const arr = (rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray => L.arrayArgument(rt, x, ctx, true);

/** C's rint in the default rounding mode: to the nearest integer, ties to even, the sign of zero kept. */
export function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `f` over every value of `x` on the host, into a new NumPy array of `dtype`. */
function hostMap(rt: JaxRuntime, x: PyArray, dtype: DType, f: (v: number) => number, ctx: HostContext): PyArray {
  const values = x.values(ctx, 'numpy');
  return L.op(rt, () => new PyArray(rt, rt.generate(x.shape, dtype, (i) => f(values[i]!)), false, true));
}

function refuseOut(kwargs: Kwargs, name: string): void {
  if (kwargs.has('out')) throw pyError('NotImplementedError', `numpy.${name}(..., out=...) is not supported by Gradlens: assign the result instead`);
}

/** The float dtype a float ufunc gives: a float array keeps its own, ints and bools become float64. */
const floatOf = (x: PyArray): DType => (isFloat(x.dtype) ? x.dtype : 'float64');

function roundArray(rt: JaxRuntime, x: PyArray, decimals: number, ctx: HostContext): PyArray {
  if (x.dtype === 'bool') throw pyError('TypeError', "ufunc 'rint' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''");
  // An integer array with decimals >= 0 is returned as it is (a copy), as NumPy does.
  if (isInteger(x.dtype) && decimals >= 0) return hostMap(rt, x, x.dtype, (v) => v, ctx);
  // NB: 10**decimals by repeated multiplication, as calculation.c's power_of_ten.
  let f = 1;
  for (let k = 0; k < Math.abs(decimals); k++) f *= 10;
  const at = decimals === 0 ? rint : decimals > 0 ? (v: number) => rint(v * f) / f : (v: number) => rint(v / f) * f;
  return hostMap(rt, x, x.dtype, at, ctx);
}

const roundFn = (name: string): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const a = bindArgs(name, ['a', 'decimals?', 'out?'], args, kwargs, ctx);
  return roundArray(rt, arr(rt, a.required('a'), ctx), a.int('decimals', 0), ctx);
};

const floatUnary = (name: string, f: (v: number) => number): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const x = arr(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx);
  // NB: NumPy 1.24's floor, ceil and trunc of an integer array are float64, as of every float ufunc.
  return hostMap(rt, x, floatOf(x), f, ctx);
};

const test = (name: string, f: (v: number) => boolean): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const x = arr(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx);
  return hostMap(rt, x, 'bool', (v) => (f(v) ? 1 : 0), ctx);
};

export const ROUNDING_FUNCTIONS: Readonly<Record<string, Fn>> = {
  round: roundFn('round'),
  around: roundFn('around'),
  round_: roundFn('round_'),
  rint: floatUnary('rint', rint),
  floor: floatUnary('floor', Math.floor),
  ceil: floatUnary('ceil', Math.ceil),
  trunc: floatUnary('trunc', Math.trunc),
  fix: floatUnary('fix', Math.trunc),
  isnan: test('isnan', Number.isNaN),
  isinf: test('isinf', (v) => v === Infinity || v === -Infinity),
  isfinite: test('isfinite', Number.isFinite),
};

export const ROUNDING_ARRAY_METHODS: Readonly<Record<string, ArrayMethod>> = {
  round: (self, args, kwargs, ctx) => {
    refuseOut(kwargs, 'ndarray.round');
    const decimals = bindArgs('round', ['decimals?', 'out?'], args, kwargs, ctx).int('decimals', 0);
    return self.numpy ? roundArray(self.rt, self, decimals, ctx) : jnpRound(self.rt, self, decimals, ctx);
  },
  // round(x) of a NumPy float is a Python int, ties to even; round(x, n) a NumPy float.
  __round__: (self, args, kwargs, ctx) => {
    const a = bindArgs('__round__', ['ndigits?'], args, kwargs, ctx);
    const nd = a.opt('ndigits');
    // NB: a jax Array's __round__ is jnp.round: round(x) is an Array, never a Python int.
    if (!self.numpy) return jnpRound(self.rt, self, nd === undefined || nd === null ? 0 : a.int('ndigits'), ctx);
    if (nd !== undefined && nd !== null) return roundArray(self.rt, self, a.int('ndigits'), ctx);
    if (self.shape.length !== 0) return roundArray(self.rt, self, 0, ctx);
    const v = self.values(ctx, 'numpy')[0]!;
    if (isInteger(self.dtype) || self.dtype === 'bool') return BigInt(v);
    if (Number.isNaN(v)) throw pyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
    return BigInt(rint(v));
  },
};
