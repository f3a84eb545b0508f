/**
 * `%`, `//`, `np.mod`/`np.remainder`/`np.floor_divide` and `np.fmod` of NumPy float arrays,
 * computed on the host value for value as NumPy 1.24's npy_divmod (npy_math_internal.h.src): the
 * remainder from C's fmod (exact), moved to the divisor's sign; the quotient (a - mod) / b floored
 * and rounded up where it sits past .5; a zero divisor gives fmod's NaN and a / b (±inf or NaN).
 * jax.numpy's floats keep their refusal (the engine has no float `rem` primitive).
 */
import { broadcastShapes, isFloat, isInteger, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

type Which = '//' | '%' | 'fmod';

/** C's fmod: the remainder of truncated division, exact (JavaScript's % on numbers is fmod). */
const fmod = (a: number, b: number): number => a % b;

/** npy_divmod's remainder (Python's float % as well): fmod's, moved to the divisor's sign; a zero keeps b's sign. */
function remainder(a: number, b: number): number {
  if (b === 0) return fmod(a, b);
  let mod = fmod(a, b);
  if (mod !== 0) {
    if ((b < 0) !== (mod < 0)) mod += b;
  } else {
    mod = b < 0 ? -0 : 0;
  }
  return mod;
}

/** npy_floor_divide: a / b for a zero divisor, else npy_divmod's quotient. */
function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  let mod = fmod(a, b);
  let div = (a - mod) / b;
  if (mod !== 0) {
    if ((b < 0) !== (mod < 0)) {
      mod += b;
      div -= 1;
    }
  }
  if (div === 0) {
    const q = a / b;
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

/** NumPy's fmod of integers: C's truncated remainder, 0 for a zero divisor (NumPy warns). */
const intFmod = (a: number, b: number): number => (b === 0 ? 0 : a % b);

const FLOAT_RULES: Record<Which, (a: number, b: number) => number> = { '//': floorDivide, '%': remainder, fmod };

/**
 * The result of `which` on two NumPy operands when it is computed on the host (a float result, or
 * fmod of any NumPy operands); null where the integer path of `L.floorDivMod` applies or an
 * operand is a jax array.
 */
export function numpyHostDivMod(rt: JaxRuntime, which: Which, a: PyValue, b: PyValue, ctx: HostContext): PyArray | null {
  const x = L.operand(rt, a, ctx);
  const y = L.operand(rt, b, ctx);
  if (!x.numpy || !y.numpy) return null;
  const dtype = L.resultDtype(rt, [x, y]);
  if (!isFloat(dtype) && which !== 'fmod') return null;
  const shape = broadcastShapes(x.v.shape, y.v.shape);
  if (!shape) return L.binary(rt, 'add', a, b, ctx);
  const values = (v: PyValue, d: DType): ArrayLike<number> => {
    const full = L.op(rt, () => L.wrap(rt, rt.o.broadcastTo(L.cast(rt, L.operand(rt, v, ctx).v, d), shape), false, true));
    return full.values(ctx, 'numpy');
  };
  const p = values(a, dtype);
  const q = values(b, dtype);
  const f = isInteger(dtype) || dtype === 'bool' ? intFmod : FLOAT_RULES[which];
  // NB: NumPy's fmod of booleans is int8; the shim's nearest integer dtype is int64.
  const out = dtype === 'bool' ? rt.intDtype(true) : dtype;
  return L.op(rt, () => new PyArray(rt, rt.generate(shape, out, (i) => f(p[i]!, q[i]!)), x.weak && y.weak, true));
}

export const FMOD_FUNCTIONS = {
  fmod: (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue => {
    if (kwargs.has('out')) throw pyError('NotImplementedError', 'numpy.fmod(..., out=...) is not supported by Gradlens: assign the result instead');
    const a = bindArgs('fmod', ['x1', 'x2'], args, kwargs, ctx);
    // NB: a Python scalar beside an array stays weak (np.fmod(float32 array, 1.1) is float32), as in NumPy.
    const scalar = (v: PyValue) => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
    const [p, q] = [a.required('x1'), a.required('x2')];
    const x = scalar(p) && !scalar(q) ? p : L.arrayArgument(rt, p, ctx, true);
    const y = scalar(q) ? q : L.arrayArgument(rt, q, ctx, true);
    // A jax array passed in computes as a NumPy one (NumPy's np.asarray).
    const asNumpy = (v: PyValue) => (v instanceof PyArray && !v.numpy ? L.arrayFromData(rt, v, undefined, ctx, true) : v);
    return numpyHostDivMod(rt, 'fmod', asNumpy(x), asNumpy(y), ctx)!;
  },
};
