/**
 * What a torch.Tensor does as a Python object: its operators (`+`, `@`, `&`, comparisons, `+=`,
 * `in`), named methods, indexing and `torch.Tensor(...)`, gathered from the files that implement
 * them into the TensorBehaviour each run's TorchRuntime holds (tensor.ts imports none of them).
 */
import { pyError, NOT_IMPLEMENTED, type BinaryOp, type CompareOp, type PyValue, typeName } from '../interpreter';
import { arith, asOperand, compareOp, inPlaceArith, type ArithOp, type CompareOpName } from './arith';
import { gradFnObject } from './autograd';
import { CREATORS, tensorFromData } from './creation';
import { getIndex, setIndex } from './indexing';
import { TENSOR_METHODS, matmul } from './methods';
import { PyTensor, type TensorBehaviour, type TorchRuntime } from './tensor';

const ARITH: Partial<Record<BinaryOp, ArithOp>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'pow', '//': 'floordiv', '%': 'mod' };
const COMPARE: Record<CompareOp, CompareOpName> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };

export const TENSOR_BEHAVIOUR: TensorBehaviour = {
  methods: TENSOR_METHODS,
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
    if (op === '&' || op === '|' || op === '^') return logical(x.rt, op, x, o);
    return NOT_IMPLEMENTED;
  },
  inplace(op, x, other) {
    const a = ARITH[op];
    const o = asOperand(other);
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
  getIndex,
  setIndex,
  gradFn: gradFnObject,
};

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
