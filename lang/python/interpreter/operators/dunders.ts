/**
 * Script-defined classes taking part in Python's protocols: their dunder methods bound and called, and the
 * `@staticmethod`, `@classmethod` and `@property` wrappers of a class body.
 */
import {
  ExceptionObject,
  HostObject,
  type HostContext,
  PyBoundMethod,
  PyBuiltin,
  pyError,
  PyFunction,
  PyDict,
  PyInstance,
  PyList,
  PyTuple,
  PyType,
  type PyValue,
  type Subclassed,
  typeName,
  typeOf,
} from '../values';

/**
 * The class whose methods decide how `v` behaves, where the script (or a module on its behalf, as
 * namedtuple and dataclass do) wrote them: an instance's class, a script exception class, a
 * subclass of list, tuple or dict. Null for builtin values.
 */
export function scriptClassOf(v: PyValue): PyType | null {
  if (v instanceof PyInstance) return v.cls;
  if (v instanceof ExceptionObject) return v.type.userDefined ? v.type : null;
  if (v instanceof PyTuple || v instanceof PyList || v instanceof PyDict) return v.subclass;
  return null;
}

/** A list, tuple or dict of a class the script derived from it: its own methods come first. */
export function isSubclassed(v: PyValue): v is (PyTuple | PyList | PyDict) & Subclassed {
  return (v instanceof PyTuple || v instanceof PyList || v instanceof PyDict) && v.subclass !== null;
}

/** The dunder method of a script-defined class, bound to the instance; undefined when absent. */
export function instanceMethod(obj: PyValue, name: string, ctx: HostContext): PyValue | undefined {
  const cls = scriptClassOf(obj);
  if (cls === null) return undefined;
  const f = cls.lookup(name);
  if (f === undefined) return obj instanceof PyInstance ? obj.baseMethod?.(name) : undefined;
  return bindAttribute(f, obj, ctx);
}

/**
 * A descriptor implemented in TypeScript (a namedtuple's fields, `functools.cached_property`):
 * `get` for `instance.name` (and `Class.name` with `obj` null), `set` for a data descriptor.
 */
export abstract class NativeDescriptor extends PyInstance {
  abstract get(obj: PyValue | null, cls: PyType, ctx: HostContext): PyValue;
  /** Defined by data descriptors, which take precedence over the instance's own attributes. */
  set?(obj: PyValue, value: PyValue, ctx: HostContext): void;
  /** Told its name in the class that holds it, as `__set_name__`. */
  setName?(owner: PyType, name: string): void;
}

/**
 * What `instance.attr` gives for a class attribute: functions bind to the instance, properties run
 * their getter, a descriptor (an object whose class defines `__get__`) gives `__get__(instance, type)`.
 */
export function bindAttribute(attr: PyValue, self: PyValue, ctx: HostContext): PyValue {
  if (attr instanceof PyFunction || attr instanceof PyBuiltin || (attr instanceof HostObject && attr.bindsAsMethod)) return new PyBoundMethod(attr, self);
  if (attr instanceof NativeDescriptor) return attr.get(self, typeOf(self), ctx);
  if (attr instanceof PyInstance && attr.cls.userDefined) {
    const get = instanceMethod(attr, '__get__', ctx);
    if (get !== undefined) return ctx.call(get, [self, typeOf(self)]);
  }
  if (attr instanceof StaticMethod) return attr.fn;
  if (attr instanceof ClassMethod) return new PyBoundMethod(attr.fn, typeOf(self));
  if (attr instanceof Property) {
    if (attr.fget === null) throw pyError('AttributeError', `property of '${typeName(self)}' object has no getter`);
    return ctx.call(attr.fget, [self]);
  }
  return attr;
}

/** `@staticmethod` and `@classmethod` wrappers in a class body. */
export class StaticMethod extends PyInstance {
  constructor(readonly fn: PyValue) {
    super(new PyType('staticmethod'));
  }
}

export class ClassMethod extends PyInstance {
  constructor(readonly fn: PyValue) {
    super(new PyType('classmethod'));
  }
}
/** `@property`, with `.setter`. */

export class Property extends PyInstance {
  constructor(
    readonly fget: PyValue | null,
    readonly fset: PyValue | null = null,
  ) {
    super(new PyType('property'));
  }
}

/** A class attribute that takes precedence over the instance's own (`__set__` or `__delete__`): a property, a data descriptor. */
export function isDataDescriptor(attr: PyValue | undefined): boolean {
  if (attr instanceof Property) return true;
  if (attr instanceof NativeDescriptor) return attr.set !== undefined;
  return attr instanceof PyInstance && attr.cls.userDefined && (attr.cls.lookup('__set__') !== undefined || attr.cls.lookup('__delete__') !== undefined);
}

/** `Class.attr` for a descriptor: `__get__(None, Class)`; other attributes as they are. */
export function classAttribute(attr: PyValue, cls: PyType, ctx: HostContext): PyValue {
  if (attr instanceof StaticMethod) return attr.fn;
  if (attr instanceof ClassMethod) return new PyBoundMethod(attr.fn, cls);
  if (attr instanceof NativeDescriptor) return attr.get(null, cls, ctx);
  if (attr instanceof PyInstance && attr.cls.userDefined) {
    const get = instanceMethod(attr, '__get__', ctx);
    if (get !== undefined) return ctx.call(get, [null, cls]);
  }
  return attr;
}

export function callDunder(obj: PyValue, name: string, args: PyValue[], ctx: HostContext): PyValue | undefined {
  // NB: a `def` in the class is called with the instance first, without the bound method bindAttribute would make (W5's `__mul__`, `__add__`).
  const cls = scriptClassOf(obj);
  const f = cls?.lookup(name);
  if (f instanceof PyFunction) return ctx.callMethod(f, obj, args);
  const m = instanceMethod(obj, name, ctx);
  if (m === undefined) return undefined;
  return ctx.call(m, args);
}
