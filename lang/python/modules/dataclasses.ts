/**
 * `dataclasses`, as CPython 3.11's: `@dataclass` (with or without arguments: init, repr, eq, order,
 * unsafe_hash, frozen) reads the class's annotations in order, base dataclasses' fields first, and
 * adds `__init__` (defaults, `field(default_factory=...)`, `__post_init__`), `__repr__`, `__eq__`,
 * the orderings, `__hash__` by CPython's table, and frozen instances' `__setattr__`/`__delattr__`;
 * `field`, `fields`, `asdict`, `astuple`, `replace`, `is_dataclass`, `MISSING`, `FrozenInstanceError`.
 */
import {
  bindArgs,
  compare,
  dictKey,
  EXCEPTION_TYPES,
  ExceptionObject,
  getattr,
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  NOT_IMPLEMENTED,
  objectSetattr,
  PyBuiltin,
  PyDict,
  pyError,
  pyFunction,
  pyHash,
  PyInstance,
  PyList,
  PyModule,
  PySet,
  PyTuple,
  PyType,
  type PyValue,
  repr,
  setattr,
  truthy,
  typeOf,
  type ModuleShim,
} from '../interpreter';

/** `dataclasses.MISSING`: a field without a default. */
class Missing extends HostObject {
  static readonly type = hostType('_MISSING_TYPE', 'dataclasses');
  get pyType(): PyType {
    return Missing.type;
  }
  override repr(): string {
    return '<dataclasses._MISSING_TYPE object>';
  }
}
const MISSING = new Missing();

const FrozenInstanceError: PyType = new PyType('FrozenInstanceError', {
  module: 'dataclasses',
  bases: [EXCEPTION_TYPES.get('AttributeError')!],
  isException: true,
  construct: (args) => new ExceptionObject(FrozenInstanceError, args),
});

/** `dataclasses.Field`: what `field(...)` returns and `fields(x)` lists. */
class Field extends HostObject {
  static readonly type = hostType('Field', 'dataclasses');
  name: string | null = null;
  type: PyValue = null;

  constructor(
    readonly defaultValue: PyValue,
    readonly defaultFactory: PyValue,
    readonly init: boolean,
    readonly inRepr: boolean,
    readonly hash: PyValue,
    readonly compared: boolean,
    readonly metadata: PyValue,
    readonly kwOnly: PyValue,
  ) {
    super();
  }

  get pyType(): PyType {
    return Field.type;
  }

  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'name': return this.name;
      case 'type': return this.type;
      case 'default': return this.defaultValue;
      case 'default_factory': return this.defaultFactory;
      case 'init': return this.init;
      case 'repr': return this.inRepr;
      case 'hash': return this.hash;
      case 'compare': return this.compared;
      case 'metadata': return this.metadata;
      case 'kw_only': return this.kwOnly;
      default: return undefined;
    }
  }

  override repr(ctx: HostContext): string {
    const show = (v: PyValue) => repr(v, ctx);
    return `Field(name=${show(this.name)},type=${show(this.type)},default=${show(this.defaultValue)},default_factory=${show(this.defaultFactory)},`
      + `init=${show(this.init)},repr=${show(this.inRepr)},hash=${show(this.hash)},compare=${show(this.compared)},metadata=${show(this.metadata)},kw_only=${show(this.kwOnly)},_field_type=_FIELD)`;
  }
}

const field = pyFunction('field', (args, kwargs, ctx) => {
  if (args.length) throw pyError('TypeError', `field() takes 0 positional arguments but ${args.length} were given`);
  const a = bindArgs('field', ['*', 'default?', 'default_factory?', 'init?', 'repr?', 'hash?', 'compare?', 'metadata?', 'kw_only?'], args, kwargs, ctx);
  const dflt = a.opt('default') ?? MISSING;
  const factory = a.opt('default_factory') ?? MISSING;
  if (dflt !== MISSING && factory !== MISSING) throw pyError('ValueError', 'cannot specify both default and default_factory');
  const flag = (name: string) => truthy(a.opt(name) ?? true, ctx);
  return new Field(dflt, factory, flag('init'), flag('repr'), a.opt('hash') ?? null, flag('compare'), a.opt('metadata') ?? new PyDict(), a.opt('kw_only') ?? MISSING);
});

const FIELDS = '__dataclass_fields__';

/** The fields of a dataclass or of an instance of one, in order. */
function fieldsOf(x: PyValue): Field[] | null {
  const cls = x instanceof PyType ? x : typeOf(x);
  const table = cls.lookup(FIELDS);
  return table instanceof PyDict ? [...table.values()].filter((f): f is Field => f instanceof Field) : null;
}

function isClassVar(t: PyValue): boolean {
  if (t instanceof PyType) return t.name === 'ClassVar' && t.module === 'typing';
  return typeof t === 'string' && /^(typing\.)?ClassVar\b/.test(t);
}

interface Options {
  init: boolean;
  repr: boolean;
  eq: boolean;
  order: boolean;
  unsafeHash: boolean;
  frozen: boolean;
}

function collectFields(cls: PyType, ctx: HostContext): Field[] {
  const byName = new Map<string, Field>();
  for (const base of [...cls.mro.slice(1)].reverse()) {
    const inherited = base.attrs.get(FIELDS);
    if (inherited instanceof PyDict) for (const f of inherited.values()) if (f instanceof Field) byName.set(f.name!, f);
  }
  const annotations = cls.attrs.get('__annotations__');
  if (annotations instanceof PyDict) {
    for (const [name, type] of annotations.entries()) {
      if (typeof name !== 'string' || isClassVar(type)) continue;
      const value = cls.attrs.get(name);
      let f: Field;
      if (value instanceof Field) f = value;
      else f = new Field(value ?? MISSING, MISSING, true, true, null, true, new PyDict(), MISSING);
      f.name = name;
      f.type = type;
      const d = f.defaultValue;
      if ((d instanceof PyList || d instanceof PyDict || d instanceof PySet) && !(d instanceof PyDict && d.subclass)) {
        throw pyError('ValueError', `mutable default ${repr(typeOf(d), ctx)} for field ${name} is not allowed: use default_factory`);
      }
      // The class keeps a plain default as its attribute; a field() without one leaves none.
      if (value instanceof Field) {
        if (d === MISSING) cls.attrs.delete(name);
        else cls.attrs.set(name, d);
      }
      byName.set(name, f);
    }
  }
  return [...byName.values()];
}

function hasDefault(f: Field): boolean {
  return f.defaultValue !== MISSING || f.defaultFactory !== MISSING;
}

function process(cls: PyType, o: Options, ctx: HostContext): PyType {
  if (o.order && !o.eq) throw pyError('ValueError', 'eq must be true if order is true');
  const fields = collectFields(cls, ctx);
  const table = new PyDict();
  for (const f of fields) table.setByKey(dictKey(f.name!, ctx), f.name!, f);
  cls.attrs.set(FIELDS, table);
  const own = (name: string) => cls.attrs.has(name);
  const set = (name: string, fn: (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue) => cls.attrs.set(name, new PyBuiltin(name, fn));
  const initFields = fields.filter((f) => f.init);

  if (o.init) {
    let seenDefault = false;
    for (const f of initFields) {
      if (hasDefault(f)) seenDefault = true;
      else if (seenDefault) throw pyError('TypeError', `non-default argument '${f.name}' follows default argument`);
    }
    if (!own('__init__')) set('__init__', (args, kwargs, c) => initialize(cls, fields, initFields, o.frozen, args, kwargs, c));
  }
  const values = (self: PyValue, which: Field[], c: HostContext) => new PyTuple(which.map((f) => getattr(self, f.name!, c)));
  if (o.repr && !own('__repr__')) {
    set('__repr__', ([self], _k, c) => {
      const shown = fields.filter((f) => f.inRepr).map((f) => `${f.name}=${repr(getattr(self!, f.name!, c), c)}`);
      return `${typeOf(self!).qualname}(${shown.join(', ')})`;
    });
  }
  const compared = fields.filter((f) => f.compared);
  if (o.eq && !own('__eq__')) {
    set('__eq__', ([self, other], _k, c) => {
      if (typeOf(other!) !== typeOf(self!)) return NOT_IMPLEMENTED;
      return compare('==', values(self!, compared, c), values(other!, compared, c), c);
    });
  }
  if (o.order) {
    for (const [name, op] of [['__lt__', '<'], ['__le__', '<='], ['__gt__', '>'], ['__ge__', '>=']] as const) {
      if (own(name)) throw pyError('TypeError', `Cannot overwrite attribute ${name} in class ${cls.name}. Consider using functools.total_ordering`);
      set(name, ([self, other], _k, c) => {
        if (typeOf(other!) !== typeOf(self!)) return NOT_IMPLEMENTED;
        return compare(op, values(self!, compared, c), values(other!, compared, c), c);
      });
    }
  }
  if (o.frozen) {
    const names = new Set(fields.map((f) => f.name!));
    for (const [name, verb] of [['__setattr__', 'assign to'], ['__delattr__', 'delete']] as const) {
      if (own(name)) throw pyError('TypeError', `Cannot overwrite attribute ${name} in class ${cls.name}`);
      set(name, ([self, attr], _k) => {
        if (typeOf(self!) === cls || names.has(attr as string)) {
          throw pyError(FrozenInstanceError, `cannot ${verb} field ${repr(attr!, ctx)}`);
        }
        return null;
      });
    }
  }
  // CPython's table: whether __hash__ is added, set to None, or left alone.
  const body = cls.attrs.get('__hash__');
  const explicitHash = body !== undefined && !(body === null && own('__eq__'));
  const hashFields = fields.filter((f) => (f.hash === null ? f.compared : truthy(f.hash, ctx)));
  const addHash = () => set('__hash__', ([self], _k, c) => pyHash(values(self!, hashFields, c), c));
  if (o.unsafeHash) {
    if (explicitHash) throw pyError('TypeError', `Cannot overwrite attribute __hash__ in class ${cls.name}`);
    addHash();
  } else if (o.eq && o.frozen) {
    if (!explicitHash) addHash();
  } else if (o.eq && !explicitHash) cls.attrs.set('__hash__', null);
  if (!own('__match_args__')) cls.attrs.set('__match_args__', new PyTuple(initFields.map((f) => f.name!)));
  return cls;
}

function initialize(cls: PyType, fields: Field[], initFields: Field[], frozen: boolean, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const [self, ...given] = args;
  const fname = `${cls.qualname}.__init__`;
  if (given.length > initFields.length) {
    const required = initFields.filter((f) => !hasDefault(f)).length + 1;
    const takes = required === initFields.length + 1 ? `${required}` : `from ${required} to ${initFields.length + 1}`;
    throw pyError('TypeError', `${fname}() takes ${takes} positional argument${initFields.length ? 's' : ''} but ${given.length + 1} were given`);
  }
  const values = new Map<string, PyValue>();
  initFields.forEach((f, i) => {
    if (i < given.length) values.set(f.name!, given[i]);
  });
  for (const [k, v] of kwargs) {
    if (!initFields.some((f) => f.name === k)) throw pyError('TypeError', `${fname}() got an unexpected keyword argument '${k}'`);
    if (values.has(k)) throw pyError('TypeError', `${fname}() got multiple values for argument '${k}'`);
    values.set(k, v);
  }
  const missing = initFields.filter((f) => !values.has(f.name!) && !hasDefault(f)).map((f) => `'${f.name}'`);
  if (missing.length) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw pyError('TypeError', `${fname}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  for (const f of fields) {
    let v = values.get(f.name!);
    if (v === undefined) {
      if (f.defaultFactory !== MISSING) v = ctx.call(f.defaultFactory, []);
      else if (f.defaultValue !== MISSING) v = f.defaultValue;
      else continue;
    }
    // A frozen instance's __init__ writes as object.__setattr__ does, past its own __setattr__.
    if (frozen && self instanceof PyInstance) objectSetattr(self, f.name!, v, ctx);
    else setattr(self!, f.name!, v, ctx);
  }
  const post = typeOf(self!).lookup('__post_init__');
  if (post !== undefined) ctx.call(getattr(self!, '__post_init__', ctx), []);
  return null;
}

const dataclass = pyFunction('dataclass', (args, kwargs, ctx) => {
  const a = bindArgs('dataclass', ['cls?', '*', 'init?', 'repr?', 'eq?', 'order?', 'unsafe_hash?', 'frozen?', 'match_args?', 'kw_only?', 'slots?'], args, kwargs, ctx);
  const flag = (name: string, dflt: boolean) => truthy(a.opt(name) ?? dflt, ctx);
  const o: Options = {
    init: flag('init', true),
    repr: flag('repr', true),
    eq: flag('eq', true),
    order: flag('order', false),
    unsafeHash: flag('unsafe_hash', false),
    frozen: flag('frozen', false),
  };
  const wrap = (cls: PyValue): PyValue => {
    if (!(cls instanceof PyType) || !cls.userDefined) throw pyError('TypeError', 'dataclass() should be called on a class');
    return process(cls, o, ctx);
  };
  const cls = a.opt('cls');
  return cls === undefined || cls === null ? pyFunction('wrap', ([c]) => wrap(c ?? null)) : wrap(cls);
});

function needDataclass(x: PyValue, what: string): Field[] {
  const fs = fieldsOf(x);
  if (fs === null || x instanceof PyType) throw pyError('TypeError', `${what}() should be called on dataclass instances`);
  return fs;
}

/** asdict/astuple's recursion: dataclasses, lists, tuples (named ones rebuilt) and dicts, copied through. */
function convert(x: PyValue, asDict: boolean, ctx: HostContext, depth = 0): PyValue {
  if (depth > 200) throw pyError('RecursionError', 'maximum recursion depth exceeded');
  ctx.tick();
  const fs = x instanceof PyInstance ? fieldsOf(x) : null;
  if (fs !== null) {
    if (asDict) {
      const d = new PyDict();
      for (const f of fs) d.setByKey(dictKey(f.name!, ctx), f.name!, convert(getattr(x, f.name!, ctx), asDict, ctx, depth + 1));
      return d;
    }
    return new PyTuple(fs.map((f) => convert(getattr(x, f.name!, ctx), asDict, ctx, depth + 1)));
  }
  if (x instanceof PyTuple) {
    const items = x.items.map((v) => convert(v, asDict, ctx, depth + 1));
    return x.subclass ? ctx.call(x.subclass, items) : new PyTuple(items);
  }
  if (x instanceof PyList) return new PyList(x.items.map((v) => convert(v, asDict, ctx, depth + 1)));
  if (x instanceof PyDict) {
    const d = new PyDict();
    for (const [k, v] of x.entries()) {
      const key = convert(k, asDict, ctx, depth + 1);
      d.setByKey(dictKey(key, ctx), key, convert(v, asDict, ctx, depth + 1));
    }
    return d;
  }
  return x;
}

export const dataclassesModule: ModuleShim = {
  exports: ['dataclass', 'field', 'fields', 'asdict', 'astuple', 'replace', 'is_dataclass', 'MISSING', 'FrozenInstanceError', 'Field'],
  create() {
    return new PyModule('dataclasses', new Map<string, PyValue>([
      ['dataclass', dataclass],
      ['field', field],
      ['Field', Field.type],
      ['MISSING', MISSING],
      ['FrozenInstanceError', FrozenInstanceError],
      ['fields', pyFunction('fields', ([x]) => {
        const fs = fieldsOf(x ?? null);
        if (fs === null) throw pyError('TypeError', 'must be called with a dataclass type or instance');
        return new PyTuple(fs);
      })],
      ['is_dataclass', pyFunction('is_dataclass', ([x]) => fieldsOf(x ?? null) !== null)],
      ['asdict', pyFunction('asdict', ([x], _k, ctx) => (needDataclass(x ?? null, 'asdict'), convert(x!, true, ctx)))],
      ['astuple', pyFunction('astuple', ([x], _k, ctx) => (needDataclass(x ?? null, 'astuple'), convert(x!, false, ctx)))],
      ['replace', pyFunction('replace', (args, changes, ctx) => {
        if (args.length !== 1) throw pyError('TypeError', `replace() takes 1 positional argument but ${args.length} were given`);
        const obj = args[0];
        const fs = needDataclass(obj, 'replace');
        const kwargs: Kwargs = new Map();
        for (const f of fs) {
          if (!f.init) {
            if (changes.has(f.name!)) throw pyError('ValueError', `field ${f.name} is declared with init=False, it cannot be specified with replace()`);
            continue;
          }
          kwargs.set(f.name!, changes.has(f.name!) ? changes.get(f.name!)! : getattr(obj, f.name!, ctx));
        }
        for (const [k, v] of changes) if (!kwargs.has(k)) kwargs.set(k, v);
        return ctx.call(typeOf(obj), [], kwargs);
      })],
    ]), true);
  },
};
