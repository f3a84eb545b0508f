/**
 * The Python `jax.Array` (and `numpy.ndarray`): a host object over a concrete backend array or a
 * tracer. Operators and methods go through lax.ts; printing follows NumPy (print.ts).
 */
import { isFloat, sizeOf, type DType } from '../../../runtime/core';
import {
  bindArgs,
  flattenNested,
  nestedFromFlat,
  pyError,
  formatFloat,
  formatInt,
  HostObject,
  NOT_IMPLEMENTED,
  hostType,
  pyFunction,
  type BinaryOp,
  type CompareOp,
  type HostContext,
  type UnaryOp,
  PyList,
  PyTuple,
  PyType,
  nameTable,
  type NativeFn,
  type PyValue,
  toIndex,
} from '../interpreter';
import { concretizationError } from '../staging';
import * as L from './lax';
import { arrayStr, jaxRepr, numpyRepr, scalarStr } from './print';
import { isTracer, type JaxRuntime } from './runtime';
import type { Tracer } from '../../../runtime/jit';
import type { DeviceArray } from '../../../runtime/backends';

export const ARRAY_TYPE = hostType('ArrayImpl', 'jaxlib.xla_extension');
export const NDARRAY_TYPE = hostType('ndarray', 'numpy');

const ARITH: Partial<Record<BinaryOp, 'add' | 'sub' | 'mul' | 'div' | 'max'>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };
const COMPARE: Record<CompareOp, 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };

export class PyArray extends HostObject {
  constructor(
    readonly rt: JaxRuntime,
    readonly v: Tracer | DeviceArray,
    /** Weakly typed: made from Python scalars only, so it takes the dtype of arrays it meets. */
    readonly weak: boolean,
    /** A NumPy array: printed as `array(...)`, float64 by default where the backend has it. */
    readonly numpy: boolean,
  ) {
    super();
  }

  get pyType(): PyType { return this.numpy ? NDARRAY_TYPE : ARRAY_TYPE; }
  get shape(): readonly number[] { return this.v.shape; }
  get dtype(): DType { return this.v.dtype; }
  get traced(): boolean { return isTracer(this.v); }

  /** The values, row-major; a traced value raises the concretization error. */
  values(ctx: HostContext, what = 'bool'): ArrayLike<number> {
    if (isTracer(this.v)) throw concretizationError(this.rt, what, ctx);
    return this.rt.read(this.v);
  }

  private scalarValue(ctx: HostContext, what: string): number {
    const vals = this.values(ctx, what);
    if (vals.length !== 1) {
      throw pyError('TypeError', what === 'bool'
        ? 'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()'
        : 'only length-1 arrays can be converted to Python scalars');
    }
    return vals[0];
  }

  override binary(opName: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    const [a, b] = reflected ? [other, this as PyValue] : [this as PyValue, other];
    if (!acceptable(other)) return NOT_IMPLEMENTED;
    const prim = ARITH[opName];
    if (prim) return L.binary(this.rt, prim, a, b, ctx);
    if (opName === '**') return L.power(this.rt, a, b, ctx);
    if (opName === '@') return L.matmul(this.rt, a, b, ctx);
    throw pyError('NotImplementedError', `the operator ${opName} on arrays is not supported by Gradlens`);
  }

  override unary(opName: UnaryOp, ctx: HostContext): PyValue {
    if (opName === '+') return this;
    if (opName === '-') return L.unary(this.rt, 'neg', this, ctx);
    throw pyError('NotImplementedError', 'the operator ~ on arrays is not supported by Gradlens');
  }

  override compare(opName: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (!acceptable(other)) return opName === '==' ? false : opName === '!=' ? true : NOT_IMPLEMENTED;
    return L.binary(this.rt, COMPARE[opName], this, other, ctx);
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    if (this.shape.length === 0) throw pyError('IndexError', 'Too many indices for array: array is 0-dimensional, but 1 were indexed');
    return L.getIndex(this.rt, this, index, ctx);
  }

  override len(): number {
    if (this.shape.length === 0) throw pyError('TypeError', 'len() of unsized object');
    return this.shape[0];
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    if (this.shape.length === 0) throw pyError('TypeError', 'iteration over a 0-d array');
    return Array.from({ length: this.shape[0] }, (_, i) => L.getIndex(this.rt, this, BigInt(i), ctx));
  }

  override bool(ctx: HostContext): boolean { return this.scalarValue(ctx, 'bool') !== 0; }
  override float(ctx: HostContext): number { return this.scalarValue(ctx, 'float'); }
  override int(ctx: HostContext): bigint { return BigInt(Math.trunc(this.scalarValue(ctx, 'int'))); }
  override index(ctx: HostContext): bigint {
    if (isFloat(this.dtype) || this.shape.length !== 0) throw pyError('TypeError', 'only integer scalar arrays can be converted to a scalar index');
    return BigInt(this.scalarValue(ctx, 'int'));
  }

  /** `x.item()`: a Python scalar of the array's kind. */
  item(ctx: HostContext): PyValue {
    const x = this.scalarValue(ctx, 'item');
    return this.dtype === 'bool' ? x !== 0 : this.dtype === 'int32' ? BigInt(x) : x;
  }

  private printable(ctx: HostContext) {
    return { values: this.values(ctx, 'str'), shape: this.shape, dtype: this.dtype };
  }

  override repr(ctx: HostContext): string {
    if (isTracer(this.v)) return `Traced<ShapedArray(${this.dtype}[${this.shape.join(',')}]${this.weak ? ', weak_type=True' : ''})>with<DynamicJaxprTrace>`;
    if (this.numpy && this.shape.length === 0) return scalarStr(this.rt.read(this.v)[0], this.dtype);
    return this.numpy ? numpyRepr(this.printable(ctx)) : jaxRepr(this.printable(ctx), this.weak);
  }

  override str(ctx: HostContext): string {
    if (isTracer(this.v)) return this.repr(ctx);
    return arrayStr(this.printable(ctx));
  }

  override format(spec: string, ctx: HostContext): string {
    if (spec === '' || isTracer(this.v)) return this.str(ctx);
    if (this.shape.length !== 0) throw pyError('TypeError', `unsupported format string passed to ${this.pyType.name}.__format__`);
    const x = this.rt.read(this.v)[0];
    if (this.dtype === 'int32') return formatInt(BigInt(x), spec);
    if (this.dtype === 'bool') return formatInt(x ? 1n : 0n, spec);
    return formatFloat(x, spec);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const rt = this.rt;
    switch (name) {
      case 'shape': return new PyTuple(this.shape.map((d) => BigInt(d)));
      case 'ndim': return BigInt(this.shape.length);
      case 'size': return BigInt(sizeOf(this.shape));
      case 'dtype': return dtypeObject(this.dtype);
      case 'T': return L.transpose(rt, this);
      case 'at': return null;
      case '__abs__': return pyFunction('__abs__', (_a, _k, c) => L.unary(rt, 'abs', this, c));
      case '__round__': return undefined;
    }
    const method = ARRAY_METHODS[name];
    if (!method) return undefined;
    return pyFunction(name, (args, kwargs, c) => method(this, args, kwargs, c ?? ctx));
  }
}

const acceptable = (x: PyValue) => x instanceof PyArray || typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean';

type Method = (self: PyArray, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyValue;

const reduction = (kind: L.Reduction): Method => (self, args, kwargs, ctx) => {
  const a = bindArgs(kind, ['axis?', 'dtype?', 'out?', 'keepdims?'], args, kwargs, ctx);
  return L.reduce(self.rt, kind, self, a.get('axis'), a.bool('keepdims', false), ctx);
};

/** Shape arguments as `reshape(2, 3)` or `reshape((2, 3))`. */
function shapeArgs(args: readonly PyValue[], ctx: HostContext): number[] {
  const items = args.length === 1 && (args[0] instanceof PyTuple || args[0] instanceof PyList) ? args[0].items : args;
  return items.map((x) => Number(toIndex(x, ctx)));
}

export const ARRAY_METHODS = nameTable<Method>({
  sum: reduction('sum'),
  mean: reduction('mean'),
  max: reduction('max'),
  min: reduction('min'),
  prod: reduction('prod'),
  argmax: (self, args, kwargs, ctx) => L.argmax(self.rt, self, bindArgs('argmax', ['axis?'], args, kwargs, ctx).get('axis'), ctx),
  argmin: (self, args, kwargs, ctx) => L.argmax(self.rt, self, bindArgs('argmin', ['axis?'], args, kwargs, ctx).get('axis'), ctx, true),
  reshape: (self, args, _kwargs, ctx) => L.reshape(self.rt, self, shapeArgs(args, ctx)),
  transpose: (self, args, _kwargs, ctx) => L.transpose(self.rt, self, args.length ? shapeArgs(args, ctx) : undefined),
  flatten: (self) => L.reshape(self.rt, self, [-1]),
  ravel: (self) => L.reshape(self.rt, self, [-1]),
  squeeze: (self, args, kwargs, ctx) => {
    const a = bindArgs('squeeze', ['axis?'], args, kwargs, ctx);
    const axes = a.opt('axis') === undefined ? self.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : L.axesOf(a.get('axis'), self.shape.length, ctx);
    return L.op(self.rt, () => L.wrap(self.rt, self.rt.o.squeeze(self.v, axes), self.weak, self.numpy));
  },
  astype: (self, args, kwargs, ctx) => {
    const a = bindArgs('astype', ['dtype'], args, kwargs, ctx);
    const d = toDtype(a.required('dtype'), self.rt);
    return L.op(self.rt, () => L.wrap(self.rt, L.cast(self.rt, self.v, d), false, self.numpy));
  },
  item: (self, _args, _kwargs, ctx) => self.item(ctx),
  tolist: (self, _args, _kwargs, ctx) => nestedFromFlat(self.values(ctx, 'tolist'), self.shape, self.dtype === 'bool' ? 'bool' : self.dtype === 'int32' ? 'int' : 'float'),
  block_until_ready: (self) => self,
  copy: (self) => self,
  __float__: (self, _a, _k, ctx) => self.float(ctx),
});

/** A dtype as `x.dtype` gives it: prints `float32`, compares equal to `jnp.float32`. */
export class DTypeObject extends HostObject {
  static readonly type = hostType('dtype', 'numpy');
  constructor(readonly name: DType, private readonly construct: NativeFn | null = null) {
    super();
  }
  get pyType() { return DTypeObject.type; }
  override str(): string { return this.name; }
  override repr(): string { return `dtype('${this.name}')`; }
  override compare(opName: CompareOp, other: PyValue): PyValue {
    const same = (other instanceof DTypeObject && other.name === this.name) || other === this.name;
    if (opName === '==') return same;
    if (opName === '!=') return !same;
    return NOT_IMPLEMENTED;
  }
  override getattr(name: string): PyValue | undefined {
    if (name === 'name') return this.name;
    if (name === 'itemsize') return BigInt(this.name === 'float64' ? 8 : this.name === 'bool' ? 1 : 4);
    return undefined;
  }
  override call(args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
    if (!this.construct) return super.call(args, kwargs, ctx);
    return this.construct(args, kwargs, ctx);
  }
}

const DTYPE_OBJECTS = new Map<DType, DTypeObject>();
export function dtypeObject(d: DType): DTypeObject {
  let o = DTYPE_OBJECTS.get(d);
  if (!o) DTYPE_OBJECTS.set(d, (o = new DTypeObject(d)));
  return o;
}

const DTYPE_NAMES = nameTable<DType>({
  float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int32', bool: 'bool', bool_: 'bool', float: 'float32', int: 'int32',
});

/** `dtype=` as a dtype object, a Python type (`float`, `int`, `bool`) or a string. */
export function toDtype(v: PyValue, rt: JaxRuntime): DType {
  let name: string | null = null;
  if (v instanceof DTypeObject) name = v.name;
  else if (typeof v === 'string') name = v;
  else if (v instanceof PyType) name = v.name;
  const d = name === null ? undefined : DTYPE_NAMES[name];
  if (!d) throw pyError('TypeError', `unsupported dtype: ${name ?? String(v)}`);
  if (name === 'float') return rt.floatDtype;
  rt.checkDtype(d);
  return d;
}

/** `jnp.array(data, dtype)`: nested lists, scalars or arrays; Python floats become float32 (float64 for NumPy where stored). */
export function arrayFromData(rt: JaxRuntime, data: PyValue, dtype: DType | undefined, ctx: HostContext, numpy: boolean): PyArray {
  if (data instanceof PyArray) {
    // NB: with jax_enable_x64 off, a float64 NumPy array becomes float32 when it enters jax.
    const d = dtype ?? (!numpy && data.dtype === 'float64' ? 'float32' : undefined);
    return L.op(rt, () => L.wrap(rt, d ? L.cast(rt, data.v, d) : data.v, d ? false : data.weak, numpy));
  }
  const nested = flattenNested(data, ctx);
  const dflt: DType = nested.kind === 'bool' ? 'bool' : nested.kind === 'int' ? 'int32' : numpy && rt.supportsFloat64 ? 'float64' : 'float32';
  const d = dtype ?? dflt;
  if (d === 'int32') checkInt32(nested.data, numpy);
  // Python scalars stay weakly typed, as `jnp.array(2.0)` does.
  const weak = dtype === undefined && !numpy && nested.shape.length === 0 && typeof data !== 'object';
  return L.op(rt, () => new PyArray(rt, rt.upload(nested.data, nested.shape, d), weak, numpy));
}

/**
 * Integers past int32 are refused, never wrapped: JAX (without x64) raises OverflowError; NumPy
 * would store int64, which Gradlens does not have yet.
 */
function checkInt32(values: readonly number[], numpy: boolean): void {
  const v = values.find((x) => x < -(2 ** 31) || x >= 2 ** 31);
  if (v === undefined) return;
  const n = BigInt(Math.trunc(v));
  if (!numpy) throw pyError('OverflowError', `Python int ${n} too large to convert to int32`);
  throw pyError('OverflowError', `${n} does not fit in 32 bits: Gradlens stores NumPy integer arrays as int32 for now (NumPy would use int64); use a float array or smaller values`);
}
