/**
 * The Python `torch.Tensor`: a host object over one eager tensor. Operators, indexing,
 * conversions and printing live here; named methods come from methods.ts.
 */
import { sizeOf } from '../../../runtime/core';
import type { Tensor } from '../../../runtime/eager';
import {
  pyError,
  HostObject,
  NOT_IMPLEMENTED,
  pyFunction,
  type BinaryOp,
  type CompareOp,
  type HostContext,
  type UnaryOp,
  type PyValue,
  formatValue,
  truthy,
  typeName,
} from '../interpreter';
import { arith, asOperand, compareOp, type ArithOp, type CompareOpName } from './arith';
import { gradFnObject } from './autograd';
import { DTYPES, ITEM_SIZE, STORAGE, isFloating, type TorchDTypeName } from './dtype';
import { getIndex, setIndex } from './indexing';
import { TENSOR_METHODS, matmul } from './methods';
import { itemStr, tensorRepr } from './print';
import { noteCut, noteDetach, refuseAutograd, refuseValue } from './jit_refusals';
import type { TorchRuntime } from './runtime';
import { TorchSize } from './size';



const ARITH: Partial<Record<BinaryOp, ArithOp>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'pow', '//': 'floordiv', '%': 'mod' };
const COMPARE: Record<CompareOp, CompareOpName> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };

export class PyTensor extends HostObject {
  constructor(
    readonly rt: TorchRuntime,
    readonly t: Tensor,
    /** The dtype PyTorch would report; int64 is stored as int32 (see dtype.ts). */
    readonly dtype: TorchDTypeName,
  ) {
    super();
  }

  get pyType() {
    return this.rt.tensorType;
  }

  override get collectable(): boolean {
    return true;
  }

  /**
   * Frees the tensor as PyTorch does when its last name goes (`x = torch.zeros(n)` in a loop),
   * unless it is a leaf that requires grad, has a `.grad` or retains one, or a tidy scope of the
   * run does not hold it (an owner outside Python does). The tape keeps what it saved on its own.
   */
  override collect(): boolean {
    const t = this.t;
    if (t.disposed || (t.isLeaf && t.requiresGrad) || t.grad !== null || t.retainsGrad || !this.rt.engine.owns(t)) return false;
    this.rt.engine.disown(t);
    t.dispose();
    this.rt.ctx.release(this.numel * ITEM_SIZE[this.dtype]);
    return true;
  }

  get shape(): readonly number[] {
    return this.t.shape;
  }

  get numel(): number {
    return sizeOf(this.t.shape);
  }

  /** The values as doubles, row-major; reading a traced tensor's (`what`: bool, item, float, int, str) is refused. */
  values(what = 'str'): number[] {
    refuseValue(this.t, what, this.rt.ctx);
    return this.rt.run(() => Array.from(this.t.dataSync()));
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const rt = this.rt;
    switch (name) {
      case 'grad':
        refuseAutograd(this.t, '.grad', ctx);
        return this.t.grad ? rt.wrap(this.t.grad, this.dtype) : null;
      case 'grad_fn':
        return gradFnObject(this.t.gradFn);
      case 'requires_grad':
        return this.t.requiresGrad;
      case 'is_leaf':
        return this.t.isLeaf;
      case 'shape':
        return new TorchSize(this.shape);
      case 'ndim':
        return BigInt(this.shape.length);
      case 'dtype':
        return DTYPES[this.dtype];
      case 'data':
        noteDetach(this.t, ctx);
        return rt.run(() => rt.wrap(this.t.detach(), this.dtype));
      case 'T':
      case 'mT':
        return rt.run(() => {
          const r = this.shape.length;
          const perm = name === 'T' ? this.shape.map((_, i) => r - 1 - i) : this.shape.map((_, i) => (i < r - 2 ? i : i === r - 2 ? r - 1 : r - 2));
          return rt.result(rt.torch.permute(this.t, perm), [this]);
        });
      case 'device':
        return 'cpu';
      case 'is_cuda':
        return false;
      case '__abs__':
        return this.method('abs');
    }
    if (Object.prototype.hasOwnProperty.call(TENSOR_METHODS, name)) return this.method(name);
    return undefined;
  }

  private method(name: string): PyValue {
    const m = TENSOR_METHODS[name];
    return pyFunction(name, (args, kwargs, ctx) => m(this, args, kwargs, ctx));
  }

  override setattr(name: string, value: PyValue, ctx: HostContext): void {
    const rt = this.rt;
    switch (name) {
      case 'grad':
        if (value !== null && !(value instanceof PyTensor)) throw pyError('TypeError', `assigned grad expected to be a Tensor or None but got grad of type ${typeName(value)}`);
        if (value !== null && value.shape.join() !== this.shape.join()) throw pyError('RuntimeError', 'assigned grad has data of a different size');
        // NB: not setGrad, which frees the old gradient: the script may still hold it (`g = x.grad`).
        // The run's tidy scope frees it instead.
        if (this.t.grad && this.t.grad !== (value as PyTensor | null)?.t) rt.engine.adopt(this.t.grad);
        this.t.grad = value === null ? null : value.t;
        return;
      case 'requires_grad':
        checkRequiresGrad(this, truthy(value, ctx));
        rt.run(() => {
          this.t.requiresGrad = truthy(value, ctx);
        });
        return;
      case 'data':
        if (!(value instanceof PyTensor)) throw pyError('TypeError', `data must be a Tensor, not ${typeName(value)}`);
        rt.run(() => rt.engine.withGradMode(false, () => rt.engine.inPlace(this.t, () => rt.convert(value.t.detach(), this.dtype))));
        return;
    }
    super.setattr(name, value, ctx);
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean): PyValue {
    const o = asOperand(other);
    if (o === null) return NOT_IMPLEMENTED;
    if (op === '@') {
      if (!(o instanceof PyTensor)) return NOT_IMPLEMENTED;
      return reflected ? matmul(this.rt, o, this) : matmul(this.rt, this, o);
    }
    const a = ARITH[op];
    if (a !== undefined) return reflected ? arith(this.rt, a, o, this) : arith(this.rt, a, this, o);
    if (op === '&' || op === '|' || op === '^') return logical(this.rt, op, this, o);
    return NOT_IMPLEMENTED;
  }

  /** `x += y`: PyTorch updates x in place (add_), so other references see the change. */
  override inplace(op: BinaryOp, other: PyValue): PyValue {
    const a = ARITH[op];
    const o = asOperand(other);
    if (a === undefined || o === null || op === '**' || op === '//' || op === '%') return NOT_IMPLEMENTED;
    return inPlaceArith(this, a, o);
  }

  override unary(op: UnaryOp): PyValue {
    const rt = this.rt;
    if (op === '+') return this;
    if (op === '-') {
      if (this.dtype === 'bool') throw pyError('RuntimeError', 'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
      return rt.run(() => rt.result(rt.torch.neg(this.t), [this]));
    }
    if (this.dtype !== 'bool') throw pyError('TypeError', "bitwise_not is only implemented for bool tensors in Gradlens");
    return rt.run(() => rt.wrap(rt.ops.eq(this.t, rt.scalar(0, 'bool')), 'bool'));
  }

  override compare(op: CompareOp, other: PyValue): PyValue {
    const o = asOperand(other);
    if (o === null) return op === '==' ? false : op === '!=' ? true : NOT_IMPLEMENTED;
    return compareOp(this.rt, COMPARE[op], this, o);
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    return getIndex(this, index, ctx);
  }

  override setitem(index: PyValue, value: PyValue, ctx: HostContext): void {
    setIndex(this, index, value, ctx);
  }

  override len(): number {
    if (this.shape.length === 0) throw pyError('TypeError', 'len() of a 0-d tensor');
    return this.shape[0];
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    if (this.shape.length === 0) throw pyError('TypeError', 'iteration over a 0-d tensor');
    const n = this.shape[0];
    const self = this;
    return (function* () {
      for (let i = 0; i < n; i++) yield getIndex(self, BigInt(i), ctx, "UnbindBackward0");
    })();
  }

  override contains(item: PyValue): PyValue {
    const o = asOperand(item);
    if (o === null) throw pyError('RuntimeError', `Tensor.__contains__ only supports Tensor or scalar, but you passed in a ${typeName(item)}.`);
    return compareOp(this.rt, 'eq', this, o).values().some((v) => v !== 0);
  }

  /** The single value, as `item()` reads it; PyTorch's error for more than one. */
  scalarValue(what: string): number {
    if (this.numel !== 1) {
      if (what === 'bool') throw pyError('RuntimeError', `Boolean value of Tensor with more than one value is ambiguous`);
      throw pyError(what === 'index' ? 'TypeError' : 'ValueError', what === 'index' ? 'only integer tensors of a single element can be converted to an index' : `only one element tensors can be converted to Python scalars`);
    }
    return this.values(what)[0];
  }

  item(): PyValue {
    const v = this.scalarValue('item');
    return this.dtype === 'bool' ? v !== 0 : isFloating(this.dtype) ? v : BigInt(v);
  }

  override bool(): boolean {
    return this.scalarValue('bool') !== 0;
  }

  override float(ctx: HostContext): number {
    const v = this.scalarValue('float');
    noteCut(this.t, 'float', ctx);
    return v;
  }

  override int(ctx: HostContext): bigint {
    const v = this.scalarValue('int');
    noteCut(this.t, 'int', ctx);
    if (!Number.isFinite(v)) throw pyError(Number.isNaN(v) ? 'ValueError' : 'OverflowError', `cannot convert float ${Number.isNaN(v) ? 'NaN' : 'infinity'} to integer`);
    return BigInt(Math.trunc(v));
  }

  override index(): bigint {
    if (isFloating(this.dtype)) throw pyError('TypeError', 'only integer tensors of a single element can be converted to an index');
    return BigInt(this.scalarValue('index'));
  }

  override repr(): string {
    return tensorRepr({
      values: this.values(),
      shape: this.shape,
      dtype: this.dtype,
      gradFn: this.t.gradFn?.name ?? null,
      requiresGrad: this.t.requiresGrad,
    });
  }

  /** A 0-d tensor formats as its item (`f"{loss:.4f}"`); anything else only with an empty spec. */
  override format(spec: string, ctx: HostContext): string {
    if (this.shape.length === 0) return formatValue(this.item(), spec, ctx);
    if (spec === '') return this.repr();
    throw pyError('TypeError', 'unsupported format string passed to Tensor.__format__');
  }

  /** `str(x.item())`, for messages. */
  itemText(): string {
    return itemStr(this.values()[0], this.dtype);
  }
}

function logical(rt: TorchRuntime, op: '&' | '|' | '^', a: PyTensor, b: PyTensor | number | bigint | boolean): PyValue {
  const other = b instanceof PyTensor ? b : null;
  if (a.dtype !== 'bool' || (other !== null && other.dtype !== 'bool') || (other === null && typeof b !== 'boolean')) {
    throw pyError('TypeError', `bitwise ${op} is only implemented for bool tensors in Gradlens`);
  }
  return rt.run(() => {
    const o = rt.ops;
    // NB: as ints: the wasm backend miscomputes a select between bool tensors.
    const x = o.convert(a.t, 'int32');
    const y = other ? o.convert(other.t, 'int32') : rt.scalar(b ? 1 : 0, 'int32');
    const out = op === '&' ? o.mul(x, y) : op === '|' ? o.max(x, y) : o.ne(x, y);
    return rt.wrap(o.convert(out, 'bool'), 'bool');
  });
}

/** An in-place update (`x += y`, `x.add_(y)`): computed out of place, then written into x. */
export function inPlaceArith(x: PyTensor, op: ArithOp, other: PyTensor | number | bigint | boolean): PyTensor {
  const rt = x.rt;
  checkInPlace(x);
  const otherFloat = typeof other === 'number' || (other instanceof PyTensor && isFloating(other.dtype));
  if (!isFloating(x.dtype) && (otherFloat || op === 'div')) {
    throw pyError('RuntimeError', `result type Float can't be cast to the desired output type ${CAST_NAMES[x.dtype]}`);
  }
  return rt.run(() => {
    rt.engine.inPlace(x.t, (snapshot) => rt.ops.convert(arith(rt, op, rt.wrap(snapshot, x.dtype), other).t, STORAGE[x.dtype]));
    return x;
  });
}

const CAST_NAMES: Record<TorchDTypeName, string> = { float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', bool: 'Bool' };

/**
 * Checks an in-place update before the engine starts it, with PyTorch's message.
 * NB: an error thrown inside engine.inPlace would leave the tensors of its tidy scope alive.
 */
export function checkInPlace(x: PyTensor): void {
  if (x.t.isLeaf && x.t.requiresGrad && x.rt.engine.gradEnabled) {
    throw pyError('RuntimeError', 'a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

/** PyTorch's message, before the runtime's (which names the storage dtype). */
export function checkRequiresGrad(x: PyTensor, value: boolean): void {
  if (value && !isFloating(x.dtype)) throw pyError('RuntimeError', 'only Tensors of floating point dtype can require gradients');
}
