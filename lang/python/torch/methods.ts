/**
 * Tensor methods by name. Each takes the tensor and the Python call's arguments; `torch.f(x, ...)`
 * reuses the same entry with x as `input` (see module.ts).
 */
import { isRowMajor } from '../../../runtime/eager';
import { bindArgs, nestedFromFlat, toIntList, type Args, pyError, type HostContext, HostObject, PyList, PyTuple, nameTable, type PyValue, toFloat, typeName } from '../interpreter';
import { arith, asOperand, asTensor, checkBroadcast, compareOp, inPlaceArith, type ArithOp, type CompareOpName, type Operand } from './arith';
import { ACTIVATION_METHODS } from './activation_functions';
import { backward } from './autograd';
import { registerHook } from './hooks';
import { noteCut, noteDetach } from './jit_refusals';
import { dtypeArg, sizeArgs } from './creation';
import { requireCpu } from './device';
import { ITEM_SIZE, LackingDType, SCALAR_TYPE, TorchDType, isFloating, type TorchDTypeName } from './dtype';
import { shareWithNumpy } from './numpy_bridge';
import { ORDERING_FUNCTION_NAMES, ORDERING_METHODS } from './ordering';
import { SPECIAL_METHODS } from './special';
import { clampByTensors, refuseMixedBounds } from './clamp_tensors';
import { roundedDivide } from './rounded_div';
import { ROUNDING_FUNCTION_NAMES, TORCH_ROUNDING_METHODS } from './rounding';
import { LINALG_FUNCTION_NAMES, LINALG_METHODS } from './linalg';
import { SCATTER_FUNCTION_NAMES, SCATTER_METHODS } from './scatter';
import { BLAS_FUNCTION_NAMES, BLAS_IN_PLACE, BLAS_METHODS } from './blas';
import { STATISTICS_FUNCTION_NAMES, STATISTICS_METHODS } from './statistics';
import { POINTWISE_FUNCTION_NAMES, POINTWISE_IN_PLACE, POINTWISE_METHODS } from './pointwise';
import { BITWISE_FUNCTION_NAMES, BITWISE_IN_PLACE, BITWISE_METHODS } from './bitwise';
import { REAL_COMPLEX_FUNCTION_NAMES, REAL_COMPLEX_METHODS } from './real_complex';
import { DISTANCE_FUNCTION_NAMES, DISTANCE_IN_PLACE, DISTANCE_METHODS } from './distances';
import { COUNTING_FUNCTION_NAMES, COUNTING_METHODS } from './counting';
import { SECTION_FUNCTION_NAMES, SECTION_METHODS } from './sections';
import { SELECTION_FUNCTION_NAMES, SELECTION_METHODS } from './selection';
import { SPLITTING_FUNCTION_NAMES, SPLITTING_METHODS } from './splitting';
import { STRIDED_FUNCTION_NAMES, STRIDED_METHODS } from './strided';
import { NEW_TENSOR_METHODS } from './new_tensors';
import { DEEP_COPY_METHODS } from './deep_copy';
import { RANDOM_METHODS } from './random';
import { RESHAPING_FUNCTION_NAMES, RESHAPING_METHODS } from './reshaping';
import { returnTuple } from './return_types';
import { TorchSize } from './size';
import { TRIANGULAR_FUNCTION_NAMES, TRIANGULAR_METHODS } from './triangular';
import { PyTensor, checkInPlace, checkRequiresGrad, followOperands, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';
import { VIEW_IN_PLACE_METHODS } from './view_in_place';
import { tensorTypeArg, tensorTypeName } from './tensor_types';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/** `dim` as None, an int, or a tuple of ints. */
function dimArg(a: Args, name = 'dim'): T.Dim {
  const v = a.opt(name);
  if (v === undefined) return null;
  if (v instanceof PyTuple || v instanceof PyList) return a.ints(name) ?? null;
  return a.int(name);
}

function oneDim(a: Args, name = 'dim'): number | null {
  return a.opt(name) === undefined ? null : a.int(name);
}

function operand(v: PyValue, what: string): Operand {
  const o = asOperand(v);
  if (o === null) throw pyError('TypeError', `${what}(): argument 'other' must be Tensor or Number, not ${typeName(v)}`);
  return o;
}

function optNumber(a: Args, name: string, ctx: HostContext): number | null {
  const v = a.opt(name);
  if (v === undefined) return null;
  return v instanceof PyTensor ? v.float(ctx) : toFloat(v, ctx);
}

/** clamp/clip: two number bounds (ClampBackward1), or tensor bounds broadcasting with x (ClampBackward0). */
function clampMethod(name: string): Method {
  return def(name, ['min?', 'max?'], (x, a, ctx) => {
    const min = a.opt('min') ?? null;
    const max = a.opt('max') ?? null;
    if (!(min instanceof PyTensor) && !(max instanceof PyTensor)) return T.clamp(x, optNumber(a, 'min', ctx), optNumber(a, 'max', ctx));
    if ((min !== null && !(min instanceof PyTensor)) || (max !== null && !(max instanceof PyTensor))) refuseMixedBounds(name, min, max);
    if (min === null && max === null) throw pyError('RuntimeError', "torch.clamp: At least one of 'min' or 'max' must not be None");
    return clampByTensors(x, min as PyTensor | null, max as PyTensor | null, 'ClampBackward0');
  });
}

export function matmul(rt: TorchRuntime, a: PyTensor, b: PyTensor): PyTensor {
  T.checkMatmul(a.shape, b.shape);
  checkMatmulDTypes(a, b);
  return rt.run(() => {
    const out = rt.torch.matmul(a.t, b.t);
    // PyTorch 1.13 computes vector @ matrix as a squeezed mm.
    const result = rt.result(a.shape.length === 1 && b.shape.length === 2 ? T.rename(out, [a.t, b.t], 'SqueezeBackward3') : out, [a, b]);
    return result;
  });
}

/**
 * PyTorch 1.13's matmul promotes nothing: operands of two dtypes (a model made float64 given a
 * float32 batch) fail, in the words of the kernel it runs: dot for two vectors, else mm/bmm, which
 * compute a matrix (or vector) times a batch transposed, the batch first.
 */
function checkMatmulDTypes(a: PyTensor, b: PyTensor): void {
  if (a.dtype === b.dtype) return;
  if (a.shape.length === 1 && b.shape.length === 1) {
    throw pyError('RuntimeError', `dot : expected both vectors to have same dtype, but found ${SCALAR_TYPE[a.dtype]} and ${SCALAR_TYPE[b.dtype]}`);
  }
  const [first, second] = a.shape.length <= 2 && b.shape.length >= 3 ? [b, a] : [a, b];
  throw pyError('RuntimeError', `expected scalar type ${SCALAR_TYPE[first.dtype]} but found ${SCALAR_TYPE[second.dtype]}`);
}

function binaryMethod(op: ArithOp): Method {
  return def(op, ['other', '*', 'alpha?'], (x, a, ctx) => {
    let other = operand(a.required('other'), op);
    const alpha = optNumber(a, 'alpha', ctx);
    if (alpha !== null && alpha !== 1) other = arith(x.rt, 'mul', other, alpha);
    return arith(x.rt, op, x, other);
  });
}

/** div with PyTorch's `rounding_mode=None | 'trunc' | 'floor'`. */
function divMethod(name: string): Method {
  return def(name, ['other', '*', 'rounding_mode?'], (x, a) => {
    const other = operand(a.required('other'), name);
    const mode = a.opt('rounding_mode');
    return mode === undefined ? arith(x.rt, 'div', x, other) : roundedDivide(x.rt, x, other, mode);
  });
}

function inPlaceMethod(op: ArithOp): Method {
  return def(`${op}_`, ['other', '*', 'alpha?'], (x, a, ctx) => {
    let other = operand(a.required('other'), `${op}_`);
    const alpha = optNumber(a, 'alpha', ctx);
    if (alpha !== null && alpha !== 1) other = arith(x.rt, 'mul', other, alpha);
    return inPlaceArith(x, op, other);
  });
}

/**
 * `x.f_(...)` for an elementwise method f (`h.relu_()`, `x.clamp_(0, 1)`, `scores.masked_fill_(mask, 0)`):
 * f of x's values replaces them, recorded on the tape as PyTorch records the in-place op, and
 * cast back to x's dtype where PyTorch's rule allows (a float result into an integer tensor is refused).
 */
function inPlaceForm(name: string): Method {
  return (x, args, kwargs, ctx) => {
    const rt = x.rt;
    checkInPlace(x);
    return rt.run(() => {
      rt.engine.inPlace(x.t, (snapshot) => {
        const r = TENSOR_METHODS[name](rt.wrap(snapshot, x.dtype), args, kwargs, ctx) as PyTensor;
        // A tensor operand (clamp_'s bounds) may broadcast x to more than it holds.
        if (r.shape.join() !== x.shape.join()) throw pyError('RuntimeError', `output with shape [${x.shape.join(', ')}] doesn't match the broadcast shape [${r.shape.join(', ')}]`);
        // PyTorch's canCast: a float result into an integer tensor, or a number into a bool one, is refused.
        if ((isFloating(r.dtype) && !isFloating(x.dtype)) || (r.dtype !== 'bool' && x.dtype === 'bool')) throw pyError('RuntimeError', `result type ${SCALAR_TYPE[r.dtype]} can't be cast to the desired output type ${SCALAR_TYPE[x.dtype]}`);
        return rt.convert(r.t, x.dtype);
      });
      return x;
    });
  };
}

/** The elementwise methods whose in-place forms (`relu_`) PyTorch has. */
const IN_PLACE_FORMS = [
  'clamp', 'clip', 'clamp_min', 'clamp_max', 'relu', 'sigmoid', 'tanh', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'abs',
  'neg', 'square', 'reciprocal', 'sign', 'sin', 'cos', 'pow', 'masked_fill', 'remainder', 'floor_divide', 'cumsum', 'tril', 'triu',
  ...BLAS_IN_PLACE, ...POINTWISE_IN_PLACE, ...BITWISE_IN_PLACE, ...DISTANCE_IN_PLACE,
] as const;

function compareMethod(op: CompareOpName): Method {
  return def(op, ['other'], (x, a) => compareOp(x.rt, op, x, operand(a.required('other'), op)));
}

function unary(op: T.UnaryName): Method {
  return def(op, [], (x) => T.unaryMath(x, op));
}

function cast(dtype: TorchDTypeName): Method {
  return def(dtype, ['memory_format?'], (x) => T.toDType(x, dtype));
}

function extremeMethod(which: 'max' | 'min'): Method {
  return def(which, ['dim?', 'keepdim?'], (x, a, ctx) => {
    const d = a.opt('dim');
    if (d instanceof PyTensor) return arith(x.rt, which === 'max' ? 'maximum' : 'minimum', x, d);
    if (d === undefined) return T.extreme(x, which, null, false);
    const dim = a.int('dim');
    const keep = a.bool('keepdim', false);
    const values = T.extreme(x, which, dim, keep);
    const indices = T.argExtreme(x, which, dim, keep);
    void ctx;
    return returnTuple(which, ['values', 'indices'], [values, indices]);
  });
}

function zeroValues(x: PyTensor, value: number): PyTensor {
  const rt = x.rt;
  checkInPlace(x);
  return rt.run(() => {
    rt.engine.inPlace(x.t, (old) => rt.ops.full(old.shape, value, old.dtype));
    return x;
  });
}


/**
 * masked_fill's mask as PyTorch 1.13 takes it: a bool tensor, or an integer one of 0s and 1s
 * (TensorAdvancedIndexing.cpp's check). A float mask is refused: 1.13 fills nothing with it and
 * raises no error, later versions refuse it, and Gradlens never gives that silent no-op.
 */
function boolMask(mask: PyTensor): PyTensor {
  if (mask.dtype === 'bool') return mask;
  if (isFloating(mask.dtype)) {
    throw pyError('RuntimeError', `masked_fill only supports boolean masks, but got mask with dtype ${SCALAR_TYPE[mask.dtype].toLowerCase()} (PyTorch 1.13 leaves the tensor unfilled for it, without an error); pass mask.bool() or mask > 0`);
  }
  if (mask.values().some((v) => v !== 0 && v !== 1)) throw pyError('RuntimeError', 'Mask tensor can take 0 and 1 values only');
  return T.toDType(mask, 'bool');
}

export const TENSOR_METHODS = nameTable<Method>({
  ...DEEP_COPY_METHODS,
  ...ACTIVATION_METHODS,
  ...Object.fromEntries(IN_PLACE_FORMS.map((name) => [`${name}_`, inPlaceForm(name)])),
  ...RANDOM_METHODS,
  ...ORDERING_METHODS,
  ...SCATTER_METHODS,
  ...SELECTION_METHODS,
  ...COUNTING_METHODS,
  ...BLAS_METHODS,
  ...STATISTICS_METHODS,
  ...POINTWISE_METHODS,
  ...BITWISE_METHODS,
  ...REAL_COMPLEX_METHODS,
  ...DISTANCE_METHODS,
  ...SPLITTING_METHODS,
  ...RESHAPING_METHODS,
  ...STRIDED_METHODS,
  ...NEW_TENSOR_METHODS,
  ...TRIANGULAR_METHODS,
  ...VIEW_IN_PLACE_METHODS,
  ...SECTION_METHODS,
  ...SPECIAL_METHODS,
  ...TORCH_ROUNDING_METHODS,
  ...LINALG_METHODS,
  item: def('item', [], (x, _a, ctx) => {
    noteCut(x.t, 'item', ctx);
    return x.item();
  }),
  tolist: def('tolist', [], (x, _a, ctx) => {
    noteCut(x.t, 'tolist', ctx);
    return nestedFromFlat(x.values(), x.shape, x.dtype === 'bool' ? 'bool' : isFloating(x.dtype) ? 'float' : 'int');
  }),
  backward: (x, args, kwargs, ctx) => backward(x.rt, x, args, kwargs, ctx),
  detach: def('detach', [], (x, _a, ctx) => {
    noteDetach(x.t, ctx);
    return x.rt.run(() => x.rt.wrap(x.t.detach(), x.dtype));
  }),
  requires_grad_: def('requires_grad_', ['requires_grad?'], (x, a) => {
    checkRequiresGrad(x, a.bool('requires_grad', true));
    x.rt.run(() => x.t.requiresGrad_(a.bool('requires_grad', true)));
    return x;
  }),
  register_hook: registerHook,
  retain_grad: def('retain_grad', [], (x) => {
    x.rt.run(() => x.t.retainGrad());
    return null;
  }),
  zero_: def('zero_', [], (x) => zeroValues(x, 0)),
  fill_: def('fill_', ['value'], (x, a, ctx) => zeroValues(x, optNumber(a, 'value', ctx) ?? 0)),
  add_: inPlaceMethod('add'),
  sub_: inPlaceMethod('sub'),
  mul_: inPlaceMethod('mul'),
  div_: inPlaceMethod('div'),
  copy_: def('copy_', ['src', 'non_blocking?'], (x, a, ctx) => {
    const src = asTensor(x.rt, a.required('src'), ctx, 'src');
    const rt = x.rt;
    checkInPlace(x);
    checkBroadcast(src.shape, x.shape);
    return rt.run(() => {
      rt.engine.inPlace(x.t, (old) => rt.ops.broadcastTo(rt.convert(src.t, x.dtype), old.shape));
      return x;
    });
  }),
  size: def('size', ['dim?'], (x, a) => {
    const d = oneDim(a);
    return d === null ? new TorchSize(x.shape) : BigInt(x.shape[T.axis(x, d)]);
  }),
  dim: def('dim', [], (x) => BigInt(x.shape.length)),
  ndimension: def('ndimension', [], (x) => BigInt(x.shape.length)),
  numel: def('numel', [], (x) => BigInt(x.numel)),
  nelement: def('nelement', [], (x) => BigInt(x.numel)),
  element_size: def('element_size', [], (x) => BigInt(ITEM_SIZE[x.dtype])),
  is_floating_point: def('is_floating_point', [], (x) => isFloating(x.dtype)),
  float: cast('float32'),
  double: cast('float64'),
  int: cast('int32'),
  long: cast('int64'),
  short: cast('int16'),
  char: cast('int8'),
  byte: cast('uint8'),
  bool: cast('bool'),
  to: def('to', ['*args', '**kwargs'], (x, a) => {
    const lacking = [...a.rest, a.extraKwargs.get('dtype')].find((v) => v instanceof LackingDType);
    if (lacking instanceof LackingDType) throw lacking.refusal();
    const device = a.extraKwargs.get('device') ?? a.rest.find((v) => !(v instanceof TorchDType || v instanceof PyTensor || typeof v === 'boolean'));
    if (device !== undefined && device !== null) requireCpu(device);
    const target = [...a.rest, a.extraKwargs.get('dtype')].find((v) => v instanceof TorchDType || v instanceof PyTensor);
    if (target instanceof PyTensor) return T.toDType(x, target.dtype);
    return target instanceof TorchDType ? T.toDType(x, target.name) : x;
  }),
  type: def('type', ['dtype?', 'non_blocking?'], (x, a) => {
    const d = a.opt('dtype');
    return d === undefined || d === null ? tensorTypeName(x.dtype) : T.toDType(x, tensorTypeArg(d));
  }),
  cpu: def('cpu', ['memory_format?'], (x) => x),
  cuda: def('cuda', ['device?', 'non_blocking?', 'memory_format?'], (x, a) => {
    requireCpu(a.get('device') ?? 'cuda');
    return x;
  }),
  // A view whose elements are not in row-major order in memory is copied, as PyTorch does.
  contiguous: def('contiguous', ['memory_format?'], (x) => (isRowMajor(x.t.layout.strides, x.shape) ? x : T.clone(x, 'contiguous'))),
  clone: def('clone', ['memory_format?'], (x) => T.clone(x)),
  numpy: def('numpy', [], (x, _a, ctx) => {
    if (!x.rt.numpyModule) throw pyError('NotImplementedError', 'Tensor.numpy() needs numpy beside torch, which this run does not have; use .tolist()');
    const array = ctx.call(ctx.getattr(x.rt.numpyModule(), 'asarray'), [x]);
    if (!(array instanceof HostObject)) throw new Error('internal: numpy.asarray gave no array');
    shareWithNumpy(x, array, '.numpy()');
    return array;
  }),

  // elementwise
  add: binaryMethod('add'),
  sub: binaryMethod('sub'),
  subtract: binaryMethod('sub'),
  mul: binaryMethod('mul'),
  multiply: binaryMethod('mul'),
  div: divMethod('div'),
  divide: divMethod('divide'),
  true_divide: binaryMethod('div'),
  floor_divide: binaryMethod('floordiv'),
  remainder: binaryMethod('mod'),
  pow: def('pow', ['exponent'], (x, a) => arith(x.rt, 'pow', x, operand(a.required('exponent'), 'pow'))),
  maximum: def('maximum', ['other'], (x, a, ctx) => arith(x.rt, 'maximum', x, asTensor(x.rt, a.required('other'), ctx, 'other'))),
  minimum: def('minimum', ['other'], (x, a, ctx) => arith(x.rt, 'minimum', x, asTensor(x.rt, a.required('other'), ctx, 'other'))),
  eq: compareMethod('eq'),
  ne: compareMethod('ne'),
  lt: compareMethod('lt'),
  le: compareMethod('le'),
  gt: compareMethod('gt'),
  ge: compareMethod('ge'),
  exp: unary('exp'),
  log: unary('log'),
  log1p: unary('log1p'),
  expm1: unary('expm1'),
  sin: unary('sin'),
  cos: unary('cos'),
  tan: unary('tan'),
  tanh: unary('tanh'),
  sigmoid: unary('sigmoid'),
  sqrt: unary('sqrt'),
  rsqrt: unary('rsqrt'),
  log2: def('log2', [], (x) => T.elementwise(T.unaryMath(x, 'log'), (t) => x.rt.ops.div(t, x.rt.ops.scalarLike(Math.LN2, t)), 'Log2Backward0')),
  log10: def('log10', [], (x) => T.elementwise(T.unaryMath(x, 'log'), (t) => x.rt.ops.div(t, x.rt.ops.scalarLike(Math.LN10, t)), 'Log10Backward0')),
  abs: def('abs', [], (x) => T.elementwise(x, (t) => x.rt.torch.abs(t))),
  neg: def('neg', [], (x) => T.elementwise(x, (t) => x.rt.torch.neg(t))),
  negative: def('negative', [], (x) => T.elementwise(x, (t) => x.rt.torch.neg(t))),
  sign: def('sign', [], (x) => T.elementwise(x, (t) => x.rt.torch.sign(t))),
  relu: def('relu', [], (x) => T.relu(x)),
  square: def('square', [], (x) => arith(x.rt, 'pow', x, 2n)),
  reciprocal: def('reciprocal', [], (x) => T.elementwise(isFloating(x.dtype) ? x : T.toDType(x, 'float32'), (t) => x.rt.engine.declareSaved(x.rt.ops.div(x.rt.ops.onesLike(t), t), { inputs: [], output: true }), 'ReciprocalBackward0')),
  clamp: clampMethod('clamp'),
  clip: clampMethod('clip'),
  isnan: def('isnan', [], (x) => compareOp(x.rt, 'ne', x, x)),
  where: def('where', ['condition', 'other'], (x, a, ctx) => {
    const cond = asTensor(x.rt, a.required('condition'), ctx);
    const other = asTensor(x.rt, a.required('other'), ctx);
    return followOperands(T.where(x.rt, cond, x, other), [cond, x, other]);
  }),
  masked_fill: def('masked_fill', ['mask', 'value'], (x, a, ctx) => {
    const mask = boolMask(asTensor(x.rt, a.required('mask'), ctx, 'mask'));
    const value = asTensor(x.rt, a.required('value'), ctx, 'value');
    const out = T.where(x.rt, mask, T.toDType(value, x.dtype), x);
    if (out.t.gradFn) out.t.gradFn.name = 'MaskedFillBackward0';
    return out;
  }),

  // reductions
  sum: def('sum', ['dim?', 'keepdim?', '*', 'dtype?'], (x, a) => T.sum(x, dimArg(a), a.bool('keepdim', false), dtypeArg(a.opt('dtype')))),
  mean: def('mean', ['dim?', 'keepdim?', '*', 'dtype?'], (x, a) => T.mean(x, dimArg(a), a.bool('keepdim', false), dtypeArg(a.opt('dtype')))),
  prod: def('prod', ['dim?', 'keepdim?', '*', 'dtype?'], (x, a) => T.prod(x, oneDim(a), a.bool('keepdim', false))),
  max: extremeMethod('max'),
  min: extremeMethod('min'),
  amax: def('amax', ['dim?', 'keepdim?'], (x, a) => T.extreme(x, 'max', dimArg(a), a.bool('keepdim', false), true)),
  amin: def('amin', ['dim?', 'keepdim?'], (x, a) => T.extreme(x, 'min', dimArg(a), a.bool('keepdim', false), true)),
  argmax: def('argmax', ['dim?', 'keepdim?'], (x, a) => T.argExtreme(x, 'max', oneDim(a), a.bool('keepdim', false))),
  argmin: def('argmin', ['dim?', 'keepdim?'], (x, a) => T.argExtreme(x, 'min', oneDim(a), a.bool('keepdim', false))),
  logsumexp: def('logsumexp', ['dim', 'keepdim?'], (x, a) => T.logsumexp(x, dimArg(a), a.bool('keepdim', false))),
  softmax: def('softmax', ['dim', '*', 'dtype?'], (x, a) => T.softmax(x, a.int('dim'), false, dtypeArg(a.opt('dtype')))),
  log_softmax: def('log_softmax', ['dim', '*', 'dtype?'], (x, a) => T.softmax(x, a.int('dim'), true, dtypeArg(a.opt('dtype')))),
  std: def('std', ['dim?', 'unbiased?', 'keepdim?', '*', 'correction?'], (x, a) =>
    T.variance(x, dimArg(a), a.opt('correction') !== undefined ? a.int('correction') : a.bool('unbiased', true) ? 1 : 0, a.bool('keepdim', false), true)),
  var: def('var', ['dim?', 'unbiased?', 'keepdim?', '*', 'correction?'], (x, a) =>
    T.variance(x, dimArg(a), a.opt('correction') !== undefined ? a.int('correction') : a.bool('unbiased', true) ? 1 : 0, a.bool('keepdim', false), false)),
  norm: def('norm', ['p?', 'dim?', 'keepdim?', '*', 'dtype?'], (x, a, ctx) => {
    const p = a.opt('p');
    const order = p === undefined || p === 'fro' ? 2 : typeof p === 'string' ? NaN : toFloat(p, ctx);
    if (Number.isNaN(order)) throw pyError('RuntimeError', `norm: p=${String(p)} is not supported by Gradlens`);
    return T.norm(x, order, dimArg(a), a.bool('keepdim', false));
  }),
  all: def('all', ['dim?', 'keepdim?'], (x, a) => T.allAny(x, 'all', oneDim(a), a.bool('keepdim', false))),
  any: def('any', ['dim?', 'keepdim?'], (x, a) => T.allAny(x, 'any', oneDim(a), a.bool('keepdim', false))),

  // shapes
  reshape: def('reshape', ['*shape'], (x, a, ctx) => T.reshape(x, sizeArgs(a.rest, ctx, 'reshape'), 'ReshapeAliasBackward0')),
  view: def('view', ['*shape'], (x, a, ctx) => {
    const first = a.rest[0];
    if (first instanceof TorchDType) throw pyError('NotImplementedError', 'view(dtype) is not supported by Gradlens');
    return T.reshape(x, sizeArgs(a.rest, ctx, 'view'), 'ViewBackward0');
  }),
  view_as: def('view_as', ['other'], (x, a, ctx) => T.reshape(x, [...asTensor(x.rt, a.required('other'), ctx).shape], 'ViewBackward0')),
  reshape_as: def('reshape_as', ['other'], (x, a, ctx) => T.reshape(x, [...asTensor(x.rt, a.required('other'), ctx).shape], 'ReshapeAliasBackward0')),
  flatten: def('flatten', ['start_dim?', 'end_dim?'], (x, a) => T.flatten(x, a.int('start_dim', 0), a.int('end_dim', -1))),
  t: def('t', [], (x) => T.t(x)),
  transpose: def('transpose', ['dim0', 'dim1'], (x, a) => T.transpose(x, a.int('dim0'), a.int('dim1'))),
  permute: def('permute', ['*dims'], (x, a, ctx) => T.permute(x, sizeArgs(a.rest, ctx, 'permute'))),
  unsqueeze: def('unsqueeze', ['dim'], (x, a) => T.unsqueeze(x, a.int('dim'))),
  squeeze: def('squeeze', ['dim?'], (x, a) => T.squeeze(x, oneDim(a))),
  expand: def('expand', ['*sizes'], (x, a, ctx) => T.expand(x, sizeArgs(a.rest, ctx, 'expand'))),
  expand_as: def('expand_as', ['other'], (x, a, ctx) => T.expand(x, [...asTensor(x.rt, a.required('other'), ctx).shape])),

  // products
  matmul: def('matmul', ['other'], (x, a, ctx) => matmul(x.rt, x, asTensor(x.rt, a.required('other'), ctx, 'other'))),
  mm: def('mm', ['mat2'], (x, a, ctx) => {
    const m = asTensor(x.rt, a.required('mat2'), ctx, 'mat2');
    if (x.shape.length !== 2) throw pyError('RuntimeError', 'self must be a matrix');
    if (m.shape.length !== 2) throw pyError('RuntimeError', 'mat2 must be a matrix');
    return matmul(x.rt, x, m);
  }),
  mv: def('mv', ['vec'], (x, a, ctx) => matmul(x.rt, x, asTensor(x.rt, a.required('vec'), ctx, 'vec'))),
  bmm: def('bmm', ['mat2'], (x, a, ctx) => matmul(x.rt, x, asTensor(x.rt, a.required('mat2'), ctx, 'mat2'))),
  dot: def('dot', ['other'], (x, a, ctx) => {
    const y = asTensor(x.rt, a.required('other'), ctx, 'other');
    if (x.shape.length !== 1 || y.shape.length !== 1) {
      throw pyError('RuntimeError', `1D tensors expected, but got ${x.shape.length}D and ${y.shape.length}D tensors`);
    }
    return matmul(x.rt, x, y);
  }),
});

/** Names whose `torch.f(input, ...)` form is the method. */
export const TORCH_FUNCTION_NAMES = [
  'add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'floor_divide', 'remainder', 'pow',
  'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'exp', 'log', 'log1p', 'expm1', 'log2', 'log10', 'sin', 'cos',
  'tan', 'tanh', 'tanh_', 'sigmoid', 'sigmoid_', 'sqrt', 'rsqrt', 'abs', 'neg', 'negative', 'sign', 'relu', 'relu_', 'square', 'reciprocal', 'clamp',
  'clip', 'isnan', 'masked_fill', 'sum', 'mean', 'prod', 'max', 'min', 'amax', 'amin', 'argmax', 'argmin',
  'logsumexp', 'softmax', 'log_softmax', 'std', 'var', 'norm', 'all', 'any', 'reshape', 'flatten', 't', 'transpose',
  'permute', 'unsqueeze', 'squeeze', 'matmul', 'mm', 'mv', 'bmm', 'dot', 'numel', 'clone', 'detach',
  ...ORDERING_FUNCTION_NAMES, ...SCATTER_FUNCTION_NAMES, ...SPLITTING_FUNCTION_NAMES, ...RESHAPING_FUNCTION_NAMES, ...STRIDED_FUNCTION_NAMES, ...TRIANGULAR_FUNCTION_NAMES, ...SECTION_FUNCTION_NAMES, ...ROUNDING_FUNCTION_NAMES, 'erfc',
  ...LINALG_FUNCTION_NAMES, ...SELECTION_FUNCTION_NAMES, ...COUNTING_FUNCTION_NAMES, ...BLAS_FUNCTION_NAMES, ...STATISTICS_FUNCTION_NAMES, ...POINTWISE_FUNCTION_NAMES, ...BITWISE_FUNCTION_NAMES, ...REAL_COMPLEX_FUNCTION_NAMES, ...DISTANCE_FUNCTION_NAMES,
] as const;

export { toIntList };
