/**
 * The attribute bag `argparse.Namespace` and `types.SimpleNamespace` are: made from keyword
 * arguments, its attributes in the order set, equal to another of its kind with equal attributes,
 * and shown as `Namespace(lr=0.1, epochs=3)` (SimpleNamespace's `namespace(...)`).
 */
import { eq, type HostContext, type Kwargs, NOT_IMPLEMENTED, PyBuiltin, pyError, PyInstance, PyType, type PyValue, repr } from '../interpreter';

export function namespaceType(name: string, module: string, reprName: string, positionalError: (given: number) => string): PyType {
  const cls = new PyType(name, { module });
  const self = (args: PyValue[], method: string): PyInstance => {
    const s = args[0];
    if (!(s instanceof PyInstance) || !s.cls.isSubtypeOf(cls)) throw pyError('TypeError', `descriptor '${method}' requires a '${name}' object`);
    return s;
  };
  const init = (s: PyInstance, args: readonly PyValue[], kwargs: Kwargs) => {
    if (args.length) throw pyError('TypeError', positionalError(args.length));
    for (const [k, v] of kwargs) s.dict.set(k, v);
  };
  cls.attrs.set('__init__', new PyBuiltin('__init__', (args, kwargs) => {
    init(self(args, '__init__'), args.slice(1), kwargs);
    return null;
  }));
  cls.construct = (args, kwargs) => {
    const s = new PyInstance(cls);
    init(s, args, kwargs);
    return s;
  };
  cls.attrs.set('__repr__', new PyBuiltin('__repr__', (args, _kwargs, ctx) => {
    const s = self(args, '__repr__');
    const shown = s.cls === cls ? reprName : s.cls.name;
    return `${shown}(${namespaceItems(s, ctx)})`;
  }));
  cls.attrs.set('__eq__', new PyBuiltin('__eq__', (args, _kwargs, ctx) => {
    const s = self(args, '__eq__');
    const other = args[1];
    if (!(other instanceof PyInstance) || !other.cls.isSubtypeOf(cls)) return NOT_IMPLEMENTED;
    if (s.dict.size !== other.dict.size) return false;
    for (const [k, v] of s.dict) {
      const w = other.dict.get(k);
      if (w === undefined || !eq(v, w, ctx)) return false;
    }
    return true;
  }));
  cls.attrs.set('__contains__', new PyBuiltin('__contains__', (args) => {
    const key = args[1];
    return typeof key === 'string' && self(args, '__contains__').dict.has(key);
  }));
  cls.attrs.set('__hash__', null);
  return cls;
}

/** `a=1, b='x'`: argparse's _AttributeHolder.__repr__, a name that is no identifier in a `**{...}`. */
function namespaceItems(s: PyInstance, ctx: HostContext): string {
  const named: string[] = [];
  const starred: string[] = [];
  for (const [k, v] of s.dict) {
    if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(k)) named.push(`${k}=${repr(v, ctx)}`);
    else starred.push(`${repr(k, ctx)}: ${repr(v, ctx)}`);
  }
  if (starred.length) named.push(`**{${starred.join(', ')}}`);
  return named.join(', ');
}
