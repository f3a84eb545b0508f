/**
 * `bisect`: binary search in a sorted sequence, as CPython's Modules/_bisectmodule.c searches
 * (its `lo`/`hi` bounds and `key`, each comparison Python's `<`), and `insort` inserting there.
 */
import { bindArgs, compare, type HostContext, getitem, type Kwargs, len, pyError, pyFunction, PyList, PyModule, type PyValue, toIndex, truthy, type ModuleShim } from '../interpreter';

const lt = (a: PyValue, b: PyValue, ctx: HostContext) => truthy(compare('<', a, b, ctx), ctx);

/** The insertion point of `x` (a key when `key` is given, as CPython 3.10+ takes it) in `a[lo:hi]`. */
function search(name: string, right: boolean, args: PyValue[], kwargs: Kwargs, ctx: HostContext, insort: boolean): { a: PyValue; x: PyValue; at: number } {
  const b = bindArgs(name, ['a', 'x', 'lo?', 'hi?', '*', 'key?'], args, kwargs, ctx);
  const a = b.required('a');
  const x = b.required('x');
  const key = b.opt('key') ?? null;
  let lo = Number(toIndex(b.opt('lo') ?? 0n, ctx));
  if (lo < 0) throw pyError('ValueError', 'lo must be non-negative');
  let hi = b.opt('hi') === undefined ? len(a, ctx) : Number(toIndex(b.required('hi'), ctx));
  // NB: insort compares the key of x; bisect compares x itself (already a key).
  const probe = insort && key !== null ? ctx.call(key, [x]) : x;
  while (lo < hi) {
    ctx.tick();
    const mid = Math.floor((lo + hi) / 2);
    const item = getitem(a, BigInt(mid), ctx);
    const k = key === null ? item : ctx.call(key, [item]);
    if (right ? lt(probe, k, ctx) : lt(k, probe, ctx)) {
      if (right) hi = mid;
      else lo = mid + 1;
    } else if (right) lo = mid + 1;
    else hi = mid;
  }
  return { a, x, at: lo };
}

const bisectFn = (name: string, right: boolean) => pyFunction(name, (args, kwargs, ctx) => BigInt(search(name, right, args, kwargs, ctx, false).at));

const insortFn = (name: string, right: boolean) => pyFunction(name, (args, kwargs, ctx) => {
  const { a, x, at } = search(name, right, args, kwargs, ctx, true);
  if (a instanceof PyList) a.items.splice(at, 0, x);
  else ctx.call(ctx.getattr(a, 'insert'), [BigInt(at), x]);
  return null;
});

const FUNCTIONS: Record<string, PyValue> = {
  bisect_left: bisectFn('bisect_left', false),
  bisect_right: bisectFn('bisect_right', true),
  bisect: bisectFn('bisect_right', true),
  insort_left: insortFn('insort_left', false),
  insort_right: insortFn('insort_right', true),
  insort: insortFn('insort_right', true),
};

export const bisectModule: ModuleShim = {
  exports: Object.keys(FUNCTIONS),
  create() {
    return new PyModule('bisect', new Map<string, PyValue>(Object.entries(FUNCTIONS)));
  },
};
