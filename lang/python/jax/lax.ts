/**
 * Array-level operations shared by `jax.numpy`, `numpy` and the Array's methods: JAX's type
 * promotion with weak Python scalars, broadcasting, reductions, matmul and indexing, each as a
 * few primitives through the runtime (so the same code runs concretely or while tracing).
 */
import { ROUNDING_METHODS } from '../../../runtime/primitives';
import { broadcastShapes, complexOf, Int64RangeError, INT64_EXACT_LIMIT, intRange, isComplex, isFloat, isInexact, isInteger, isWrappingInt, promoteTypes, sizeOf, WRAPPING_INT, type DType } from '../../../runtime/core';
import { complexRefusal, flattenNested, PyComplex, pyError, type HostContext, HostObject, ELLIPSIS, PyList, PyRange, PySlice, PyTuple, type PyValue, sliceIndices, toIndex, typeName, warn } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { numpySum } from './numpy_pairwise';
import { numpyResultDtype } from './numpy_promotion';
import { takeViaSlice } from './index_slicing';
import { isTracer, Scalar, type Val } from './values';

export type Flavor = 'jax' | 'numpy';

/** An operand: its value, dtype, and whether it is weakly typed (a Python scalar, or made from one). */
export interface Operand {
  readonly v: Val;
  readonly weak: boolean;
  readonly numpy: boolean;
}

export function operand(rt: JaxRuntime, x: PyValue, ctx: HostContext): Operand {
  if (x instanceof PyArray) return { v: x.v, weak: x.weak, numpy: x.numpy };
  // NB: a Python scalar is neutral between jax and numpy: the array beside it decides.
  if (typeof x === 'boolean') return { v: new Scalar(x ? 1 : 0, 'bool'), weak: true, numpy: true };
  // NB: a Python int past int32 is an int64 literal (exact to 2**53), never an int32 one that would wrap.
  if (typeof x === 'bigint') return { v: new Scalar(Number(x), x >= -(2n ** 31n) && x < 2n ** 31n ? 'int32' : 'int64'), weak: true, numpy: true };
  if (typeof x === 'number') return { v: new Scalar(x, rt.floatDtype), weak: true, numpy: true };
  // NB: a Python complex is a weak complex64 (complex128 under x64); one with an imaginary part is a constant array (a Scalar holds one number).
  if (x instanceof PyComplex) {
    const d = complexOf(rt.floatDtype);
    return { v: x.im === 0 ? new Scalar(x.re, d) : rt.upload([x.re, x.im], [], d), weak: true, numpy: true };
  }
  if (x instanceof PyList || x instanceof PyTuple) {
    const a = arrayFromData(rt, x, undefined, ctx, false);
    return { v: a.v, weak: false, numpy: false };
  }
  throw pyError('TypeError', `unsupported operand type for a jax operation: '${typeName(x)}'`);
}

const kind = (d: DType) => (d === 'bool' ? 0 : isInteger(d) ? 1 : isComplex(d) ? 3 : 2);

/** JAX's promotion: a weak operand takes the other's dtype within its kind; across kinds the wider kind wins. */
export function resultDtype(rt: JaxRuntime, xs: readonly Operand[]): DType {
  // NB: NumPy values among themselves follow NumPy 1.24's value-based casting, not JAX's weak types.
  if (xs.every((x) => x.numpy) && xs.some((x) => !x.weak)) return numpyResultDtype(rt, xs);
  const strong = xs.filter((x) => !x.weak);
  const pick = (list: readonly Operand[]) => list.map((x) => x.v.dtype).reduce(promoteTypes);
  let d = strong.length === 0 ? pick(xs) : pick(strong);
  // NB: without x64 JAX's lattice forms no 64-bit type from narrower ones: uint32 with int32 is int32 (dtypes.py's u32 -> [i32, u64]).
  if (d === 'int64' && !rt.x64 && !xs.every((x) => x.numpy) && !xs.some((x) => x.v.dtype === 'int64')) d = 'int32';
  const widest = Math.max(...xs.map((x) => kind(x.v.dtype)));
  const numpy = xs.every((x) => x.numpy);
  // NB: an integer NumPy array meeting a Python float is float64, as NumPy's default float.
  if (widest > kind(d)) {
    d = widest === 3 ? complexOf(isFloat(d) ? d : rt.floatDtype) : widest === 2 ? (numpy ? 'float64' : rt.floatDtype) : rt.intDtype(numpy);
  }
  // NB: NumPy's shim holds real dtypes only.
  if (numpy && isComplex(d)) throw pyError('NotImplementedError', "complex NumPy arrays are not supported by Gradlens (jax.numpy's complex64 arrays are); carry real and imaginary parts as two real arrays");
  // A Python int past int32 (an int64 literal: see operand) never wraps into int32: NumPy 1.24 widens to int64, JAX refuses.
  const wide = xs.find((x) => x.weak && x.v instanceof Scalar && x.v.dtype === 'int64');
  if (d === 'int32' && wide) {
    if (!numpy) throw pyError('OverflowError', `Python int ${BigInt((wide.v as Scalar).value)} too large to convert to int32`);
    d = 'int64';
  }
  // NB: with jax_enable_x64 off, a NumPy float64 array entering a jax op computes in float32.
  if (!rt.x64 && !numpy && d === 'complex128') return 'complex64';
  return d === 'float64' && !rt.x64 && !numpy ? 'float32' : d;
}

export function cast(rt: JaxRuntime, v: Val, dtype: DType): Val {
  if (v.dtype === dtype) return v;
  if (v instanceof Scalar) return new Scalar(v.value, dtype);
  return rt.o.convert(v, dtype);
}

/**
 * The dtype a NumPy array's values take in jax (a transformation's argument, `jnp.asarray`): without
 * jax_enable_x64, float64 becomes float32 and int64 int32, as JAX's dtypes.canonicalize_dtype does.
 */
export function jaxDtypeOf(rt: JaxRuntime, d: DType): DType {
  if (d === 'float64') return rt.floatDtype;
  if (d === 'int64') return rt.intDtype(false);
  if (d === 'uint64' && !rt.x64) return 'uint32';
  return d;
}

export function wrap(rt: JaxRuntime, v: Val, weak: boolean, numpy: boolean): PyArray {
  return new PyArray(rt, rt.place(v), weak, numpy);
}

/** Runs an op whose result is one array, freeing its intermediates. */
export function op(rt: JaxRuntime, fn: () => PyArray): PyArray {
  return rt.run(fn, (r) => [r.v]);
}

type BinaryPrim = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min' | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';
const COMPARISONS = new Set<BinaryPrim>(['lt', 'le', 'gt', 'ge', 'eq', 'ne']);

export function binary(rt: JaxRuntime, prim: BinaryPrim, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const same = sameFloatNumpyValues(a, b);
    if (same) return wrap(rt, rt.o.bind(prim, same, {}), false, true);
    const x = operand(rt, a, ctx);
    const y = operand(rt, b, ctx);
    if (x.numpy && y.numpy) checkNumpyBroadcast([x, y]);
    let dtype = resultDtype(rt, [x, y]);
    const onBooleans = dtype === 'bool' ? BOOLEAN_ARITHMETIC[prim]?.(rt, a, b, x.numpy && y.numpy, ctx) : null;
    if (onBooleans) return onBooleans;
    // NB: NumPy's true division of integers is float64, jax's float32 (float64 with x64).
    if (prim === 'div' && !isInexact(dtype)) dtype = x.numpy && y.numpy ? 'float64' : rt.floatDtype;
    const out = rt.o.bind(prim, [cast(rt, x.v, dtype), cast(rt, y.v, dtype)], {});
    if (a instanceof PyArray && a.isScalar && b instanceof PyArray && b.isScalar) warnScalarOverflow(rt, prim, a, b, dtype, ctx);
    return wrap(rt, out, !COMPARISONS.has(prim) && x.weak && y.weak, x.numpy && y.numpy);
  });
}

const SCALAR_UFUNC: Partial<Record<BinaryPrim, { readonly name: string; readonly exact: (a: number, b: number) => number }>> = {
  add: { name: 'add', exact: (a, b) => a + b },
  sub: { name: 'subtract', exact: (a, b) => a - b },
  mul: { name: 'multiply', exact: (a, b) => a * b },
};

/**
 * NumPy's `RuntimeWarning: overflow encountered in scalar add` when arithmetic on two NumPy integer
 * scalars wraps (`np.uint8(250) + np.uint8(10)` is 4); arrays and 0-d arrays wrap silently, as there.
 */
function warnScalarOverflow(rt: JaxRuntime, prim: BinaryPrim, a: PyArray, b: PyArray, dtype: DType, ctx: HostContext): void {
  const ufunc = SCALAR_UFUNC[prim];
  if (!ufunc || !isWrappingInt(dtype)) return;
  const { min, max } = intRange(dtype);
  const exact = ufunc.exact(rt.read(a.v)[0]!, rt.read(b.v)[0]!);
  if (exact < min || exact > max) warn(ctx, `overflow encountered in scalar ${ufunc.name}`, 'RuntimeWarning');
}

/**
 * NumPy's everyday op, `a + b` on two float arrays of one dtype and one shape: the result has their
 * dtype (NumPy's promotion of equal dtypes, no scalar to weigh) and nothing broadcasts, so binary's
 * operand records, promotion and broadcast check, about a third of a small op's cost, are skipped.
 * Null where binary's general path decides (a Python scalar, jax arrays, mixed dtypes or shapes).
 * NB: called inside binary's op: reading a view's values may run ops, whose intermediates it frees.
 */
function sameFloatNumpyValues(a: PyValue, b: PyValue): readonly [Val, Val] | null {
  if (!(a instanceof PyArray) || !(b instanceof PyArray) || !a.numpy || !b.numpy || a.weak || b.weak) return null;
  const x = a.v;
  const y = b.v;
  if (x.dtype !== y.dtype || (x.dtype !== 'float64' && x.dtype !== 'float32')) return null;
  const sx = x.shape;
  const sy = y.shape;
  if (sx.length !== sy.length) return null;
  for (let i = 0; i < sx.length; i++) if (sx[i] !== sy[i]) return null;
  return [x, y];
}

/**
 * Arithmetic between booleans as NumPy's ufunc loops for `?` (and jax.numpy's add/multiply) define
 * it: `+` is logical or, `*` logical and, each a bool select; `-` is refused with NumPy's words.
 */
const BOOLEAN_ARITHMETIC: Partial<Record<BinaryPrim, (rt: JaxRuntime, a: PyValue, b: PyValue, numpy: boolean, ctx: HostContext) => PyArray | null>> = {
  add: (rt, a, b, _numpy, ctx) => where(rt, a, true, b, ctx),
  mul: (rt, a, b, _numpy, ctx) => where(rt, a, b, false, ctx),
  sub: (_rt, _a, _b, numpy) => {
    // NB: jax.numpy's lax.sub refuses bool in the primitive's own words.
    if (!numpy) return null;
    throw pyError('TypeError', 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
  },
};

/** The jnp function lax's check_same_dtypes names in its tip (jax/_src/lax/lax.py _JNP_FUNCTION_EQUIVALENTS), for the ops here. */
const JNP_EQUIVALENT: Readonly<Record<string, string>> = {
  add: 'add', sub: 'subtract', mul: 'multiply', div: 'divide', max: 'maximum', min: 'minimum', eq: 'equal', ne: 'not_equal',
  lt: 'less', le: 'less_equal', gt: 'greater', ge: 'greater_equal', select: 'where',
};

/**
 * lax's ops never promote (jax/_src/lax/lax.py check_same_dtypes): a Python int beside a float32
 * array is int32 against float32 and refused, where jnp's would promote. An operand's dtype is the
 * one it has in jax: a Python scalar's default, a NumPy array's canonical (float64 as float32).
 */
export function checkSameDtypes(rt: JaxRuntime, name: string, xs: readonly PyValue[], ctx: HostContext): void {
  const dtypes = xs.map((x) => {
    const o = operand(rt, x, ctx);
    return o.weak && o.v.dtype === 'int32' ? rt.intDtype(false) : o.numpy && x instanceof PyArray ? jaxDtypeOf(rt, o.v.dtype) : o.v.dtype;
  });
  if (dtypes.every((d) => d === dtypes[0])) return;
  const tip = JNP_EQUIVALENT[name] === undefined ? '' : ` (Tip: jnp.${JNP_EQUIVALENT[name]} is a similar function that does automatic type promotion on inputs).`;
  throw pyError('TypeError', `lax.${name} requires arguments to have the same dtypes, got ${dtypes.join(', ')}.${tip}`);
}

/**
 * `lax.clamp(min, x, max)`: the clamp primitive, with JAX's rules: each bound a scalar or of x's
 * shape, and one dtype for all three (no promotion: a Python int bound of a float x is refused).
 */
export function clamp(rt: JaxRuntime, lo: PyValue, x: PyValue, hi: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const [l, v, h] = [operand(rt, lo, ctx), operand(rt, x, ctx), operand(rt, hi, ctx)];
    const shape = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
    for (const [name, b] of [['min', l], ['max', h]] as const) {
      if (b.v.shape.length && (b.v.shape.length !== v.v.shape.length || b.v.shape.some((d, i) => d !== v.v.shape[i]))) {
        throw pyError('TypeError', `clamp requires ${name}.shape == operand.shape or ${name}.shape == (), got ${name}.shape=${shape(b.v.shape)}, operand.shape=${shape(v.v.shape)}.`);
      }
    }
    if (l.v.dtype !== v.v.dtype || h.v.dtype !== v.v.dtype) {
      throw pyError('TypeError', `lax.clamp requires arguments to have the same dtypes, got ${[l, v, h].map((b) => b.v.dtype).join(', ')}.`);
    }
    return wrap(rt, rt.o.bind('clamp', [l.v, v.v, h.v], {}), l.weak && v.weak && h.weak, v.numpy);
  });
}

/**
 * `x // y` and `x % y` on integer arrays, exactly: C division corrected toward minus infinity, the
 * remainder taking the divisor's sign (Python's rule, NumPy's and JAX's); a zero divisor gives 0
 * for both, as NumPy's does (it only warns). On jax float arrays `x % y` is jnp.remainder's
 * (floatRemainder) and `x // y` jnp.floor_divide's (floatDivmod's quotient).
 */
export function floorDivMod(rt: JaxRuntime, which: '//' | '%', a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const x = operand(rt, a, ctx);
    const y = operand(rt, b, ctx);
    const d = resultDtype(rt, [x, y]);
    if (which === '%' && isFloat(d) && !(x.numpy && y.numpy)) return floatRemainder(rt, cast(rt, x.v, d), cast(rt, y.v, d), x.weak && y.weak);
    if (which === '//' && isFloat(d) && !(x.numpy && y.numpy)) return wrap(rt, floatDivmod(rt, cast(rt, x.v, d), cast(rt, y.v, d))[0], x.weak && y.weak, false);
    if (!isInteger(d)) {
      throw pyError('NotImplementedError', `${which} on ${d} arrays is not supported by Gradlens (only on integer and float arrays); convert them with .astype(int) where that is what you mean`);
    }
    const o = rt.o;
    const [xv, yv] = [cast(rt, x.v, d), cast(rt, y.v, d)];
    const zero = new Scalar(0, d);
    const isZero = o.eq(yv, zero);
    const divisor = o.select(isZero, o.broadcastTo(new Scalar(1, d), yv.shape), yv);
    const q = o.div(xv, divisor);
    const r = o.sub(xv, o.mul(q, divisor));
    const adjust = o.mul(o.convert(o.ne(r, zero), d), o.convert(o.ne(o.lt(r, zero), o.lt(divisor, zero)), d));
    const result = which === '//' ? o.sub(q, adjust) : o.add(r, o.mul(adjust, divisor));
    return wrap(rt, o.select(isZero, o.broadcastTo(zero, result.shape), result), x.weak && y.weak, x.numpy && y.numpy);
  });
}

/**
 * jnp.remainder of floats as JAX writes it (ufuncs.py): lax.rem (fmod, the dividend's sign), plus
 * the divisor where that remainder is non-zero and its sign differs from the divisor's, so the
 * result takes the divisor's sign (Python's rule); a zero divisor gives NaN. Its gradient is
 * rem's: 1 for x, -trunc(x / y) for y, and y's share where the divisor was added.
 */
function floatRemainder(rt: JaxRuntime, x: Val, y: Val, weak: boolean): PyArray {
  const o = rt.o;
  const truncMod = o.bind('rem', [x, y], {});
  const zero = new Scalar(0, x.dtype);
  const nonzero = o.ne(truncMod, zero);
  const signsDiffer = o.ne(o.lt(truncMod, zero), o.lt(y, zero));
  const doPlus = o.bind('and', [signsDiffer, nonzero], {});
  return wrap(rt, o.select(doPlus, o.add(truncMod, y), truncMod), weak, false);
}

/**
 * jnp.divmod of floats as JAX's _float_divmod (ufuncs.py, CPython's float_divmod), with JAX
 * 0.10.2's fix for a zero divisor (the quotient is then x / 0: ±inf or NaN, as NumPy's): fmod's
 * remainder moved to the divisor's sign, and the quotient (x - mod) / y, one less where the
 * remainder moved, rounded (lax.round, ties away from zero) to the whole number it is within an
 * ulp of. Its gradients are zero for the quotient and rem's (plus y's share) for the remainder.
 */
export function floatDivmod(rt: JaxRuntime, x: Val, y: Val): [Val, Val] {
  const o = rt.o;
  const zero = new Scalar(0, x.dtype);
  const trunc = o.bind('rem', [x, y], {});
  const dividend = o.select(o.eq(y, zero), x, o.sub(x, trunc));
  const quotient = o.div(dividend, y);
  const nonzero = o.ne(trunc, zero);
  const moved = o.bind('and', [nonzero, o.ne(o.sign(y), o.sign(trunc))], {});
  const mod = o.select(moved, o.add(trunc, y), trunc);
  const floored = o.select(moved, o.sub(quotient, new Scalar(1, x.dtype)), quotient);
  return [o.bind('round', [floored], { roundingMethod: ROUNDING_METHODS.AWAY_FROM_ZERO }), mod];
}

/** jnp.fmod: lax.rem of the promoted operands (C's fmod, the dividend's sign); an integer zero divisor becomes 1, as in JAX. */
export function fmod(rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const x = operand(rt, a, ctx);
    const y = operand(rt, b, ctx);
    const d = resultDtype(rt, [x, y]);
    if (!isInteger(d) && !isFloat(d)) throw pyError('TypeError', `fmod does not accept dtype ${d}. Accepted dtypes are subtypes of integer, floating.`);
    const o = rt.o;
    let divisor = cast(rt, y.v, d);
    if (isInteger(d)) divisor = o.select(o.eq(divisor, new Scalar(0, d)), o.broadcastTo(new Scalar(1, d), divisor.shape), divisor);
    return wrap(rt, o.bind('rem', [cast(rt, x.v, d), divisor], {}), x.weak && y.weak, false);
  });
}

/** jnp.floor: lax.floor of a float array; an integer or boolean array is returned as it is, as JAX's. */
export function floor(rt: JaxRuntime, a: PyValue, ctx: HostContext): PyArray {
  const x = operand(rt, a, ctx);
  if (!isFloat(x.v.dtype)) return a instanceof PyArray ? a : asArray(rt, a, ctx);
  return op(rt, () => wrap(rt, rt.o.bind('floor', [x.v], {}), x.weak, false));
}

/** `x ** y`: a Python int exponent is `integer_pow`, as in JAX. */
/**
 * NumPy computes `mask ** mask`, `mask // mask`, `mask % mask` and `mask ** 2` (np.square's loop for
 * booleans) in int8, which Gradlens's NumPy arrays lack: refused rather than printed as int64.
 */
export function refuseBooleanInt8(opName: '**' | '//' | '%', a: PyValue, b: PyValue, ctx: HostContext): void {
  if (!(a instanceof PyArray && a.numpy && a.dtype === 'bool') && !(b instanceof PyArray && b.numpy && b.dtype === 'bool')) return;
  const isBool = (v: PyValue) => typeof v === 'boolean' || (v instanceof PyArray && v.dtype === 'bool');
  const squares = opName === '**' && a instanceof PyArray && a.dtype === 'bool' && (typeof b === 'bigint' || typeof b === 'number' || (b instanceof PyArray && b.shape.length === 0)) && Number(b instanceof PyArray ? b.float(ctx) : b) === 2;
  if (!(isBool(a) && isBool(b)) && !squares) return;
  const written = squares ? 'a boolean array ** 2' : `boolean ${opName} boolean`;
  throw pyError('NotImplementedError', `NumPy computes ${written} in int8, which Gradlens's NumPy arrays lack; convert the booleans first (mask.astype(int))`);
}

export function power(rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  if (a instanceof PyArray && typeof b === 'bigint' && Math.abs(Number(b)) < 2 ** 31) {
    return op(rt, () => wrap(rt, rt.o.integerPow(a.v, Number(b)), a.weak, a.numpy));
  }
  return binary(rt, 'pow', a, b, ctx);
}

type UnaryPrim = 'neg' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sin' | 'cos' | 'tan' | 'tanh' | 'logistic' | 'sqrt' | 'rsqrt' | 'cbrt' | 'abs' | 'sign';

export function unary(rt: JaxRuntime, prim: UnaryPrim, a: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const x = operand(rt, a, ctx);
    const floating = !['neg', 'abs', 'sign'].includes(prim);
    // NB: NumPy's ufuncs take integers to float64 (np.sqrt(np.arange(3))), jax.numpy's to the default float.
    const v = floating && !isInexact(x.v.dtype) ? cast(rt, x.v, x.numpy ? 'float64' : rt.floatDtype) : x.v;
    return wrap(rt, rt.o.bind(prim, [v], {}), x.weak, x.numpy);
  });
}

/**
 * `jnp.real`, `jnp.imag`, `jnp.conj` (and `x.real`, `x.imag`, `x.conj()`): lax's real, imag and
 * conj on a complex array; a real array's real part and conjugate are itself and its imaginary
 * part zeros of its dtype, with no equation, as jax.numpy's.
 */
export function complexPart(rt: JaxRuntime, which: 'real' | 'imag' | 'conj', a: PyValue, ctx: HostContext): PyArray {
  const x = operand(rt, a, ctx);
  if (!isComplex(x.v.dtype)) {
    if (which === 'imag') return op(rt, () => wrap(rt, rt.o.full(x.v.shape, 0, x.v.dtype), x.weak, x.numpy));
    return a instanceof PyArray ? a : asArray(rt, a, ctx);
  }
  return op(rt, () => wrap(rt, which === 'conj' ? rt.o.conj(x.v) : rt.o.bind(which, [x.v], {}), x.weak, x.numpy));
}

/** `lax.complex(x, y)`: x + iy from float parts of one dtype (jnp's promotion for Python scalars). */
export function makeComplex(rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const x = operand(rt, a, ctx);
    const y = operand(rt, b, ctx);
    const d = resultDtype(rt, [x, y]);
    if (!isFloat(d)) throw pyError('TypeError', `complex does not accept dtype ${d}. Accepted dtypes are subtypes of floating.`);
    return wrap(rt, rt.o.complex(cast(rt, x.v, d), cast(rt, y.v, d)), x.weak && y.weak, false);
  });
}

/** `jnp.angle(z)`: the argument of each element, atan2(imag, real), in the part dtype. */
export function angle(rt: JaxRuntime, a: PyValue, ctx: HostContext): PyArray {
  const x = operand(rt, a, ctx);
  if (isComplex(x.v.dtype)) {
    throw pyError('NotImplementedError', 'jnp.angle of a complex array is not supported by Gradlens yet (it has no atan2 primitive); jnp.log(z).imag gives the same angle');
  }
  return op(rt, () => {
    const v = isFloat(x.v.dtype) ? x.v : cast(rt, x.v, rt.floatDtype);
    const zero = new Scalar(0, v.dtype);
    // NB: the angle of a real number is 0 or pi (pi for negative numbers), as atan2(0, x).
    return wrap(rt, rt.o.select(rt.o.lt(v, zero), rt.o.broadcastTo(new Scalar(Math.PI, v.dtype), v.shape), rt.o.broadcastTo(zero, v.shape)), x.weak, x.numpy);
  });
}

/** A float array of `x`: JAX's promote_args_inexact for one argument (an integer or bool array becomes the default float). */
export function inexact(rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray {
  const a = x instanceof PyArray ? x : arrayFromData(rt, x, undefined, ctx, false);
  return a.dtype === 'float32' || a.dtype === 'float64' ? a : op(rt, () => wrap(rt, cast(rt, a.v, rt.floatDtype), a.weak, a.numpy));
}

export function asArray(rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray {
  if (x instanceof PyArray) return x;
  const o = operand(rt, x, ctx);
  return op(rt, () => wrap(rt, o.v, o.weak, false));
}

export function where(rt: JaxRuntime, c: PyValue, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const p = operand(rt, c, ctx);
    const x = operand(rt, a, ctx);
    const y = operand(rt, b, ctx);
    if (x.numpy && y.numpy) checkNumpyBroadcast([p, x, y]);
    else if (!broadcastShapes(p.v.shape, x.v.shape, y.v.shape)) {
      // jnp.where broadcasts its operands with lax.broadcast_shapes first (jax/_src/numpy/util.py _broadcast_arrays).
      throw pyError('ValueError', `Incompatible shapes for broadcasting: shapes=[${[p, x, y].map((o) => pyShape(o.v.shape)).join(', ')}]`);
    }
    const dtype = resultDtype(rt, [x, y]);
    return wrap(rt, rt.o.select(cast(rt, p.v, 'bool'), cast(rt, x.v, dtype), cast(rt, y.v, dtype)), x.weak && y.weak, x.numpy && y.numpy);
  });
}

/**
 * `jnp.where(c, x, y)` as util.py's `_where` binds it (JAX 0.4.35): a non-bool condition is
 * `ne c 0`; the condition (unless a scalar) and both operands are broadcast to one shape
 * (broadcast_in_dim) before `select_n`.
 */
export function jnpWhere(rt: JaxRuntime, c: PyValue, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const p = operand(rt, c, ctx);
    const x = operand(rt, a, ctx);
    const y = operand(rt, b, ctx);
    const shape = broadcastShapes(p.v.shape, x.v.shape, y.v.shape);
    if (!shape) throw pyError('ValueError', `Incompatible shapes for broadcasting: shapes=[${[p, x, y].map((o) => pyShape(o.v.shape)).join(', ')}]`);
    const pred = p.v.dtype === 'bool' ? p.v : rt.o.ne(p.v, new Scalar(0, p.v.dtype));
    const dtype = resultDtype(rt, [x, y]);
    // NB: in _broadcast_arrays' order: the condition, then x, then y.
    const scalarPred = pred.shape.length === 0;
    const p2 = scalarPred ? pred : rt.o.broadcastTo(pred, shape);
    const to = scalarPred ? broadcastShapes(x.v.shape, y.v.shape)! : shape;
    const x2 = rt.o.broadcastTo(cast(rt, x.v, dtype), to);
    const y2 = rt.o.broadcastTo(cast(rt, y.v, dtype), to);
    return wrap(rt, rt.o.select(p2, x2, y2), x.weak && y.weak, false);
  });
}

/** Axes from `axis=None | int | tuple`, normalized; all axes for None. */
export function axesOf(axis: PyValue | undefined, rank: number, ctx: HostContext): number[] {
  if (axis === undefined || axis === null) return [...Array(rank).keys()];
  const list = axis instanceof PyTuple || axis instanceof PyList ? axis.items : [axis];
  return list.map((a) => {
    const i = Number(toIndex(a, ctx));
    if (i < -rank || i >= rank) throw pyError('ValueError', `axis ${i} is out of bounds for array of dimension ${rank}`);
    return i < 0 ? i + rank : i;
  }).sort((p, q) => p - q);
}

export type Reduction = 'sum' | 'mean' | 'max' | 'min' | 'prod';

/**
 * A NumPy value's float sum over `axes` in NumPy's order (numpy_pairwise.ts), as a backend array;
 * null for a jax array or a traced value, which XLA's reductions order as they will.
 */
export function hostSum(rt: JaxRuntime, v: Val, shape: readonly number[], numpy: boolean, axes: readonly number[]): Val | null {
  if (!numpy || isTracer(v) || (v.dtype !== 'float64' && v.dtype !== 'float32')) return null;
  const sums = numpySum(rt.peek(v), shape, axes, v.dtype === 'float32');
  return rt.upload(sums, shape.filter((_, i) => !axes.includes(i)), v.dtype);
}

/**
 * The dtype a sum or product of `d` accumulates in: a bool or an integer narrower than 64 bits in
 * NumPy's int64 (uint64 for the unsigned ones: `uint8_image.sum()` is a np.uint64); in jax.numpy a
 * bool or an 8- or 16-bit integer in the default int (uint32 for the unsigned ones without x64, as
 * jnp.sum's _promote_integer_dtype); others in their own dtype.
 */
export function accumulator(rt: JaxRuntime, d: DType, numpy: boolean): DType {
  if (d === 'bool') return rt.intDtype(numpy);
  if (!isWrappingInt(d) || (d === 'uint32' && !numpy)) return numpy && d === 'int32' ? 'int64' : d;
  if (WRAPPING_INT[d].signed) return rt.intDtype(numpy);
  if (numpy) return 'uint64';
  // NB: jax.numpy's uint64 (x64) is not one Gradlens makes.
  if (rt.x64) throw pyError('NotImplementedError', `the sum or product of a ${d} array is a uint64 in JAX with x64, which Gradlens's jax arrays lack; write x.astype(jnp.int64).sum() (the same values, as int64)`);
  return 'uint32';
}

/** `x.sum(axis, dtype=...)` and the other reductions; `dtype` (sum, prod, mean) is the one they accumulate in. */
export function reduce(rt: JaxRuntime, kindName: Reduction, x: PyArray, axis: PyValue | undefined, keepdims: boolean, ctx: HostContext, dtype: DType | null = null): PyArray {
  return op(rt, () => {
    const shape = x.shape;
    const axes = axesOf(axis, shape.length, ctx);
    let v: Val = x.v;
    if (dtype !== null && kindName !== 'max' && kindName !== 'min') v = cast(rt, v, dtype);
    else if (kindName === 'sum' || kindName === 'prod') v = cast(rt, v, accumulator(rt, v.dtype, x.numpy));
    // NB: NumPy's mean of integers is float64, jax.numpy's the default float.
    if (kindName === 'mean' && !isInexact(v.dtype)) v = cast(rt, v, x.numpy ? 'float64' : rt.floatDtype);
    if ((kindName === 'max' || kindName === 'min') && axes.some((a) => shape[a] === 0)) {
      throw pyError('ValueError', `zero-size array to reduction operation ${kindName} which has no identity`);
    }
    let out: Val;
    const host = kindName === 'sum' || kindName === 'mean' ? hostSum(rt, v, shape, x.numpy, axes) : null;
    if (host) {
      out = kindName === 'mean' ? rt.o.div(host, new Scalar(axes.reduce((p, a) => p * shape[a], 1), v.dtype)) : host;
      if (keepdims) out = rt.o.reshape(out, shape.map((d, i) => (axes.includes(i) ? 1 : d)));
      return wrap(rt, out, x.weak, x.numpy);
    }
    switch (kindName) {
      case 'sum': out = rt.o.bind('reduce_sum', [v], { axes }); break;
      case 'mean': {
        const n = axes.reduce((p, a) => p * shape[a], 1);
        out = rt.o.div(rt.o.bind('reduce_sum', [v], { axes }), new Scalar(n, v.dtype));
        break;
      }
      case 'max': out = rt.o.reduceMax(v, axes); break;
      case 'min': out = rt.o.reduceMin(v, axes); break;
      case 'prod': out = rt.o.reduceProd(v, axes); break;
    }
    if (keepdims) out = rt.o.reshape(out, shape.map((d, i) => (axes.includes(i) ? 1 : d)));
    return wrap(rt, out, x.weak, x.numpy);
  });
}

export function argmax(rt: JaxRuntime, x: PyArray, axis: PyValue | undefined, ctx: HostContext, negate = false): PyArray {
  return op(rt, () => {
    let v: Val = negate ? rt.o.neg(x.v) : x.v;
    let ax: number;
    if (axis === undefined || axis === null) {
      v = rt.o.reshape(v, [sizeOf(x.shape)]);
      ax = 0;
    } else ax = axesOf(axis, x.shape.length, ctx)[0];
    // NB: NumPy's indices are int64 (intp), jax's int32 without x64.
    const indices = rt.o.argmax(v, ax);
    return wrap(rt, x.numpy ? cast(rt, indices, rt.intDtype(true)) : indices, false, x.numpy);
  });
}

/** `x.reshape(dims)`: NumPy reshapes a contiguous array into a view of it, anything else into a copy. */
export function reshape(rt: JaxRuntime, x: PyArray, dims: readonly number[]): PyArray {
  const out = reshaped(rt, x, dims);
  if (!x.numpy || x.traced || !x.contiguous) return out;
  const shape = out.shape;
  return out.viewOf(x, (p) => reshaped(rt, p, shape), (p, values) => reshaped(rt, values, p.shape), true);
}

/**
 * x's values in another shape, a view of nothing: for what an op only reads (a view of an array
 * would keep it until the view is let go: see PyArray.discard).
 */
export function reshaped(rt: JaxRuntime, x: PyArray, dims: readonly number[]): PyArray {
  const n = sizeOf(x.shape);
  const known = dims.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const shape = dims.map((d) => (d === -1 ? n / known : d));
  if (sizeOf(shape) !== n || !shape.every(Number.isInteger)) {
    throw pyError('TypeError', `cannot reshape array of shape (${x.shape.join(', ')}${x.shape.length === 1 ? ',' : ''}) (size ${n}) into shape (${dims.join(', ')}${dims.length === 1 ? ',' : ''})`);
  }
  return op(rt, () => wrap(rt, rt.o.reshape(x.v, shape), x.weak, x.numpy));
}

export function transpose(rt: JaxRuntime, x: PyArray, perm?: readonly number[]): PyArray {
  const p = (perm ?? x.shape.map((_, i) => x.shape.length - 1 - i)).map((a) => (a < 0 ? a + x.shape.length : a));
  const out = transposed(rt, x, p);
  if (!x.numpy || x.traced) return out;
  // A NumPy transpose is a view: what is written into it goes back through the inverse permutation.
  const inverse = p.map((_, i) => p.indexOf(i));
  return out.viewOf(x, (q) => transposed(rt, q, p), (_q, values) => transposed(rt, values, inverse), p.every((a, i) => a === i));
}

/** x's axes permuted, a view of nothing (see `reshaped`). */
function transposed(rt: JaxRuntime, x: PyArray, p: readonly number[]): PyArray {
  return op(rt, () => wrap(rt, rt.o.transpose(x.v, p), x.weak, x.numpy));
}

/** NumPy's name for matmul's gufunc core, in its errors. */
const MATMUL_SIGNATURE = '(n?,k),(k,m?)->(n?,m?)';

/**
 * `a @ b` as jnp.matmul computes it (jax/_src/numpy/tensor_contractions.py), for NumPy's arrays
 * too: a 1-d operand is a vector (no axis added or removed), batch dims broadcast (a 1 squeezed
 * away, a missing one taken from the other operand), then one dot_general over the shared batch
 * dims and a transpose into NumPy's order (batch, then a's rows, then b's columns). The errors are
 * the library's own: NumPy's gufunc words for NumPy arrays, JAX's for JAX arrays.
 */
export function matmul(rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const x = operand(rt, a, ctx);
    const y = operand(rt, b, ctx);
    const numpy = x.numpy && y.numpy;
    const dtype = resultDtype(rt, [x, y]);
    const xv = cast(rt, x.v, dtype);
    const yv = cast(rt, y.v, dtype);
    const [sa, sb] = [xv.shape, yv.shape];
    [sa, sb].forEach((s, i) => {
      if (s.length > 0) return;
      throw pyError('ValueError', numpy
        ? `matmul: Input operand ${i} does not have enough dimensions (has 0, gufunc core with signature ${MATMUL_SIGNATURE} requires 1)`
        : `matmul input operand ${i} must have ndim at least 1, but it has ndim 0`);
    });
    const aIsMat = sa.length > 1;
    const bIsMat = sb.length > 1;
    const k1 = sa.length - 1;
    const k2 = bIsMat ? sb.length - 2 : 0;
    if (numpy && sa[k1] !== sb[k2]) {
      throw pyError('ValueError', `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature ${MATMUL_SIGNATURE} (size ${sb[k2]} is different from ${sa[k1]})`);
    }
    const plan = matmulPlan(sa, sb);
    if (!plan) {
      throw pyError('ValueError', numpy ? numpyBatchMismatch(sa, sb) : `Incompatible shapes for matmul arguments: ${pyShape(sa)} and ${pyShape(sb)}`);
    }
    const xs = rt.o.squeeze(xv, plan.aSqueeze);
    const ys = rt.o.squeeze(yv, plan.bSqueeze);
    const c1 = xs.shape.length - 1;
    const c2 = ys.shape.length - (bIsMat ? 2 : 1);
    if (xs.shape[c1] !== ys.shape[c2]) {
      throw pyError('TypeError', `dot_general requires contracting dimensions to have the same shape, got (${xs.shape[c1]},) and (${ys.shape[c2]},).`);
    }
    const dn = { lhsContracting: [c1], rhsContracting: [c2], lhsBatch: plan.aBatch, rhsBatch: plan.bBatch };
    const out = rt.o.transpose(rt.o.dotGeneral(xs, ys, dn), plan.permutation(aIsMat, bIsMat));
    return wrap(rt, out, x.weak && y.weak, numpy);
  });
}

/**
 * jnp.matmul's plan over the batch dims (the loop in tensor_contractions.py's matmul): which
 * axes each operand squeezes, which are dot_general's batch dims, and the transpose that puts
 * dot_general's output (batch, a's other, b's other) in order; undefined where two batch dims
 * differ and neither is 1.
 */
function matmulPlan(sa: readonly number[], sb: readonly number[]) {
  const batchA: (number | undefined)[] = sa.length > 1 ? sa.slice(0, -2) : [];
  const batchB: (number | undefined)[] = sb.length > 1 ? sb.slice(0, -2) : [];
  const n = Math.max(batchA.length, batchB.length);
  const padA = [...Array<undefined>(n - batchA.length).fill(undefined), ...batchA];
  const padB = [...Array<undefined>(n - batchB.length).fill(undefined), ...batchB];
  const aSqueeze: number[] = [];
  const bSqueeze: number[] = [];
  const aBatch: number[] = [];
  const bBatch: number[] = [];
  const idxBatch: number[] = [];
  const idxAOther: number[] = [];
  const idxBOther: number[] = [];
  for (let i = 0; i < n; i++) {
    const [ba, bb] = [padA[i], padB[i]];
    if (ba === undefined) idxBOther.push(i);
    else if (bb === undefined) idxAOther.push(i);
    else if (ba === 1) {
      idxBOther.push(i);
      aSqueeze.push(idxBatch.length + idxAOther.length + aSqueeze.length);
    } else if (bb === 1) {
      idxAOther.push(i);
      bSqueeze.push(idxBatch.length + idxBOther.length + bSqueeze.length);
    } else if (ba === bb) {
      aBatch.push(idxBatch.length + idxAOther.length);
      bBatch.push(idxBatch.length + idxBOther.length);
      idxBatch.push(i);
    } else return undefined;
  }
  const permutation = (aIsMat: boolean, bIsMat: boolean): number[] => {
    const order = [...idxBatch, ...idxAOther, ...(aIsMat ? [n] : []), ...idxBOther, ...(bIsMat ? [n + (aIsMat ? 1 : 0)] : [])];
    // np.argsort of the desired output index of each of dot_general's output axes.
    return order.map((_, k) => k).sort((p, q) => order[p] - order[q]);
  };
  return { aSqueeze, bSqueeze, aBatch, bBatch, permutation };
}

/**
 * NumPy's words when matmul's batch dims do not broadcast: each operand's shape with its core
 * dims remapped to newaxis, and the core shape of the result (only operands of 3 or more
 * dimensions can disagree, so both have two core dims).
 */
function numpyBatchMismatch(sa: readonly number[], sb: readonly number[]): string {
  const tuple = (s: readonly (number | string)[]) => `(${s.join(',')})`;
  const remapped = (s: readonly number[]) => `${tuple(s)}->${tuple([...s.slice(0, -2), 'newaxis', 'newaxis'])}`;
  return `operands could not be broadcast together with remapped shapes [original->remapped]: ${remapped(sa)} ${remapped(sb)}  and requested shape ${tuple([sa[sa.length - 2], sb[sb.length - 1]])}`;
}

/** A shape as Python prints a tuple: `(2, 3)`, `(4,)`. */
function pyShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** NumPy's words for operands that do not broadcast: `operands could not be broadcast together with shapes (2,3) (4,) `. */
function checkNumpyBroadcast(operands: readonly Operand[]): void {
  const shapes = operands.map((o) => o.v.shape);
  if (broadcastShapes(...shapes)) return;
  throw pyError('ValueError', `operands could not be broadcast together with shapes ${shapes.map((s) => `(${s.join(',')}${s.length === 1 ? ',' : ''})`).join(' ')} `);
}

/**
 * `v[i0, i1, ...]` for integer arrays along `dims` (non-negative positions): the arrays broadcast
 * together, and each point of their shape picks one element of those axes. The result's shape is
 * the points' shape, then v's other axes in order.
 */
function gatherPoints(rt: JaxRuntime, v: Val, gathers: readonly { dim: number; idx: Val }[]): { v: Val; points: number[] } {
  const shapes = gathers.map((g) => g.idx.shape);
  const points = shapes.reduce<number[]>((acc, s) => {
    const b = broadcastShapes(acc, s);
    if (!b) throw pyError('IndexError', `shape mismatch: indexing arrays could not be broadcast together with shapes ${shapes.map((t) => `(${t.join(',')}${t.length === 1 ? ',' : ''})`).join(' ')}`);
    return b;
  }, []);
  const dims = gathers.map((g) => g.dim);
  const rest = [...Array(v.shape.length).keys()].filter((d) => !dims.includes(d));
  const t = rt.o.transpose(v, [...dims, ...rest]);
  const sizes = dims.map((d) => v.shape[d]);
  // One flat position into the indexed axes, row-major over them.
  let flat: Val | null = null;
  gathers.forEach((g, k) => {
    const idx = rt.o.broadcastTo(g.idx, points);
    flat = flat === null ? idx : rt.o.add(rt.o.mul(flat, new Scalar(sizes[k], 'int32')), idx);
  });
  const merged = rt.o.reshape(t, [sizes.reduce((p, d) => p * d, 1), ...rest.map((d) => v.shape[d])]);
  const picked = rt.o.gather(merged, rt.o.reshape(flat!, [points.reduce((p, d) => p * d, 1)]), 0);
  return { v: rt.o.reshape(picked, [...points, ...rest.map((d) => v.shape[d])]), points };
}

/** `x[index]`: ints, slices, None, Ellipsis, and integer arrays (gathers; several broadcast together, as NumPy's advanced indexing). */
export function getIndex(rt: JaxRuntime, x: PyArray, index: PyValue, ctx: HostContext): PyArray {
  return op(rt, () => {
    const items = index instanceof PyTuple ? index.items : [index];
    const rank = x.shape.length;
    const used = items.filter((i) => i !== null && i !== ELLIPSIS).length;
    if (used > rank) {
      throw pyError('IndexError', x.numpy ? `too many indices for array: array is ${rank}-dimensional, but ${used} were indexed`
        : `Too many indices: ${rank}-dimensional array indexed with ${used} regular ${used === 1 ? 'index' : 'indices'}.`);
    }
    if (!x.numpy) {
      const dynamic = items.find((it) => it instanceof PySlice && [it.start, it.stop, it.step].some((e) => e instanceof PyArray && isTracer(e.v) && !rt.knownValue(e.v)));
      if (dynamic instanceof PySlice) {
        const str = (e: PyValue) => (e === null ? 'None' : ctx.str(e));
        throw pyError('IndexError', `Array slice indices must have static start/stop/step to be used with NumPy indexing syntax. Found slice(${str(dynamic.start)}, ${str(dynamic.stop)}, ${str(dynamic.step)}). `
          + 'To index a statically sized array at a dynamic position, try lax.dynamic_slice/dynamic_update_slice (JAX does not support dynamically sized arrays within JIT compiled functions).');
      }
      const sliced = takeViaSlice(rt, x, items, ctx);
      if (sliced) return wrap(rt, sliced, x.weak, false);
    }
    let v: Val = x.v;
    let dim = 0;
    const start: number[] = [];
    const limit: number[] = [];
    const strides: number[] = [];
    const outShape: number[] = [];
    const gathers: { dim: number; idx: Val }[] = [];
    const expanded: PyValue[] = [];
    for (const it of items) {
      if (it === ELLIPSIS) for (let k = 0; k < rank - used; k++) expanded.push(new PySlice(null, null, null));
      else expanded.push(it);
    }
    while (expanded.filter((i) => i !== null).length < rank) expanded.push(new PySlice(null, null, null));
    const reversed: number[] = [];
    const intDims: number[] = [];
    for (const it of expanded) {
      if (it === null) {
        outShape.push(1);
        continue;
      }
      const n = x.shape[dim];
      if (it instanceof PySlice) {
        const s = sliceIndices(it, n, ctx);
        if (s.step > 0) {
          start.push(s.start); limit.push(s.count === 0 ? s.start : s.start + (s.count - 1) * s.step + 1); strides.push(s.step);
        } else {
          const first = s.start + (s.count - 1) * s.step;
          start.push(s.count === 0 ? 0 : first); limit.push(s.count === 0 ? 0 : s.start + 1); strides.push(-s.step);
          reversed.push(dim);
        }
        outShape.push(s.count);
      } else if (it instanceof PyArray || it instanceof PyList) {
        const idx = operand(rt, it, ctx).v;
        if (!isInteger(idx.dtype)) throw pyError('IndexError', 'only integer arrays are valid indices in Gradlens');
        // NB: gather takes int32 positions; an int64 one past 2**31 is out of bounds of any array anyway.
        gathers.push({ dim, idx: cast(rt, idx, 'int32') });
        start.push(0); limit.push(n); strides.push(1);
        outShape.push(-1 - gathers.length);
      } else {
        let i = Number(toIndex(it, ctx));
        // NB: jax.numpy clamps an index past the end into the axis (a gather's rule); NumPy raises.
        if (x.numpy || n === 0) {
          if (i < -n || i >= n) throw pyError('IndexError', `index ${i} is out of bounds for axis ${dim} with size ${n}`);
        }
        if (i < 0) i += n;
        i = Math.min(Math.max(i, 0), n - 1);
        start.push(i); limit.push(i + 1); strides.push(1);
        intDims.push(dim);
      }
      dim++;
    }
    const full = start.every((s, k) => s === 0 && limit[k] === x.shape[k] && strides[k] === 1);
    if (!full) v = rt.o.slice(v, start, limit, strides.every((s) => s === 1) ? null : strides);
    for (const d of reversed) {
      const n = v.shape[d];
      const ids = rt.upload(Array.from({ length: n }, (_, k) => n - 1 - k), [n], 'int32');
      v = rt.o.gather(v, ids, d);
    }
    const wrapped = (g: { dim: number; idx: Val }): Val => {
      const n = v.shape[g.dim];
      const normalized = rt.o.select(rt.o.lt(g.idx, new Scalar(0, 'int32')), rt.o.add(g.idx, new Scalar(n, 'int32')), g.idx);
      if (x.numpy || n === 0) return normalized;
      // jax.numpy's gather clamps each index into the axis, as XLA's does.
      return rt.o.bind('clamp', [new Scalar(0, 'int32'), normalized, new Scalar(n - 1, 'int32')], {});
    };
    // NumPy's rule: integer arrays (and ints beside them) standing together put the arrays' shape
    // where they stand; apart, first.
    const advanced = [...gathers.map((g) => g.dim), ...intDims].sort((p, q) => p - q);
    const adjacent = advanced.every((d, k) => k === 0 || d === advanced[k - 1] + 1);
    if (gathers.length === 1) {
      const g = gathers[0];
      v = rt.o.gather(v, wrapped(g), g.dim);
      const gshape = g.idx.shape;
      if (adjacent) return wrap(rt, rt.o.reshape(v, outShape.flatMap((d) => (d < -1 ? [...gshape] : [d]))), x.weak, x.numpy);
      const axes = [...Array(v.shape.length).keys()];
      const inner = axes.slice(g.dim, g.dim + gshape.length);
      v = rt.o.transpose(v, [...inner, ...axes.filter((d) => !inner.includes(d))]);
      return wrap(rt, rt.o.reshape(v, [...gshape, ...outShape.filter((d) => d >= 0)]), x.weak, x.numpy);
    }
    if (gathers.length > 1) {
      const got = gatherPoints(rt, v, gathers.map((g) => ({ dim: g.dim, idx: wrapped(g) })));
      v = got.v;
      const points = got.points;
      const dims = gathers.map((g) => g.dim);
      const at = outShape.indexOf(-2);
      const kept = (part: number[]) => part.filter((d) => d >= 0);
      if (adjacent && dims[0] > 0) {
        // gatherPoints put the points first: the axes before the arrays go back in front of them.
        const axes = [...Array(v.shape.length).keys()];
        v = rt.o.transpose(v, [...axes.slice(points.length, points.length + dims[0]), ...axes.slice(0, points.length), ...axes.slice(points.length + dims[0])]);
      }
      const final = adjacent ? [...kept(outShape.slice(0, at)), ...points, ...kept(outShape.slice(at))] : [...points, ...kept(outShape)];
      return wrap(rt, rt.o.reshape(v, final), x.weak, x.numpy);
    }
    if (!expanded.includes(null)) return wrap(rt, rt.o.squeeze(v, intDims), x.weak, x.numpy);
    return wrap(rt, rt.o.reshape(v, outShape), x.weak, x.numpy);
  });
}

/**
 * An array argument of a numpy/jnp function: an array as it is, Python data converted as
 * `jnp.array`/`np.array` would; a Python complex only for jnp (NumPy's arrays have no complex dtype here).
 */
export function arrayArgument(rt: JaxRuntime, x: PyValue, ctx: HostContext, numpy: boolean): PyArray {
  // NB: a NumPy array entering a jax.numpy function is a jax array of its canonical dtype (float64 as float32 without x64), as JAX's asarray makes it.
  if (x instanceof PyArray) return !numpy && x.numpy ? arrayFromData(rt, x, undefined, ctx, false) : x;
  if (!numpy && (x instanceof PyList || x instanceof PyTuple)) throw notArraylike(rt, x);
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyList || x instanceof PyTuple) return arrayFromData(rt, x, undefined, ctx, numpy);
  if (x instanceof PyComplex) return numpy ? complexRefusal(ctx) : arrayFromData(rt, x, undefined, ctx, numpy);
  // NB: NumPy reads a range as the sequence of its ints (np.mean(range(10))); jax.numpy refuses it, as JAX's _check_arraylike does.
  if (numpy && x instanceof PyRange) return arrayFromData(rt, x, undefined, ctx, numpy);
  throw pyError('TypeError', `expected an array, got ${typeName(x)}`);
}

/**
 * jax.numpy's refusal of a list or tuple where an array goes (jax/_src/numpy/util.py
 * check_arraylike: only jnp.array and jnp.asarray read nested sequences). The position is the
 * argument's among those the function checks, which is its place among the ones passed, or inside
 * the sequence of arrays jnp.stack and jnp.concatenate check one by one.
 */
function notArraylike(rt: JaxRuntime, x: PyList | PyTuple): Error {
  const call = rt.jnpCall;
  const passed = call ? [...call.args, ...call.kwargs.values()] : [];
  let pos = passed.indexOf(x);
  if (pos < 0) pos = Math.max(0, ...passed.map((a) => (a instanceof PyList || a instanceof PyTuple ? a.items.indexOf(x) : -1)));
  return pyError('TypeError', `${call?.name ?? 'jax.numpy'} requires ndarray or scalar arguments, got <class '${x instanceof PyList ? 'list' : 'tuple'}'> at position ${pos}.`);
}

/** `jnp.array(data, dtype)`: nested lists, scalars or arrays; Python floats become float32 (float64 for NumPy, and for jax with x64). */
export function arrayFromData(rt: JaxRuntime, data: PyValue, dtype: DType | undefined, ctx: HostContext, numpy: boolean): PyArray {
  if (data instanceof PyArray) {
    if (numpy && isComplex(data.dtype)) throw complexLeaves(data.dtype);
    // NB: with jax_enable_x64 off, a float64 (int64) NumPy array becomes float32 (int32) when it enters jax.
    const d = dtype ?? (!numpy && data.numpy && jaxDtypeOf(rt, data.dtype) !== data.dtype ? jaxDtypeOf(rt, data.dtype) : undefined);
    return op(rt, () => wrap(rt, d ? cast(rt, data.v, d) : data.v, d ? false : data.weak, numpy));
  }
  // Another library's array (a torch tensor): copied with its dtype (jax without x64 makes int64 int32, float64 float32).
  const other = data instanceof HostObject ? data.arrayData(ctx) : undefined;
  if (other) {
    const d = dtype ?? (other.dtype === 'int64' ? rt.intDtype(numpy) : !numpy && !rt.x64 && other.dtype === 'float64' ? 'float32' : other.dtype);
    checkInts(other.values, d, numpy);
    return op(rt, () => new PyArray(rt, rt.upload(other.values, other.shape, d), false, numpy));
  }
  if ((data instanceof PyList || data instanceof PyTuple) && holdsArray(data)) return stackItems(rt, data.items, dtype, ctx, numpy);
  const staging = rt.stagingTrace();
  if (staging && (typeof data === 'number' || typeof data === 'bigint' || typeof data === 'boolean')) {
    // NB: under jit a Python scalar enters as a literal, as JAX inlines scalar constants.
    const d = dtype ?? (typeof data === 'boolean' ? 'bool' : typeof data === 'bigint' ? rt.intDtype(numpy) : numpy ? 'float64' : rt.floatDtype);
    checkInts([Number(data)], d, numpy);
    return new PyArray(rt, staging.scalar(typeof data === 'boolean' ? (data ? 1 : 0) : Number(data), d), dtype === undefined && !numpy, numpy);
  }
  if (holdsComplex(data) || (dtype !== undefined && isComplex(dtype))) return complexFromData(rt, data, dtype, ctx, numpy);
  const nested = flattenNested(data, ctx);
  const dflt: DType = nested.kind === 'bool' ? 'bool' : nested.kind === 'int' ? rt.intDtype(numpy) : numpy ? 'float64' : rt.floatDtype;
  const d = dtype ?? dflt;
  checkInts(nested.data, d, numpy);
  // Python scalars stay weakly typed, as `jnp.array(2.0)` does.
  const weak = dtype === undefined && !numpy && nested.shape.length === 0 && typeof data !== 'object';
  return op(rt, () => new PyArray(rt, rt.upload(nested.data, nested.shape, d), weak, numpy));
}

/** NumPy's shim holds real dtypes only: a jax complex array that would become a NumPy one is refused. */
export const complexLeaves = (dtype: DType) => pyError('NotImplementedError',
  `a ${dtype} array cannot leave jax in Gradlens (NumPy's and PyTorch's shims hold real dtypes only); pass jnp.real(x) and jnp.imag(x)`);

const holdsComplex = (x: PyValue): boolean =>
  x instanceof PyComplex || ((x instanceof PyList || x instanceof PyTuple) && x.items.some(holdsComplex));

/** One part of nested data with Python complex numbers in it: their real or imaginary parts, a real number's imaginary part 0. */
function partOf(x: PyValue, imag: boolean): PyValue {
  if (x instanceof PyComplex) return imag ? x.im : x.re;
  if (x instanceof PyList) return new PyList(x.items.map((i) => partOf(i, imag)));
  if (x instanceof PyTuple) return new PyTuple(x.items.map((i) => partOf(i, imag)));
  return imag && (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean') ? 0 : x;
}

/** `jnp.array([1+2j, 3j])`: complex64 (complex128 under x64), each element's parts one after the other. */
function complexFromData(rt: JaxRuntime, data: PyValue, dtype: DType | undefined, ctx: HostContext, numpy: boolean): PyArray {
  if (numpy) complexRefusal(ctx);
  const d = dtype ?? complexOf(rt.floatDtype);
  if (!isComplex(d)) throw pyError('TypeError', `cannot put complex values into a ${d} array without dropping their imaginary parts; take their real parts first`);
  const [re, im] = [false, true].map((imag) => flattenNested(partOf(data, imag), ctx));
  const words = re.data.flatMap((r, i) => [r, im.data[i]]);
  const weak = dtype === undefined && (data instanceof PyComplex || typeof data !== 'object');
  return op(rt, () => new PyArray(rt, rt.upload(words, re.shape, d), weak, numpy));
}

const holdsArray = (x: PyValue): boolean =>
  x instanceof PyArray || ((x instanceof PyList || x instanceof PyTuple) && x.items.some(holdsArray));

/**
 * `np.array([a, b, ...])`/`jnp.array(...)` over items that hold arrays: each item an array, stacked
 * along a new first axis in the dtype the items promote to (NumPy's: an int64 scalar array stays
 * int64; jax's: weak Python scalars yield), gradients flowing through traced ones.
 */
function stackItems(rt: JaxRuntime, items: readonly PyValue[], dtype: DType | undefined, ctx: HostContext, numpy: boolean): PyArray {
  const arrays = items.map((it) => arrayFromData(rt, it, dtype, ctx, numpy));
  const shape = arrays[0].shape.join(',');
  if (arrays.some((a) => a.shape.join(',') !== shape)) throw raggedItems(arrays.map((a) => a.shape), numpy);
  return op(rt, () => {
    const d = dtype ?? resultDtype(rt, arrays.map((a) => ({ v: a.v, weak: a.weak, numpy: a.numpy })));
    if (numpy) return wrap(rt, rt.o.concatenate(arrays.map((a) => rt.o.expandDims(cast(rt, a.v, d), [0])), 0), false, numpy);
    // As JAX 0.4.35's jnp.array binds it, stack([asarray(item, dtype) ...]): every item in the dtype
    // first (a weakly typed tracer is converted even where the dtype is the same: it becomes strong),
    // then each expanded, then concatenated sixteen at a time while more than one remain.
    const items = arrays.map((a) => (a.weak && isTracer(a.v) ? rt.o.bind('convert_element_type', [a.v], { newDtype: d }) : cast(rt, a.v, d)));
    let rows = items.map((v) => rt.o.expandDims(v, [0]));
    while (rows.length > 16) rows = Array.from({ length: Math.ceil(rows.length / 16) }, (_, i) => rt.o.concatenate(rows.slice(16 * i, 16 * i + 16), 0));
    return wrap(rt, rt.o.concatenate(rows, 0), false, numpy);
  });
}

/** The error for items of different shapes: NumPy 1.24's (where the shapes part), or jnp.stack's, which jnp.array calls. */
function raggedItems(shapes: readonly (readonly number[])[], numpy: boolean) {
  if (!numpy) return pyError('ValueError', 'All input arrays must have the same shape.');
  let common = 0;
  while (shapes.every((s) => common < s.length && s[common] === shapes[0]![common])) common++;
  const detected = [shapes.length, ...shapes[0]!.slice(0, common)];
  return pyError('ValueError', `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${detected.length} dimensions. The detected shape was (${detected.join(', ')}${detected.length === 1 ? ',' : ''}) + inhomogeneous part.`);
}

/**
 * Integers an integer array cannot hold are refused, never wrapped: past int32 as JAX (without
 * x64) and NumPy (for dtype=int32) refuse them, past int64 as NumPy does, and past 2**53, where
 * Gradlens's int64 stops being exact (runtime/core/dtype.ts), with Gradlens's own error.
 */
function checkInts(values: ArrayLike<number>, dtype: DType, numpy: boolean): void {
  if (!isInteger(dtype)) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= -(2 ** 31) && v < 2 ** 31) continue;
    if (!Number.isFinite(v)) continue;
    const n = BigInt(Math.trunc(v));
    if (dtype === 'int32') throw pyError('OverflowError', numpy ? `Python integer ${n} out of bounds for int32` : `Python int ${n} too large to convert to int32`);
    if (v >= 2 ** 63 || v < -(2 ** 63)) throw pyError('OverflowError', 'Python int too large to convert to C long');
    if (Math.abs(v) >= INT64_EXACT_LIMIT) throw pyError('OverflowError', new Int64RangeError(v).message);
  }
}
