/**
 * `copy.deepcopy` of tensors, as PyTorch's `Tensor.__deepcopy__` and `Parameter.__deepcopy__`: a
 * leaf is copied to new memory with its dtype and requires_grad (a plain tensor's grad copied too,
 * a Parameter's not); a tensor in a graph is PyTorch's RuntimeError. So
 * `best = copy.deepcopy(model.state_dict())` keeps the weights of the best epoch while training
 * goes on, as in PyTorch's transfer-learning tutorial.
 */
import { type HostContext, pyError, type PyValue } from '../interpreter';
import { makeParameter } from './nn/module';
import { PyTensor, type Method } from './tensor';
import * as T from './tensor_ops';
import { tensorMethodName, uninitializedUse } from './uninitialized';

/**
 * The memory each deepcopy call (its memo dict) has copied tensors of. PyTorch copies a storage
 * once per call, so two views of one memory stay views of one copy; Gradlens copies each tensor on
 * its own and refuses the second instead of giving two copies that no longer share memory.
 */
const copiedMemory = new WeakMap<object, Map<object, PyTensor>>();

function copyValues(x: PyTensor): PyTensor {
  const rt = x.rt;
  const alias = rt.run(() => rt.wrap(x.t.detach(), x.dtype));
  const copy = T.clone(alias);
  alias.collect();
  return copy;
}

function deepcopy(x: PyTensor, memo: PyValue, ctx: HostContext): PyTensor {
  // Tensor.__deepcopy__ refuses an UninitializedBuffer; Parameter.__deepcopy__ makes a new UninitializedParameter.
  if (x.uninitialized !== null && !x.isParameter) throw uninitializedUse(x.uninitialized.name, tensorMethodName('__deepcopy__'));
  if (!x.t.isLeaf) throw pyError('RuntimeError', 'Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment');
  const memory = x.t.memoryIdentity;
  if (memo !== null && typeof memo === 'object' && memory !== null) {
    const seen = copiedMemory.get(memo) ?? new Map<object, PyTensor>();
    copiedMemory.set(memo, seen);
    const other = seen.get(memory);
    if (other !== undefined && other !== x) {
      throw pyError('NotImplementedError', 'copy.deepcopy of two tensors that share memory (a view or a .detach() of the other) keeps them sharing one copy in PyTorch, which Gradlens does not do; deep-copy one of them and make the other from its copy (e.g. v = w_copy.view(2, 2))');
    }
    seen.set(memory, x);
  }
  const rt = x.rt;
  if (x.isParameter) {
    const values = copyValues(x);
    // The Parameter shares the copy's memory, which stays while the Parameter lives.
    const parameter = makeParameter(rt, values, x.t.requiresGrad);
    values.collect();
    parameter.uninitialized = x.uninitialized;
    return parameter;
  }
  const copy = copyValues(x);
  if (x.t.requiresGrad) rt.run(() => copy.t.requiresGrad_(true));
  const grad = x.getattr('grad', ctx);
  if (grad instanceof PyTensor) copy.setattr('grad', deepcopy(grad, memo, ctx), ctx);
  return copy;
}

/** A tensor as pickling keeps it (torch.save): its values in new memory, a leaf with its requires_grad, no grad. */
export function pickledTensor(x: PyTensor): PyTensor {
  const copy = copyValues(x);
  if (x.t.requiresGrad) x.rt.run(() => copy.t.requiresGrad_(true));
  return copy;
}

export const DEEP_COPY_METHODS: Readonly<Record<string, Method>> = {
  __deepcopy__: (x, args, _kwargs, ctx) => {
    if (args.length !== 1) throw pyError('TypeError', `Tensor.__deepcopy__() takes 2 positional arguments but ${args.length + 1} were given`);
    return deepcopy(x, args[0], ctx);
  },
};
