/**
 * Elementwise arithmetic with PyTorch's rules for mixing tensors and Python numbers: a Python
 * float meeting an integer tensor makes a float32 result, an int keeps the tensor's dtype, and
 * broadcasting errors read as PyTorch's.
 */
import type { Shape } from '../../../runtime/core';
import type { Tensor, TensorLike } from '../../../runtime/eager';
import { pyError, type HostContext, PyList, PyTuple, type PyValue, typeName } from '../interpreter';
import { SCALAR_TYPE, STORAGE, isFloating, type TorchDTypeName } from './dtype';
import { PyTensor, checkInPlace, followOperands, type TorchRuntime } from './tensor';
import { tensorFromData } from './creation';
import { inferSizeMessage } from './errors';

export type Operand = PyTensor | number | bigint | boolean;

export function isScalar(v: PyValue): v is number | bigint | boolean {
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
}

/** A tensor for an argument that may be a Python number or a list (`torch.where(c, x, 0.)`). */
export function asTensor(rt: TorchRuntime, v: PyValue, ctx: HostContext, what = 'argument'): PyTensor {
  if (v instanceof PyTensor) return v;
  if (isScalar(v) || v instanceof PyList || v instanceof PyTuple) return tensorFromData(rt, v, null, ctx);
  throw pyError('TypeError', `${what} must be Tensor, not ${typeName(v)}`);
}

export function asOperand(v: PyValue): Operand | null {
  return v instanceof PyTensor || isScalar(v) ? v : null;
}

/** The dtype a Python scalar takes on its own: int -> int64, float -> float32, bool -> bool. */
function scalarDType(v: number | bigint | boolean): TorchDTypeName {
  return typeof v === 'number' ? 'float32' : typeof v === 'bigint' ? 'int64' : 'bool';
}

function num(v: number | bigint | boolean): number {
  return typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
}

export function checkBroadcast(a: Shape, b: Shape): void {
  const message = inferSizeMessage([a, b]);
  if (message !== null) throw pyError('RuntimeError', message);
}

/** The shape two broadcastable shapes broadcast to (checkBroadcast first). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => Math.max(a[i - (rank - a.length)] ?? 1, b[i - (rank - b.length)] ?? 1));
}

/**
 * Both operands ready for TorchOps: tensors unwrapped, Python numbers as JS numbers (so TorchOps
 * names the grad_fn as PyTorch does: `2 - x` is RsubBackward1), an integer tensor widened to
 * float32 first when it meets a Python float.
 */
function prepare(rt: TorchRuntime, a: Operand, b: Operand): { x: TensorLike; y: TensorLike } {
  if (a instanceof PyTensor && b instanceof PyTensor && !sameShape(a.shape, b.shape)) checkBroadcast(a.shape, b.shape);
  return { x: side(rt, a, b), y: side(rt, b, a) };
}

function side(rt: TorchRuntime, v: Operand, other: Operand): TensorLike {
  if (!(v instanceof PyTensor)) {
    if (other instanceof PyTensor) return num(v);
    return rt.scalar(num(v), scalarDType(v));
  }
  if (typeof other === 'number' && !isFloating(v.dtype)) return rt.convert(v.t, 'float32');
  return v.t;
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The tensors among a binary op's operands, whose dtypes decide an integer result's (see TorchRuntime.result). */
const tensorsOf = (a: Operand, b: Operand): PyTensor[] => [a, b].filter((v): v is PyTensor => v instanceof PyTensor);

export type ArithOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'floordiv' | 'mod' | 'maximum' | 'minimum';

/** The operands as TensorIterator sees their memory: a Python number has none. */
const memoryOf = (a: Operand, b: Operand): (PyTensor | null)[] => [a, b].map((v) => (v instanceof PyTensor ? v : null));

export function arith(rt: TorchRuntime, op: ArithOp, a: Operand, b: Operand): PyTensor {
  return followOperands(arithResult(rt, op, a, b), memoryOf(a, b));
}

function arithResult(rt: TorchRuntime, op: ArithOp, a: Operand, b: Operand): PyTensor {
  return rt.run(() => {
    const { x, y } = prepare(rt, a, b);
    const T = rt.torch;
    if ((op === 'add' || op === 'mul') && isBool(x) && isBool(y)) return rt.wrap(boolArith(rt, op, x, y), 'bool');
    let out: Tensor;
    switch (op) {
      case 'add': out = T.add(x, y); break;
      case 'sub': out = T.sub(x, y); break;
      case 'mul': out = T.mul(x, y); break;
      case 'div': out = T.div(x, y); break;
      case 'pow':
        if (typeof y === 'number' && y < 0 && Number.isInteger(y) && typeof x !== 'number' && !isFloatTensor(x)) {
          throw pyError('RuntimeError', 'Integers to negative integer powers are not allowed.');
        }
        out = T.pow(x, y);
        break;
      case 'floordiv': out = floorDivide(rt, x, y); break;
      case 'mod': out = remainder(rt, x, y); break;
      case 'maximum': out = T.maximum(...T.coerce(x, y)); break;
      case 'minimum': out = T.minimum(...T.coerce(x, y)); break;
    }
    // NB: only an int32 result reads the operands' dtypes: a float op makes no list of them.
    return out.dtype === 'int32' ? rt.result(out, tensorsOf(a, b)) : rt.wrap(out);
  });
}


export type CompareOpName = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';

export function compareOp(rt: TorchRuntime, op: CompareOpName, a: Operand, b: Operand): PyTensor {
  return followOperands(rt.run(() => {
    const { x, y } = prepare(rt, a, b);
    return rt.wrap(rt.torch.compare(op, x, y), 'bool');
  }), memoryOf(a, b));
}

/** Python's floor division (`//`), which PyTorch follows: rounds toward minus infinity. */
function floorDivide(rt: TorchRuntime, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = rt.torch.coerce(a, b);
  const o = rt.ops;
  if (isFloatTensor(x)) {
    // PyTorch 1.13 defines no derivative for floor_divide and names its node so.
    return rt.engine.composite('NotImplemented', () => floorDivideFloat(rt, x, y));
  }
  if (!rt.engine.withGradMode(false, () => o.reduceMin(o.ne(y, o.scalarLike(0, y)), y.shape.map((_, i) => i)).dataSync()[0])) {
    throw pyError('RuntimeError', 'ZeroDivisionError');
  }
  const q = o.div(x, y);
  const r = o.sub(x, o.mul(q, y));
  const zero = o.scalarLike(0, r);
  // NB: int arithmetic, not a select between bool tensors, which the wasm backend miscomputes.
  const adjust = o.mul(o.convert(o.ne(r, zero), q.dtype), o.convert(o.ne(o.lt(r, zero), o.lt(y, zero)), q.dtype));
  return o.sub(q, adjust);
}

/** Both operands broadcast to their common shape, for the primitives that take operands of one shape. */
function broadcastPair(rt: TorchRuntime, x: Tensor, y: Tensor): [Tensor, Tensor] {
  const rank = Math.max(x.shape.length, y.shape.length);
  const dim = (s: Shape, i: number): number => s[s.length - rank + i] ?? 1;
  const shape = Array.from({ length: rank }, (_, i) => Math.max(dim(x.shape, i), dim(y.shape, i)));
  return [rt.ops.broadcastTo(x, shape), rt.ops.broadcastTo(y, shape)];
}

/**
 * fmod(x, y) moved to y's sign where they differ, as PyTorch's CPU remainder kernel computes it:
 * exact, and a zero remainder keeps fmod's sign (`-720. % 360.` is -0.).
 */
function remainderFloat(rt: TorchRuntime, a: Tensor, b: Tensor): Tensor {
  const o = rt.ops;
  const [x, y] = broadcastPair(rt, a, b);
  const mod = o.bind('rem', [x, y], {});
  const zero = o.scalarLike(0, mod);
  const moved = o.convert(o.mul(o.convert(o.ne(mod, zero), 'int32'), o.convert(o.ne(o.lt(y, zero), o.lt(mod, zero)), 'int32')), 'bool');
  return o.select(moved, o.add(mod, y), mod);
}

/**
 * PyTorch 1.13's floor division of floats (div_floor_floating): from the exact remainder, not
 * floor(x / y), whose rounded quotient can land on the next integer (`1. // 0.1` is 9., not 10.);
 * a zero quotient takes the sign of x / y (`-0. // 2.` is -0.), a zero divisor gives x / y.
 */
function floorDivideFloat(rt: TorchRuntime, a: Tensor, b: Tensor): Tensor {
  const o = rt.ops;
  const [x, y] = broadcastPair(rt, a, b);
  const zero = o.scalarLike(0, x);
  const one = o.scalarLike(1, x);
  const mod = o.bind('rem', [x, y], {});
  const truncated = o.div(o.sub(x, mod), y);
  const below = o.convert(o.mul(o.convert(o.ne(mod, zero), 'int32'), o.convert(o.ne(o.lt(y, zero), o.lt(mod, zero)), 'int32')), 'bool');
  const quotient = o.select(below, o.sub(truncated, one), truncated);
  const floored = o.bind('floor', [quotient], {});
  const rounded = o.select(o.gt(o.sub(quotient, floored), o.scalarLike(0.5, x)), o.add(floored, one), floored);
  const ratio = o.div(x, y);
  // copysign(0, x / y): a -0 where the quotient is negative or -0 (1 / -0 is -inf).
  const negative = o.select(o.eq(ratio, zero), o.lt(o.div(one, ratio), zero), o.lt(ratio, zero));
  const signedZero = o.select(negative, o.neg(o.zerosLike(x)), o.zerosLike(x));
  return o.select(o.eq(y, zero), ratio, o.select(o.eq(quotient, zero), signedZero, rounded));
}

/** `%` with Python's sign rule (torch.remainder): the result takes the divisor's sign. */
function remainder(rt: TorchRuntime, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = rt.torch.coerce(a, b);
  const o = rt.ops;
  if (!isFloatTensor(x)) return o.sub(x, o.mul(floorDivide(rt, x, y), y));
  // rem's derivative in y is -trunc(x / y); moving the remainder adds y once more: -floor(x / y), PyTorch's.
  return rt.engine.composite('RemainderBackward0', () => remainderFloat(rt, x, y), { inputs: y.requiresGrad ? [x, y] : [], output: false });
}

const isBool = (v: TensorLike): v is Tensor => typeof v !== 'number' && v.dtype === 'bool';

/** PyTorch adds bools as `or` and multiplies them as `and`: the result stays bool. */
function boolArith(rt: TorchRuntime, op: 'add' | 'mul', x: Tensor, y: Tensor): Tensor {
  const o = rt.ops;
  const [i, j] = [o.convert(x, 'int32'), o.convert(y, 'int32')];
  return o.ne(op === 'add' ? o.add(i, j) : o.mul(i, j), o.scalarLike(0, i));
}

function isFloatTensor(t: Tensor): boolean {
  return t.dtype === 'float32' || t.dtype === 'float64';
}

/** An in-place update (`x += y`, `x.add_(y)`): computed out of place, then written into x. */
export function inPlaceArith(x: PyTensor, op: ArithOp, other: PyTensor | number | bigint | boolean): PyTensor {
  const rt = x.rt;
  checkInPlace(x);
  const otherFloat = typeof other === 'number' || (other instanceof PyTensor && isFloating(other.dtype));
  if (!isFloating(x.dtype) && (otherFloat || op === 'div')) {
    throw pyError('RuntimeError', `result type Float can't be cast to the desired output type ${CAST_NAMES[x.dtype]}`);
  }
  const direct = directOperand(x, op, other);
  return rt.run(() => {
    rt.engine.inPlace(x.t, direct === null
      ? (snapshot) => rt.ops.convert(arith(rt, op, rt.wrap(snapshot, x.dtype), other).t, STORAGE[x.dtype])
      : (snapshot) => rt.torch[op as DirectOp](snapshot, direct));
    return x;
  });
}

type DirectOp = 'add' | 'sub' | 'mul' | 'div';

/**
 * The operand of an in-place op that needs none of arith's promotions (a float tensor with a
 * number, or with a tensor of its dtype and shape: a training loop's `w -= lr * w.grad`), as
 * TorchOps takes it; null for the rest. NB: those skip a Python tensor for the snapshot and one
 * for the result, which cost more than the op on a small tensor (W4's updates).
 */
function directOperand(x: PyTensor, op: ArithOp, other: Operand): TensorLike | null {
  if ((op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div') || !isFloating(x.dtype)) return null;
  if (typeof other === 'number') return other;
  if (typeof other === 'bigint') return Number(other);
  return other instanceof PyTensor && other.dtype === x.dtype && sameShape(other.shape, x.shape) ? other.t : null;
}

export const CAST_NAMES: Record<TorchDTypeName, string> = SCALAR_TYPE;

