/**
 * Sequences, mappings and iterables: `len`, iteration (charged one step an item), indexing, slicing, item
 * assignment and deletion.
 */
import {
  chargeChars,
  chargeItems,
  type HostContext,
  HostObject,
  IndexError,
  keyError,
  PyDict,
  PyDictView,
  pyError,
  PyError,
  PyInstance,
  PyIterator,
  PyList,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  PyType,
  type PyValue,
  setOrder,
  StopIteration,
  typeName,
} from '../values';
import { toIndex } from './conversions';
import { dictKey } from './hashing';
import { callDunder, instanceMethod, isSubclassed } from './dunders';

const SURROGATE = /[\uD800-\uDFFF]/;

/** A string's code points when it has any outside the BMP (Python indexes by code point, JS by UTF-16 unit). */
function astral(s: string): string[] | null {
  return SURROGATE.test(s) ? Array.from(s) : null;
}

export function len(v: PyValue, ctx: HostContext): number {
  if (isSubclassed(v)) {
    const n = callDunder(v, '__len__', [], ctx);
    if (n !== undefined) return Number(toIndex(n, ctx));
  }
  if (typeof v === 'string') return astral(v)?.length ?? v.length;
  if (v instanceof PyType && v.classProtocol) return v.classProtocol.items().length;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict || v instanceof PySet) return v.size;
  if (v instanceof PyRange) return Number(v.length);
  if (v instanceof PyDictView) return v.dict.size;
  if (v instanceof HostObject) return v.len(ctx);
  if (v instanceof PyInstance) {
    const n = callDunder(v, '__len__', [], ctx);
    if (n !== undefined) return Number(toIndex(n, ctx));
  }
  throw pyError('TypeError', `object of type '${typeName(v)}' has no len()`);
}

function* listIterator(list: PyList): IterableIterator<PyValue> {
  // Index-based, as CPython's: appending while iterating sees the new items.
  for (let i = 0; i < list.items.length; i++) yield list.items[i];
}

function* rangeIterator(r: PyRange): IterableIterator<PyValue> {
  const { start, stop, step } = r;
  if (step > 0n) for (let i = start; i < stop; i += step) yield i;
  else for (let i = start; i > stop; i += step) yield i;
}

function* instanceIterator(it: PyValue, ctx: HostContext): IterableIterator<PyValue> {
  if (!(it instanceof PyInstance)) {
    yield* iterate(it, ctx);
    return;
  }
  const next = instanceMethod(it, '__next__', ctx);
  if (next === undefined) throw pyError('TypeError', `iter() returned non-iterator of type '${typeName(it)}'`);
  for (;;) {
    try {
      yield ctx.call(next, []);
    } catch (e) {
      if (e instanceof PyError && e.exc.type.isSubtypeOf(StopIteration)) return;
      throw e;
    }
  }
}

/** A JS iterable over a Python iterable, charging one step per item (see limits.ts). */
export function iterate(v: PyValue, ctx: HostContext, message?: string): Iterable<PyValue> {
  return charged(items(v, ctx, message), ctx);
}

/**
 * A Python iterable's items one call at a time, each charged one step as iterate charges it;
 * undefined once all are drawn. NB: a list or tuple is walked by index, with no generator and no
 * result object a step (a loop's hot path); as CPython's list iterator, it sees an item appended
 * in the loop.
 */
export function cursor(v: PyValue, ctx: HostContext): () => PyValue | undefined {
  if ((v instanceof PyList || v instanceof PyTuple) && v.subclass === null) {
    let i = 0;
    return () => {
      if (i >= v.items.length) return undefined;
      ctx.tick();
      return v.items[i++];
    };
  }
  const it = iterate(v, ctx)[Symbol.iterator]();
  return () => {
    const next = it.next();
    return next.done ? undefined : next.value;
  };
}

function* charged(items: Iterable<PyValue>, ctx: HostContext): IterableIterator<PyValue> {
  for (const x of items) {
    ctx.tick();
    yield x;
  }
}

/**
 * A Python iterable's items in a new array, charged before they are copied when the iterable's
 * size is known: `list(range(10**9))` stops at once at the step budget.
 */
export function materialize(v: PyValue, ctx: HostContext, message?: string): PyValue[] {
  const n = knownLength(v);
  if (n === null) return [...iterate(v, ctx, message)];
  chargeItems(ctx, n);
  return [...items(v, ctx, message)];
}

function knownLength(v: PyValue): number | null {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyRange) return Number(v.length);
  if (typeof v === 'string') return v.length;
  if (v instanceof PyDict || v instanceof PySet) return v.size;
  if (v instanceof PyDictView) return v.dict.size;
  return null;
}

/** `list.extend`, `list += it`. */
export function extendList(list: PyList, it: PyValue, ctx: HostContext): void {
  // NB: no push(...items): spreading a million arguments overflows the JS stack.
  for (const x of it === list ? [...list.items] : materialize(it, ctx)) list.items.push(x);
}

function items(v: PyValue, ctx: HostContext, message?: string): Iterable<PyValue> {
  if (isSubclassed(v)) {
    const it = callDunder(v, '__iter__', [], ctx);
    if (it !== undefined) return instanceIterator(it, ctx);
  }
  if (v instanceof PyList) return listIterator(v);
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PyType && v.classProtocol) return v.classProtocol.items();
  // NB: for-of walks code points, as Python does, without an array of them all.
  if (typeof v === 'string') return v[Symbol.iterator]();
  if (v instanceof PyRange) return rangeIterator(v);
  if (v instanceof PyDict) return [...v.keys()];
  if (v instanceof PySet) return setOrder(v);
  if (v instanceof PyIterator) return v;
  if (v instanceof PyDictView) {
    if (v.view === 'keys') return [...v.dict.keys()];
    if (v.view === 'values') return [...v.dict.values()];
    return [...v.dict.entries()].map((e) => new PyTuple(e));
  }
  if (v instanceof HostObject && v.iterable) return v.iter(ctx);
  if (v instanceof PyInstance) {
    const it = callDunder(v, '__iter__', [], ctx);
    if (it !== undefined) return instanceIterator(it, ctx);
    if (instanceMethod(v, '__getitem__', ctx) !== undefined) {
      return (function* () {
        for (let i = 0n; ; i++) {
          try {
            yield getitem(v, i, ctx);
          } catch (e) {
            if (e instanceof PyError && e.exc.type.isSubtypeOf(IndexError)) return;
            throw e;
          }
        }
      })();
    }
  }
  throw pyError('TypeError', message ?? `'${typeName(v)}' object is not iterable`);
}

/** Python's slice.indices: start, stop, step and count for a sequence of length n. */
export function sliceIndices(s: PySlice, n: number, ctx: HostContext): { start: number; stop: number; step: number; count: number } {
  const msg = 'slice indices must be integers or None or have an __index__ method';
  const step = s.step === null ? 1 : Number(toIndex(s.step, ctx, msg));
  if (step === 0) throw pyError('ValueError', 'slice step cannot be zero');
  const norm = (v: PyValue, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    let i = Number(toIndex(v, ctx, msg));
    if (i < 0) i += n;
    return Math.min(Math.max(i, lo), hi);
  };
  const start = step > 0 ? norm(s.start, 0, 0, n) : norm(s.start, n - 1, -1, n - 1);
  const stop = step > 0 ? norm(s.stop, n, 0, n) : norm(s.stop, -1, -1, n - 1);
  let count = 0;
  if (step > 0 && stop > start) count = Math.floor((stop - start - 1) / step) + 1;
  else if (step < 0 && stop < start) count = Math.floor((start - stop - 1) / -step) + 1;
  return { start, stop, step, count };
}

function sliceItems<T>(items: readonly T[], s: PySlice, ctx: HostContext): T[] {
  const { start, step, count } = sliceIndices(s, items.length, ctx);
  chargeItems(ctx, count);
  if (step === 1) return items.slice(start, start + count);
  const out: T[] = [];
  for (let i = 0, j = start; i < count; i++, j += step) out.push(items[j]);
  return out;
}

function seqIndex(index: PyValue, n: number, what: string, ctx: HostContext): number {
  const i = Number(toIndex(index, ctx, `${what} indices must be integers or slices, not ${typeName(index)}`));
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) throw pyError('IndexError', `${what} index out of range`);
  return j;
}

/** `obj[index]`. */
export function getitem(obj: PyValue, index: PyValue, ctx: HostContext): PyValue {
  if (isSubclassed(obj)) {
    const r = callDunder(obj, '__getitem__', [index], ctx);
    if (r !== undefined) return r;
  }
  if (obj instanceof PyList) {
    if (index instanceof PySlice) return new PyList(sliceItems(obj.items, index, ctx));
    return obj.items[seqIndex(index, obj.items.length, 'list', ctx)];
  }
  if (obj instanceof PyTuple) {
    if (index instanceof PySlice) return new PyTuple(sliceItems(obj.items, index, ctx));
    return obj.items[seqIndex(index, obj.items.length, 'tuple', ctx)];
  }
  if (obj instanceof PyDict) {
    const v = obj.getByKey(dictKey(index, ctx));
    if (v !== undefined) return v;
    // A dict subclass's `__missing__` answers for absent keys (defaultdict, Counter).
    const missing = obj.subclass ? callDunder(obj, '__missing__', [index], ctx) : undefined;
    if (missing !== undefined) return missing;
    throw keyError(index);
  }
  if (typeof obj === 'string') {
    const chars = astral(obj) ?? obj;
    if (index instanceof PySlice) {
      if (typeof chars === 'string') {
        const { start, step, count } = sliceIndices(index, chars.length, ctx);
        chargeChars(ctx, count);
        if (step === 1) return chars.slice(start, start + count);
      }
      return sliceItems(typeof chars === 'string' ? chars.split('') : chars, index, ctx).join('');
    }
    const n = Number(toIndex(index, ctx, `string indices must be integers, not '${typeName(index)}'`));
    const j = n < 0 ? n + chars.length : n;
    if (j < 0 || j >= chars.length) throw pyError('IndexError', 'string index out of range');
    return chars[j];
  }
  if (obj instanceof HostObject) return obj.getitem(index, ctx);
  if (obj instanceof PyRange) {
    const n = Number(obj.length);
    if (index instanceof PySlice) {
      const { start, step, count } = sliceIndices(index, n, ctx);
      const s = obj.at(BigInt(start));
      return new PyRange(s, s + BigInt(count) * obj.step * BigInt(step), obj.step * BigInt(step));
    }
    // NB: in bigints: `range(10**30)[10**29]` is past a double's 2**53.
    const i = toIndex(index, ctx, `range indices must be integers or slices, not ${typeName(index)}`);
    const j = i < 0n ? i + obj.length : i;
    if (j < 0n || j >= obj.length) throw pyError('IndexError', 'range object index out of range');
    return obj.at(j);
  }
  if (obj instanceof PyInstance) {
    const r = callDunder(obj, '__getitem__', [index], ctx);
    if (r !== undefined) return r;
  }
  if (obj instanceof PyType && obj.classProtocol) return obj.classProtocol.getitem(index, ctx);
  if (obj instanceof PyType) return obj; // `list[int]` in annotations
  throw pyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
}

export function setitem(obj: PyValue, index: PyValue, value: PyValue, ctx: HostContext): void {
  if (isSubclassed(obj) && callDunder(obj, '__setitem__', [index, value], ctx) !== undefined) return;
  if (obj instanceof PyList) {
    if (index instanceof PySlice) {
      const items = materialize(value, ctx, 'can only assign an iterable');
      const { start, step, count } = sliceIndices(index, obj.items.length, ctx);
      if (step === 1) {
        // NB: not splice(start, count, ...items), which overflows the JS stack for long assignments.
        chargeItems(ctx, obj.items.length);
        obj.items = [...obj.items.slice(0, start), ...items, ...obj.items.slice(start + count)];
        return;
      }
      if (items.length !== count) {
        throw pyError('ValueError', `attempt to assign sequence of size ${items.length} to extended slice of size ${count}`);
      }
      for (let i = 0, j = start; i < count; i++, j += step) obj.items[j] = items[i];
      return;
    }
    obj.items[seqIndex(index, obj.items.length, 'list assignment', ctx)] = value;
    return;
  }
  if (obj instanceof PyDict) {
    obj.setByKey(dictKey(index, ctx), index, value);
    return;
  }
  if (obj instanceof HostObject) {
    obj.setitem(index, value, ctx);
    return;
  }
  if (obj instanceof PyInstance && callDunder(obj, '__setitem__', [index, value], ctx) !== undefined) return;
  throw pyError('TypeError', `'${typeName(obj)}' object does not support item assignment`);
}

export function delitem(obj: PyValue, index: PyValue, ctx: HostContext): void {
  if (isSubclassed(obj) && callDunder(obj, '__delitem__', [index], ctx) !== undefined) return;
  if (obj instanceof PyList) {
    if (index instanceof PySlice) {
      const { start, step, count } = sliceIndices(index, obj.items.length, ctx);
      chargeItems(ctx, obj.items.length);
      const drop = new Set<number>();
      for (let i = 0, j = start; i < count; i++, j += step) drop.add(j);
      obj.items = obj.items.filter((_, i) => !drop.has(i));
      return;
    }
    obj.items.splice(seqIndex(index, obj.items.length, 'list assignment', ctx), 1);
    return;
  }
  if (obj instanceof PyDict) {
    const k = dictKey(index, ctx);
    if (!obj.map.delete(k)) throw keyError(index);
    return;
  }
  if (obj instanceof PyInstance && callDunder(obj, '__delitem__', [index], ctx) !== undefined) return;
  throw pyError('TypeError', `'${typeName(obj)}' object does not support item deletion`);
}
