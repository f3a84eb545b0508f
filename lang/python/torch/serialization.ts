/**
 * `torch.save` and `torch.load` within one run. Scripts cannot touch files (the sandbox), yet the
 * tutorials save a model and load it back a few lines later (the Quickstart's `model.pth`, the
 * checkpoint recipe's dict of state_dicts and optimizer state): `torch.save` keeps a deep copy of
 * the object under its path, in memory and for this run only, and warns that nothing was written;
 * `torch.load` of that path gives a new deep copy, as unpickling a file does. A path this run did
 * not save stops at the line: Gradlens reads no files.
 */
import { bindArgs, HaltError, type HostContext, type NativeFn, pyError, PyDict, PyList, PyTuple, type PyValue, typeName, typeOf, warn } from '../interpreter';
import { deepCopy } from '../modules';
import { pickledTensor } from './deep_copy';
import { PyTensor, type TorchRuntime } from './tensor';

/** What each run (its torch runtime) has saved, by path. */
const savedByRun = new WeakMap<TorchRuntime, Map<string, PyValue>>();

/** The path a save or load names: a str, or a pathlib path as str() spells it. */
function pathOf(f: PyValue, fname: string, ctx: HostContext): string {
  if (typeof f === 'string') return f;
  if (typeOf(f).mro.some((c) => c.name === 'PurePath' && c.module === 'pathlib')) return ctx.str(f);
  throw pyError('NotImplementedError', `torch.${fname} to a ${typeName(f)} (a file object) is not supported by Gradlens, which keeps saved objects in memory by path; pass a path such as 'model.pth'`);
}

/**
 * The plain tensors under `x` (in dicts, lists and tuples: a checkpoint's `'loss': loss`) that
 * pickling keeps otherwise than deepcopy: one in a graph becomes a new leaf, one with a grad loses it.
 */
function pickledTensors(x: PyValue, into: Map<object, PyValue>, ctx: HostContext): Map<object, PyValue> {
  ctx.tick();
  if (x instanceof PyTensor && !x.isParameter && !into.has(x) && (!x.t.isLeaf || x.getattr('grad', ctx) instanceof PyTensor)) into.set(x, pickledTensor(x));
  else if (x instanceof PyDict) for (const [k, v] of x.entries()) pickledTensors(k, into, ctx), pickledTensors(v, into, ctx);
  else if (x instanceof PyList || x instanceof PyTuple) for (const v of x.items) pickledTensors(v, into, ctx);
  return into;
}

/** What unpickling a saved `x` gives: a deep copy, its tensors as pickling keeps them. */
const copied = (x: PyValue, ctx: HostContext): PyValue => deepCopy(x, ctx, pickledTensors(x, new Map(), ctx));

export function serializationFunctions(rt: TorchRuntime): Record<string, NativeFn> {
  const saved = (): Map<string, PyValue> => {
    let files = savedByRun.get(rt);
    if (files === undefined) savedByRun.set(rt, (files = new Map()));
    return files;
  };
  return {
    save(args, kwargs, ctx) {
      const a = bindArgs('save', ['obj', 'f', 'pickle_module?', 'pickle_protocol?', '_use_new_zipfile_serialization?'], args, kwargs, ctx);
      const path = pathOf(a.required('f'), 'save', ctx);
      saved().set(path, copied(a.required('obj'), ctx));
      warn(ctx, `Gradlens kept '${path}' in memory for this run and wrote no file (scripts cannot write files); torch.load('${path}') later in this run reads it back`);
      return null;
    },
    load(args, kwargs, ctx) {
      const a = bindArgs('load', ['f', 'map_location?', 'pickle_module?', '*', 'weights_only?', 'mmap?'], args, kwargs, ctx);
      const path = pathOf(a.required('f'), 'load', ctx);
      const kept = saved().get(path);
      if (kept === undefined) {
        throw new HaltError('sandbox', `torch.load('${path}'): Gradlens reads no files, and this run did not torch.save '${path}' before this line; build the model in the script (or save it earlier in the same run)`);
      }
      return copied(kept, ctx);
    },
  };
}
