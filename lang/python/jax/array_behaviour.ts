/**
 * What a jax.Array (or numpy.ndarray) does as a Python object: its operators, named methods and
 * indexing over lax.ts, gathered into the ArrayBehaviour each run's JaxRuntime holds (array.ts
 * imports none of them).
 */
import { intRange, isComplex, isFloat, isInteger, isWrappingInt, truncatesToInt32, type WrappingIntDType } from '../../../runtime/core';
import { bindArgs, PyComplex, nestedFromFlat, pyError, NOT_IMPLEMENTED, type BinaryOp, type CompareOp, type HostContext, PyDict, PyList, PySet, PyTuple, nameTable, type PyValue, toIndex, typeName, warn } from '../interpreter';
import { PyArray, toDtype, type ArrayBehaviour, type ArrayMethod } from './array';
import { IndexUpdateHelper } from './at';
import { bitwiseBinary, bitwiseNot } from './bitwise';
import * as L from './lax';
import { arrayPlacement } from './devices';
import { NONZERO_ARRAY_METHODS } from './numpy_nonzero';
import { ORDERING_ARRAY_METHODS } from './numpy_ordering';
import { STATISTICS_ARRAY_METHODS } from './numpy_statistics';
import { numpyHostDivMod } from './numpy_float_divmod';
import { NUMPY_ONLY_ARRAY_METHODS } from './numpy_host';
import { numpyFloat32Power, numpyFloatPower } from './numpy_libm';
import * as V from './numpy_views';
import { FUNCTIONS, reshapeArg, type Fn } from './numpy';
import { MORE_FUNCTIONS } from './numpy_more';
import { AXES_FUNCTIONS } from './numpy_axes';
import { TUTORIAL_MATH_FUNCTIONS } from './numpy_tutorial_math';

const ARITH: Partial<Record<BinaryOp, 'add' | 'sub' | 'mul' | 'div' | 'max'>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };
const COMPARE: Record<CompareOp, 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };

const LOGICAL: Partial<Record<BinaryOp, 'gt' | 'ge' | 'ne'>> = { '&': 'gt', '|': 'ge', '^': 'ne' };
const BITWISE: Partial<Record<BinaryOp, 'and' | 'or' | 'xor'>> = { '&': 'and', '|': 'or', '^': 'xor' };
const isBoolean = (v: PyValue) => typeof v === 'boolean' || (v instanceof PyArray && v.dtype === 'bool');

/**
 * A float cast to an 8- or 16-bit integer: NumPy's (runtime/core floatToNarrowInt, x86's) warns
 * where it meets a value x86 flags invalid; XLA's conversion of a value past the integer's range
 * is its own, so a concrete jax array holding one is refused (a traced one converts as NumPy's).
 */
function checkNarrowCast(x: PyArray, d: Exclude<WrappingIntDType, 'uint32'>, ctx: HostContext): void {
  if (x.numpy) {
    if (!Array.prototype.every.call(x.values(ctx, 'astype'), truncatesToInt32)) warn(ctx, 'invalid value encountered in cast', 'RuntimeWarning');
    return;
  }
  if (x.traced) return;
  const { min, max } = intRange(d);
  const past = Array.prototype.find.call(x.values(ctx, 'astype'), (v: number) => !(Math.trunc(v) >= min && Math.trunc(v) <= max));
  if (past !== undefined) {
    throw pyError('NotImplementedError', `astype(${d}) of ${past}, which lies outside ${d}'s range [${min}, ${max}]: XLA's conversion of such values is not Gradlens's; clip first (jnp.clip(x, ${min}, ${max}).astype(jnp.${d}))`);
  }
}

const acceptable = (x: PyValue) => x instanceof PyArray || typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyComplex;

/**
 * A jax Array's operators refuse a list, tuple, set or dict beside it rather than defer to it
 * (jax/_src/numpy/array_methods.py _defer_to_unrecognized_arg, _rejected_binop_types): `x == (1, 2)`
 * raises where it would otherwise fall back to identity and read False.
 */
function refuseContainer(op: string, x: PyArray, other: PyValue, reflected: boolean): void {
  if (x.numpy || !(other instanceof PyList || other instanceof PyTuple || other instanceof PySet || other instanceof PyDict)) return;
  const [a, b] = reflected ? [typeName(other), 'ArrayImpl'] : ['ArrayImpl', typeName(other)];
  throw pyError('TypeError', `unsupported operand type(s) for ${op}: '${a}' and '${b}'`);
}

const reduction = (kind: L.Reduction): ArrayMethod => (self, args, kwargs, ctx) => {
  const a = bindArgs(kind, ['axis?', 'dtype?', 'out?', 'keepdims?'], args, kwargs, ctx);
  const dtype = a.opt('dtype');
  return L.reduce(self.rt, kind, self, a.get('axis'), a.bool('keepdims', false), ctx, dtype === undefined || dtype === null ? null : toDtype(dtype, self.rt, self.numpy));
};

/** Shape arguments as `reshape(2, 3)` or `reshape((2, 3))`: one argument is the shape, several are its dims (JAX's `args[0] if len(args) == 1 else args`). */
function shapeArgs(self: PyArray, args: readonly PyValue[], ctx: HostContext): number[] {
  return reshapeArg(self.rt, args.length === 1 ? args[0] : new PyTuple([...args]), ctx, self.numpy);
}

/** Axes as `transpose(1, 0)` or `transpose((1, 0))`. */
function axesArgs(args: readonly PyValue[], ctx: HostContext): number[] {
  const items = args.length === 1 && (args[0] instanceof PyTuple || args[0] instanceof PyList) ? args[0].items : args;
  return items.map((x) => Number(toIndex(x, ctx)));
}

/** A method that is its module's function of the array (`x.take(i)` is `jnp.take(x, i)`), as JAX's _array_methods and NumPy's are. */
const viaFunction = (f: Fn): ArrayMethod => (self, args, kwargs, ctx) => f(self.rt, [self, ...args], kwargs, ctx, self.numpy);

const ARRAY_METHODS = nameTable<ArrayMethod>({
  take: viaFunction(MORE_FUNCTIONS.take),
  repeat: viaFunction(MORE_FUNCTIONS.repeat),
  trace: viaFunction(MORE_FUNCTIONS.trace),
  diagonal: viaFunction(MORE_FUNCTIONS.diagonal),
  swapaxes: viaFunction(AXES_FUNCTIONS.swapaxes),
  clip: viaFunction(FUNCTIONS.clip),
  ptp: viaFunction(TUTORIAL_MATH_FUNCTIONS.ptp),
  ...ORDERING_ARRAY_METHODS,
  ...NONZERO_ARRAY_METHODS,
  ...STATISTICS_ARRAY_METHODS,
  ...NUMPY_ONLY_ARRAY_METHODS,
  sum: reduction('sum'),
  mean: reduction('mean'),
  max: reduction('max'),
  min: reduction('min'),
  prod: reduction('prod'),
  argmax: (self, args, kwargs, ctx) => L.argmax(self.rt, self, bindArgs('argmax', ['axis?'], args, kwargs, ctx).get('axis'), ctx),
  argmin: (self, args, kwargs, ctx) => L.argmax(self.rt, self, bindArgs('argmin', ['axis?'], args, kwargs, ctx).get('axis'), ctx, true),
  dot: (self, args, kwargs, ctx) => {
    const raw = bindArgs('dot', ['b'], args, kwargs, ctx).required('b');
    if (!(raw instanceof PyArray || raw instanceof PyList || raw instanceof PyTuple)) return L.binary(self.rt, 'mul', self, raw, ctx);
    const b = raw instanceof PyArray ? raw : L.arrayFromData(self.rt, raw, undefined, ctx, self.numpy);
    return self.shape.length === 0 || b.shape.length === 0 ? L.binary(self.rt, 'mul', self, b, ctx) : L.matmul(self.rt, self, b, ctx);
  },
  reshape: (self, args, _kwargs, ctx) => V.sameKind(self, L.reshape(self.rt, self, shapeArgs(self, args, ctx))),
  transpose: (self, args, _kwargs, ctx) => V.sameKind(self, L.transpose(self.rt, self, args.length ? axesArgs(args, ctx) : undefined)),
  flatten: (self) => L.reshaped(self.rt, self, [-1]),
  ravel: (self) => L.reshape(self.rt, self, [-1]),
  squeeze: (self, args, kwargs, ctx) => {
    const a = bindArgs('squeeze', ['axis?'], args, kwargs, ctx);
    const axes = a.opt('axis') === undefined ? self.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : L.axesOf(a.get('axis'), self.shape.length, ctx);
    return L.op(self.rt, () => L.wrap(self.rt, self.rt.o.squeeze(self.v, axes), self.weak, self.numpy).keptAsArray());
  },
  astype: (self, args, kwargs, ctx) => {
    const a = bindArgs('astype', ['dtype'], args, kwargs, ctx);
    const d = toDtype(a.required('dtype'), self.rt, self.numpy, 'astype');
    if (isFloat(self.dtype) && isWrappingInt(d) && d !== 'uint32') checkNarrowCast(self, d, ctx);
    return V.sameKind(self, L.op(self.rt, () => L.wrap(self.rt, L.cast(self.rt, self.v, d), false, self.numpy)));
  },
  item: (self, _args, _kwargs, ctx) => self.item(ctx),
  tolist: (self, _args, _kwargs, ctx) => nestedFromFlat(self.values(ctx, 'tolist'), self.shape, self.dtype === 'bool' ? 'bool' : isInteger(self.dtype) ? 'int' : isComplex(self.dtype) ? 'complex' : 'float'),
  // complex(x) of a one-element array: a real one's imaginary part is 0.
  __complex__: (self, _args, _kwargs, ctx) => {
    if (isComplex(self.dtype)) return self.item(ctx);
    return new PyComplex(self.float(ctx), 0);
  },
  block_until_ready: (self) => self,
  copy: (self) => V.copyOf(self),
  __float__: (self, _a, _k, ctx) => self.float(ctx),
});

export const ARRAY_BEHAVIOUR: ArrayBehaviour = {
  methods: ARRAY_METHODS,
  binary(opName, x, other, reflected, ctx) {
    const [a, b] = reflected ? [other, x as PyValue] : [x as PyValue, other];
    refuseContainer(opName, x, other, reflected);
    if (!acceptable(other)) return NOT_IMPLEMENTED;
    const prim = ARITH[opName];
    if (prim) return L.binary(x.rt, prim, a, b, ctx);
    if (opName === '**' || opName === '//' || opName === '%') L.refuseBooleanInt8(opName, a, b, ctx);
    if (opName === '**') return (reflected ? numpyFloat32Power(x.rt, a, b, ctx) : numpyFloatPower(x.rt, x, other, ctx, true)) ?? L.power(x.rt, a, b, ctx);
    if (opName === '@') return L.matmul(x.rt, a, b, ctx);
    if (opName === '//' || opName === '%') return numpyHostDivMod(x.rt, opName, a, b, ctx) ?? L.floorDivMod(x.rt, opName, a, b, ctx);
    // Masks combine as NumPy's logical ufuncs do on booleans: a & b is a > ~b, a | b is a >= ~b, a ^ b is a != b.
    const logical = LOGICAL[opName];
    // jax arrays' & | ^ are jnp.bitwise_and/or/xor (array_methods.py): lax's and/or/xor primitives.
    const bitwise = BITWISE[opName];
    if (bitwise && !x.numpy) return bitwiseBinary(x.rt, bitwise, a, b, ctx);
    if (logical && !x.traced && isBoolean(a) && isBoolean(b)) return L.binary(x.rt, logical, a, logical === 'ne' ? b : L.binary(x.rt, 'eq', b, false, ctx), ctx);
    throw pyError('NotImplementedError', `the operator ${opName} on arrays is not supported by Gradlens${logical ? ' but between NumPy boolean arrays (masks)' : ''}`);
  },
  unary(opName, x, ctx) {
    if (opName === '+') return x;
    if (opName === '-' && x.numpy && x.dtype === 'bool') throw pyError('TypeError', 'The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.');
    if (opName === '-') return L.unary(x.rt, 'neg', x, ctx);
    // ~ on a jax array is jnp.invert: lax's not primitive. On a NumPy array, ~mask is NumPy's
    // logical not on booleans, ~n the bitwise not of integers: -n - 1.
    if (!x.numpy) return bitwiseNot(x.rt, x, ctx);
    if (x.dtype === 'bool') return L.binary(x.rt, 'eq', x, false, ctx);
    if (x.dtype === 'int32' || x.dtype === 'int64') return L.binary(x.rt, 'sub', L.unary(x.rt, 'neg', x, ctx), 1n, ctx);
    throw pyError('TypeError', "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''");
  },
  compare(opName, x, other, ctx) {
    refuseContainer(opName, x, other, false);
    if (!acceptable(other)) return opName === '==' ? false : opName === '!=' ? true : NOT_IMPLEMENTED;
    return L.binary(x.rt, COMPARE[opName], x, other, ctx);
  },
  getIndex: (x, index, ctx) => V.getIndex(x, index, ctx),
  setIndex: (x, index, value, ctx) => V.setIndex(x, index, value, ctx),
  inplace: (op, x, other, ctx) => V.inplace(op, x, other, ctx),
  transpose: (x, perm) => V.sameKind(x, L.transpose(x.rt, x, perm)),
  at: (x) => new IndexUpdateHelper(x),
  placement: (x, what, ctx) => arrayPlacement(x.rt, what, ctx),
  abs: (x, ctx) => L.unary(x.rt, 'abs', x, ctx),
  complexPart: (which, x, ctx) => L.complexPart(x.rt, which, x, ctx),
};
