/**
 * The builtin class `object` as scripts reach it: its methods (`object.__new__(cls)`,
 * `object.__setattr__(self, name, value)`, what `super()` finds past the script's classes), and
 * `__subclasses__()` of the classes a script defines.
 */
import {
  ExceptionObject,
  type HostContext,
  NOT_IMPLEMENTED,
  objectId,
  PyBuiltin,
  pyError,
  PyInstance,
  PyList,
  PyType,
  type PyValue,
  type Subclassed,
  typeName,
  typeOf,
} from '../values';
import { bindAttribute, isSubclassed, NativeDescriptor, Property } from './dunders';
import { identityHash, pyHash } from './hashing';

/** `object.__setattr__(obj, name, value)`: a property's setter or a descriptor's `__set__`, else the instance's own attribute. */
export function objectSetattr(obj: PyInstance | (PyValue & Subclassed), name: string, value: PyValue, ctx: HostContext): void {
  const cls = obj instanceof PyInstance ? obj.cls : obj.subclass!;
  const attr = cls.lookup(name);
  if (attr instanceof Property) {
    if (attr.fset === null) throw pyError('AttributeError', `property '${name}' of '${cls.name}' object has no setter`);
    ctx.call(attr.fset, [obj, value]);
    return;
  }
  if (attr instanceof NativeDescriptor && attr.set) {
    attr.set(obj, value, ctx);
    return;
  }
  if (attr instanceof PyInstance && attr.cls.userDefined) {
    const set = attr.cls.lookup('__set__');
    if (set !== undefined) {
      ctx.call(bindAttribute(set, attr, ctx), [obj, value]);
      return;
    }
  }
  // A namedtuple has no instance attributes (its `__slots__` is empty).
  if (obj.dict === null) throw pyError('AttributeError', `'${cls.name}' object has no attribute '${name}'`);
  obj.dict.set(name, value);
}

/** What `object.__new__(cls)` makes. */
export function newInstance(cls: PyType): PyInstance | ExceptionObject {
  return cls.isException ? new ExceptionObject(cls, []) : new PyInstance(cls);
}

/** The methods of `object` a script calls by name: `object.__new__(cls)`, `object.__setattr__(self, name, value)`, `super().__init__()`. */
const OBJECT_METHODS: Readonly<Record<string, PyBuiltin>> = {
  __new__: new PyBuiltin('__new__', (args, kwargs) => {
    const cls = args[0];
    if (!(cls instanceof PyType)) throw pyError('TypeError', `object.__new__(X): X is not a type object (${typeName(cls ?? null)})`);
    if ((args.length > 1 || kwargs.size) && (cls.lookup('__new__') !== undefined || cls.lookup('__init__') === undefined)) {
      throw pyError('TypeError', cls.lookup('__init__') === undefined ? `${cls.name}() takes no arguments` : 'object.__new__() takes exactly one argument (the type to instantiate)');
    }
    const inst = newInstance(cls);
    if (inst instanceof ExceptionObject) inst.args = args.slice(1);
    return inst;
  }),
  __init__: new PyBuiltin('__init__', () => null),
  __setattr__: new PyBuiltin('__setattr__', (args, _kwargs, ctx) => {
    const [obj, name, value] = args;
    if (args.length !== 3) throw pyError('TypeError', `expected 3 arguments, got ${args.length}`);
    if (typeof name !== 'string') throw pyError('TypeError', `attribute name must be string, not '${typeName(name!)}'`);
    if (!(obj instanceof PyInstance) && !isSubclassed(obj)) throw pyError('TypeError', `can't apply this __setattr__ to ${typeName(obj ?? null)} object`);
    objectSetattr(obj, name, value!, ctx);
    return null;
  }),
  __eq__: new PyBuiltin('__eq__', (args) => (args[0] === args[1] ? true : NOT_IMPLEMENTED)),
  __ne__: new PyBuiltin('__ne__', (args) => (args[0] === args[1] ? false : NOT_IMPLEMENTED)),
  __hash__: new PyBuiltin('__hash__', (args, _kwargs, ctx) => (typeof args[0] === 'object' && args[0] !== null ? identityHash(args[0]) : pyHash(args[0]!, ctx))),
  __repr__: new PyBuiltin('__repr__', (args) => {
    const self = args[0]!;
    const id = typeof self === 'object' && self !== null ? objectId(self) : 0;
    return `<${typeOf(self).qualifiedName} object at 0x${(0x7f3a10000000 + id * 48).toString(16)}>`;
  }),
  __init_subclass__: new PyBuiltin('__init_subclass__', () => null),
};

/** `object.name` for a name of OBJECT_METHODS. */
export function objectMethod(name: string): PyBuiltin | undefined {
  return Object.prototype.hasOwnProperty.call(OBJECT_METHODS, name) ? OBJECT_METHODS[name] : undefined;
}


/** Classes the script defined under each class it defined, in the order defined. */
const subclassesOf = new WeakMap<PyType, PyType[]>();

export function registerSubclass(base: PyType, cls: PyType): void {
  let list = subclassesOf.get(base);
  if (!list) subclassesOf.set(base, (list = []));
  list.push(cls);
}

/** `C.__subclasses__()`: only for classes the script defined (the builtin hierarchy stays out of reach). */
export function subclasses(cls: PyType): PyList {
  return new PyList([...(subclassesOf.get(cls) ?? [])]);
}
