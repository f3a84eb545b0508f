/**
 * Python's `itertools`, lazy as CPython's: each function returns an iterator that pulls from its
 * inputs only as far as it is read (so `count()` and `cycle()` are fine under `islice` or `zip`),
 * every element charged to the step budget by `iterate`. Results and errors as CPython 3.11's.
 */
import {
  binary,
  bindArgs,
  compare,
  type HostContext,
  hostType,
  iterate,
  type Kwargs,
  materialize,
  type ModuleShim,
  pyError,
  pyFunction,
  PyIterator,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  toIndex,
  truthy,
} from '../interpreter';

type Make = (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => Iterator<PyValue>;

/** A lazy iterator type of the module: `itertools.count(...)` and friends. */
function iteratorFunction(name: string, make: Make) {
  return pyFunction(name, (args, kwargs, ctx) => new PyIterator(`itertools.${name}`, make(args, kwargs, ctx)));
}

/** An iterator over a Python iterable, pulled one element at a time. */
function pull(v: PyValue, ctx: HostContext): Iterator<PyValue> {
  return iterate(v, ctx)[Symbol.iterator]();
}

function nonNegative(v: PyValue | undefined, ctx: HostContext, message: string): number | null {
  if (v === undefined || v === null) return null;
  const n = toIndex(v, ctx, message);
  if (n < 0n) throw pyError('ValueError', message);
  return Number(n);
}

function* count(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('count', ['start?', 'step?'], args, kwargs, ctx);
  let value: PyValue = a.get('start') ?? 0n;
  const step = a.get('step') ?? 1n;
  for (;;) {
    yield value;
    value = binary('+', value, step, ctx);
  }
}

function* cycle(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const saved: PyValue[] = [];
  for (const item of iterate(args[0]!, ctx)) {
    saved.push(item);
    yield item;
  }
  if (saved.length === 0) return;
  for (;;) {
    for (const item of saved) {
      ctx.tick();
      yield item;
    }
  }
}

function* repeat(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('repeat', ['object', 'times?'], args, kwargs, ctx);
  const object = a.required('object');
  const times = a.get('times');
  if (times === undefined) {
    for (;;) {
      ctx.tick();
      yield object;
    }
  }
  for (let i = 0n, n = toIndex(times, ctx); i < n; i++) {
    ctx.tick();
    yield object;
  }
}

function* accumulate(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('accumulate', ['iterable', 'func?', '*', 'initial?'], args, kwargs, ctx);
  const func = a.opt('func');
  let total = a.opt('initial');
  if (total !== undefined) yield total;
  for (const item of iterate(a.required('iterable'), ctx)) {
    total = total === undefined ? item : func === undefined ? binary('+', total, item, ctx) : ctx.call(func, [total, item]);
    yield total;
  }
}

function* chain(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  for (const iterable of args) yield* iterate(iterable, ctx);
}

function* chainFromIterable(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  for (const iterable of iterate(args[0]!, ctx)) yield* iterate(iterable, ctx);
}

function* compress(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('compress', ['data', 'selectors'], args, kwargs, ctx);
  const selectors = pull(a.required('selectors'), ctx);
  for (const item of iterate(a.required('data'), ctx)) {
    const s = selectors.next();
    if (s.done) return;
    if (truthy(s.value, ctx)) yield item;
  }
}

function* dropwhile(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const [predicate, iterable] = args;
  let dropping = true;
  for (const item of iterate(iterable!, ctx)) {
    if (dropping && truthy(ctx.call(predicate!, [item]), ctx)) continue;
    dropping = false;
    yield item;
  }
}

function* takewhile(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const [predicate, iterable] = args;
  for (const item of iterate(iterable!, ctx)) {
    if (!truthy(ctx.call(predicate!, [item]), ctx)) return;
    yield item;
  }
}

function* filterfalse(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const [predicate, iterable] = args;
  for (const item of iterate(iterable!, ctx)) {
    const keep = predicate === null ? !truthy(item, ctx) : !truthy(ctx.call(predicate!, [item]), ctx);
    if (keep) yield item;
  }
}

/**
 * `groupby`: (key, group) pairs over runs of equal keys. The groups share the one underlying
 * iterator, as CPython's: advancing to the next key leaves the previous group empty.
 */
function* groupby(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('groupby', ['iterable', 'key?'], args, kwargs, ctx);
  const keyFn = a.opt('key');
  const source = pull(a.required('iterable'), ctx);
  const keyOf = (item: PyValue) => (keyFn === undefined ? item : ctx.call(keyFn, [item]));
  let current = source.next();
  let currentKey = current.done ? null : keyOf(current.value);
  let generation = 0;
  while (!current.done) {
    const groupKey = currentKey;
    const mine = ++generation;
    const group = (function* (): Iterator<PyValue> {
      while (!current.done && generation === mine && equal(currentKey, groupKey, ctx)) {
        yield current.value;
        current = source.next();
        if (!current.done) currentKey = keyOf(current.value);
      }
    })();
    yield new PyTuple([groupKey, new PyIterator('itertools._grouper', group)]);
    // Skip what the caller did not read of this group.
    while (!current.done && equal(currentKey, groupKey, ctx)) {
      current = source.next();
      if (!current.done) currentKey = keyOf(current.value);
    }
  }
}

function equal(a: PyValue, b: PyValue, ctx: HostContext): boolean {
  return truthy(compare('==', a, b, ctx), ctx);
}

function* islice(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  if (kwargs.size) throw pyError('TypeError', 'islice() takes no keyword arguments');
  if (args.length < 2 || args.length > 4) throw pyError('TypeError', `islice expected at most 4 arguments, got ${args.length}`);
  const message = 'Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.';
  const [start, stop, step] = args.length === 2
    ? [0, nonNegative(args[1], ctx, 'Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.'), 1]
    : [nonNegative(args[1], ctx, message) ?? 0, nonNegative(args[2], ctx, message), nonNegative(args[3], ctx, 'Step for islice() must be a positive integer or None.') ?? 1];
  if (step === 0) throw pyError('ValueError', 'Step for islice() must be a positive integer or None.');
  const source = pull(args[0]!, ctx);
  let next = start;
  for (let i = 0; stop === null || i < stop; i++) {
    const r = source.next();
    if (r.done) return;
    if (i === next) {
      yield r.value;
      next += step;
    }
  }
}

function* pairwise(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  let previous: PyValue | undefined;
  for (const item of iterate(args[0]!, ctx)) {
    if (previous !== undefined) yield new PyTuple([previous, item]);
    previous = item;
  }
}

function* starmap(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const [fn, iterable] = args;
  for (const item of iterate(iterable!, ctx)) yield ctx.call(fn!, materialize(item, ctx));
}

function* zipLongest(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const fill = kwargs.get('fillvalue') ?? null;
  const sources = args.map((v) => pull(v, ctx));
  const done = sources.map(() => false);
  for (;;) {
    const row = sources.map((s, i) => {
      if (done[i]) return fill;
      const r = s.next();
      if (r.done) {
        done[i] = true;
        return fill;
      }
      return r.value;
    });
    if (done.every(Boolean)) return;
    yield new PyTuple(row);
  }
}

/** The index tuples of product, combinations and permutations, as CPython's documented equivalents. */
function* product(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const times = nonNegative(kwargs.get('repeat'), ctx, 'repeat argument cannot be negative') ?? 1;
  const pools = Array.from({ length: times }, () => args.map((v) => materialize(v, ctx))).flat();
  if (pools.some((p) => p.length === 0)) return;
  const indices = pools.map(() => 0);
  for (;;) {
    ctx.tick();
    yield new PyTuple(indices.map((j, i) => pools[i]![j]!));
    let i = pools.length - 1;
    while (i >= 0 && ++indices[i]! === pools[i]!.length) indices[i--] = 0;
    if (i < 0) return;
  }
}

function* combinations(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('combinations', ['iterable', 'r'], args, kwargs, ctx);
  const pool = materialize(a.required('iterable'), ctx);
  const r = nonNegative(a.required('r'), ctx, 'r must be non-negative')!;
  const n = pool.length;
  if (r > n) return;
  const indices = Array.from({ length: r }, (_, i) => i);
  yield new PyTuple(indices.map((i) => pool[i]!));
  for (;;) {
    ctx.tick();
    let i = r - 1;
    while (i >= 0 && indices[i] === i + n - r) i--;
    if (i < 0) return;
    indices[i]!++;
    for (let j = i + 1; j < r; j++) indices[j] = indices[j - 1]! + 1;
    yield new PyTuple(indices.map((k) => pool[k]!));
  }
}

function* combinationsWithReplacement(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('combinations_with_replacement', ['iterable', 'r'], args, kwargs, ctx);
  const pool = materialize(a.required('iterable'), ctx);
  const r = nonNegative(a.required('r'), ctx, 'r must be non-negative')!;
  const n = pool.length;
  if (n === 0 && r > 0) return;
  const indices = new Array<number>(r).fill(0);
  yield new PyTuple(indices.map((i) => pool[i]!));
  for (;;) {
    ctx.tick();
    let i = r - 1;
    while (i >= 0 && indices[i] === n - 1) i--;
    if (i < 0) return;
    const value = indices[i]! + 1;
    for (let j = i; j < r; j++) indices[j] = value;
    yield new PyTuple(indices.map((k) => pool[k]!));
  }
}

function* permutations(args: PyValue[], kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const a = bindArgs('permutations', ['iterable', 'r?'], args, kwargs, ctx);
  const pool = materialize(a.required('iterable'), ctx);
  const n = pool.length;
  const r = nonNegative(a.opt('r'), ctx, 'r must be non-negative') ?? n;
  if (r > n) return;
  const indices = Array.from({ length: n }, (_, i) => i);
  const cycles = Array.from({ length: r }, (_, i) => n - i);
  yield new PyTuple(indices.slice(0, r).map((i) => pool[i]!));
  while (n > 0) {
    ctx.tick();
    let i = r - 1;
    for (; i >= 0; i--) {
      cycles[i]!--;
      if (cycles[i] === 0) {
        indices.push(...indices.splice(i, 1));
        cycles[i] = n - i;
      } else {
        const j = cycles[i]!;
        [indices[i], indices[n - j]] = [indices[n - j]!, indices[i]!];
        yield new PyTuple(indices.slice(0, r).map((k) => pool[k]!));
        break;
      }
    }
    if (i < 0) return;
  }
}

function tee(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): PyValue {
  const n = nonNegative(args[1] ?? 2n, ctx, 'n must be >= 0')!;
  const source = pull(args[0]!, ctx);
  const buffered: PyValue[] = [];
  let exhausted = false;
  const positions = new Array<number>(n).fill(0);
  const branch = function* (k: number): Iterator<PyValue> {
    for (;;) {
      if (positions[k]! === buffered.length) {
        if (exhausted) return;
        const r = source.next();
        if (r.done) {
          exhausted = true;
          return;
        }
        buffered.push(r.value);
      }
      yield buffered[positions[k]!++]!;
    }
  };
  return new PyTuple(Array.from({ length: n }, (_, k) => new PyIterator('itertools._tee', branch(k))));
}

function* batched(args: PyValue[], _kwargs: Kwargs, ctx: HostContext): Iterator<PyValue> {
  const n = Number(toIndex(args[1]!, ctx));
  if (n < 1) throw pyError('ValueError', 'n must be at least one');
  let batch: PyValue[] = [];
  for (const item of iterate(args[0]!, ctx)) {
    batch.push(item);
    if (batch.length === n) {
      yield new PyTuple(batch);
      batch = [];
    }
  }
  if (batch.length) yield new PyTuple(batch);
}

const ITERATORS: Readonly<Record<string, Make>> = {
  count, cycle, repeat, accumulate, compress, dropwhile, takewhile, filterfalse, groupby, islice, pairwise,
  starmap, zip_longest: zipLongest, product, combinations, combinations_with_replacement: combinationsWithReplacement,
  permutations, batched,
};

/** `chain` is a type in CPython, whose `chain.from_iterable` scripts call as a class attribute. */
function chainType(): PyType {
  const type = hostType('chain', 'itertools', (args, kwargs, ctx) => new PyIterator('itertools.chain', chain(args, kwargs, ctx)));
  type.attrs.set('from_iterable', iteratorFunction('from_iterable', chainFromIterable));
  return type;
}

export const itertoolsModule: ModuleShim = {
  exports: [...Object.keys(ITERATORS), 'chain', 'tee'],
  create() {
    const attrs = new Map<string, PyValue>(Object.entries(ITERATORS).map(([name, make]) => [name, iteratorFunction(name, make)]));
    attrs.set('chain', chainType());
    attrs.set('tee', pyFunction('tee', tee));
    return new PyModule('itertools', attrs, true);
  },
};
