/**
 * Python's `functools` as ML code uses it: `partial` (with `jax.jit` and `jax.grad`, for
 * hyperparameters bound ahead), `reduce`, `wraps` in decorators, `lru_cache`/`cache`,
 * `total_ordering` and `cmp_to_key`; as CPython 3.11 behaves, errors included.
 */
import { CachedProperty } from './cached_property';
import {
  isCallable,
  bindArgs,
  compare,
  type CompareOp,
  dictKey,
  getattrOrUndefined,
  getitem,
  type HostContext,
  HostObject,
  hostType,
  iterate,
  type Kwargs,
  type ModuleShim,
  PyDict,
  pyError,
  pyFunction,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  setattr,
  truthy,
} from '../interpreter';

/** `functools.partial(func, *args, **keywords)`: calls func with the arguments bound ahead first. */
class Partial extends HostObject {
  static readonly type = hostType('partial', 'functools', (args, kwargs, ctx) => {
    if (args.length === 0) throw pyError('TypeError', "type 'partial' takes at least one argument");
    const [func, ...bound] = args;
    if (!isCallable(func!, ctx)) throw pyError('TypeError', 'the first argument must be callable');
    // A partial of a partial is flattened, as CPython does: one call, the arguments in order.
    if (func instanceof Partial) return new Partial(func.func, [...func.args, ...bound], new Map([...func.keywords, ...kwargs]));
    return new Partial(func!, bound, new Map(kwargs));
  });

  constructor(
    readonly func: PyValue,
    readonly args: readonly PyValue[],
    readonly keywords: Kwargs,
  ) {
    super();
  }

  get pyType(): PyType {
    return Partial.type;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    return ctx.call(this.func, [...this.args, ...args], new Map([...this.keywords, ...kwargs]));
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'func') return this.func;
    if (name === 'args') return new PyTuple(this.args);
    if (name === 'keywords') {
      const d = new PyDict();
      for (const [k, v] of this.keywords) d.setByKey(dictKey(k, ctx), k, v);
      return d;
    }
    return undefined;
  }

  override repr(ctx: HostContext): string {
    const parts = [ctx.repr(this.func), ...this.args.map((a) => ctx.repr(a)), ...[...this.keywords].map(([k, v]) => `${k}=${ctx.repr(v)}`)];
    return `functools.partial(${parts.join(', ')})`;
  }
}

function reduce(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  if (kwargs.size) throw pyError('TypeError', 'reduce() takes no keyword arguments');
  if (args.length < 2 || args.length > 3) throw pyError('TypeError', `reduce expected at least 2 arguments, got ${args.length}`);
  const [fn, iterable] = args;
  let acc: PyValue | undefined = args[2];
  for (const item of iterate(iterable!, ctx, `reduce() arg 2 must support iteration`)) {
    acc = acc === undefined ? item : ctx.call(fn!, [acc, item]);
  }
  if (acc === undefined) throw pyError('TypeError', 'reduce() of empty iterable with no initial value');
  return acc;
}

const WRAPPER_ASSIGNMENTS = ['__module__', '__name__', '__qualname__', '__doc__'];

/** `update_wrapper(wrapper, wrapped)`: copies the names that say what the function is, sets __wrapped__. */
function updateWrapper(wrapper: PyValue, wrapped: PyValue, ctx: HostContext): PyValue {
  for (const name of WRAPPER_ASSIGNMENTS) {
    const value = getattrOrUndefined(wrapped, name, ctx);
    if (value !== undefined) setattr(wrapper, name, value, ctx);
  }
  setattr(wrapper, '__wrapped__', wrapped, ctx);
  return wrapper;
}

interface CacheStats {
  hits: number;
  misses: number;
}

/** What `lru_cache` returns: the function with a cache of its results by arguments. */
class CachedFunction extends HostObject {
  static readonly type = hostType('_lru_cache_wrapper', 'functools');
  private readonly cache = new Map<string, PyValue>();
  private readonly stats: CacheStats = { hits: 0, misses: 0 };

  constructor(
    readonly func: PyValue,
    readonly maxsize: number | null,
  ) {
    super();
  }

  get pyType(): PyType {
    return CachedFunction.type;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    // The key hashes as CPython's does: an unhashable argument is a TypeError.
    const key = dictKey(new PyTuple([...args, ...[...kwargs].flatMap(([k, v]) => [k, v])]), ctx);
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.stats.hits++;
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    this.stats.misses++;
    const result = ctx.call(this.func, args, kwargs);
    if (this.maxsize !== 0) {
      this.cache.set(key, result);
      if (this.maxsize !== null && this.cache.size > this.maxsize) this.cache.delete(this.cache.keys().next().value!);
    }
    return result;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'cache_info') {
      return pyFunction('cache_info', () => {
        const size = BigInt(this.cache.size);
        return new CacheInfo([BigInt(this.stats.hits), BigInt(this.stats.misses), this.maxsize === null ? null : BigInt(this.maxsize), size]);
      });
    }
    if (name === 'cache_clear') {
      return pyFunction('cache_clear', () => {
        this.cache.clear();
        this.stats.hits = 0;
        this.stats.misses = 0;
        return null;
      });
    }
    if (name === '__wrapped__') return this.func;
    return getattrOrUndefined(this.func, name, ctx);
  }

  override repr(ctx: HostContext): string {
    return ctx.repr(this.func);
  }
}

/** `CacheInfo(hits=..., misses=..., maxsize=..., currsize=...)`, a tuple with names. */
class CacheInfo extends HostObject {
  static readonly type = hostType('CacheInfo', 'functools');
  static readonly fields = ['hits', 'misses', 'maxsize', 'currsize'];

  constructor(readonly values: readonly PyValue[]) {
    super();
  }

  get pyType(): PyType {
    return CacheInfo.type;
  }

  override getattr(name: string): PyValue | undefined {
    const i = CacheInfo.fields.indexOf(name);
    return i >= 0 ? this.values[i] : undefined;
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    return getitem(new PyTuple(this.values), index, ctx);
  }

  override len(): number {
    return this.values.length;
  }

  override iter(): Iterable<PyValue> {
    return this.values;
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    const mine = new PyTuple(this.values);
    return compare(op, mine, other instanceof CacheInfo ? new PyTuple(other.values) : other, ctx);
  }

  override repr(ctx: HostContext): string {
    return `CacheInfo(${CacheInfo.fields.map((f, i) => `${f}=${ctx.repr(this.values[i]!)}`).join(', ')})`;
  }
}

function lruCache(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  // `@lru_cache` bare, `@lru_cache(maxsize=...)` and `lru_cache(f)`: CPython takes a callable first argument as the function.
  const first = args[0];
  if (first !== undefined && isCallable(first, ctx)) {
    return new CachedFunction(first, 128);
  }
  const a = bindArgs('lru_cache', ['maxsize?', 'typed?'], args, kwargs, ctx);
  const size = a.opt('maxsize');
  if (size !== undefined && typeof size !== 'bigint') throw pyError('TypeError', 'Expected first argument to be an integer, a callable, or None');
  const maxsize = size === undefined ? (a.has('maxsize') ? null : 128) : Math.max(0, Number(size));
  return pyFunction('decorating_function', (fargs) => new CachedFunction(fargs[0]!, maxsize));
}

/** The comparisons `total_ordering` derives from one the class defines, as CPython's table. */
const ORDERINGS: Readonly<Record<string, Readonly<Record<string, (op: PyValue, eq: boolean) => boolean>>>> = {
  __lt__: { __gt__: (lt, eq) => !truthyBool(lt) && !eq, __le__: (lt, eq) => truthyBool(lt) || eq, __ge__: (lt) => !truthyBool(lt) },
  __le__: { __ge__: (le, eq) => !truthyBool(le) || eq, __lt__: (le, eq) => truthyBool(le) && !eq, __gt__: (le) => !truthyBool(le) },
  __gt__: { __lt__: (gt, eq) => !truthyBool(gt) && !eq, __ge__: (gt, eq) => truthyBool(gt) || eq, __le__: (gt) => !truthyBool(gt) },
  __ge__: { __le__: (ge, eq) => !truthyBool(ge) || eq, __gt__: (ge, eq) => truthyBool(ge) && !eq, __lt__: (ge) => !truthyBool(ge) },
};

const truthyBool = (v: PyValue): boolean => v === true;

function totalOrdering(args: PyValue[]): PyValue {
  const cls = args[0];
  if (!(cls instanceof PyType)) throw pyError('TypeError', 'total_ordering() takes a class');
  const root = Object.keys(ORDERINGS).find((name) => cls.attrs.has(name));
  if (root === undefined) throw pyError('ValueError', 'must define at least one ordering operation: < > <= >=');
  for (const [name, derive] of Object.entries(ORDERINGS[root]!)) {
    if (cls.attrs.has(name)) continue;
    cls.attrs.set(name, pyFunction(name, (margs, _kw, c) => {
      const [self, other] = margs;
      const base = c.call(getattrOrUndefined(self!, root, c)!, [other!]);
      if (base !== true && base !== false) return base; // NotImplemented passes through
      const eq = truthy(compare('==', self!, other!, c), c);
      return derive(base, eq);
    }));
  }
  return cls;
}

/** `cmp_to_key(mycmp)`: a key whose comparisons ask mycmp, for sorted() and min()/max(). */
class ComparisonKey extends HostObject {
  static readonly type = hostType('functools.KeyWrapper', 'functools');

  constructor(
    readonly cmp: PyValue,
    readonly obj: PyValue,
  ) {
    super();
  }

  get pyType(): PyType {
    return ComparisonKey.type;
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (!(other instanceof ComparisonKey)) throw pyError('TypeError', 'other argument must be K instance');
    const r = ctx.call(this.cmp, [this.obj, other.obj]);
    const sign = compare('<', r, 0n, ctx) === true ? -1 : compare('>', r, 0n, ctx) === true ? 1 : 0;
    switch (op) {
      case '<': return sign < 0;
      case '<=': return sign <= 0;
      case '>': return sign > 0;
      case '>=': return sign >= 0;
      case '==': return sign === 0;
      case '!=': return sign !== 0;
    }
  }
}

export const functoolsModule: ModuleShim = {
  exports: ['cached_property', 'partial', 'reduce', 'wraps', 'update_wrapper', 'lru_cache', 'cache', 'total_ordering', 'cmp_to_key', 'WRAPPER_ASSIGNMENTS'],
  create() {
    return new PyModule('functools', new Map<string, PyValue>([
      ['cached_property', pyFunction('cached_property', ([fn]) => new CachedProperty(fn ?? null))],
      ['partial', Partial.type],
      ['reduce', pyFunction('reduce', reduce)],
      ['update_wrapper', pyFunction('update_wrapper', (args, kwargs, ctx) => {
        const a = bindArgs('update_wrapper', ['wrapper', 'wrapped'], args, kwargs, ctx);
        return updateWrapper(a.required('wrapper'), a.required('wrapped'), ctx);
      })],
      ['wraps', pyFunction('wraps', (args, kwargs, ctx) => {
        const wrapped = bindArgs('wraps', ['wrapped'], args, kwargs, ctx).required('wrapped');
        return pyFunction('decorator', (dargs, _kw, c) => updateWrapper(dargs[0]!, wrapped, c));
      })],
      ['lru_cache', pyFunction('lru_cache', lruCache)],
      ['cache', pyFunction('cache', (args) => new CachedFunction(args[0]!, null))],
      ['total_ordering', pyFunction('total_ordering', totalOrdering)],
      ['cmp_to_key', pyFunction('cmp_to_key', (args) => {
        const cmp = args[0]!;
        return pyFunction('K', (kargs) => new ComparisonKey(cmp, kargs[0]!));
      })],
      ['WRAPPER_ASSIGNMENTS', new PyTuple(WRAPPER_ASSIGNMENTS)],
    ]), true);
  },
};
