/**
 * Elementwise math PyTorch has beyond the runtime's primitives: the inverse and hyperbolic
 * trigonometric functions, atan2, exp2, sinc, hypot, logit, fmod, copysign, heaviside, sgn,
 * nan_to_num, fmax/fmin, clamp_min/clamp_max; and the tests: isclose, allclose, equal, isinf,
 * isfinite, isposinf, isneginf, the logical ops (the bitwise ones are bitwise.ts).
 * NB: libm's float32 functions (PyTorch calls them) are within an ulp of the true value; here a
 * float32 operand is widened to float64, the function composed there, and the result rounded
 * once, which gives the correctly rounded value nearly always and so PyTorch's printed digits.
 */
import type { Tensor } from '../../../runtime/eager';
import { atan2Of, atanOf, type Ops } from '../../../runtime/ops';
import { bindArgs, type Args, pyError, type HostContext, type PyValue, toFloat } from '../interpreter';
import { asTensor, broadcastShape, checkBroadcast, compareOp } from './arith';
import { clampByTensors } from './clamp_tensors';
import { SCALAR_TYPE, isFloating, type TorchDTypeName } from './dtype';
import { followOperands, PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

type Formula = (o: Ops<Tensor>, x: Tensor) => Tensor;

/** The float dtype of a unary float op's result: integers and bools give float32. */
const floatOf = (d: TorchDTypeName): TorchDTypeName => (isFloating(d) ? d : 'float32');

/** f of x composed in float64 and rounded once to x's float dtype, under PyTorch's node name. */
function widened(x: PyTensor, name: string, f: Formula): PyTensor {
  const rt = x.rt;
  const dtype = floatOf(x.dtype);
  return rt.run(() => {
    const t = rt.convert(x.t, dtype);
    const out = rt.engine.composite(name, () => rt.ops.convert(f(rt.ops, rt.ops.convert(t, 'float64')), t.dtype));
    return rt.wrap(out, dtype);
  });
}

const half = (o: Ops<Tensor>, v: Tensor) => o.mul(v, o.scalarLike(0.5, v));
const sinh: Formula = (o, x) => half(o, o.sub(o.expm1(x), o.expm1(o.neg(x))));
const cosh: Formula = (o, x) => half(o, o.add(o.exp(x), o.exp(o.neg(x))));
/** sign(x) log1p(|x| + x^2 / (1 + sqrt(1 + x^2))): no cancellation near 0. */
const asinh: Formula = (o, x) => {
  // NB: |x| by a select: abs's derivative at 0 is 0, asinh's 1.
  const a = o.select(o.lt(x, o.scalarLike(0, x)), o.neg(x), x);
  const one = o.scalarLike(1, x);
  const sq = o.mul(a, a);
  const m = o.log1p(o.add(a, o.div(sq, o.add(one, o.sqrt(o.add(one, sq))))));
  return o.select(o.lt(x, o.scalarLike(0, x)), o.neg(m), m);
};
/** log1p((x - 1) + sqrt((x - 1)(x + 1))); NaN below 1, as the square root of a negative. */
const acosh: Formula = (o, x) => {
  const one = o.scalarLike(1, x);
  const d = o.sub(x, one);
  return o.log1p(o.add(d, o.sqrt(o.mul(d, o.add(x, one)))));
};
/** log1p(2x / (1 - x)) / 2. */
const atanh: Formula = (o, x) => half(o, o.log1p(o.div(o.mul(x, o.scalarLike(2, x)), o.sub(o.scalarLike(1, x), x))));
/** atan(x / sqrt((1 - x)(1 + x))): sqrt of 0 at |x| = 1 gives atan(inf) = pi/2. */
const asin: Formula = (o, x) => {
  const one = o.scalarLike(1, x);
  return atanOf(o, o.div(x, o.sqrt(o.mul(o.sub(one, x), o.add(one, x)))));
};
/** 2 atan(sqrt((1 - x) / (1 + x))). */
const acos: Formula = (o, x) => {
  const one = o.scalarLike(1, x);
  return o.mul(o.scalarLike(2, x), atanOf(o, o.sqrt(o.div(o.sub(one, x), o.add(one, x)))));
};
const exp2: Formula = (o, x) => o.pow(o.full(o.shape(x), 2, o.dtype(x)), x);

const TRIG: Readonly<Record<string, readonly [string, Formula]>> = {
  sinh: ['SinhBackward0', sinh],
  cosh: ['CoshBackward0', cosh],
  asinh: ['AsinhBackward0', asinh],
  acosh: ['AcoshBackward0', acosh],
  atanh: ['AtanhBackward0', atanh],
  asin: ['AsinBackward0', asin],
  acos: ['AcosBackward0', acos],
  atan: ['AtanBackward0', (o, x) => atanOf(o, x)],
  exp2: ['Exp2Backward0', exp2],
};

/** NumPy's names for them (`torch.arcsin`), the same ops. */
const ALIASES: Readonly<Record<string, string>> = {
  arcsinh: 'asinh', arccosh: 'acosh', arctanh: 'atanh', arcsin: 'asin', arccos: 'acos', arctan: 'atan',
};

/** Two operands broadcast to one float shape (integers as float32), for the binary functions. */
function floatPair(rt: TorchRuntime, x: PyTensor, y: PyTensor): [Tensor, Tensor, TorchDTypeName] {
  checkBroadcast(x.shape, y.shape);
  const [u, v] = rt.torch.coerce(x.t, y.t);
  const dtype = floatOf(u.dtype as TorchDTypeName);
  const shape = broadcastShape(x.shape, y.shape);
  return [rt.ops.broadcastTo(rt.convert(u, dtype), shape), rt.ops.broadcastTo(rt.convert(v, dtype), shape), dtype];
}

/** Two operands detached and broadcast to one shape: those of a test, or of a function with no gradient. */
function detachedPair(rt: TorchRuntime, x: PyTensor, y: PyTensor): [Tensor, Tensor] {
  checkBroadcast(x.shape, y.shape);
  const shape = broadcastShape(x.shape, y.shape);
  return [rt.ops.broadcastTo(x.t.detach(), shape), rt.ops.broadcastTo(y.t.detach(), shape)];
}

function binaryWidened(x: PyTensor, y: PyTensor, name: string, f: (o: Ops<Tensor>, a: Tensor, b: Tensor) => Tensor): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const [u, v, dtype] = floatPair(rt, x, y);
    const out = rt.engine.composite(name, () => rt.ops.convert(f(rt.ops, rt.ops.convert(u, 'float64'), rt.ops.convert(v, 'float64')), u.dtype));
    return rt.wrap(out, dtype);
  });
}

const hypot = (o: Ops<Tensor>, a: Tensor, b: Tensor) => o.sqrt(o.add(o.mul(a, a), o.mul(b, b)));

/** PyTorch's sinc kernel in the operand's dtype: sin(pi x) / (pi x), 1 at 0 (with derivative 0 there). */
function sinc(x: PyTensor): PyTensor {
  const rt = x.rt;
  const dtype = floatOf(x.dtype);
  const o = rt.ops;
  return rt.run(() => {
    const t = rt.convert(x.t, dtype);
    const out = rt.engine.composite('SincBackward0', () => {
      const zero = o.eq(t, o.scalarLike(0, t));
      const product = o.mul(o.select(zero, o.onesLike(t), t), o.scalarLike(Math.PI, t));
      return o.select(zero, o.onesLike(t), o.div(o.sin(product), product));
    });
    return rt.wrap(out, dtype);
  });
}

/** logit in the operand's dtype: the runtime's primitive, PyTorch's kernel and its backward formula. */
function logit(x: PyTensor, eps: number | null): PyTensor {
  const rt = x.rt;
  const dtype = floatOf(x.dtype);
  return rt.run(() => rt.wrap(rt.ops.bind('logit', [rt.convert(x.t, dtype)], { eps }), dtype));
}

/** C's fmod (the sign of the dividend), lax.rem; an integer divisor of 0 is PyTorch's ZeroDivisionError. */
function fmod(x: PyTensor, other: PyValue, ctx: HostContext): PyTensor {
  const rt = x.rt;
  const scalar = !(other instanceof PyTensor);
  const y = asTensor(rt, other, ctx, 'other');
  checkBroadcast(x.shape, y.shape);
  return rt.run(() => {
    // A Python float meeting an integer tensor makes a float32 result, as in arithmetic.
    const self = typeof other === 'number' && !isFloating(x.dtype) ? rt.convert(x.t, 'float32') : x.t;
    const [u, v] = scalar ? rt.torch.coerce(self, toFloat(other, ctx)) : rt.torch.coerce(self, y.t);
    const shape = broadcastShape(x.shape, y.shape);
    const [a, b] = [rt.ops.broadcastTo(u, shape), rt.ops.broadcastTo(v, shape)];
    if (!isFloating(a.dtype as TorchDTypeName) && Array.from(rt.ops.eq(b, rt.ops.zerosLike(b)).dataSync()).some((z) => z !== 0)) {
      throw pyError('RuntimeError', 'ZeroDivisionError');
    }
    const out = rt.engine.composite(scalar ? 'FmodBackward0' : 'FmodBackward1', () => rt.ops.bind('rem', [a, b], {}));
    return rt.result(out, scalar ? [x] : [x, y]);
  });
}

/** |x| with the sign bit of other (-0 included); integers give float32, as PyTorch's. */
function copysign(x: PyTensor, other: PyValue, ctx: HostContext): PyTensor {
  const rt = x.rt;
  const scalar = !(other instanceof PyTensor);
  const y = asTensor(rt, other, ctx, 'other');
  const o = rt.ops;
  return rt.run(() => {
    const [a, b, dtype] = floatPair(rt, x, y);
    const out = rt.engine.composite(scalar ? 'CopysignBackward1' : 'CopysignBackward0', () => {
      const zero = o.scalarLike(0, b);
      const negative = o.select(o.eq(b, zero), o.lt(o.div(o.onesLike(b), b), zero), o.lt(b, zero));
      const m = o.abs(a);
      return o.select(negative, o.neg(m), m);
    });
    return rt.wrap(out, dtype);
  });
}

function heaviside(x: PyTensor, values: PyTensor): PyTensor {
  if (x.dtype !== values.dtype) throw pyError('RuntimeError', 'heaviside is not yet implemented for tensors with different dtypes.');
  const rt = x.rt;
  const o = rt.ops;
  return rt.run(() => {
    const [t, v] = detachedPair(rt, x, values);
    const zero = o.zerosLike(t);
    const work = t.dtype === 'bool' ? o.convert(t, 'int32') : t;
    const out = T.select(rt, o.eq(work, o.zerosLike(work)), v, T.select(rt, o.gt(work, o.zerosLike(work)), o.convert(o.onesLike(work), t.dtype), zero));
    return rt.wrap(out, x.dtype);
  });
}

/** NaN, +inf and -inf replaced (by 0 and the dtype's largest and lowest finite values unless given); the gradient passes where x is finite. */
function nanToNum(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  if (!isFloating(x.dtype)) return T.clone(x);
  const rt = x.rt;
  const o = rt.ops;
  const max = x.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const nan = optFloat(a, 'nan', ctx) ?? 0;
  const posinf = optFloat(a, 'posinf', ctx) ?? max;
  const neginf = optFloat(a, 'neginf', ctx) ?? -max;
  return rt.run(() => {
    const t = x.t;
    const out = rt.engine.composite('NanToNumBackward0', () => {
      const fill = (v: number) => o.full(t.shape, v, t.dtype);
      const inf = o.scalarLike(Infinity, t);
      return o.select(o.ne(t, t), fill(nan), o.select(o.eq(t, inf), fill(posinf), o.select(o.eq(t, o.neg(inf)), fill(neginf), t)));
    });
    return rt.wrap(out, x.dtype);
  });
}

function optFloat(a: Args, name: string, ctx: HostContext): number | null {
  const v = a.opt(name);
  return v === undefined ? null : toFloat(v, ctx);
}

/** fmax/fmin: NaN only where both are; at a tie (or where other is NaN) self takes the whole gradient, as PyTorch's FmaxBackward0. */
function fExtreme(x: PyTensor, y: PyTensor, which: 'max' | 'min'): PyTensor {
  const rt = x.rt;
  const o = rt.ops;
  checkBroadcast(x.shape, y.shape);
  return rt.run(() => {
    const [u, v] = rt.torch.coerce(x.t, y.t);
    const shape = broadcastShape(x.shape, y.shape);
    const [a, b] = [o.broadcastTo(u, shape), o.broadcastTo(v, shape)];
    const out = rt.engine.composite(which === 'max' ? 'FmaxBackward0' : 'FminBackward0', () => {
      const keep = which === 'max' ? o.ge(a, b) : o.le(a, b);
      return T.select(rt, o.select(o.ne(b, b), o.onesLike(keep), keep), a, b);
    });
    return rt.result(out, [x, y]);
  });
}

/** clamp_min and clamp_max: the gradient passes where x is inside the bound (at it too). */
function clampOne(x: PyTensor, bound: number, which: 'min' | 'max'): PyTensor {
  const rt = x.rt;
  const o = rt.ops;
  return T.elementwise(x, (t) => rt.engine.composite(which === 'min' ? 'ClampMinBackward0' : 'ClampMaxBackward0', () => {
    const outside = which === 'min' ? o.lt(t, o.scalarLike(bound, t)) : o.gt(t, o.scalarLike(bound, t));
    return o.select(outside, o.full(t.shape, bound, t.dtype), t);
  }));
}

// ---- tests

/** PyTorch's isclose: equal, or both NaN when equal_nan, or a finite |x - y| <= atol + |rtol y|, in the operands' dtype. */
function isclose(x: PyTensor, y: PyTensor, rtol: number, atol: number, equalNan: boolean): PyTensor {
  if (x.dtype !== y.dtype) throw pyError('RuntimeError', `${SCALAR_TYPE[x.dtype]} did not match ${SCALAR_TYPE[y.dtype]}`);
  if (rtol < 0) throw pyError('RuntimeError', `rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw pyError('RuntimeError', `atol must be greater than or equal to zero, but got ${atol}`);
  const rt = x.rt;
  const o = rt.ops;
  return rt.run(() => {
    const [a, b] = detachedPair(rt, x, y);
    const equal = o.eq(a.dtype === 'bool' ? o.convert(a, 'int32') : a, b.dtype === 'bool' ? o.convert(b, 'int32') : b);
    let close = o.convert(equal, 'int32');
    if (equalNan) close = o.max(close, o.convert(o.mul(o.convert(o.ne(a, a), 'int32'), o.convert(o.ne(b, b), 'int32')), 'int32'));
    const fa = isFloating(x.dtype) ? a : o.convert(a, 'float32');
    const fb = isFloating(y.dtype) ? b : o.convert(b, 'float32');
    const allowed = o.add(o.scalarLike(atol, fb), o.abs(o.mul(o.scalarLike(rtol, fb), fb)));
    const actual = o.abs(o.sub(fa, fb));
    const finite = o.lt(actual, o.scalarLike(Infinity, actual));
    const within = o.convert(o.le(actual, allowed), 'int32');
    close = o.max(close, o.mul(o.convert(finite, 'int32'), within));
    return rt.wrap(o.ne(close, o.zerosLike(close)), 'bool');
  });
}

function iscloseArgs(x: PyTensor, a: Args, ctx: HostContext): PyTensor {
  return isclose(x, asTensor(x.rt, a.required('other'), ctx, 'other'), a.float('rtol', 1e-5), a.float('atol', 1e-8), a.bool('equal_nan', false));
}

/** An elementwise test with a bool result; integers are finite and never NaN. */
function test(x: PyTensor, f: (o: Ops<Tensor>, t: Tensor) => Tensor, forIntegers: boolean): PyTensor {
  const rt = x.rt;
  return rt.run(() => (isFloating(x.dtype) ? rt.wrap(f(rt.ops, x.t.detach()), 'bool') : rt.wrap(rt.ops.full(x.shape, forIntegers ? 1 : 0, 'bool'), 'bool')));
}

const inf = (o: Ops<Tensor>, t: Tensor) => o.scalarLike(Infinity, t);

/** Nonzero as true: any dtype to bool. */
function truth(rt: TorchRuntime, t: Tensor): Tensor {
  const work = t.dtype === 'bool' ? rt.ops.convert(t, 'int32') : t;
  return rt.ops.convert(rt.ops.ne(work, rt.ops.zerosLike(work)), 'int32');
}

function logical(x: PyTensor, other: PyValue | null, op: 'and' | 'or' | 'xor' | 'not', ctx: HostContext): PyTensor {
  const rt = x.rt;
  const o = rt.ops;
  const y = other === null ? null : asTensor(rt, other, ctx, 'other');
  if (y) checkBroadcast(x.shape, y.shape);
  return rt.run(() => {
    const a = truth(rt, x.t.detach());
    if (op === 'not') return rt.wrap(o.eq(a, o.zerosLike(a)), 'bool');
    const shape = broadcastShape(x.shape, y!.shape);
    const [p, q] = [o.broadcastTo(a, shape), o.broadcastTo(truth(rt, y!.t.detach()), shape)];
    const r = op === 'and' ? o.mul(p, q) : op === 'or' ? o.max(p, q) : o.ne(p, q);
    return rt.wrap(o.ne(o.convert(r, 'int32'), o.zerosLike(o.convert(r, 'int32'))), 'bool');
  });
}

/** deg2rad and rad2deg: x times the float constant, in x's float dtype (integers to float32), as ATen's `self * M_PI_180`. */
function angle(x: PyTensor, factor: number, name: 'Deg2RadBackward0' | 'Rad2DegBackward0'): PyTensor {
  const rt = x.rt;
  const dtype = floatOf(x.dtype);
  return rt.run(() => {
    const t = rt.convert(x.t, dtype);
    return rt.wrap(T.rename(rt.ops.mul(t, rt.ops.scalarLike(factor, t)), [t], name), dtype);
  });
}

/** Whether the sign bit is set: -0.0 too (1 / -0.0 is -inf). NB: a NaN reads as positive, its sign unread, as copysign's. */
function signbit(x: PyTensor): PyTensor {
  const rt = x.rt;
  return rt.run(() => {
    const o = rt.ops;
    const t = x.t.detach();
    if (x.dtype === 'bool') return rt.wrap(o.full(x.shape, 0, 'bool'), 'bool');
    const zero = o.scalarLike(0, t);
    if (!isFloating(x.dtype)) return rt.wrap(o.lt(t, zero), 'bool');
    return rt.wrap(o.select(o.eq(t, zero), o.lt(o.div(o.onesLike(t), t), zero), o.lt(t, zero)), 'bool');
  });
}

const unaryTrig = (name: string): Method => def(name, [], (x) => widened(x, TRIG[name][0], TRIG[name][1]));

/** An elementwise method whose result takes its tensor operands' memory order, as TensorIterator's output does. */
function followingOperands(m: Method): Method {
  return (self, args, kwargs, ctx) => {
    const r = m(self, args, kwargs, ctx);
    if (!(r instanceof PyTensor)) return r;
    const others = [...args, ...kwargs.values()].filter((v): v is PyTensor => v instanceof PyTensor);
    return followOperands(r, [self, ...others]);
  };
}

export const POINTWISE_METHODS: Readonly<Record<string, Method>> = Object.fromEntries(Object.entries({
  ...Object.fromEntries(Object.keys(TRIG).map((name) => [name, unaryTrig(name)])),
  ...Object.fromEntries(Object.entries(ALIASES).map(([alias, name]) => [alias, unaryTrig(name)])),
  atan2: def('atan2', ['other'], (x, a, ctx) => binaryWidened(x, asTensor(x.rt, a.required('other'), ctx, 'other'), 'Atan2Backward0', atan2Of)),
  arctan2: def('arctan2', ['other'], (x, a, ctx) => binaryWidened(x, asTensor(x.rt, a.required('other'), ctx, 'other'), 'Atan2Backward0', atan2Of)),
  hypot: def('hypot', ['other'], (x, a, ctx) => binaryWidened(x, asTensor(x.rt, a.required('other'), ctx, 'other'), 'HypotBackward0', hypot)),
  sinc: def('sinc', [], (x) => sinc(x)),
  logit: def('logit', ['eps?'], (x, a, ctx) => logit(x, optFloat(a, 'eps', ctx))),
  fmod: def('fmod', ['other'], (x, a, ctx) => fmod(x, a.required('other'), ctx)),
  copysign: def('copysign', ['other'], (x, a, ctx) => copysign(x, a.required('other'), ctx)),
  heaviside: def('heaviside', ['values'], (x, a, ctx) => heaviside(x, asTensor(x.rt, a.required('values'), ctx, 'values'))),
  sgn: def('sgn', [], (x) => T.elementwise(x, (t) => x.rt.ops.sign(t), 'SgnBackward0')),
  deg2rad: def('deg2rad', [], (x) => angle(x, Math.PI / 180, 'Deg2RadBackward0')),
  rad2deg: def('rad2deg', [], (x) => angle(x, 180 / Math.PI, 'Rad2DegBackward0')),
  signbit: def('signbit', [], (x) => signbit(x)),
  nan_to_num: def('nan_to_num', ['nan?', 'posinf?', 'neginf?'], nanToNum),
  fmax: def('fmax', ['other'], (x, a, ctx) => fExtreme(x, asTensor(x.rt, a.required('other'), ctx, 'other'), 'max')),
  fmin: def('fmin', ['other'], (x, a, ctx) => fExtreme(x, asTensor(x.rt, a.required('other'), ctx, 'other'), 'min')),
  clamp_min: def('clamp_min', ['min'], (x, a, ctx) => {
    const min = a.required('min');
    return min instanceof PyTensor ? clampByTensors(x, min, null, 'ClampMinBackward1') : clampOne(x, toFloat(min, ctx), 'min');
  }),
  clamp_max: def('clamp_max', ['max'], (x, a, ctx) => {
    const max = a.required('max');
    return max instanceof PyTensor ? clampByTensors(x, null, max, 'ClampMaxBackward1') : clampOne(x, toFloat(max, ctx), 'max');
  }),
  isclose: def('isclose', ['other', 'rtol?', 'atol?', 'equal_nan?'], iscloseArgs),
  allclose: def('allclose', ['other', 'rtol?', 'atol?', 'equal_nan?'], (x, a, ctx) => iscloseArgs(x, a, ctx).values().every((v) => v !== 0)),
  equal: def('equal', ['other'], (x, a, ctx) => {
    const y = asTensor(x.rt, a.required('other'), ctx, 'other');
    return x.shape.join() === y.shape.join() && compareOp(x.rt, 'eq', x, y).values().every((v) => v !== 0);
  }),
  isinf: def('isinf', [], (x) => test(x, (o, t) => o.eq(o.abs(t), inf(o, t)), false)),
  isposinf: def('isposinf', [], (x) => test(x, (o, t) => o.eq(t, inf(o, t)), false)),
  isneginf: def('isneginf', [], (x) => test(x, (o, t) => o.eq(t, o.neg(inf(o, t))), false)),
  isfinite: def('isfinite', [], (x) => test(x, (o, t) => o.lt(o.abs(t), inf(o, t)), true)),
  logical_and: def('logical_and', ['other'], (x, a, ctx) => logical(x, a.required('other'), 'and', ctx)),
  logical_or: def('logical_or', ['other'], (x, a, ctx) => logical(x, a.required('other'), 'or', ctx)),
  logical_xor: def('logical_xor', ['other'], (x, a, ctx) => logical(x, a.required('other'), 'xor', ctx)),
  logical_not: def('logical_not', [], (x, _a, ctx) => logical(x, null, 'not', ctx)),
} satisfies Record<string, Method>).map(([name, m]) => [name, followingOperands(m)]));

/** The in-place forms PyTorch has (`x.atan_()`, `mask.logical_and_(m)`), made by methods.ts's inPlaceForm. */
export const POINTWISE_IN_PLACE = [
  ...Object.keys(TRIG), ...Object.keys(ALIASES), 'atan2', 'arctan2', 'hypot', 'sinc', 'logit', 'fmod', 'copysign', 'heaviside', 'sgn',
  'deg2rad', 'rad2deg', 'nan_to_num', 'logical_and', 'logical_or', 'logical_xor', 'logical_not',
] as const;

/** Names whose `torch.f(input, ...)` form is the method. */
export const POINTWISE_FUNCTION_NAMES = Object.keys(POINTWISE_METHODS);
