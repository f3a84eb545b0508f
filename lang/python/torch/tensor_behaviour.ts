/**
 * What a torch.Tensor does as a Python object: its operators (`+`, `@`, `&`, comparisons, `+=`,
 * `in`), named methods, indexing and `torch.Tensor(...)`, gathered from the files that implement
 * them into the TensorBehaviour each run's TorchRuntime holds (tensor.ts imports none of them).
 */
import { pyError, NOT_IMPLEMENTED, type BinaryOp, type CompareOp, typeName } from '../interpreter';
import { arith, asOperand, compareOp, inPlaceArith, type ArithOp, type CompareOpName } from './arith';
import { gradFnObject } from './autograd';
import { bitwise, type BitwiseOp, invert } from './bitwise';
import { CREATORS, tensorFromData } from './creation';
import { getIndex, setIndex } from './indexing';
import { TENSOR_METHODS, matmul } from './methods';
import { acceptingNumpyKeywords } from './numpy_keywords';
import { PyTensor, type TensorBehaviour } from './tensor';

const ARITH: Partial<Record<BinaryOp, ArithOp>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'pow', '//': 'floordiv', '%': 'mod' };
const BITWISE: Partial<Record<BinaryOp, BitwiseOp>> = { '&': 'and', '|': 'or', '^': 'xor', '<<': 'lshift', '>>': 'rshift' };
const BITWISE_METHOD: { readonly [B in BitwiseOp]: string } = {
  and: 'bitwise_and', or: 'bitwise_or', xor: 'bitwise_xor', lshift: 'bitwise_left_shift', rshift: 'bitwise_right_shift',
};
const COMPARE: Record<CompareOp, CompareOpName> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };

export const TENSOR_BEHAVIOUR: TensorBehaviour = {
  methods: acceptingNumpyKeywords(TENSOR_METHODS),
  construct(rt, args, kwargs, c) {
    if (kwargs.size > 0) throw pyError('TypeError', 'torch.Tensor() takes no keyword arguments in Gradlens');
    if (args.length === 1 && !(typeof args[0] === 'bigint')) return tensorFromData(rt, args[0], 'float32', c);
    return CREATORS.zeros(rt, args, kwargs, c);
  },
  binary(op, x, other, reflected) {
    const o = asOperand(other);
    if (o === null) return NOT_IMPLEMENTED;
    if (op === '@') {
      if (!(o instanceof PyTensor)) return NOT_IMPLEMENTED;
      return reflected ? matmul(x.rt, o, x) : matmul(x.rt, x, o);
    }
    const a = ARITH[op];
    if (a !== undefined) return reflected ? arith(x.rt, a, o, x) : arith(x.rt, a, x, o);
    const b = BITWISE[op];
    if (b !== undefined) return reflected ? bitwise(b, o, x) : bitwise(b, x, o);
    return NOT_IMPLEMENTED;
  },
  inplace(op, x, other) {
    const a = ARITH[op];
    const o = asOperand(other);
    const b = BITWISE[op];
    if (b !== undefined && o !== null) return TENSOR_METHODS[`${BITWISE_METHOD[b]}_`](x, [o], new Map(), x.rt.ctx);
    if (a === undefined || o === null || op === '**' || op === '//' || op === '%') return NOT_IMPLEMENTED;
    return inPlaceArith(x, a, o);
  },
  compare(op, x, other) {
    const o = asOperand(other);
    if (o === null) return op === '==' ? false : op === '!=' ? true : NOT_IMPLEMENTED;
    return compareOp(x.rt, COMPARE[op], x, o);
  },
  contains(x, item) {
    const o = asOperand(item);
    if (o === null) throw pyError('RuntimeError', `Tensor.__contains__ only supports Tensor or scalar, but you passed in a ${typeName(item)}.`);
    return compareOp(x.rt, 'eq', x, o).values().some((v) => v !== 0);
  },
  invert: (x) => invert(x, true),
  getIndex,
  setIndex,
  gradFn: gradFnObject,
};
