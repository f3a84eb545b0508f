/**
 * Classes the script defines, as CPython's `type` makes them: C3 method resolution order, a class
 * with `__eq__` and no `__hash__` unhashable, `__new__` a static method, `__set_name__` called on
 * the class body's descriptors, `__subclasses__()`; instances made by `__new__` then `__init__`;
 * `super()` following the MRO; and `object`'s own methods (`object.__new__`, `object.__setattr__`).
 */
import {
  c3Merge,
  chargeItems,
  type HostContext,
  HostObject,
  type Kwargs,
  PyBoundMethod,
  pyError,
  PyFunction,
  PyInstance,
  PyType,
  type PyValue,
  tupleType,
  typeName,
  typeOf,
} from './values';
import type * as A from '../syntax/ast';
import * as ops from './operators';
import { ClassMethod, Property, StaticMethod } from './operators';

/** The MRO of a class with these bases (after the class itself); TypeError where Python's C3 finds none. */
export function checkBases(bases: readonly PyType[], ctx: HostContext): void {
  bases.forEach((b, i) => {
    if (bases.indexOf(b) !== i) throw pyError('TypeError', `duplicate base class ${b.name}`);
  });
  // The merge walks every base's MRO: a deep hierarchy costs what it is long.
  chargeItems(ctx, bases.reduce((n, b) => n + b.mro.length, 0));
  if (c3Merge(bases) === null) {
    throw pyError('TypeError', `Cannot create a consistent method resolution\norder (MRO) for bases ${bases.map((b) => b.name).join(', ')}`);
  }
}

/** The statement of a class body that defines `__del__` (`def __del__` or `__del__ = ...`), refused: see FINALIZER_REFUSAL. */
export function finalizerDefinition(s: A.ClassDef): A.Stmt | undefined {
  return s.body.find((b) =>
    (b.kind === 'FunctionDef' && b.name === '__del__') ||
    (b.kind === 'Assign' && b.targets.some((t) => t.kind === 'Name' && t.id === '__del__')));
}

/** What `type.__new__` does to a class body's namespace once the class exists. */
export function finishClass(cls: PyType, ctx: HostContext): void {
  const attrs = cls.attrs;
  for (const v of attrs.values()) {
    const f = v instanceof StaticMethod || v instanceof ClassMethod ? v.fn : v instanceof Property ? v.fget : v;
    if (f instanceof PyFunction) f.ownerClass = cls;
    if (v instanceof Property && v.fset instanceof PyFunction) v.fset.ownerClass = cls;
  }
  // `__new__` is a static method without the decorator; `__init_subclass__` a class method.
  const make = attrs.get('__new__');
  if (make instanceof PyFunction) attrs.set('__new__', new StaticMethod(make));
  const hook = attrs.get('__init_subclass__');
  if (hook instanceof PyFunction) attrs.set('__init_subclass__', new ClassMethod(hook));
  // A class that defines equality and not hashing is unhashable: equal objects must hash alike.
  if (attrs.has('__eq__') && !attrs.has('__hash__')) attrs.set('__hash__', null);
  for (const b of cls.bases) if (b.userDefined) ops.registerSubclass(b, cls);
  for (const [name, v] of [...attrs]) {
    if (v instanceof ops.NativeDescriptor) v.setName?.(cls, name);
    if (!(v instanceof PyInstance) || !v.cls.userDefined) continue;
    const setName = v.cls.lookup('__set_name__');
    if (setName !== undefined) ctx.call(ops.bindAttribute(setName, v, ctx), [cls, name]);
  }
  for (const t of cls.mro.slice(1)) {
    const parentHook = t.attrs.get('__init_subclass__');
    if (parentHook instanceof ClassMethod) {
      ctx.call(new PyBoundMethod(parentHook.fn, cls), []);
      break;
    }
  }
}

/** `C(*args, **kwargs)`: `__new__` makes the object and, when it is a C, `__init__` sets it up. */
export function instantiate(cls: PyType, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const make = cls.lookup('__new__');
  const base = ops.builtinBase(cls);
  const scalar = ops.scalarBase(cls);
  let inst: PyValue;
  if (make !== undefined) {
    inst = ctx.call(ops.classAttribute(make, cls, ctx), [cls, ...args], kwargs);
    if (!typeOf(inst).isSubtypeOf(cls)) return inst;
  } else if (base !== null) {
    if (base === tupleType && kwargs.size) throw pyError('TypeError', 'tuple() takes no keyword arguments');
    inst = ops.newBuiltinInstance(cls, base, base === tupleType ? args : [], ctx);
  } else if (scalar !== null) inst = ops.newScalarInstance(cls, scalar, args, kwargs, ctx);
  else {
    inst = ops.newInstance(cls);
    if (inst instanceof PyInstance) ctx.madeInstance(inst);
  }
  const init = cls.lookup('__init__');
  if (init === undefined && base !== null) ops.builtinInit(inst, args, kwargs, ctx);
  else if (init !== undefined) {
    // NB: a `def __init__` is called with the instance first, without the bound method bindAttribute would make.
    const r = init instanceof PyFunction ? ctx.callMethod(init, inst, args, kwargs) : ctx.call(ops.bindAttribute(init, inst, ctx), args, kwargs);
    if (r !== null) throw pyError('TypeError', `__init__() should return None, not '${typeName(r)}'`);
  } else if (make === undefined && scalar === null && !cls.isException && (args.length || kwargs.size)) {
    throw pyError('TypeError', `${cls.name}() takes no arguments`);
  }
  return inst;
}


/** `super()`: attribute lookup that starts after the defining class in the instance's MRO. */
export class SuperObject extends HostObject {
  private static readonly type = new PyType('super');

  constructor(
    private readonly start: PyType,
    private readonly self: PyValue,
  ) {
    super();
  }

  get pyType(): PyType {
    return SuperObject.type;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const mro = this.self instanceof PyType ? this.self.mro : typeOf(this.self).mro;
    const at = mro.indexOf(this.start);
    for (const t of mro.slice(at + 1)) {
      const attr = t.attrs.get(name);
      if (attr === undefined) continue;
      if (this.self instanceof PyType) return attr instanceof ClassMethod ? new PyBoundMethod(attr.fn, this.self) : ops.classAttribute(attr, this.self, ctx);
      return ops.bindAttribute(attr, this.self, ctx);
    }
    const base = ops.builtinBase(this.self instanceof PyType ? this.self : typeOf(this.self));
    if (base !== null && mro.indexOf(base) > at) {
      const fromBase = this.self instanceof PyType || name === '__new__'
        ? ops.unboundBaseMethod(base, name)
        : ops.isSubclassed(this.self) ? ops.boundBaseMethod(this.self, name, ctx) : undefined;
      if (fromBase !== undefined) return fromBase;
    }
    const scalar = ops.scalarBase(this.self instanceof PyType ? this.self : typeOf(this.self));
    if (scalar !== null && mro.indexOf(scalar) > at) {
      if (name === '__new__') return ops.scalarNew(scalar);
      // The base's method on the value: `super().__repr__()` in a float subclass's `__repr__`.
      const fromValue = this.self instanceof PyInstance ? this.self.baseMethod?.(name) ?? ops.getattrOrUndefined(this.self.standsFor ?? null, name, ctx) : undefined;
      if (fromValue !== undefined) return fromValue;
    }
    const fromObject = ops.objectMethod(name);
    if (fromObject === undefined) return undefined;
    // `super().__new__(cls)` passes the class itself; the others bind to the instance.
    if (name === '__new__' || this.self instanceof PyType) return fromObject;
    return new PyBoundMethod(fromObject, this.self);
  }

  override repr(): string {
    return `<super: <class '${this.start.name}'>, <${typeName(this.self)} object>>`;
  }
}
