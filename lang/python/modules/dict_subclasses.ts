/**
 * `collections.defaultdict`, `OrderedDict` and `Counter`, as CPython 3.11's: subclasses of dict (their
 * instances are dicts, with `__missing__`, their own repr and methods), which scripts may subclass again.
 */
import {
  binary,
  bindArgs,
  compare,
  dictKey,
  dictType,
  type HostContext,
  isCallable,
  iterate,
  keyError,
  type Kwargs,
  newBuiltinInstance,
  NOT_IMPLEMENTED,
  PyBuiltin,
  PyDict,
  pyError,
  PyIterator,
  PyList,
  PyTuple,
  PyType,
  type PyValue,
  repr,
  truthy,
  typeOf,
} from '../interpreter';

type Method = (self: PyDict, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function dictClass(name: string, methods: Record<string, Method>): PyType {
  const attrs = new Map<string, PyValue>();
  for (const [k, fn] of Object.entries(methods)) {
    attrs.set(k, new PyBuiltin(k, (args, kwargs, ctx) => {
      const self = args[0];
      if (!(self instanceof PyDict)) throw pyError('TypeError', `descriptor '${k}' requires a '${name}' object`);
      return fn(self, args.slice(1), kwargs, ctx);
    }));
  }
  const cls = new PyType(name, { module: 'collections', bases: [dictType], attrs });
  cls.construct = (args, kwargs, ctx) => {
    const d = newBuiltinInstance(cls, dictType, [], ctx);
    ctx.call(ctx.getattr(d, '__init__'), args, kwargs);
    return d;
  };
  return cls;
}

/** A new dict of `self`'s class (a Counter's `+`, a copy), made as `type(self)()` would. */
function sameClass(self: PyDict, ctx: HostContext): PyDict {
  const cls = typeOf(self);
  const d = cls.construct ? cls.construct([], new Map(), ctx) : new PyDict();
  if (!(d instanceof PyDict)) throw pyError('TypeError', `${cls.name}() did not return a dict`);
  return d;
}

function put(d: PyDict, k: PyValue, v: PyValue, ctx: HostContext): void {
  d.setByKey(dictKey(k, ctx), k, v);
}

function plainRepr(d: PyDict, ctx: HostContext): string {
  return `{${[...d.entries()].map(([k, v]) => `${repr(k, ctx)}: ${repr(v, ctx)}`).join(', ')}}`;
}

// ---------------------------------------------------------------- defaultdict

export const defaultdictType = dictClass('defaultdict', {
  __init__(self, args, kwargs, ctx) {
    const factory = args[0] ?? null;
    if (factory !== null && !isCallable(factory, ctx)) throw pyError('TypeError', 'first argument must be callable or None');
    self.dict!.set('default_factory', factory);
    dictUpdateOf(self, args.slice(1), kwargs, ctx);
    return null;
  },
  __missing__(self, [key], _kwargs, ctx) {
    const factory = self.dict!.get('default_factory') ?? null;
    if (factory === null) throw keyError(key!);
    const v = ctx.call(factory, []);
    put(self, key!, v, ctx);
    return v;
  },
  __repr__(self, _args, _kwargs, ctx) {
    return `${typeOf(self).name}(${repr(self.dict!.get('default_factory') ?? null, ctx)}, ${plainRepr(self, ctx)})`;
  },
  copy(self, _args, _kwargs, ctx) {
    const d = newBuiltinInstance(typeOf(self), dictType, [], ctx) as PyDict;
    d.dict!.set('default_factory', self.dict!.get('default_factory') ?? null);
    for (const [hk, [k, v]] of self.map) d.setByKey(hk, k, v);
    return d;
  },
});

/** dict.update's rules, on the dict itself (a subclass's own update is not what its __init__ calls). */
function dictUpdateOf(d: PyDict, args: PyValue[], kwargs: Kwargs, ctx: HostContext): void {
  const view = Object.create(d) as PyDict;
  view.subclass = null;
  ctx.call(ctx.getattr(view, 'update'), args, kwargs);
}

// ---------------------------------------------------------------- OrderedDict

export const orderedDictType = dictClass('OrderedDict', {
  __init__(self, args, kwargs, ctx) {
    if (args.length > 1) throw pyError('TypeError', `expected at most 1 arguments, got ${args.length}`);
    dictUpdateOf(self, args, kwargs, ctx);
    return null;
  },
  __repr__(self, _args, _kwargs, ctx) {
    const name = typeOf(self).name;
    if (self.size === 0) return `${name}()`;
    return `${name}([${[...self.entries()].map(([k, v]) => `(${repr(k, ctx)}, ${repr(v, ctx)})`).join(', ')}])`;
  },
  // Two OrderedDicts are equal only in the same order; with a plain dict, as dicts.
  __eq__(self, [other], _kwargs, ctx) {
    if (!(other instanceof PyDict)) return NOT_IMPLEMENTED;
    const same = compare('==', plain(self), plain(other), ctx);
    if (!truthy(same, ctx) || !other.subclass?.isSubtypeOf(orderedDictType)) return same;
    const a = [...self.keys()];
    const b = [...other.keys()];
    return a.every((k, i) => truthy(compare('==', k, b[i]!, ctx), ctx));
  },
  move_to_end(self, args, kwargs, ctx) {
    const a = bindArgs('move_to_end', ['key', 'last?'], args, kwargs, ctx);
    const key = a.required('key');
    const hk = dictKey(key, ctx);
    const entry = self.map.get(hk);
    if (!entry) throw keyError(key);
    self.map.delete(hk);
    if (truthy(a.opt('last') ?? true, ctx)) self.map.set(hk, entry);
    else {
      const rest = [...self.map];
      self.map.clear();
      self.map.set(hk, entry);
      for (const [k, e] of rest) self.map.set(k, e);
    }
    return null;
  },
  popitem(self, args, kwargs, ctx) {
    const last = truthy(bindArgs('popitem', ['last?'], args, kwargs, ctx).opt('last') ?? true, ctx);
    if (self.size === 0) throw pyError('KeyError', 'dictionary is empty');
    const keys = [...self.map.keys()];
    const hk = last ? keys[keys.length - 1]! : keys[0]!;
    const [k, v] = self.map.get(hk)!;
    self.map.delete(hk);
    return new PyTuple([k, v]);
  },
  copy(self, _args, _kwargs, ctx) {
    const d = sameClass(self, ctx);
    for (const [hk, [k, v]] of self.map) d.setByKey(hk, k, v);
    return d;
  },
});

function plain(d: PyDict): PyDict {
  const out = new PyDict();
  for (const [hk, [k, v]] of d.map) out.setByKey(hk, k, v);
  return out;
}

// ---------------------------------------------------------------- Counter

function count(d: PyDict, k: PyValue, ctx: HostContext): PyValue {
  return d.getByKey(dictKey(k, ctx)) ?? 0n;
}

/** Counter.update / subtract: counts from a mapping or an iterable of keys, and keywords. */
function tally(self: PyDict, args: PyValue[], kwargs: Kwargs, sign: '+' | '-', ctx: HostContext): void {
  if (args.length > 1) throw pyError('TypeError', `expected at most 1 arguments, got ${args.length}`);
  const add = (k: PyValue, n: PyValue) => put(self, k, binary(sign, count(self, k, ctx), n, ctx), ctx);
  const source = args[0];
  if (source instanceof PyDict) for (const [k, n] of source.entries()) add(k, n);
  else if (source !== undefined && source !== null) for (const k of iterate(source, ctx)) add(k, 1n);
  for (const [k, n] of kwargs) add(k, n);
}

/** Items by count, largest first; equal counts in the order first seen (CPython's stable sort). */
function mostCommon(self: PyDict, ctx: HostContext): [PyValue, PyValue][] {
  const items = [...self.entries()];
  ctx.tick(items.length);
  return items
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (truthy(compare('>', a.e[1], b.e[1], ctx), ctx) ? -1 : truthy(compare('<', a.e[1], b.e[1], ctx), ctx) ? 1 : a.i - b.i))
    .map(({ e }) => e);
}

/** Counter arithmetic: `+`, `-`, `|`, `&` keep the positive counts. */
function counterOp(op: (a: PyValue, b: PyValue, ctx: HostContext) => PyValue, includeOther: boolean): Method {
  return (self, [other], _kwargs, ctx) => {
    if (!(other instanceof PyDict) || !other.subclass?.isSubtypeOf(counterType)) return NOT_IMPLEMENTED;
    const out = newBuiltinInstance(counterType, dictType, [], ctx) as PyDict;
    const keys = [...self.keys(), ...(includeOther ? [...other.keys()].filter((k) => self.getByKey(dictKey(k, ctx)) === undefined) : [])];
    for (const k of keys) {
      const n = op(count(self, k, ctx), count(other, k, ctx), ctx);
      if (truthy(compare('>', n, 0n, ctx), ctx)) put(out, k, n, ctx);
    }
    return out;
  };
}

const larger = (a: PyValue, b: PyValue, ctx: HostContext) => (truthy(compare('<', a, b, ctx), ctx) ? b : a);
const smaller = (a: PyValue, b: PyValue, ctx: HostContext) => (truthy(compare('<', a, b, ctx), ctx) ? a : b);

export const counterType: PyType = dictClass('Counter', {
  __init__(self, args, kwargs, ctx) {
    tally(self, args, kwargs, '+', ctx);
    return null;
  },
  __missing__() {
    return 0n;
  },
  __repr__(self, _args, _kwargs, ctx) {
    const name = typeOf(self).name;
    if (self.size === 0) return `${name}()`;
    return `${name}({${mostCommon(self, ctx).map(([k, v]) => `${repr(k, ctx)}: ${repr(v, ctx)}`).join(', ')}})`;
  },
  update(self, args, kwargs, ctx) {
    tally(self, args, kwargs, '+', ctx);
    return null;
  },
  subtract(self, args, kwargs, ctx) {
    tally(self, args, kwargs, '-', ctx);
    return null;
  },
  most_common(self, args, kwargs, ctx) {
    const n = bindArgs('most_common', ['n?'], args, kwargs, ctx).opt('n') ?? null;
    const items = mostCommon(self, ctx).map((e) => new PyTuple(e));
    return new PyList(n === null ? items : items.slice(0, Math.max(0, Number(n))));
  },
  elements(self, _args, _kwargs, ctx) {
    const out: PyValue[] = [];
    for (const [k, n] of self.entries()) {
      const times = typeof n === 'bigint' ? Number(n) : 0;
      ctx.tick(Math.max(times, 0));
      for (let i = 0; i < times; i++) out.push(k);
    }
    return new PyIterator('itertools.chain', out[Symbol.iterator]());
  },
  total(self, _args, _kwargs, ctx) {
    let t: PyValue = 0n;
    for (const n of self.values()) t = binary('+', t, n, ctx);
    return t;
  },
  copy(self, _args, _kwargs, ctx) {
    const d = sameClass(self, ctx);
    for (const [hk, [k, v]] of self.map) d.setByKey(hk, k, v);
    return d;
  },
  __add__: counterOp((a, b, ctx) => binary('+', a, b, ctx), true),
  __sub__: counterOp((a, b, ctx) => binary('-', a, b, ctx), false),
  __or__: counterOp(larger, true),
  __and__: counterOp(smaller, false),
});
