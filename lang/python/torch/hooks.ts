/**
 * Tensor.register_hook and the RemovableHandle it returns (torch.utils.hooks): the hook runs on the
 * tensor's gradient as backward reaches it (a leaf's before it lands in `.grad`), and a tensor it
 * returns replaces that gradient for the rest of the pass. As PyTorch 1.13, autograd.grad captures
 * an input's gradient before its hooks run. What a hook hands to Python lives on as the script's
 * tensors do: a hook that keeps a gradient in a list (seen.append(g)) reads it after backward.
 */
import { bindArgs, type HostContext, PyBuiltin, pyError, PyInstance, PyType, type PyValue, typeName } from '../interpreter';
import { PyTensor, type Method } from './tensor';

let nextHandleId = 0;

const handleRemovals = new WeakMap<PyInstance, () => void>();

/** torch.utils.hooks.RemovableHandle; `remove()` runs what `handle` was made with, once or more. */
export const removableHandleType: PyType = new PyType('RemovableHandle', {
  module: 'torch.utils.hooks',
  attrs: new Map<string, PyValue>([
    ['remove', new PyBuiltin('remove', ([self]) => {
      if (self instanceof PyInstance) handleRemovals.get(self)?.();
      return null;
    })],
  ]),
});

/** A handle whose `remove()` calls `remove`, with PyTorch's increasing `id`. */
export function removableHandle(remove: (id: number) => void): PyInstance {
  const id = nextHandleId++;
  const handle = new PyInstance(removableHandleType);
  handle.dict.set('id', BigInt(id));
  handleRemovals.set(handle, () => remove(id));
  return handle;
}

/** The hook's `__name__`, as PyTorch's messages name it; a callable object without one by its type. */
function hookName(hook: PyValue, ctx: HostContext): string {
  try {
    const name = ctx.getattr(hook, '__name__');
    return typeof name === 'string' ? name : typeName(hook);
  } catch {
    return typeName(hook);
  }
}

export const registerHook: Method = (x, args, kwargs, ctx) => {
  const hook = bindArgs('register_hook', ['hook'], args, kwargs, ctx).required('hook');
  if (!x.t.requiresGrad) throw pyError('RuntimeError', "cannot register a hook on a tensor that doesn't require gradient");
  const node = x.t.gradFn ?? x.t.accumulator();
  const rt = x.rt;
  const dtype = x.dtype;
  const handle = removableHandle((id) => node.hooks.delete(id));
  node.hooks.set(Number(handle.dict.get('id')), (g) => rt.scriptCallback(() => {
    // NB: the hook gets and returns aliases: the script's names for them free them as its statement
    // ends unless it keeps them (lending counts the argument as a name while the hook runs).
    const out = ctx.callLending(hook, [rt.wrap(rt.engine.adopt(g.aliasForSave(true)), dtype)]);
    if (out === null) return g;
    if (!(out instanceof PyTensor)) throw pyError('TypeError', `hook '${hookName(hook, ctx)}' returned ${typeName(out)}, expected a Tensor or None`);
    if (out.t.shape.join() !== g.shape.join()) throw pyError('RuntimeError', `hook '${hookName(hook, ctx)}' has changed the size of value`);
    ctx.doneWith(out);
    return rt.engine.adopt(out.t.aliasForSave(true));
  }));
  return handle;
};
