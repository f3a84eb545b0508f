/**
 * Classes derived from list, tuple and dict (`class Stack(list)`, namedtuples, `defaultdict`): their
 * instances are the builtin value itself with `subclass` set, so everything that takes a tuple takes a
 * namedtuple. Here: making them (`tuple.__new__(cls, items)`, `list.__init__`, `dict.__init__`), and
 * the builtin base's own methods as `super().__getitem__(k)` or `dict.__setitem__(self, k, v)` reach
 * them, past the subclass's overrides.
 */
import {
  type CompareOp,
  dictType,
  type HostContext,
  type Kwargs,
  listType,
  nameTable,
  PyBuiltin,
  PyDict,
  pyError,
  PyIterator,
  PyList,
  PyTuple,
  PyType,
  type PyValue,
  tupleType,
  typeName,
} from '../values';
import { binary } from './arithmetic';
import { compare, contains } from './comparison';
import { delitem, getitem, iterate, len, materialize, setitem } from './containers';
import { callDunder } from './dunders';
import { dictKey, pyHash } from './hashing';
import { dictUpdate, getMethod } from './methods';
import { repr } from './repr';

type Builtin = PyTuple | PyList | PyDict;

/** The builtin type among a class's ancestors (list, tuple or dict), if any. */
export function builtinBase(cls: PyType): PyType | null {
  return cls.mro.find((t) => t === tupleType || t === listType || t === dictType) ?? null;
}

/** `base.__new__(cls, ...)` for a class derived from list, tuple or dict: a tuple takes its items here. */
export function newBuiltinInstance(cls: PyType, base: PyType, args: readonly PyValue[], ctx: HostContext): Builtin {
  let v: Builtin;
  if (base === tupleType) {
    if (args.length > 1) throw pyError('TypeError', `tuple expected at most 1 argument, got ${args.length}`);
    v = new PyTuple(args.length ? materialize(args[0], ctx) : []);
  } else v = base === listType ? new PyList([]) : new PyDict();
  v.subclass = cls;
  v.dict = new Map();
  return v;
}

/** `list.__init__(self, iterable)` and `dict.__init__(self, *args, **kwargs)`; tuple's takes what `__new__` took. */
export function builtinInit(self: PyValue, args: PyValue[], kwargs: Kwargs, ctx: HostContext): void {
  if (self instanceof PyList) {
    if (kwargs.size) throw pyError('TypeError', 'list() takes no keyword arguments');
    if (args.length > 1) throw pyError('TypeError', `list expected at most 1 argument, got ${args.length}`);
    self.items = args.length ? materialize(args[0], ctx) : [];
  } else if (self instanceof PyDict) dictUpdate(self, args, kwargs, ctx, 'dict');
}

/** The same value seen as its builtin base, so that its operations skip the subclass's overrides. */
function asBuiltin(v: Builtin): Builtin {
  const view = Object.create(v) as Builtin;
  view.subclass = null;
  return view;
}

/** Runs `op` on the builtin view of `self`; a list's items reassigned there (a slice assignment) go back to `self`. */
function onBuiltin<T>(self: Builtin, op: (view: Builtin) => T): T {
  const view = asBuiltin(self);
  try {
    return op(view);
  } finally {
    if (self instanceof PyList && Object.prototype.hasOwnProperty.call(view, 'items')) self.items = (view as PyList).items;
  }
}

const COMPARISONS = nameTable<CompareOp>({ __eq__: '==', __ne__: '!=', __lt__: '<', __le__: '<=', __gt__: '>', __ge__: '>=' });
const ARITHMETIC = nameTable<'+' | '*' | '|'>({ __add__: '+', __mul__: '*', __or__: '|' });

type BaseOp = (self: Builtin, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function baseOp(name: string): BaseOp | undefined {
  if (COMPARISONS[name]) return (self, [other], _k, ctx) => onBuiltin(self, (v) => compare(COMPARISONS[name], v, other ?? null, ctx));
  if (ARITHMETIC[name]) return (self, [other], _k, ctx) => onBuiltin(self, (v) => binary(ARITHMETIC[name], v, other ?? null, ctx));
  switch (name) {
    case '__getitem__': return (self, [k], _k, ctx) => {
      // dict.__getitem__ asks the subclass's `__missing__` for an absent key.
      if (self instanceof PyDict && self.getByKey(dictKey(k ?? null, ctx)) === undefined) {
        const missing = callDunder(self, '__missing__', [k ?? null], ctx);
        if (missing !== undefined) return missing;
      }
      return onBuiltin(self, (v) => getitem(v, k ?? null, ctx));
    };
    case '__setitem__': return (self, [k, x], _k, ctx) => onBuiltin(self, (v) => (setitem(v, k ?? null, x ?? null, ctx), null));
    case '__delitem__': return (self, [k], _k, ctx) => onBuiltin(self, (v) => (delitem(v, k ?? null, ctx), null));
    case '__len__': return (self, _a, _k, ctx) => onBuiltin(self, (v) => BigInt(len(v, ctx)));
    case '__iter__': return (self, _a, _k, ctx) => onBuiltin(self, (v) => new PyIterator(`${typeName(v)}_iterator`, iterate(v, ctx)[Symbol.iterator]()));
    case '__contains__': return (self, [x], _k, ctx) => onBuiltin(self, (v) => contains(v, x ?? null, ctx));
    case '__repr__': return (self, _a, _k, ctx) => onBuiltin(self, (v) => repr(v, ctx));
    case '__hash__': return (self, _a, _k, ctx) => onBuiltin(self, (v) => pyHash(v, ctx));
    case '__init__': return (self, args, kwargs, ctx) => (builtinInit(self, args, kwargs, ctx), null);
    default: return undefined;
  }
}

/** `super().name`: the builtin base's method (`__getitem__`, `append`), bound to `self`, past the subclass's overrides. */
export function boundBaseMethod(self: Builtin, name: string, ctx: HostContext): PyValue | undefined {
  const op = baseOp(name);
  if (op) return new PyBuiltin(name, (args, kwargs, c) => op(self, args, kwargs, c));
  return getMethod(self, name, ctx);
}

/** `tuple.__getitem__`, `dict.__setitem__`: the builtin type's special method taking the instance first. */
export function unboundBaseMethod(base: PyType, name: string): PyBuiltin | undefined {
  if (name === '__new__') {
    return new PyBuiltin(`${base.name}.__new__`, (args, _kwargs, ctx) => {
      const cls = args[0];
      if (!(cls instanceof PyType) || !cls.isSubtypeOf(base)) {
        throw pyError('TypeError', `${base.name}.__new__(X): X is not a subtype of ${base.name}`);
      }
      return newBuiltinInstance(cls, base, args.slice(1), ctx);
    });
  }
  const op = baseOp(name);
  if (!op) return undefined;
  return new PyBuiltin(`${base.name}.${name}`, (args, kwargs, ctx) => {
    const self = args[0];
    const isBase = base === tupleType ? self instanceof PyTuple : base === listType ? self instanceof PyList : self instanceof PyDict;
    if (!isBase) throw pyError('TypeError', `descriptor '${name}' requires a '${base.name}' object but received a '${typeName(self ?? null)}'`);
    return op(self as Builtin, args.slice(1), kwargs, ctx);
  });
}
