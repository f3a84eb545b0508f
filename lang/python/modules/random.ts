/**
 * Python's `random` module, as CPython 3.11 computes it: the module functions and `random.Random`
 * draw the same numbers as CPython for the same seed (the arithmetic is random_stream.ts's). The
 * module's own generator is seeded from the operating system at the first import of each run, as
 * CPython seeds it at start-up.
 */
import {
  bindArgs,
  bytesLike,
  PyBytes,
  type Args,
  pyError,
  HostObject,
  hostType,
  pyFunction,
  type HostContext,
  PyList,
  PyModule,
  PyRange,
  PyTuple,
  type Kwargs,
  type PyValue,
  getitem,
  iterate,
  len,
  setitem,
  toFloat,
  toIndex,
  type ModuleShim,
} from '../interpreter';
import { libm } from '../../../runtime/core';
import { Deque } from './collections';
import { CPythonRandom, floatHash } from './random_stream';
import { sha512 } from './sha512';

type Method = (rng: CPythonRandom, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

/**
 * The seed CPython derives from `seed(a)`'s argument: |int|, the hash of a float, None, or for a
 * str (as UTF-8), bytes or bytearray the big-endian int of its bytes followed by their SHA-512.
 */
function seedOf(a: PyValue | undefined, ctx: HostContext): bigint | null {
  if (a === undefined || a === null) return null;
  if (typeof a === 'bigint') return a;
  if (typeof a === 'boolean') return a ? 1n : 0n;
  if (typeof a === 'number') return floatHash(a);
  const data = typeof a === 'string' ? new TextEncoder().encode(a) : bytesLike(a);
  if (data !== null) {
    let n = 0n;
    for (const byte of [...data, ...sha512(data)]) n = (n << 8n) | BigInt(byte);
    return n;
  }
  if (a instanceof HostObject) return toIndex(a, ctx);
  throw pyError('TypeError', 'The only supported seed types are: None,\nint, float, str, bytes, and bytearray.');
}

/** randrange's arguments: ints, or floats equal to ints (deprecated in 3.10+, still accepted by 3.11). */
function integral(v: PyValue, ctx: HostContext, position: number): bigint {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw pyError('ValueError', `non-integer arg ${position} for randrange()`);
    return BigInt(v);
  }
  return toIndex(v, ctx);
}

function randrange(rng: CPythonRandom, a: Args, ctx: HostContext): bigint {
  const start = integral(a.required('start'), ctx, 1);
  const stop = a.get('stop');
  const step = a.get('step');
  if (stop === undefined || stop === null) {
    if (step !== undefined) throw pyError('TypeError', 'Missing a non-None stop argument');
    if (start > 0n) return rng.below(start);
    throw pyError('ValueError', 'empty range for randrange()');
  }
  const end = integral(stop, ctx, 2);
  const width = end - start;
  const stride = step === undefined ? 1n : integral(step, ctx, 3);
  if (stride === 1n) {
    if (width > 0n) return start + rng.below(width);
    throw pyError('ValueError', `empty range for randrange() (${start}, ${end}, ${width})`);
  }
  let n: bigint;
  if (stride > 0n) n = floorDiv(width + stride - 1n, stride);
  else if (stride < 0n) n = floorDiv(width + stride + 1n, stride);
  else throw pyError('ValueError', 'zero step for randrange()');
  if (n <= 0n) throw pyError('ValueError', 'empty range for randrange()');
  return start + stride * rng.below(n);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** bisect.bisect_right over [lo, hi). */
function bisectRight(sorted: readonly number[], x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function accumulate(values: PyValue, ctx: HostContext): number[] {
  const sums: number[] = [];
  let total = 0;
  for (const v of iterate(values, ctx)) sums.push((total += toFloat(v, ctx)));
  return sums;
}

function choices(rng: CPythonRandom, a: Args, ctx: HostContext): PyList {
  const population = a.required('population');
  const n = len(population, ctx);
  const k = Number(toIndex(a.get('k') ?? 1n, ctx));
  const weights = a.opt('weights');
  let cumulative = a.opt('cum_weights') === undefined ? undefined : accumulateGiven(a.opt('cum_weights')!, ctx);
  const picks: PyValue[] = [];
  if (cumulative === undefined && weights === undefined) {
    for (let i = 0; i < k; i++) {
      ctx.tick();
      picks.push(getitem(population, BigInt(Math.floor(rng.random() * n)), ctx));
    }
    return new PyList(picks);
  }
  if (cumulative !== undefined && weights !== undefined) throw pyError('TypeError', 'Cannot specify both weights and cumulative weights');
  if (cumulative === undefined) {
    if (typeof weights === 'bigint') throw pyError('TypeError', `The number of choices must be a keyword argument: k=${weights}`);
    cumulative = accumulate(weights!, ctx);
  }
  if (cumulative.length !== n) throw pyError('ValueError', 'The number of weights does not match the population');
  const total = cumulative[n - 1]!;
  if (total <= 0) throw pyError('ValueError', 'Total of weights must be greater than zero');
  if (!Number.isFinite(total)) throw pyError('ValueError', 'Total of weights must be finite');
  for (let i = 0; i < k; i++) {
    ctx.tick();
    picks.push(getitem(population, BigInt(bisectRight(cumulative, rng.random() * total, 0, n - 1)), ctx));
  }
  return new PyList(picks);
}

function accumulateGiven(values: PyValue, ctx: HostContext): number[] {
  return [...iterate(values, ctx)].map((v) => toFloat(v, ctx));
}

function sample(rng: CPythonRandom, a: Args, ctx: HostContext): PyList {
  const population = a.required('population');
  if (!isSequence(population)) {
    throw pyError('TypeError', 'Population must be a sequence.  For dicts or sets, use sorted(d).');
  }
  const n = len(population, ctx);
  const k = Number(toIndex(a.required('k'), ctx));
  const counts = a.opt('counts');
  if (counts !== undefined) {
    const cumulative: bigint[] = [];
    let sum = 0n;
    for (const c of iterate(counts, ctx)) cumulative.push((sum += toIndex(c, ctx)));
    if (cumulative.length !== n) throw pyError('ValueError', 'The number of counts does not match the population');
    const total = cumulative.pop()!;
    if (total <= 0n) throw pyError('ValueError', 'Total of counts must be greater than zero');
    if (k < 0 || BigInt(k) > total) throw pyError('ValueError', 'Sample larger than population or is negative');
    ctx.tick(k);
    return new PyList(rng.sampleIndices(Number(total), k).map((s) => {
      let index = 0;
      while (index < cumulative.length && cumulative[index]! <= BigInt(s)) index++;
      return getitem(population, BigInt(index), ctx);
    }));
  }
  if (!(k >= 0 && k <= n)) throw pyError('ValueError', 'Sample larger than population or is negative');
  ctx.tick(k);
  return new PyList(rng.sampleIndices(n, k).map((i) => getitem(population, BigInt(i), ctx)));
}

/** CPython's `isinstance(population, collections.abc.Sequence)` for the values a script can hold. */
/** `isinstance(v, collections.abc.Sequence)` for what random.sample takes: a replay memory's deque too. */
function isSequence(v: PyValue): boolean {
  return typeof v === 'string' || v instanceof PyList || v instanceof PyTuple || v instanceof PyRange || v instanceof Deque;
}

function shuffle(rng: CPythonRandom, a: Args, ctx: HostContext): null {
  const x = a.required('x');
  const n = len(x, ctx);
  for (const [i, j] of rng.shuffleSwaps(n)) {
    ctx.tick();
    const xi = getitem(x, BigInt(i), ctx);
    const xj = getitem(x, BigInt(j), ctx);
    setitem(x, BigInt(i), xj, ctx);
    setitem(x, BigInt(j), xi, ctx);
  }
  return null;
}

function positive(value: number, message: string): number {
  if (!(value > 0)) throw pyError('ValueError', message);
  return value;
}

function getstate(rng: CPythonRandom): PyTuple {
  const { words, position, gaussNext } = rng.state();
  return new PyTuple([3n, new PyTuple([...words.map(BigInt), BigInt(position)]), gaussNext]);
}

function setstate(rng: CPythonRandom, a: Args, ctx: HostContext): null {
  const state = a.required('state');
  const parts = state instanceof PyTuple ? state.items : [];
  const [version, internal, gaussNext] = parts;
  if (parts.length !== 3 || version !== 3n || !(internal instanceof PyTuple) || internal.items.length !== 625) {
    throw pyError('ValueError', 'state vector is the wrong size');
  }
  const numbers = internal.items.map((v) => Number(BigInt.asUintN(32, toIndex(v, ctx))));
  const position = numbers.pop()!;
  if (position > 624) throw pyError('ValueError', 'invalid state');
  rng.restore({ words: numbers, position, gaussNext: gaussNext === null || gaussNext === undefined ? null : toFloat(gaussNext, ctx) });
  return null;
}

/** Each method with CPython's signature, as the module function and as `Random`'s method. */
function methods(): ReadonlyMap<string, Method> {
  const bind = (name: string, spec: readonly string[], body: (rng: CPythonRandom, a: Args, ctx: HostContext) => PyValue): [string, Method] => [
    name,
    (rng, args, kwargs, ctx) => body(rng, bindArgs(name, spec, args, kwargs, ctx), ctx),
  ];
  return new Map<string, Method>([
    bind('seed', ['a?', 'version?'], (rng, a, ctx) => (rng.seed(seedOf(a.get('a'), ctx)), null)),
    bind('random', [], (rng) => rng.random()),
    bind('getrandbits', ['k'], (rng, a, ctx) => {
      const k = toIndex(a.required('k'), ctx);
      if (k < 0n) throw pyError('ValueError', 'number of bits must be non-negative');
      ctx.tick(Number(k / 32n));
      return rng.getrandbits(Number(k));
    }),
    // Lib/random.py: getrandbits(n * 8).to_bytes(n, 'little').
    bind('randbytes', ['n'], (rng, a, ctx) => {
      const n = Number(toIndex(a.required('n'), ctx));
      if (n < 0) throw pyError('ValueError', 'negative argument not allowed');
      ctx.tick(n / 4);
      let bits = rng.getrandbits(n * 8);
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++, bits >>= 8n) data[i] = Number(bits & 0xffn);
      return new PyBytes(data);
    }),
    bind('randrange', ['start', 'stop?', 'step?'], (rng, a, ctx) => randrange(rng, a, ctx)),
    bind('randint', ['a', 'b'], (rng, a, ctx) => {
      const low = integral(a.required('a'), ctx, 1);
      const high = integral(a.required('b'), ctx, 2);
      if (high + 1n - low <= 0n) throw pyError('ValueError', `empty range for randrange() (${low}, ${high + 1n}, ${high + 1n - low})`);
      return low + rng.below(high + 1n - low);
    }),
    bind('choice', ['seq'], (rng, a, ctx) => {
      const seq = a.required('seq');
      const n = len(seq, ctx);
      if (n === 0) throw pyError('IndexError', 'Cannot choose from an empty sequence');
      return getitem(seq, rng.below(BigInt(n)), ctx);
    }),
    bind('choices', ['population', 'weights?', '*', 'cum_weights?', 'k?'], choices),
    bind('shuffle', ['x'], shuffle),
    bind('sample', ['population', 'k', '*', 'counts?'], sample),
    bind('uniform', ['a', 'b'], (rng, a) => rng.uniform(a.float('a'), a.float('b'))),
    bind('triangular', ['low?', 'high?', 'mode?'], (rng, a) =>
      rng.triangular(a.float('low', 0), a.float('high', 1), a.opt('mode') === undefined ? null : a.float('mode'))),
    bind('gauss', ['mu?', 'sigma?'], (rng, a) => rng.gauss(a.float('mu', 0), a.float('sigma', 1))),
    bind('normalvariate', ['mu?', 'sigma?'], (rng, a) => rng.normalvariate(a.float('mu', 0), a.float('sigma', 1))),
    bind('lognormvariate', ['mu', 'sigma'], (rng, a) => libm.exp(rng.normalvariate(a.float('mu'), a.float('sigma')))),
    bind('expovariate', ['lambd?'], (rng, a) => rng.expovariate(a.float('lambd', 1))),
    bind('gammavariate', ['alpha', 'beta'], (rng, a) =>
      rng.gammavariate(
        positive(a.float('alpha'), 'gammavariate: alpha and beta must be > 0.0'),
        positive(a.float('beta'), 'gammavariate: alpha and beta must be > 0.0'),
      )),
    bind('betavariate', ['alpha', 'beta'], (rng, a) =>
      rng.betavariate(
        positive(a.float('alpha'), 'gammavariate: alpha and beta must be > 0.0'),
        positive(a.float('beta'), 'gammavariate: alpha and beta must be > 0.0'),
      )),
    bind('vonmisesvariate', ['mu', 'kappa'], (rng, a) => rng.vonmisesvariate(a.float('mu'), a.float('kappa'))),
    bind('paretovariate', ['alpha'], (rng, a) => rng.paretovariate(a.float('alpha'))),
    bind('weibullvariate', ['alpha', 'beta'], (rng, a) => rng.weibullvariate(a.float('alpha'), a.float('beta'))),
    bind('getstate', [], (rng) => getstate(rng)),
    bind('setstate', ['state'], setstate),
  ]);
}

const METHODS = methods();

/** `random.Random(x)`: a generator of its own, with the module's functions as methods. */
class RandomObject extends HostObject {
  static readonly type = hostType('Random', 'random', (args, kwargs, ctx) => {
    const a = bindArgs('Random', ['x?'], args, kwargs, ctx);
    return new RandomObject(new CPythonRandom(seedOf(a.get('x'), ctx)));
  });

  constructor(readonly rng: CPythonRandom) {
    super();
  }

  get pyType() {
    return RandomObject.type;
  }

  override getattr(name: string): PyValue | undefined {
    const method = METHODS.get(name);
    if (!method) return undefined;
    return pyFunction(name, (args, kwargs, ctx) => method(this.rng, args, kwargs, ctx));
  }
}

export const randomModule: ModuleShim = {
  exports: [...METHODS.keys(), 'Random'],
  create() {
    const shared = new CPythonRandom(null);
    const attrs = new Map<string, PyValue>([['Random', RandomObject.type]]);
    for (const [name, method] of METHODS) {
      attrs.set(name, pyFunction(name, (args, kwargs, ctx) => method(shared, args, kwargs, ctx)));
    }
    return new PyModule('random', attrs, true);
  },
};
