/**
 * Named tuples, as CPython's `collections.namedtuple` and `typing.NamedTuple` make them: a subclass
 * of tuple whose instances are tuples (they index, unpack, compare and hash as tuples, and every
 * shim that takes a tuple takes them), with a field per name, `_fields`, `_field_defaults`, `_make`,
 * `_asdict`, `_replace`, and CPython's repr and messages.
 */
import {
  ClassMethod,
  dictKey,
  type HostContext,
  iterate,
  type Kwargs,
  materialize,
  NativeDescriptor,
  PyBuiltin,
  PyDict,
  PyList,
  pyError,
  PyTuple,
  PyType,
  type PyValue,
  repr,
  StaticMethod,
  tupleType,
  typeOf,
} from '../interpreter';

const tupleGetterType = new PyType('_tuplegetter', { module: 'collections' });

/** A field of a named tuple: item `index` of the tuple, read-only. */
class FieldGetter extends NativeDescriptor {
  constructor(readonly index: number) {
    super(tupleGetterType);
  }

  get(obj: PyValue | null): PyValue {
    return obj instanceof PyTuple ? obj.items[this.index] : this;
  }

  override set(): void {
    throw pyError('AttributeError', "can't set attribute");
  }
}
tupleGetterType.attrs.set('__repr__', new PyBuiltin('__repr__', ([self]) => {
  const i = (self as FieldGetter).index;
  return `_tuplegetter(${i}, 'Alias for field number ${i}')`;
}));

/** Python's keywords (`keyword.kwlist`): no field may be named one. */
const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);

function isKeyword(name: string): boolean {
  return KEYWORDS.has(name);
}

const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

/** The field names `namedtuple` takes: `'x y'`, `'x, y'` or an iterable of strings, checked as CPython checks them. */
export function namedTupleFields(typename: string, spec: PyValue, rename: boolean, ctx: HostContext): string[] {
  const names = typeof spec === 'string'
    ? spec.replace(/,/g, ' ').split(/\s+/).filter((s) => s !== '')
    : [...iterate(spec, ctx)].map((n) => {
      if (typeof n !== 'string') throw pyError('TypeError', 'Type names and field names must be strings');
      return n;
    });
  if (rename) {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (!IDENTIFIER.test(n) || isKeyword(n) || n.startsWith('_') || seen.has(n)) names[i] = `_${i}`;
      seen.add(names[i]);
    });
  }
  for (const n of [typename, ...names]) {
    if (!IDENTIFIER.test(n)) throw pyError('ValueError', `Type names and field names must be valid identifiers: ${repr(n, ctx)}`);
    if (isKeyword(n)) throw pyError('ValueError', `Type names and field names cannot be a keyword: ${repr(n, ctx)}`);
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (n.startsWith('_') && !rename) throw pyError('ValueError', `Field names cannot start with an underscore: ${repr(n, ctx)}`);
    if (seen.has(n)) throw pyError('ValueError', `Encountered duplicate field name: ${repr(n, ctx)}`);
    seen.add(n);
  }
  return names;
}

/** A tuple of class `cls` (a named tuple or a class derived from one). */
function instance(cls: PyType, items: PyValue[]): PyTuple {
  const t = new PyTuple(items);
  t.subclass = cls;
  // A named tuple has `__slots__ = ()`: no attributes of its own, unless a subclass without slots adds them.
  t.dict = cls.attrs.has('__slots__') ? null : new Map();
  return t;
}

/**
 * Makes the class. `defaults` belong to the last fields; `namespace` holds what a `typing.NamedTuple`
 * class body defined (methods, docstring), kept unless a named tuple's own attribute has the name.
 */
export function makeNamedTuple(
  typename: string,
  fields: readonly string[],
  defaults: readonly PyValue[],
  namespace: Map<string, PyValue>,
  ctx: HostContext,
): PyType {
  if (defaults.length > fields.length) throw pyError('TypeError', 'Got more default values than field names');
  const firstDefault = fields.length - defaults.length;
  const attrs = new Map<string, PyValue>(namespace);
  const cls = new PyType(typename, { module: '__main__', bases: [tupleType], attrs });
  cls.userDefined = true;

  const newName = `${typename}.__new__`;
  const make = (c: PyValue, args: readonly PyValue[], kwargs: Kwargs): PyTuple => {
    if (args.length > fields.length) {
      const takes = defaults.length ? `from ${firstDefault + 1} to ${fields.length + 1}` : `${fields.length + 1}`;
      throw pyError('TypeError', `${newName}() takes ${takes} positional arguments but ${args.length + 1} were given`);
    }
    const values: (PyValue | undefined)[] = [...args];
    for (const [k, v] of kwargs) {
      const i = fields.indexOf(k);
      if (i < 0) throw pyError('TypeError', `${newName}() got an unexpected keyword argument '${k}'`);
      if (values[i] !== undefined) throw pyError('TypeError', `${newName}() got multiple values for argument '${k}'`);
      values[i] = v;
    }
    const missing: string[] = [];
    for (let i = 0; i < fields.length; i++) {
      if (values[i] !== undefined) continue;
      if (i >= firstDefault) values[i] = defaults[i - firstDefault];
      else missing.push(`'${fields[i]}'`);
    }
    if (missing.length) {
      const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
      throw pyError('TypeError', `${newName}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
    }
    return instance(c instanceof PyType ? c : cls, values as PyValue[]);
  };
  const self = (args: PyValue[], what: string): PyTuple => {
    const t = args[0];
    if (!(t instanceof PyTuple)) throw pyError('TypeError', `${what} needs a ${typename} instance`);
    return t;
  };

  attrs.set('__new__', new StaticMethod(new PyBuiltin('__new__', (args, kwargs) => make(args[0] ?? null, args.slice(1), kwargs))));
  attrs.set('__slots__', new PyTuple([]));
  attrs.set('_fields', new PyTuple([...fields]));
  attrs.set('__match_args__', new PyTuple([...fields]));
  const fieldDefaults = new PyDict();
  for (let i = firstDefault; i < fields.length; i++) fieldDefaults.setByKey(dictKey(fields[i], ctx), fields[i], defaults[i - firstDefault]);
  attrs.set('_field_defaults', fieldDefaults);
  attrs.set('_make', new ClassMethod(new PyBuiltin('_make', (args, _kwargs, ctx) => {
    const items = materialize(args[1] ?? null, ctx);
    if (items.length !== fields.length) throw pyError('TypeError', `Expected ${fields.length} arguments, got ${items.length}`);
    return instance(args[0] as PyType, items);
  })));
  attrs.set('_asdict', new PyBuiltin('_asdict', (args, _kwargs, ctx) => {
    const t = self(args, '_asdict()');
    const d = new PyDict();
    fields.forEach((f, i) => d.setByKey(dictKey(f, ctx), f, t.items[i]));
    return d;
  }));
  attrs.set('_replace', new PyBuiltin('_replace', (args, kwargs, ctx) => {
    const t = self(args, '_replace()');
    const unknown = [...kwargs.keys()].filter((k) => !fields.includes(k));
    if (unknown.length) throw pyError('ValueError', `Got unexpected field names: ${repr(new PyList(unknown), ctx)}`);
    return instance(typeOf(t), fields.map((f, i) => (kwargs.has(f) ? kwargs.get(f)! : t.items[i])));
  }));
  attrs.set('__repr__', new PyBuiltin('__repr__', (args, _kwargs, ctx) => {
    const t = self(args, '__repr__()');
    return `${typeOf(t).name}(${fields.map((f, i) => `${f}=${repr(t.items[i], ctx)}`).join(', ')})`;
  }));
  attrs.set('__getnewargs__', new PyBuiltin('__getnewargs__', (args) => new PyTuple([...self(args, '__getnewargs__()').items])));
  fields.forEach((f, i) => attrs.set(f, new FieldGetter(i)));
  cls.construct = (args, kwargs) => make(cls, args, kwargs);
  return cls;
}

/**
 * A C struct sequence type (`torch.return_types.max`, `os.stat_result`): a tuple subclass whose
 * fields read its items, with the library's own repr; `make` builds its instances.
 */
export function structSequenceType(typename: string, module: string, fields: readonly string[], reprOf: (t: PyTuple, ctx: HostContext) => string): { type: PyType; make: (items: PyValue[]) => PyTuple } {
  const attrs = new Map<string, PyValue>();
  const cls = new PyType(typename, { module, bases: [tupleType], attrs });
  attrs.set('__slots__', new PyTuple([]));
  attrs.set('n_fields', fields.length);
  attrs.set('__repr__', new PyBuiltin('__repr__', (args, _kwargs, ctx) => {
    const t = args[0];
    if (!(t instanceof PyTuple)) throw pyError('TypeError', `descriptor '__repr__' requires a '${module}.${typename}' object`);
    return reprOf(t, ctx);
  }));
  fields.forEach((f, i) => attrs.set(f, new FieldGetter(i)));
  return { type: cls, make: (items) => instance(cls, items) };
}
