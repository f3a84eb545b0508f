/**
 * `sys.modules` as a read-only mapping over the modules the script has imported so far (Gradlens's
 * shims, by dotted name): `'torch' in sys.modules`, `sys.modules['numpy']`, `.get`, `.keys()`. It
 * holds only what the script imported: CPython's also lists what its startup loads (`os`,
 * `builtins`, ...). Adding or removing a module, and `__main__`, are refused at the line.
 */
import {
  bindArgs,
  HaltError,
  type HostContext,
  HostObject,
  hostType,
  dictKey,
  keyError,
  PyBuiltin,
  PyDict,
  type PyType,
  type PyValue,
} from '../interpreter';

const READ_ONLY = "sys.modules is read-only in Gradlens: a script cannot add or remove modules; import what it needs";

export class ModulesView extends HostObject {
  static readonly type: PyType = hostType('dict', 'builtins');

  get pyType(): PyType {
    return ModulesView.type;
  }

  private lookup(key: PyValue, ctx: HostContext): PyValue | undefined {
    if (key === '__main__') throw new HaltError('unsupported', "sys.modules['__main__'] is not available in Gradlens: the script is no module object; refer to its functions by name, or keep them in a dict");
    return typeof key === 'string' ? ctx.importedModules.get(key) : undefined;
  }

  /** The modules imported so far, as a dict of their own (what `.keys()`, `.items()`, `.copy()` read). */
  private snapshot(ctx: HostContext): PyDict {
    const d = new PyDict();
    for (const [name, mod] of ctx.importedModules) d.setByKey(dictKey(name, ctx), name, mod);
    return d;
  }

  override contains(item: PyValue, ctx: HostContext): PyValue {
    return typeof item === 'string' && item !== '__main__' ? ctx.importedModules.has(item) : this.lookup(item, ctx) !== undefined;
  }

  override getitem(key: PyValue, ctx: HostContext): PyValue {
    const mod = this.lookup(key, ctx);
    if (mod === undefined) throw keyError(key);
    return mod;
  }

  override setitem(): void {
    throw new HaltError('unsupported', READ_ONLY);
  }

  override len(ctx: HostContext): number {
    return ctx.importedModules.size;
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    return [...ctx.importedModules.keys()];
  }

  override repr(ctx: HostContext): string {
    return `{${[...ctx.importedModules.values()].map((m) => `${ctx.repr(m.name)}: ${ctx.repr(m)}`).join(', ')}}`;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (params: string[], f: (a: ReturnType<typeof bindArgs>) => PyValue) => new PyBuiltin(name, (args, kwargs) => f(bindArgs(name, params, args, kwargs, ctx)), this);
    switch (name) {
      case 'get':
        return method(['key', 'default?'], (a) => this.lookup(a.required('key'), ctx) ?? a.opt('default') ?? null);
      case 'keys':
      case 'values':
      case 'items':
      case 'copy':
        return ctx.getattr(this.snapshot(ctx), name);
      case 'pop':
      case 'popitem':
      case 'setdefault':
      case 'update':
      case 'clear':
        return method([], () => {
          throw new HaltError('unsupported', READ_ONLY);
        });
      default:
        return undefined;
    }
  }
}
