/**
 * `heapq`: a min-heap in a Python list, sifted as CPython's Lib/heapq.py sifts (so the list's order
 * after each push and pop is CPython's), every comparison Python's `<`; `nsmallest`/`nlargest`
 * as `sorted(...)[:n]` (their documented equivalent, stable), `merge` lazily.
 */
import { bindArgs, compare, type HostContext, iterate, type Kwargs, pyError, pyFunction, PyIterator, PyList, PyModule, type PyValue, changingFunction, toIndex, truthy, typeName, type ModuleShim } from '../interpreter';

const lt = (a: PyValue, b: PyValue, ctx: HostContext) => truthy(compare('<', a, b, ctx), ctx);

function heapOf(v: PyValue, fname: string): PyValue[] {
  if (!(v instanceof PyList)) throw pyError('TypeError', `${fname}() argument 1 must be list, not ${typeName(v)}`);
  return v.items;
}

/** _siftdown: the item at `pos` moves up towards `start` while it is smaller than its parent. */
function siftDown(heap: PyValue[], start: number, pos: number, ctx: HostContext): void {
  const item = heap[pos]!;
  while (pos > start) {
    ctx.tick();
    const parentPos = (pos - 1) >> 1;
    const parent = heap[parentPos]!;
    if (!lt(item, parent, ctx)) break;
    heap[pos] = parent;
    pos = parentPos;
  }
  heap[pos] = item;
}

/** _siftup: the smaller child moves up until a leaf, then the item sifts down from there. */
function siftUp(heap: PyValue[], pos: number, ctx: HostContext): void {
  const end = heap.length;
  const start = pos;
  const item = heap[pos]!;
  let child = 2 * pos + 1;
  while (child < end) {
    ctx.tick();
    const right = child + 1;
    if (right < end && !lt(heap[child]!, heap[right]!, ctx)) child = right;
    heap[pos] = heap[child]!;
    pos = child;
    child = 2 * pos + 1;
  }
  heap[pos] = item;
  siftDown(heap, start, pos, ctx);
}

function pop(heap: PyValue[]): PyValue {
  if (heap.length === 0) throw pyError('IndexError', 'index out of range');
  return heap.pop()!;
}

/** A stable sort by `before`, with the key function applied once per item. */
function sortedBy(items: PyValue[], key: PyValue, reverse: boolean, ctx: HostContext): PyValue[] {
  const keyed = items.map((v, i) => ({ v, k: key === null ? v : ctx.call(key, [v]), i }));
  keyed.sort((p, q) => {
    ctx.tick();
    const [a, b] = reverse ? [q.k, p.k] : [p.k, q.k];
    return lt(a, b, ctx) ? -1 : lt(b, a, ctx) ? 1 : p.i - q.i;
  });
  return keyed.map((e) => e.v);
}

function* merged(iterables: PyValue[], key: PyValue, reverse: boolean, ctx: HostContext): Generator<PyValue> {
  const its = iterables.map((x) => iterate(x, ctx)[Symbol.iterator]());
  const heads: { v: PyValue; k: PyValue; order: number }[] = [];
  const advance = (order: number) => {
    const r = its[order]!.next();
    if (!r.done) heads.push({ v: r.value, k: key === null ? r.value : ctx.call(key, [r.value]), order });
  };
  its.forEach((_, i) => advance(i));
  while (heads.length) {
    ctx.tick();
    // The smallest (largest, reversed) head; among equal heads the earliest iterable, as heapq.merge's ties go.
    let best = 0;
    for (let i = 1; i < heads.length; i++) {
      const [a, b] = reverse ? [heads[best]!.k, heads[i]!.k] : [heads[i]!.k, heads[best]!.k];
      if (lt(a, b, ctx) || (!lt(b, a, ctx) && heads[i]!.order < heads[best]!.order)) best = i;
    }
    const [head] = heads.splice(best, 1);
    yield head!.v;
    advance(head!.order);
  }
}

type Fn = (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

const FUNCTIONS: Record<string, Fn> = {
  heappush: (args, kwargs, ctx) => {
    const a = bindArgs('heappush', ['heap', 'item'], args, kwargs, ctx);
    const heap = heapOf(a.required('heap'), 'heappush');
    heap.push(a.required('item'));
    siftDown(heap, 0, heap.length - 1, ctx);
    return null;
  },
  heappop: (args, kwargs, ctx) => {
    const heap = heapOf(bindArgs('heappop', ['heap'], args, kwargs, ctx).required('heap'), 'heappop');
    const last = pop(heap);
    if (heap.length === 0) return last;
    const top = heap[0]!;
    heap[0] = last;
    siftUp(heap, 0, ctx);
    return top;
  },
  heapify: (args, kwargs, ctx) => {
    const heap = heapOf(bindArgs('heapify', ['heap'], args, kwargs, ctx).required('heap'), 'heapify');
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftUp(heap, i, ctx);
    return null;
  },
  heapreplace: (args, kwargs, ctx) => {
    const a = bindArgs('heapreplace', ['heap', 'item'], args, kwargs, ctx);
    const heap = heapOf(a.required('heap'), 'heapreplace');
    if (heap.length === 0) throw pyError('IndexError', 'index out of range');
    const top = heap[0]!;
    heap[0] = a.required('item');
    siftUp(heap, 0, ctx);
    return top;
  },
  heappushpop: (args, kwargs, ctx) => {
    const a = bindArgs('heappushpop', ['heap', 'item'], args, kwargs, ctx);
    const heap = heapOf(a.required('heap'), 'heappushpop');
    let item = a.required('item');
    if (heap.length && lt(heap[0]!, item, ctx)) {
      [item, heap[0]] = [heap[0]!, item];
      siftUp(heap, 0, ctx);
    }
    return item;
  },
  nsmallest: (args, kwargs, ctx) => {
    const a = bindArgs('nsmallest', ['n', 'iterable', 'key?'], args, kwargs, ctx);
    const n = Number(toIndex(a.required('n'), ctx));
    return new PyList(sortedBy([...iterate(a.required('iterable'), ctx)], a.opt('key') ?? null, false, ctx).slice(0, Math.max(n, 0)));
  },
  nlargest: (args, kwargs, ctx) => {
    const a = bindArgs('nlargest', ['n', 'iterable', 'key?'], args, kwargs, ctx);
    const n = Number(toIndex(a.required('n'), ctx));
    return new PyList(sortedBy([...iterate(a.required('iterable'), ctx)], a.opt('key') ?? null, true, ctx).slice(0, Math.max(n, 0)));
  },
  merge: (args, kwargs, ctx) => {
    const a = bindArgs('merge', ['*iterables', 'key?', 'reverse?'], args, kwargs, ctx);
    return new PyIterator('generator', merged(a.rest, a.opt('key') ?? null, a.bool('reverse', false), ctx));
  },
};

/** The functions that change what the heap they are given holds and keep nothing else (PyBuiltin.changesFirst). */
const CHANGING: ReadonlySet<string> = new Set(['heappush', 'heappop', 'heapify', 'heapreplace', 'heappushpop']);

export const heapqModule: ModuleShim = {
  exports: Object.keys(FUNCTIONS),
  create() {
    return new PyModule('heapq', new Map<string, PyValue>(Object.entries(FUNCTIONS).map(([name, f]) => [name, CHANGING.has(name) ? changingFunction(name, f) : pyFunction(name, f)])));
  },
};
