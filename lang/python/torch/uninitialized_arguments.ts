/**
 * The torch functions (torch.*, torch.nn.functional.*, torch.nn.init.*) refusing an uninitialized
 * tensor among their arguments, as UninitializedTensorMixin.__torch_function__ does.
 */
import { type Kwargs, type NativeFn, PyList, PyTuple, type PyType, type PyValue } from '../interpreter';
import { PyTensor } from './tensor';
import { uninitializedUse } from './uninitialized';

/** The torch functions PyTorch lets an uninitialized tensor through (they read no data, or copy it as it is). */
const TAKING_UNINITIALIZED: ReadonlySet<string> = new Set(['tensor', 'as_tensor', 'is_tensor']);

/** The type of the first uninitialized tensor among a call's arguments (a list's or tuple's items too, as __torch_function__ dispatch finds it), or null. */
export function uninitializedArgument(args: readonly PyValue[], kwargs: Kwargs): PyType | null {
  for (const v of args) {
    const found = uninitializedIn(v);
    if (found !== null) return found;
  }
  for (const v of kwargs.values()) {
    const found = uninitializedIn(v);
    if (found !== null) return found;
  }
  return null;
}

function uninitializedIn(v: PyValue): PyType | null {
  if (v instanceof PyTensor) return v.uninitialized;
  if (v instanceof PyTuple || v instanceof PyList) {
    for (const x of v.items) if (x instanceof PyTensor && x.uninitialized !== null) return x.uninitialized;
  }
  return null;
}

/**
 * `f`, a function of the torch namespace (or one of its modules) named `name`, refusing an
 * uninitialized argument first, as `printed(name)` says Python prints it.
 */
export function refusingUninitialized(name: string, printed: (name: string) => string, f: NativeFn): NativeFn {
  if (TAKING_UNINITIALIZED.has(name)) return f;
  return (args, kwargs, ctx) => {
    const lazy = uninitializedArgument(args, kwargs);
    if (lazy !== null) throw uninitializedUse(lazy.name, printed(name));
    return f(args, kwargs, ctx);
  };
}
