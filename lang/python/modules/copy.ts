/**
 * `copy`: `copy(x)` and `deepcopy(x, memo)` as CPython's for Python values (lists, dicts, sets,
 * tuples, instances of script classes and of classes derived from builtins, with `__copy__` and
 * `__deepcopy__` honoured and shared or cyclic references kept as they are). A host value (a
 * tensor, an array) is copied only where its shim defines `__copy__`/`__deepcopy__`; elsewhere the
 * refusal says what to write instead.
 */
import {
  dictKey,
  getattrOrUndefined,
  type HostContext,
  HostObject,
  pyError,
  opFunction,
  pyFunction,
  PyDict,
  PyInstance,
  PyList,
  PyModule,
  PySet,
  PyTuple,
  type PyValue,
  typeName,
  typeOf,
  type ModuleShim,
} from '../interpreter';

/** The object graph one `deepcopy` call (and the `__deepcopy__` calls under it, through its memo dict) has copied so far. */
const memos = new WeakMap<PyDict, Map<object, PyValue>>();

/** A script-class method of `x` (`__copy__`, `__deepcopy__`), bound; undefined where its class has none. */
function hook(x: PyValue, name: string, ctx: HostContext): PyValue | undefined {
  const cls = typeOf(x);
  if (x instanceof HostObject) return getattrOrUndefined(x, name, ctx);
  return cls.lookup(name) === undefined ? undefined : getattrOrUndefined(x, name, ctx);
}

function refuse(x: PyValue, what: string): never {
  throw pyError('TypeError', `${what} of a '${typeName(x)}' is not supported by Gradlens; build a new one instead (for a tensor: t.clone().detach())`);
}

/**
 * An instance of a native class that keeps state outside its `__dict__` (an nn.Module's parameters
 * and submodules, an optimizer's state): copying its `__dict__` alone would give a model without
 * layers, and returning it as it is would make the "copy" the model itself. `deepcopy` copies it
 * where each such class says how (PyType.deepCopyContents); nothing else does.
 */
function refuseStateOutsideDict(x: PyValue, what: string, copiesContents: boolean): void {
  if (!(x instanceof PyInstance) || x.cls.mro.every((c) => c.instanceContents === null || (copiesContents && c.deepCopyContents !== null))) return;
  throw pyError('TypeError', `${what} of a '${typeName(x)}' is not supported by Gradlens; build a new one instead (for a model: new = Net(...); new.load_state_dict(model.state_dict()))`);
}

function shallow(x: PyValue, ctx: HostContext): PyValue {
  if (typeof x !== 'object' || x === null) return x;
  const custom = hook(x, '__copy__', ctx);
  if (custom !== undefined) return ctx.call(custom, []);
  if (x instanceof HostObject) refuse(x, 'copy.copy');
  refuseStateOutsideDict(x, 'copy.copy', false);
  if (x instanceof PyList || x instanceof PyDict || (x instanceof PyTuple && x.subclass)) return rebuild(x, (v) => v, ctx);
  if (x instanceof PySet) {
    if (x.frozen) return x;
    const s = new PySet();
    for (const [k, v] of x.map) s.map.set(k, v);
    return s;
  }
  if (x instanceof PyInstance && x.cls.userDefined) {
    const twin = new PyInstance(x.cls);
    for (const [k, v] of x.dict) twin.dict.set(k, v);
    return twin;
  }
  // Tuples, functions, classes, modules, ranges: immutable or shared, as CPython's copy returns them.
  return x;
}

/** A new list, dict or tuple of `x`'s class, its items (and a subclass's attributes) mapped through `f`. */
function rebuild(x: PyList | PyDict | PyTuple, f: (v: PyValue) => PyValue, ctx: HostContext, memo?: Map<object, PyValue>): PyValue {
  let out: PyList | PyDict | PyTuple;
  if (x instanceof PyList) {
    const list = new PyList([]);
    out = list;
    memo?.set(x, list);
    for (const v of x.items) list.items.push(f(v));
  } else if (x instanceof PyDict) {
    out = new PyDict();
    memo?.set(x, out);
    for (const [k, v] of x.entries()) {
      const key = f(k);
      out.setByKey(dictKey(key, ctx), key, f(v));
    }
  } else out = new PyTuple(x.items.map(f));
  out.subclass = x.subclass;
  if (x.dict) {
    out.dict = new Map();
    for (const [k, v] of x.dict) out.dict.set(k, f(v));
  }
  return out;
}

function deep(x: PyValue, memo: Map<object, PyValue>, memoDict: PyDict, ctx: HostContext, depth: number): PyValue {
  if (typeof x !== 'object' || x === null) return x;
  const seen = memo.get(x);
  if (seen !== undefined) return seen;
  if (depth > 500) throw pyError('RecursionError', 'maximum recursion depth exceeded while calling a Python object');
  ctx.tick();
  const again = (v: PyValue) => deep(v, memo, memoDict, ctx, depth + 1);
  const custom = hook(x, '__deepcopy__', ctx);
  if (custom !== undefined) {
    const r = ctx.call(custom, [memoDict]);
    memo.set(x, r);
    return r;
  }
  if (x instanceof HostObject) refuse(x, 'copy.deepcopy');
  refuseStateOutsideDict(x, 'copy.deepcopy', true);
  if (x instanceof PyList || x instanceof PyDict) return rebuild(x, again, ctx, memo);
  if (x instanceof PyTuple) {
    const items = x.items.map(again);
    // A tuple whose items all copy to themselves is itself, as in CPython.
    if (!x.subclass && items.every((v, i) => v === x.items[i])) return x;
    let i = 0;
    const r = rebuild(x, (v) => (i < items.length ? items[i++]! : again(v)), ctx);
    memo.set(x, r);
    return r;
  }
  if (x instanceof PySet) {
    const s = new PySet(x.frozen);
    memo.set(x, s);
    for (const v of x.map.values()) {
      const c = again(v);
      s.map.set(dictKey(c, ctx), c);
    }
    return s;
  }
  const copiers = x instanceof PyInstance ? [...new Set(x.cls.mro.map((c) => c.deepCopyContents))].filter((f) => f !== null).reverse() : [];
  if (x instanceof PyInstance && (x.cls.userDefined || copiers.length > 0)) {
    const twin = new PyInstance(x.cls);
    memo.set(x, twin);
    for (const [k, v] of x.dict) twin.dict.set(k, again(v));
    for (const copyContents of copiers) copyContents(x, twin, again);
    if (copiers.length > 0) ctx.madeFilledInstance(twin);
    return twin;
  }
  return x;
}

/**
 * `copy.deepcopy(x)` for host code, each object of `replaced` copied as its given copy (torch.save
 * keeps a tensor as pickling does, which deepcopy would refuse or copy with its grad).
 */
export function deepCopy(x: PyValue, ctx: HostContext, replaced: ReadonlyMap<object, PyValue> = new Map()): PyValue {
  const memoDict = new PyDict();
  const memo = new Map<object, PyValue>(replaced);
  memos.set(memoDict, memo);
  return deep(x, memo, memoDict, ctx, 0);
}

export const copyModule: ModuleShim = {
  exports: ['copy', 'deepcopy'],
  create() {
    return new PyModule('copy', new Map<string, PyValue>([
      ['copy', pyFunction('copy', ([x], _kwargs, ctx) => shallow(x ?? null, ctx))],
      // It keeps neither its argument nor the memo dict (the objects it copied sit in `memos`, beside it).
      ['deepcopy', opFunction('deepcopy', ([x, memoArg], _kwargs, ctx) => {
        const memoDict = memoArg instanceof PyDict ? memoArg : new PyDict();
        let memo = memos.get(memoDict);
        if (!memo) memos.set(memoDict, (memo = new Map()));
        return deep(x ?? null, memo, memoDict, ctx, 0);
      })],
    ]), true);
  },
};
