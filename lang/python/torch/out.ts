/**
 * `out=` as PyTorch's functions take it (torch.add(a, b, out=c), torch.matmul(x, w, out=y), the
 * tutorials' idiom): the result is written into `out`, which is returned. The result must cast to
 * `out`'s dtype by TensorIterator's rule (float to an integer, or anything to bool, does not), and
 * matmul's family takes only its own dtype; an `out` of another shape is resized to the result's,
 * with PyTorch's warning when it had elements. As in PyTorch, a call autograd would record is refused.
 */
import { pyError, type HostContext, PyList, PyTuple, type PyValue, typeName, warn } from '../interpreter';
import { isFloating, SCALAR_TYPE, type TorchDTypeName } from './dtype';
import { PyTensor, type TorchRuntime } from './tensor';

/** C++'s names for the dtypes, as the matmul family's out-dtype error says them. */
const CPP_TYPE: { readonly [D in TorchDTypeName]: string } = {
  float32: 'float', float64: 'double', int64: 'long int', int32: 'int', int16: 'short int', int8: 'signed char', uint8: 'unsigned char', bool: 'bool',
};
const EXACT_DTYPE = new Set(['matmul', 'mm', 'bmm', 'mv', 'dot']);

function canCast(from: TorchDTypeName, to: TorchDTypeName): boolean {
  if (isFloating(from) && !isFloating(to)) return false;
  return from === 'bool' || to !== 'bool';
}

/**
 * `fname(..., out=out)`: `compute` makes the result, which goes into `out`. `inputs` are the call's
 * arguments (a tensor among them that requires grad refuses the call while grad mode is on);
 * `factory` for torch.zeros, arange and the other creators.
 */
export function intoOut(rt: TorchRuntime, fname: string, inputs: readonly PyValue[], out: PyValue, compute: () => PyValue, ctx: HostContext, factory = false): PyValue {
  if (out instanceof PyTuple || out instanceof PyList) throw pyError('NotImplementedError', `${fname}(out=(...)) with several outputs is not supported by Gradlens: assign the results instead`);
  if (!(out instanceof PyTensor)) throw pyError('TypeError', `${fname}(): argument 'out' must be Tensor, not ${typeName(out)}`);
  const tensors: PyTensor[] = [out];
  for (const v of inputs) {
    if (v instanceof PyTensor) tensors.push(v);
    else if (v instanceof PyTuple || v instanceof PyList) for (const x of v.items) if (x instanceof PyTensor) tensors.push(x);
  }
  if (rt.engine.gradEnabled && tensors.some((t) => t.t.requiresGrad)) {
    throw pyError('RuntimeError', `${fname}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
  }
  const result = compute();
  if (!(result instanceof PyTensor)) throw pyError('NotImplementedError', `${fname}(out=...) is not supported by Gradlens: assign the result instead`);
  if (EXACT_DTYPE.has(fname) ? result.dtype !== out.dtype : !canCast(result.dtype, out.dtype)) {
    throw pyError('RuntimeError', EXACT_DTYPE.has(fname)
      ? `Expected out tensor to have dtype ${CPP_TYPE[result.dtype]}, but got ${CPP_TYPE[out.dtype]} instead`
      : `result type ${SCALAR_TYPE[result.dtype]} can't be cast to the desired output type ${SCALAR_TYPE[out.dtype]}`);
  }
  const value = rt.run(() => rt.convert(result.t.detach(), out.dtype));
  if (out.shape.join() === result.shape.join()) {
    rt.run(() => rt.engine.inPlace(out.t, () => value));
  } else {
    // NB: a factory (torch.zeros(2, out=t)) resizes its out silently, as PyTorch's factories call resize_ themselves.
    if (out.numel > 0 && !factory) {
      warn(ctx, `An output with one or more elements was resized since it had shape [${out.shape.join(', ')}], which does not match the required output shape [${result.shape.join(', ')}]. `
        + 'This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. '
        + 'You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0). (Triggered internally at  ./aten/src/ATen/native/Resize.cpp:17.)');
    }
    out.setData(value, out.dtype);
  }
  return out;
}
