/**
 * `nn.UninitializedParameter` and `nn.UninitializedBuffer` (torch/nn/parameter.py): a tensor with
 * no shape yet, which a lazy module materializes on its first forward. Until then it prints as
 * `<UninitializedParameter>` and refuses what PyTorch's refuses (tensor.ts, uninitialized.ts).
 */
import { bindArgs, PyType } from '../../interpreter';
import { TorchDType, type TorchDTypeName } from '../dtype';
import type { PyTensor, TorchRuntime } from '../tensor';
import { makeParameter } from './module';

export interface UninitializedTypes {
  readonly UninitializedParameter: PyType;
  readonly UninitializedBuffer: PyType;
}

/** The two types of one run: an UninitializedParameter is a Parameter, an UninitializedBuffer a Tensor. */
export function uninitializedTypes(rt: TorchRuntime): UninitializedTypes {
  const UninitializedParameter = new PyType('UninitializedParameter', { module: 'torch.nn.parameter', bases: [rt.parameterType] });
  const UninitializedBuffer = new PyType('UninitializedBuffer', { module: 'torch.nn.parameter', bases: [rt.tensorType] });
  const types = { UninitializedParameter, UninitializedBuffer };
  for (const [name, type] of Object.entries(types)) {
    const isParameter = type === UninitializedParameter;
    type.construct = (args, kwargs, ctx) => {
      const a = bindArgs(name, ['requires_grad?', 'device?', 'dtype?'], args, kwargs, ctx);
      const dtype = a.opt('dtype');
      return uninitialized(rt, types, isParameter, a.bool('requires_grad', isParameter), dtype instanceof TorchDType ? dtype.name : 'float32');
    };
    type.keepsNoArguments = true;
  }
  return types;
}

/** `UninitializedParameter(requires_grad)` (or an UninitializedBuffer): `torch.empty(0)` of `dtype`, marked. */
export function uninitialized(rt: TorchRuntime, types: UninitializedTypes, isParameter: boolean, requiresGrad: boolean, dtype: TorchDTypeName = 'float32'): PyTensor {
  const empty = rt.fromValues([], [0], dtype);
  let t: PyTensor = empty;
  if (isParameter) {
    t = makeParameter(rt, empty, requiresGrad);
    empty.collect();
  } else if (requiresGrad) rt.run(() => empty.t.requiresGrad_(true));
  t.uninitialized = isParameter ? types.UninitializedParameter : types.UninitializedBuffer;
  return t;
}
