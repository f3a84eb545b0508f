/**
 * `numpy.random` with NumPy's own streams (runtime/core/rng): the legacy functions and
 * `RandomState` (MT19937, the polar Gaussian with its cached value, masked-rejection integers)
 * and `default_rng` (PCG64 seeded by a SeedSequence; the ziggurat normal, Lemire's integers), so
 * a seeded script prints NumPy 1.24's numbers. Draws happen on the host; arrays come back as
 * NumPy arrays (float64 where the backend stores it).
 */
import {
  LegacyGauss, NumpyMT19937, PCG64, SeedSequence, boundedIntegers, choiceWithoutReplacement, withInterrupt, generatorChoiceIndices,
  normalizedCdf, randomInterval, searchsortedRight, shuffleInPlace, uint32Words, zigguratNormal, type DType, type NumpyBitGenerator,
} from '../../../runtime/core';
import {
  bindArgs, type Args, pyError, HostObject, hostType, pyFunction, type HostContext, createModule, PyList, type PyModule, PyTuple,
  type PyType, type PyValue, flattenNested, toFloat, toIndex, typeName,
} from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

type Method<S> = (state: S, a: Args, ctx: HostContext) => PyValue;

/** The MT19937 state of a `RandomState`, with the legacy Gaussian's cache. */
class LegacyState {
  gauss = new LegacyGauss();
  constructor(public bg: NumpyMT19937) {}
}

const SIZE = ['size?'];

// ---- arrays and sizes ---------------------------------------------------------------------------------------------
function shapeOf(v: PyValue | undefined, ctx: HostContext): number[] | null {
  if (v === undefined || v === null) return null;
  const dims = v instanceof PyTuple || v instanceof PyList ? v.items : [v];
  return dims.map((d) => {
    const n = Number(toIndex(d, ctx));
    if (n < 0) throw pyError('ValueError', 'negative dimensions are not allowed');
    return n;
  });
}

const count = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** NumPy's draws are float64 on every backend (runtime/backends/host_dtypes.ts). */
function floatDtype(_rt: JaxRuntime): DType {
  return 'float64';
}

function array(rt: JaxRuntime, values: ArrayLike<number>, shape: readonly number[], dtype: DType): PyArray {
  return L.op(rt, () => new PyArray(rt, rt.upload(values, shape, dtype), false, true));
}

/** NumPy's int64 results: a value past 2**53, where Gradlens's int64 stops being exact, is refused, never rounded. */
function intArray(rt: JaxRuntime, values: readonly bigint[], shape: readonly number[]): PyArray {
  const bad = values.find((v) => v >= 2n ** 53n || v <= -(2n ** 53n));
  if (bad !== undefined) throw pyError('OverflowError', `${bad} is past 2**53, where Gradlens stores int64 exactly (NumPy would store it): draw from a smaller range`);
  return array(rt, values.map(Number), shape, 'int64');
}

/** `size=None` gives a Python float; a size gives an array of that shape. */
function floats(rt: JaxRuntime, shape: number[] | null, draw: () => number): PyValue {
  if (shape === null) return draw();
  charge(rt, shape);
  const n = count(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & 0xffff) === 0) rt.ctx.checkClock();
    out[i] = draw();
  }
  return array(rt, out, shape, floatDtype(rt));
}

/** Checks the byte budget before a draw of this shape, so a huge one fails before it is drawn. */
function charge(rt: JaxRuntime, shape: number[] | null): void {
  if (shape === null) return;
  const bytes = count(shape) * 8;
  rt.ctx.allocate(bytes, `an array of shape (${shape.join(', ')})`);
  rt.ctx.release(bytes);
}

/** A 1-d sequence's values (a list or an array), for choice and permutation. */
interface Population {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
}

function population(rt: JaxRuntime, v: PyValue, ctx: HostContext): Population {
  if (v instanceof PyArray) return { values: Array.from(v.values(ctx, 'str')), shape: v.shape, dtype: v.dtype };
  const nested = flattenNested(v, ctx);
  const dtype: DType = nested.kind === 'bool' ? 'bool' : nested.kind === 'int' ? 'int64' : floatDtype(rt);
  return { values: nested.data, shape: nested.shape, dtype };
}

/**
 * Rows of a population picked by index, as an array; a 1-d pick with no size is a NumPy scalar of
 * the population's dtype (`np.random.choice([1, 2])` is a `numpy.int64`), as NumPy indexes it.
 */
function pick(rt: JaxRuntime, pop: Population, idx: readonly number[], shape: number[] | null): PyValue {
  const row = count(pop.shape.slice(1));
  const out: number[] = [];
  for (const i of idx) for (let k = 0; k < row; k++) out.push(pop.values[i * row + k]!);
  return array(rt, out, [...(shape ?? []), ...pop.shape.slice(1)], pop.dtype);
}

function probabilities(rt: JaxRuntime, v: PyValue | undefined, popSize: number, ctx: HostContext): number[] | null {
  if (v === undefined) return null;
  const p = population(rt, v, ctx);
  if (p.shape.length !== 1) throw pyError('ValueError', "'p' must be 1-dimensional");
  if (p.values.length !== popSize) throw pyError('ValueError', "'a' and 'p' must have same size");
  if (p.values.some((x) => Number.isNaN(x))) throw pyError('ValueError', 'probabilities contain NaN');
  if (p.values.some((x) => x < 0)) throw pyError('ValueError', 'probabilities are not non-negative');
  // Kahan's sum, as NumPy checks it
  let sum = 0;
  let c = 0;
  for (const x of p.values) {
    const y = x - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  if (Math.abs(sum - 1) > Math.sqrt(2 ** -52)) throw pyError('ValueError', 'probabilities do not sum to 1');
  return [...p.values];
}

// ---- what both generators share --------------------------------------------------------------------------------------
interface Streams {
  readonly bg: NumpyBitGenerator;
  normal(): number;
  /** Integers in [low, high] (inclusive), by the generator's method. */
  integers(low: bigint, high: bigint, n: number): bigint[];
}

function choice(rt: JaxRuntime, s: Streams, a: Args, ctx: HostContext, legacy: boolean): PyValue {
  const av = a.required('a');
  const shape = shapeOf(a.get('size'), ctx);
  const size = shape === null ? 1 : count(shape);
  const replace = a.bool('replace', true);
  let pop: Population | null = null;
  let strings: readonly PyValue[] | null = null;
  let popSize: number;
  if (typeof av === 'bigint' || (av instanceof PyArray && av.shape.length === 0)) {
    popSize = Number(toIndex(av, ctx));
    if (popSize <= 0 && size !== 0) throw pyError('ValueError', legacy ? 'a must be greater than 0 unless no samples are taken' : 'a must be a positive integer unless no samples are taken');
  } else if ((av instanceof PyList || av instanceof PyTuple) && av.items.some((x) => typeof x === 'string')) {
    // A list of strings: NumPy picks from an array of them; Gradlens picks the items themselves.
    if (shape !== null) throw pyError('NotImplementedError', 'choice(a list of str, size=...) would make an array of strings, which Gradlens NumPy does not have: draw indices with choice(len(a), size) and index the list');
    strings = av.items;
    popSize = av.items.length;
    if (popSize === 0) throw pyError('ValueError', legacy ? "'a' cannot be empty unless no samples are taken" : 'a cannot be empty unless no samples are taken');
  } else {
    pop = population(rt, av, ctx);
    if (pop.shape.length === 0) throw pyError('ValueError', 'a must be a sequence or an integer');
    if (legacy && pop.shape.length !== 1) throw pyError('ValueError', 'a must be 1-dimensional');
    popSize = pop.shape[0]!;
    if (popSize === 0 && size !== 0) throw pyError('ValueError', legacy ? "'a' cannot be empty unless no samples are taken" : 'a cannot be empty unless no samples are taken');
  }
  const p = probabilities(rt, a.opt('p'), popSize, ctx);
  const uniforms = (k: number) => Array.from({ length: k }, () => s.bg.nextDouble());
  let idx: number[];
  if (replace) {
    if (p) {
      const cdf = normalizedCdf(p);
      idx = uniforms(size).map((u) => searchsortedRight(cdf, u));
    } else {
      idx = s.integers(0n, BigInt(popSize - 1), size).map(Number);
    }
  } else {
    if (size > popSize) throw pyError('ValueError', legacy ? "Cannot take a larger sample than population when 'replace=False'" : 'Cannot take a larger sample than population when replace is False');
    if (p) {
      if (p.filter((x) => x > 0).length < size) throw pyError('ValueError', 'Fewer non-zero entries in p than size');
      idx = choiceWithoutReplacement(p, size, uniforms);
    } else if (legacy) {
      const perm = Array.from({ length: popSize }, (_, i) => i);
      shuffleInPlace(perm, 1, (i) => randomInterval(s.bg, i));
      idx = perm.slice(0, size);
    } else {
      idx = generatorChoiceIndices(s.bg, popSize, size, a.bool('shuffle', true));
    }
  }
  if (strings !== null) return strings[idx[0]!]!;
  if (pop === null) return shape === null ? BigInt(idx[0]!) : intArray(rt, idx.map(BigInt), shape);
  return pick(rt, pop, idx, shape);
}

/** `shuffle(x)` in place: a Python list's items, or a NumPy array's rows (its first axis), drawn as permutation draws. */
function shuffle(rt: JaxRuntime, s: Streams, a: Args, ctx: HostContext): PyValue {
  const x = a.required('x');
  if (x instanceof PyList) {
    shuffleInPlace(x.items, 1, (i) => randomInterval(s.bg, i));
    return null;
  }
  if (x instanceof PyArray) {
    const axis = a.opt('axis');
    if (axis !== undefined && axis !== 0n) throw pyError('NotImplementedError', 'shuffle(x, axis=...) along an axis other than 0 is not supported by Gradlens: write x = np.moveaxis(x, axis, 0), shuffle it, and move the axis back');
    if (x.shape.length === 0) throw pyError('TypeError', 'len() of unsized object');
    const pop = population(rt, x, ctx);
    const idx = Array.from({ length: pop.shape[0]! }, (_, i) => i);
    shuffleInPlace(idx, 1, (i) => randomInterval(s.bg, i));
    x.assign(pick(rt, pop, idx, [idx.length]) as PyArray);
    return null;
  }
  throw pyError('TypeError', `shuffle() expects a list or an array, not ${typeName(x)}`);
}

function permutation(rt: JaxRuntime, s: Streams, a: Args, ctx: HostContext): PyValue {
  const x = a.required('x');
  if (typeof x === 'bigint') {
    const n = Number(x);
    const perm = Array.from({ length: Math.max(n, 0) }, (_, i) => i);
    shuffleInPlace(perm, 1, (i) => randomInterval(s.bg, i));
    return intArray(rt, perm.map(BigInt), [perm.length]);
  }
  const pop = population(rt, x, ctx);
  if (pop.shape.length < 1) throw pyError('IndexError', 'x must be an integer or at least 1-dimensional');
  const idx = Array.from({ length: pop.shape[0]! }, (_, i) => i);
  shuffleInPlace(idx, 1, (i) => randomInterval(s.bg, i));
  return pick(rt, pop, idx, [idx.length]);
}

/** `randint(low, high=None)`/`integers(low, high=None, endpoint=False)`: the inclusive bounds, checked. */
function intBounds(a: Args, ctx: HostContext, endpoint: boolean): [bigint, bigint] {
  const lowV = a.required('low');
  const highV = a.opt('high');
  if (typeof lowV === 'number' || typeof highV === 'number') throw pyError('TypeError', 'Unsupported dtype dtype(\'float64\') for randint: give integer bounds');
  let low = toIndex(lowV, ctx);
  let high = highV === undefined ? low : toIndex(highV, ctx);
  if (highV === undefined) low = 0n;
  if (!endpoint) high -= 1n;
  if (low > high) throw pyError('ValueError', endpoint ? 'low > high' : 'low >= high');
  if (low < -(2n ** 63n)) throw pyError('ValueError', 'low is out of bounds for int64');
  if (high >= 2n ** 63n) throw pyError('ValueError', 'high is out of bounds for int64');
  return [low, high];
}

/**
 * Drawn integers: with no size, a Python int from the legacy `randint` and a NumPy int64 from
 * `Generator.integers`, as NumPy 1.24 returns them (`type(rng.integers(5))` is `numpy.int64`).
 */
function ints(rt: JaxRuntime, s: Streams, low: bigint, high: bigint, shape: number[] | null, legacy: boolean): PyValue {
  const values = s.integers(low, high, shape === null ? 1 : count(shape));
  if (shape === null) return legacy ? values[0]! : intArray(rt, values, []);
  return intArray(rt, values, shape);
}

function refuseDtype(a: Args, allowed: string, what: string): void {
  const d = a.opt('dtype');
  if (d === undefined) return;
  const name = typeof d === 'string' ? d : (d as { name?: string }).name ?? typeName(d);
  if (!allowed.split('|').includes(String(name))) throw pyError('NotImplementedError', `${what}(dtype=${name}) is not supported by Gradlens: leave dtype out (${allowed.split('|')[0]})`);
}

function scale(a: Args, name = 'scale'): number {
  const v = a.float(name, 1);
  if (v < 0) throw pyError('ValueError', `${name} < 0`);
  return v;
}

function scalarParams(a: Args, names: readonly string[]): void {
  for (const n of names) {
    if (a.opt(n) instanceof PyArray || a.opt(n) instanceof PyList) throw pyError('NotImplementedError', `${a.fname}() with an array ${n} is not supported by Gradlens: draw with scalar parameters and combine the arrays`);
  }
}

function uniformRange(a: Args): [number, number] {
  scalarParams(a, ['low', 'high']);
  const low = a.float('low', 0);
  const range = a.float('high', 1) - low;
  if (!Number.isFinite(range)) throw pyError('OverflowError', 'Range exceeds valid bounds');
  return [low, range];
}

// ---- RandomState and the legacy functions --------------------------------------------------------------------------
function legacyStreams(s: LegacyState): Streams {
  return {
    bg: s.bg,
    normal: () => s.gauss.next(s.bg),
    integers: (low, high, n) => boundedIntegers(s.bg, low, high - low, n, true),
  };
}

function osEntropy(words: number): number[] {
  const a = new Uint32Array(words);
  globalThis.crypto.getRandomValues(a);
  return Array.from(a);
}

/** `seed(s)`: an int in [0, 2^32), a sequence of them (init_by_array), or None (the OS's entropy). */
function legacySeed(rt: JaxRuntime, s: LegacyState, v: PyValue | undefined, ctx: HostContext): void {
  s.gauss.reset();
  if (v === undefined || v === null) {
    s.bg = NumpyMT19937.fromKey(osEntropy(624));
    return;
  }
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PyArray) {
    const words = population(rt, v, ctx).values;
    if (words.length === 0) throw pyError('ValueError', 'Seed must be non-empty');
    if (words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) throw pyError('ValueError', 'Seed must be between 0 and 2**32 - 1');
    s.bg = NumpyMT19937.fromKey(words);
    return;
  }
  if (typeof v === 'number') throw pyError('TypeError', 'Cannot cast scalar from dtype(\'float64\') to dtype(\'int64\') according to the rule \'safe\'');
  const n = toIndex(v, ctx);
  if (n < 0n || n > 0xffffffffn) throw pyError('ValueError', 'Seed must be between 0 and 2**32 - 1');
  s.bg = NumpyMT19937.fromSeed(Number(n));
}

function legacyMethods(rt: JaxRuntime): Record<string, [string[], Method<LegacyState>]> {
  const dims = (a: Args, ctx: HostContext) => (a.rest.length === 0 ? null : a.rest.map((d) => Number(toIndex(d, ctx))));
  const sample: [string[], Method<LegacyState>] = [SIZE, (s, a, ctx) => floats(rt, shapeOf(a.get('size'), ctx), () => s.bg.nextDouble())];
  return {
    seed: [['seed?'], (s, a, ctx) => {
      legacySeed(rt, s, a.get('seed'), ctx);
      return null;
    }],
    rand: [['*dims'], (s, a, ctx) => floats(rt, dims(a, ctx), () => s.bg.nextDouble())],
    randn: [['*dims'], (s, a, ctx) => floats(rt, dims(a, ctx), () => s.gauss.next(s.bg))],
    random_sample: sample,
    random: sample,
    sample,
    ranf: sample,
    standard_normal: [SIZE, (s, a, ctx) => floats(rt, shapeOf(a.get('size'), ctx), () => s.gauss.next(s.bg))],
    normal: [['loc?', 'scale?', 'size?'], (s, a, ctx) => {
      scalarParams(a, ['loc', 'scale']);
      const loc = a.float('loc', 0);
      const sc = scale(a);
      return floats(rt, shapeOf(a.get('size'), ctx), () => loc + sc * s.gauss.next(s.bg));
    }],
    uniform: [['low?', 'high?', 'size?'], (s, a, ctx) => {
      const [low, range] = uniformRange(a);
      return floats(rt, shapeOf(a.get('size'), ctx), () => low + range * s.bg.nextDouble());
    }],
    randint: [['low', 'high?', 'size?', 'dtype?'], (s, a, ctx) => {
      refuseDtype(a, 'int|int64|int_', 'randint');
      const [low, high] = intBounds(a, ctx, false);
      const shape = shapeOf(a.get('size'), ctx);
      charge(rt, shape);
      return ints(rt, legacyStreams(s), low, high, shape, true);
    }],
    choice: [['a', 'size?', 'replace?', 'p?'], (s, a, ctx) => choice(rt, legacyStreams(s), a, ctx, true)],
    shuffle: [['x'], (s, a, ctx) => shuffle(rt, legacyStreams(s), a, ctx)],
    permutation: [['x'], (s, a, ctx) => permutation(rt, legacyStreams(s), a, ctx)],
    get_state: [['legacy?'], () => {
      throw pyError('NotImplementedError', 'get_state() is not supported by Gradlens (its uint32 key array has no NumPy dtype here yet): re-seed with np.random.seed(n) to replay a stream');
    }],
    set_state: [['state'], () => {
      throw pyError('NotImplementedError', 'set_state() is not supported by Gradlens: re-seed with np.random.seed(n) to replay a stream');
    }],
  };
}

/** A method as a Python function: its long draws (shuffles, integers) check the run's clock. */
function bound<S>(name: string, spec: string[], state: () => S, m: Method<S>): PyValue {
  return pyFunction(name, (args, kwargs, ctx) => withInterrupt(() => ctx.checkClock(), () => m(state(), bindArgs(name, spec, args, kwargs, ctx), ctx)));
}

class RandomStateObject extends HostObject {
  constructor(
    readonly type: PyType,
    readonly state: LegacyState,
    private readonly methods: Record<string, [string[], Method<LegacyState>]>,
  ) {
    super();
  }

  get pyType(): PyType {
    return this.type;
  }

  override getattr(name: string): PyValue | undefined {
    const m = this.methods[name];
    return m ? bound(name, m[0], () => this.state, m[1]) : undefined;
  }

  override repr(): string {
    return 'RandomState(MT19937)';
  }
}

// ---- Generator (default_rng) ---------------------------------------------------------------------------------------
class GeneratorState {
  constructor(readonly bg: PCG64) {}
}

function generatorStreams(s: GeneratorState): Streams {
  return {
    bg: s.bg,
    normal: () => zigguratNormal(s.bg),
    integers: (low, high, n) => boundedIntegers(s.bg, low, high - low, n, false),
  };
}

function generatorMethods(rt: JaxRuntime): Record<string, [string[], Method<GeneratorState>]> {
  return {
    random: [['size?', 'dtype?', 'out?'], (s, a, ctx) => {
      refuseDtype(a, 'float64|float|double', 'random');
      return floats(rt, shapeOf(a.get('size'), ctx), () => s.bg.nextDouble());
    }],
    standard_normal: [['size?', 'dtype?', 'out?'], (s, a, ctx) => {
      refuseDtype(a, 'float64|float|double', 'standard_normal');
      return floats(rt, shapeOf(a.get('size'), ctx), () => zigguratNormal(s.bg));
    }],
    normal: [['loc?', 'scale?', 'size?'], (s, a, ctx) => {
      scalarParams(a, ['loc', 'scale']);
      const loc = a.float('loc', 0);
      const sc = scale(a);
      return floats(rt, shapeOf(a.get('size'), ctx), () => loc + sc * zigguratNormal(s.bg));
    }],
    uniform: [['low?', 'high?', 'size?'], (s, a, ctx) => {
      const [low, range] = uniformRange(a);
      return floats(rt, shapeOf(a.get('size'), ctx), () => low + range * s.bg.nextDouble());
    }],
    integers: [['low', 'high?', 'size?', 'dtype?', 'endpoint?'], (s, a, ctx) => {
      refuseDtype(a, 'int64|int|int_', 'integers');
      const [low, high] = intBounds(a, ctx, a.bool('endpoint', false));
      const shape = shapeOf(a.get('size'), ctx);
      charge(rt, shape);
      return ints(rt, generatorStreams(s), low, high, shape, false);
    }],
    choice: [['a', 'size?', 'replace?', 'p?', 'axis?', 'shuffle?'], (s, a, ctx) => {
      if (a.int('axis', 0) !== 0) throw pyError('NotImplementedError', 'choice(..., axis=k) for k != 0 is not supported by Gradlens');
      return choice(rt, generatorStreams(s), a, ctx, false);
    }],
    shuffle: [['x', 'axis?'], (s, a, ctx) => shuffle(rt, generatorStreams(s), a, ctx)],
    permutation: [['x', 'axis?'], (s, a, ctx) => permutation(rt, generatorStreams(s), a, ctx)],
  };
}

class GeneratorObject extends HostObject {
  constructor(
    readonly type: PyType,
    readonly state: GeneratorState,
    private readonly methods: Record<string, [string[], Method<GeneratorState>]>,
  ) {
    super();
  }

  get pyType(): PyType {
    return this.type;
  }

  override getattr(name: string): PyValue | undefined {
    const m = this.methods[name];
    return m ? bound(name, m[0], () => this.state, m[1]) : undefined;
  }

  override repr(): string {
    return 'Generator(PCG64)';
  }
}

/** A `default_rng` seed as SeedSequence entropy: an int, a sequence of ints, or None (128 bits from the OS). */
function entropyOf(rt: JaxRuntime, v: PyValue | undefined, ctx: HostContext): number[] {
  if (v === undefined || v === null) return osEntropy(4);
  if (typeof v === 'bigint' || typeof v === 'boolean') {
    const n = toIndex(v, ctx);
    if (n < 0n) throw pyError('ValueError', 'expected non-negative integer');
    return uint32Words(n);
  }
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PyArray) {
    const words = population(rt, v, ctx).values;
    if (words.some((w) => !Number.isInteger(w) || w < 0)) throw pyError('ValueError', 'expected non-negative integer');
    return words.flatMap((w) => uint32Words(BigInt(w)));
  }
  if (typeof v === 'number') throw pyError('TypeError', 'SeedSequence expects int or sequence of ints for entropy not ' + toFloat(v, ctx));
  throw pyError('TypeError', `SeedSequence expects int or sequence of ints for entropy not ${typeName(v)}`);
}

/** The module `numpy.random`, over the run's numpy runtime; its functions share one RandomState. */
export function numpyRandomModule(rt: JaxRuntime): PyModule {
  const legacy = legacyMethods(rt);
  const gen = generatorMethods(rt);
  const randomStateType = hostType('RandomState', 'numpy.random', (args, kwargs, ctx) => {
    const a = bindArgs('RandomState', ['seed?'], args, kwargs, ctx);
    const s = new LegacyState(NumpyMT19937.fromSeed(0));
    legacySeed(rt, s, a.get('seed'), ctx);
    return new RandomStateObject(randomStateType, s, legacy);
  });
  const generatorType = hostType('Generator', 'numpy.random');
  const global = new LegacyState(NumpyMT19937.fromKey(osEntropy(624)));
  const attrs: Record<string, PyValue> = {};
  for (const [name, [spec, m]] of Object.entries(legacy)) attrs[name] = bound(name, spec, () => global, m);
  attrs.RandomState = randomStateType;
  attrs.Generator = generatorType;
  attrs.default_rng = pyFunction('default_rng', (args, kwargs, ctx) => {
    const a = bindArgs('default_rng', ['seed?'], args, kwargs, ctx);
    const seed = a.get('seed');
    if (seed instanceof GeneratorObject) return seed;
    return new GeneratorObject(generatorType, new GeneratorState(new PCG64(new SeedSequence(entropyOf(rt, seed, ctx)))), gen);
  });
  return createModule('numpy.random', attrs);
}

export const NUMPY_RANDOM_NAMES = [
  'seed', 'rand', 'randn', 'random_sample', 'random', 'sample', 'ranf', 'standard_normal', 'normal', 'uniform', 'randint', 'choice',
  'shuffle', 'permutation', 'get_state', 'set_state', 'RandomState', 'Generator', 'default_rng',
];
