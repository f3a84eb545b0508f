/**
 * The bitwise ops of bool and integer tensors (`&`, `|`, `^`, `~`, `<<`, `>>`, and bitwise_and,
 * bitwise_or, bitwise_xor, bitwise_not, bitwise_left_shift, bitwise_right_shift), computed on the
 * host as PyTorch's two's complement (int64 exact within ±2^53, refused past it, as everywhere).
 * The result dtype is PyTorch's: a Python int takes the tensor's integer dtype, a bool tensor
 * meeting one becomes int64; a float anywhere is refused as ATen's kernels refuse it. Shifts take
 * their count modulo the width, as PyTorch 1.13's x86 kernels do (`x << 70` is `x << 6`).
 */
import { bindArgs, type Args, pyError, type HostContext, type PyValue } from '../interpreter';
import { asOperand, asTensor, broadcastShape, checkBroadcast, type Operand } from './arith';
import { promote, SCALAR_TYPE, isFloating, type TorchDTypeName } from './dtype';
import { PyTensor, type Method } from './tensor';

export type BitwiseOp = 'and' | 'or' | 'xor' | 'lshift' | 'rshift';

const KERNEL_NAME: { readonly [K in BitwiseOp | 'not']: string } = {
  and: 'bitwise_and_cpu', or: 'bitwise_or_cpu', xor: 'bitwise_xor_cpu', not: 'bitwise_not_cpu', lshift: 'lshift_cpu', rshift: 'rshift_cpu',
};

const WIDTH: Readonly<Partial<Record<TorchDTypeName, number>>> = { int32: 32, int64: 64 };

const APPLY: { readonly [K in BitwiseOp]: (a: bigint, b: bigint, bits: number) => bigint } = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
  lshift: (a, b, bits) => BigInt.asIntN(bits, a << (b & BigInt(bits - 1))),
  rshift: (a, b, bits) => a >> (b & BigInt(bits - 1)),
};

/** The dtype a Python scalar operand stands for: int64, bool, or (refused later) float32. */
function scalarDType(v: number | bigint | boolean): TorchDTypeName {
  return typeof v === 'number' ? 'float32' : typeof v === 'bigint' ? 'int64' : 'bool';
}

const category = (d: TorchDTypeName) => (d === 'bool' ? 0 : isFloating(d) ? 2 : 1);

/**
 * ATen's result_type: tensors with dims decide, unless 0-d tensors or Python scalars are of a
 * higher category (bool < integer < float), or the tensors are bool.
 */
export function resultDType(operands: readonly Operand[]): TorchDTypeName {
  const dimmed = operands.filter((v): v is PyTensor => v instanceof PyTensor && v.shape.length > 0).map((t) => t.dtype);
  const zeroDim = operands.filter((v): v is PyTensor => v instanceof PyTensor && v.shape.length === 0).map((t) => t.dtype);
  const scalars = operands.filter((v): v is number | bigint | boolean => !(v instanceof PyTensor)).map(scalarDType);
  const combine = (higher: TorchDTypeName | null, lower: TorchDTypeName | null): TorchDTypeName | null => {
    if (higher === null) return lower;
    if (lower === null || isFloating(higher)) return higher;
    if (higher === 'bool' || category(lower) > category(higher)) return promote(higher, lower);
    return higher;
  };
  const promoted = (ds: TorchDTypeName[]) => (ds.length === 0 ? null : ds.reduce(promote));
  return combine(promoted(dimmed), combine(promoted(zeroDim), promoted(scalars)))!;
}

function values(t: PyTensor, shape: readonly number[]): bigint[] {
  const rt = t.rt;
  return rt.run(() => rt.wrap(rt.ops.broadcastTo(t.t, shape), t.dtype)).values().map((v) => BigInt(v));
}

/** `a op b` for a tensor on either side (`1 << x` has the tensor second). */
export function bitwise(op: BitwiseOp, a: Operand, b: Operand): PyTensor {
  const tensor = (a instanceof PyTensor ? a : b) as PyTensor;
  const rt = tensor.rt;
  const dtype = resultDType([a, b]);
  if (isFloating(dtype)) throw pyError('RuntimeError', `"${KERNEL_NAME[op]}" not implemented for '${SCALAR_TYPE[dtype]}'`);
  const shapeOf = (v: Operand) => (v instanceof PyTensor ? v.shape : []);
  checkBroadcast(shapeOf(a), shapeOf(b));
  const shape = broadcastShape(shapeOf(a), shapeOf(b));
  const read = (v: Operand) => (v instanceof PyTensor ? values(v, shape) : Array<bigint>(shape.reduce((p, d) => p * d, 1)).fill(BigInt(v)));
  const [x, y] = [read(a), read(b)];
  if (dtype === 'bool') return rt.fromValues(x.map((p, i) => Number(APPLY[op](p, y[i], 1) !== 0n)), shape, 'bool');
  const bits = WIDTH[dtype]!;
  return rt.fromValues(x.map((p, i) => Number(BigInt.asIntN(bits, APPLY[op](p, y[i], bits)))), shape, dtype);
}

/** `~x`: logical not of a bool tensor, two's complement of an integer one. */
export function invert(x: PyTensor, asOperator: boolean): PyTensor {
  if (isFloating(x.dtype)) {
    if (asOperator) throw pyError('TypeError', '~ (operator.invert) is only implemented on integer and Boolean-type tensors');
    throw pyError('RuntimeError', `"${KERNEL_NAME.not}" not implemented for '${SCALAR_TYPE[x.dtype]}'`);
  }
  if (x.dtype === 'bool') return x.rt.fromValues(values(x, x.shape).map((v) => Number(v === 0n)), x.shape, 'bool');
  return x.rt.fromValues(values(x, x.shape).map((v) => Number(~v)), x.shape, x.dtype);
}

function def(name: string, op: BitwiseOp): Method {
  return (self, args, kwargs, ctx) => {
    const a: Args = bindArgs(name, ['other'], args, kwargs, ctx);
    return bitwise(op, self, operand(self, a.required('other'), ctx));
  };
}

function operand(self: PyTensor, v: PyValue, ctx: HostContext): Operand {
  return asOperand(v) ?? asTensor(self.rt, v, ctx, 'other');
}

export const BITWISE_METHODS: Readonly<Record<string, Method>> = {
  bitwise_and: def('bitwise_and', 'and'),
  bitwise_or: def('bitwise_or', 'or'),
  bitwise_xor: def('bitwise_xor', 'xor'),
  bitwise_left_shift: def('bitwise_left_shift', 'lshift'),
  bitwise_right_shift: def('bitwise_right_shift', 'rshift'),
  bitwise_not: (self, args, kwargs, ctx) => {
    bindArgs('bitwise_not', [], args, kwargs, ctx);
    return invert(self, false);
  },
};

/** Names whose `torch.f(input, ...)` form is the method. */
export const BITWISE_FUNCTION_NAMES = Object.keys(BITWISE_METHODS);

/** The methods that have in-place forms (`flags.bitwise_or_(4)`, and `|=`). */
export const BITWISE_IN_PLACE = BITWISE_FUNCTION_NAMES;
