/**
 * Attribute access (`obj.name`, assignment, deletion) on every kind of value, and `isinstance`.
 */
import {
  addNote,
  ExceptionObject,
  type HostContext,
  HaltError,
  HostObject,
  PyBoundMethod,
  PyBuiltin,
  PyDict,
  pyError,
  PyFunction,
  PyInstance,
  PyList,
  PyModule,
  PySet,
  PyTuple,
  PyType,
  type PyValue,
  dictType,
  floatType,
  intType,
  strType,
  listType,
  objectType,
  StopIteration,
  SystemExit,
  tupleType,
  typeName,
  typeOf,
} from '../values';
import { iterate } from './containers';
import { dictKey } from './hashing';
import { builtinBase, unboundBaseMethod } from './builtin_bases';
import { numberDunder, numberOperand } from './number_dunders';
import { bindAttribute, classAttribute, isDataDescriptor, isSubclassed, Property, scriptClassOf } from './dunders';
import { getMethod } from './methods';
import { scalarNew } from './scalar_bases';
import { objectMethod, objectSetattr, subclasses } from './object_type';
import { qualnameOf, repr } from './repr';

/** `obj.name`. */
export function getattr(obj: PyValue, name: string, ctx: HostContext): PyValue {
  const v = getattrOrUndefined(obj, name, ctx);
  if (v !== undefined) return v;
  if (obj instanceof PyModule) {
    const lacking = obj.isShim ? ` (${obj.name}.${name} is not supported by Gradlens)` : '';
    throw pyError('AttributeError', `module '${obj.name}' has no attribute '${name}'${lacking}`);
  }
  if (obj instanceof PyType) throw pyError('AttributeError', `type object '${obj.name}' has no attribute '${name}'`);
  throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

export function getattrOrUndefined(obj: PyValue, name: string, ctx: HostContext): PyValue | undefined {
  if (obj instanceof HostObject) {
    const v = obj.getattr(name, ctx);
    if (v !== undefined) return v;
    if (name === '__class__') return obj.pyType;
    return undefined;
  }
  if (obj instanceof PyModule) {
    if (name === '__name__') return obj.name;
    return obj.attrs.get(name);
  }
  if (obj instanceof PyInstance || obj instanceof ExceptionObject) {
    const cls = obj instanceof PyInstance ? obj.cls : obj.type;
    const fromClass = cls.lookup(name);
    if (isDataDescriptor(fromClass)) return bindAttribute(fromClass!, obj, ctx);
    const own = obj.dict.get(name);
    if (own !== undefined) return own;
    if (name === '__class__') return cls;
    if (name === '__dict__' && obj instanceof PyInstance) return attributeDict(obj.dict, ctx);
    if (obj instanceof ExceptionObject) {
      if (name === 'args') return new PyTuple(obj.args);
      if (name === 'add_note') {
        return new PyBuiltin('add_note', (args) => {
          const note = args[0] ?? null;
          if (args.length !== 1) throw pyError('TypeError', `BaseException.add_note() takes exactly one argument (${args.length} given)`);
          if (typeof note !== 'string') throw pyError('TypeError', `note must be a str, not '${typeName(note)}'`);
          addNote(obj, note);
          return null;
        });
      }
      if (name === '__cause__') return obj.cause;
      if (name === '__context__') return obj.context;
      if (name === '__traceback__') return null;
      if (name === '__suppress_context__') return obj.suppressContext;
      if (name === 'value' && obj.type.isSubtypeOf(StopIteration)) return obj.args[0] ?? null;
      if (name === 'code' && obj.type.isSubtypeOf(SystemExit)) return obj.args.length > 1 ? new PyTuple(obj.args) : obj.args[0] ?? null;
    }
    if (obj instanceof ExceptionObject && name === '__cause__') return obj.cause;
    if (obj instanceof ExceptionObject && name === '__context__') return obj.context;
    if (obj instanceof Property && (name === 'setter' || name === 'getter')) {
      return new PyBuiltin(name, (args) => (name === 'setter' ? new Property(obj.fget, args[0]) : new Property(args[0], obj.fset)));
    }
    if (fromClass !== undefined) return bindAttribute(fromClass, obj, ctx);
    if (obj instanceof ExceptionObject) return undefined;
    // An instance of an int, float or str subclass: the value's own methods (`upper`, `is_integer`).
    if (obj.baseMethod) {
      const fromValue = obj.baseMethod(name) ?? getattrOrUndefined(obj.standsFor ?? null, name, ctx);
      if (fromValue !== undefined) return fromValue;
    }
    const ga = cls.lookup('__getattr__');
    if (ga !== undefined) return ctx.call(bindAttribute(ga, obj, ctx), [name]);
    return undefined;
  }
  if (obj instanceof PyType) {
    if (name === '__name__') return obj.name;
    if (name === '__qualname__') return obj.qualname;
    if (name === '__module__') return obj.module;
    if (name === '__mro__') return new PyTuple(obj.mro);
    if (name === '__bases__') return new PyTuple(obj.bases);
    if (name === '__base__') return obj.bases[0] ?? null;
    const attr = obj.lookup(name);
    if (attr !== undefined) return classAttribute(attr, obj, ctx);
    if (obj.userDefined || obj === objectType) {
      if (name === 'mro') return new PyBuiltin('mro', () => new PyList([...obj.mro]));
      if (name === '__subclasses__' && obj.userDefined) return new PyBuiltin('__subclasses__', () => subclasses(obj));
      const base = builtinBase(obj);
      const inherited = (base && unboundBaseMethod(base, name)) ?? objectMethod(name);
      if (inherited !== undefined) return inherited;
    }
    if (obj.name === 'dict' && obj.module === 'builtins' && name === 'fromkeys') return DICT_FROMKEYS;
    return unboundMethod(obj, name, ctx);
  }
  if (obj instanceof PyFunction) {
    // Assigned names win (functools.wraps copies the wrapped function's onto its wrapper).
    if (name === '__name__') return obj.dict.get(name) ?? obj.name;
    if (name === '__qualname__') return qualnameOf(obj);
    if (name === '__module__') return obj.dict.get(name) ?? '__main__';
    if (name === '__doc__') return obj.dict.get(name) ?? docstring(obj);
    return obj.dict.get(name);
  }
  if (obj instanceof PyBuiltin && name === '__name__') return obj.name;
  if (obj instanceof PyBoundMethod) {
    if (name === '__self__') return obj.self;
    if (name === '__func__') return obj.fn;
    return getattrOrUndefined(obj.fn, name, ctx);
  }
  if (isSubclassed(obj)) return subclassedAttribute(obj, name, ctx);
  if (name === '__class__') return typeOf(obj);
  return getMethod(obj, name, ctx);
}

/** `x.name` on a list, tuple or dict of a class the script derived: the class's attributes, then the builtin's. */
function subclassedAttribute(obj: PyList | PyTuple | PyDict, name: string, ctx: HostContext): PyValue | undefined {
  const cls = obj.subclass!;
  const fromClass = cls.lookup(name);
  if (isDataDescriptor(fromClass)) return bindAttribute(fromClass!, obj, ctx);
  const own = obj.dict?.get(name);
  if (own !== undefined) return own;
  if (name === '__dict__' && obj.dict) return attributeDict(obj.dict, ctx);
  if (fromClass !== undefined) return bindAttribute(fromClass, obj, ctx);
  if (name === '__class__') return cls;
  const method = getMethod(obj, name, ctx);
  if (method !== undefined) return method;
  const ga = cls.lookup('__getattr__');
  return ga === undefined ? undefined : ctx.call(bindAttribute(ga, obj, ctx), [name]);
}

function attributeDict(attrs: Map<string, PyValue>, ctx: HostContext): PyDict {
  const d = new PyDict();
  for (const [k, v] of attrs) d.setByKey(dictKey(k, ctx), k, v);
  return d;
}

/** `str.lower`, `list.append`, `dict.__setitem__`: a builtin type's method taking the instance first. */
function unboundMethod(t: PyType, name: string, ctx: HostContext): PyValue | undefined {
  const special = t === tupleType || t === listType || t === dictType ? unboundBaseMethod(t, name) : undefined;
  if (special !== undefined) return special;
  if (name === '__new__' && (t === intType || t === floatType || t === strType)) return scalarNew(t);
  const numberMethod = t === intType || t === floatType ? unboundNumberMethod(t, name) : undefined;
  if (numberMethod !== undefined) return numberMethod;
  const sample = SAMPLES.get(t.name)?.();
  if (sample === undefined || getMethod(sample, name, ctx) === undefined) return undefined;
  return new PyBuiltin(`${t.name}.${name}`, (args, kwargs, c) => {
    if (args.length === 0 || !isInstance(args[0], t)) {
      throw pyError('TypeError', `descriptor '${name}' for '${t.name}' objects doesn't apply to a '${args.length ? typeName(args[0]) : 'NoneType'}' object`);
    }
    return c.call(getattr(args[0], name, c), args.slice(1), kwargs);
  });
}

/**
 * `int.__add__(Color.RED, 2)`, `float.__mul__(x, 3)`: the number method applied to an int (an
 * IntEnum member's int) or a float; `int.__str__` is object's, the repr (`<Color.GREEN: 2>`).
 */
function unboundNumberMethod(t: PyType, name: string): PyBuiltin | undefined {
  const float = t === floatType;
  if (numberDunder(float ? 0 : 0n, name) === undefined) return undefined;
  return new PyBuiltin(`${t.name}.${name}`, (args, _kwargs, ctx) => {
    const self = args.length ? args[0] : null;
    const n = float ? (typeof self === 'number' ? self : self instanceof PyInstance && typeof self.standsFor === 'number' ? self.standsFor : null) : numberOperand(self, false);
    if (n === null) throw pyError('TypeError', `descriptor '${name}' requires a '${t.name}' object but received a '${typeName(self)}'`);
    if (name === '__str__') return repr(self, ctx);
    return numberDunder(n, name)!(n, args.slice(1), ctx);
  });
}

/** `dict.fromkeys(keys, value=None)`. */
const DICT_FROMKEYS = new PyBuiltin('fromkeys', (args, _kwargs, ctx) => {
  if (args.length < 1 || args.length > 2) throw pyError('TypeError', `fromkeys expected at most 2 arguments, got ${args.length}`);
  const d = new PyDict();
  for (const k of iterate(args[0], ctx)) d.setByKey(dictKey(k, ctx), k, args[1] ?? null);
  return d;
});

const SAMPLES = new Map<string, () => PyValue>([
  ['str', () => ''],
  ['list', () => new PyList([])],
  ['tuple', () => new PyTuple([])],
  ['dict', () => new PyDict()],
  ['set', () => new PySet()],
  ['int', () => 0n],
  ['float', () => 0],
]);

function docstring(f: PyFunction): PyValue {
  const first = f.node.kind === 'FunctionDef' ? f.node.body[0] : undefined;
  return first?.kind === 'ExprStmt' && first.value.kind === 'Str' ? first.value.value : null;
}

/**
 * Why a class may not have `__del__`: the interpreter frees no object when its last reference
 * goes (only tensors and generators are counted), so the finalizer would silently never run.
 */
export const FINALIZER_REFUSAL =
  "Gradlens does not support __del__: it never frees an object when its last reference goes, as CPython does, so __del__ would never run; release what the object holds explicitly (a close() method, or __enter__/__exit__ and a 'with' block)";

export function setattr(obj: PyValue, name: string, value: PyValue, ctx: HostContext): void {
  if (obj instanceof HostObject) return obj.setattr(name, value, ctx);
  if (obj instanceof PyInstance || isSubclassed(obj)) {
    const sa = scriptClassOf(obj)!.lookup('__setattr__');
    if (sa !== undefined) {
      ctx.call(bindAttribute(sa, obj, ctx), [name, value]);
      return;
    }
    return objectSetattr(obj, name, value, ctx);
  }
  if (obj instanceof PyFunction && (name === '__name__' || name === '__qualname__') && typeof value !== 'string') {
    throw pyError('TypeError', `${name} must be set to a string object`);
  }
  if (obj instanceof ExceptionObject || obj instanceof PyFunction) {
    obj.dict.set(name, value);
    return;
  }
  if (obj instanceof PyModule) {
    obj.attrs.set(name, value);
    return;
  }
  if (obj instanceof PyType && obj.userDefined) {
    if (name === '__del__') throw new HaltError('unsupported', FINALIZER_REFUSAL, ctx.span);
    obj.attrs.set(name, value);
    return;
  }
  if (obj instanceof PyType) throw pyError('TypeError', `cannot set '${name}' attribute of immutable type '${obj.name}'`);
  throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

export function delattr(obj: PyValue, name: string, ctx?: HostContext): void {
  // A class's own __delattr__ (torch.nn.Module's drops a parameter, buffer or submodule).
  const da = ctx && (obj instanceof PyInstance || isSubclassed(obj)) ? scriptClassOf(obj)!.lookup('__delattr__') : undefined;
  if (da !== undefined && ctx) {
    ctx.call(bindAttribute(da, obj, ctx), [name]);
    return;
  }
  if ((obj instanceof PyInstance || obj instanceof ExceptionObject || obj instanceof PyFunction) && obj.dict.delete(name)) return;
  throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

/** `isinstance(v, t)`. */
export function isInstance(v: PyValue, t: PyType): boolean {
  return t.instanceCheck?.(v) ?? isSubclass(typeOf(v), t);
}

/** `issubclass(c, t)`: c derives from t, or t (an abstract base class) has c registered. */
export function isSubclass(c: PyType, t: PyType): boolean {
  return c.isSubtypeOf(t) || (t.registeredSubclass?.(c) ?? false);
}
