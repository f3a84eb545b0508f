/**
 * `statistics`, the basics, as CPython 3.11's: sums in exact fractions (so `mean([0.1, 0.2, 0.3])` is
 * 0.2, not 0.20000000000000004), results of int data kept int when exact, `stdev`/`pstdev` the
 * correctly rounded square root of the exact variance (`_float_sqrt_of_frac`), `median` by sorting,
 * `mode` the first most common value, and `StatisticsError`.
 */
import {
  binary,
  compare,
  dictKey,
  EXCEPTION_TYPES,
  floatParts,
  ExceptionObject,
  type HostContext,
  materialize,
  pyError,
  pyFunction,
  PyModule,
  PyType,
  type PyValue,
  truthy,
  typeOf,
  type ModuleShim,
} from '../interpreter';

const StatisticsError: PyType = new PyType('StatisticsError', {
  module: 'statistics',
  bases: [EXCEPTION_TYPES.get('ValueError')!],
  isException: true,
  construct: (args) => new ExceptionObject(StatisticsError, args),
});

/** n / d, d > 0, reduced. */
interface Fraction {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
}

function frac(n: bigint, d: bigint): Fraction {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

const add = (a: Fraction, b: Fraction) => frac(a.n * b.d + b.n * a.d, a.d * b.d);
const mul = (a: Fraction, b: Fraction) => frac(a.n * b.n, a.d * b.d);
const sub = (a: Fraction, b: Fraction) => add(a, { n: -b.n, d: b.d });

/** The exact value of an int or a finite float. */
function exact(x: number | bigint): Fraction {
  if (typeof x === 'bigint') return { n: x, d: 1n };
  const { mantissa, exponent: e } = floatParts(x);
  const n = x < 0 ? -mantissa : mantissa;
  return e >= 0 ? { n: n << BigInt(e), d: 1n } : frac(n, 1n << BigInt(-e));
}

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(2).length;
}

/** n / d as the nearest float (ties to even), as CPython's int / int. */
function toFloat(n: bigint, d: bigint): number {
  if (n === 0n) return 0;
  const negative = n < 0n;
  if (negative) n = -n;
  // A quotient of at least 55 bits, and a sticky bit below it for what the division left.
  const shift = 55 - (bitLength(n) - bitLength(d));
  const num = shift >= 0 ? n << BigInt(shift) : n;
  const den = shift >= 0 ? d : d << BigInt(-shift);
  const q = num / den;
  const sticky = num % den === 0n ? 0n : 1n;
  const v = Number((q << 1n) | sticky) * 2 ** -(shift + 1);
  return negative ? -v : v;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** CPython's _float_sqrt_of_frac: the correctly rounded square root of n / m. */
function sqrtOfFraction(n: bigint, m: bigint): number {
  if (n <= 0n) return 0;
  const rto = (a: bigint, b: bigint) => {
    const r = isqrt(a / b);
    return r * r * b !== a ? r | 1n : r;
  };
  const q = Math.floor((bitLength(n) - bitLength(m) - 109) / 2);
  if (q >= 0) return toFloat(rto(n, m << BigInt(2 * q)) << BigInt(q), 1n);
  return toFloat(rto(n << BigInt(-2 * q), m), 1n << BigInt(-q));
}

interface Data {
  values: (number | bigint)[];
  /** Whether any value is a float (results are floats then). */
  float: boolean;
  /** A NaN or infinity among them: results follow float arithmetic. */
  special: number | null;
}

function data(arg: PyValue | undefined, ctx: HostContext): Data {
  const values: (number | bigint)[] = [];
  let float = false;
  let special: number | null = null;
  for (const x of materialize(arg ?? null, ctx)) {
    if (typeof x === 'boolean') values.push(x ? 1n : 0n);
    else if (typeof x === 'bigint') values.push(x);
    else if (typeof x === 'number') {
      float = true;
      if (!Number.isFinite(x)) special = special === null ? x : special + x;
      values.push(x);
    } else throw pyError('TypeError', `can't convert type '${typeOf(x).name}' to numerator/denominator`);
  }
  return { values, float, special };
}

function sum(values: readonly (number | bigint)[]): Fraction {
  let s: Fraction = { n: 0n, d: 1n };
  for (const x of values) s = add(s, exact(x));
  return s;
}

/** A fraction as the data's type: an int when the data are ints and it is whole, else a float. */
function convert(f: Fraction, float: boolean): PyValue {
  return !float && f.d === 1n ? f.n : toFloat(f.n, f.d);
}

/** Exact sum of squared deviations from the mean, as _ss. */
function squaredDeviations(values: readonly (number | bigint)[]): Fraction {
  const n = BigInt(values.length);
  let sx: Fraction = { n: 0n, d: 1n };
  let sxx: Fraction = { n: 0n, d: 1n };
  for (const x of values) {
    const e = exact(x);
    sx = add(sx, e);
    sxx = add(sxx, mul(e, e));
  }
  const t = sub(mul({ n, d: 1n }, sxx), mul(sx, sx));
  return frac(t.n, t.d * n);
}

function variance(name: string, population: boolean) {
  return pyFunction(name, ([arg], _kwargs, ctx) => {
    const d = data(arg, ctx);
    const n = d.values.length;
    if (population ? n < 1 : n < 2) throw pyError(StatisticsError, `${name} requires at least ${population ? 'one data point' : 'two data points'}`);
    if (d.special !== null) return NaN;
    const ss = squaredDeviations(d.values);
    const v = frac(ss.n, ss.d * BigInt(population ? n : n - 1));
    if (name.endsWith('stdev')) return sqrtOfFraction(v.n, v.d);
    return convert(v, d.float);
  });
}

function sorted(values: PyValue[], ctx: HostContext): PyValue[] {
  ctx.tick(values.length);
  return [...values].sort((a, b) => (truthy(compare('<', a, b, ctx), ctx) ? -1 : truthy(compare('<', b, a, ctx), ctx) ? 1 : 0));
}

function median(name: string, pick: (s: PyValue[], ctx: HostContext) => PyValue) {
  return pyFunction(name, ([arg], _kwargs, ctx) => {
    const s = sorted(materialize(arg ?? null, ctx), ctx);
    if (s.length === 0) throw pyError(StatisticsError, 'no median for empty data');
    return pick(s, ctx);
  });
}

export const statisticsModule: ModuleShim = {
  exports: ['mean', 'fmean', 'median', 'median_low', 'median_high', 'mode', 'variance', 'pvariance', 'stdev', 'pstdev', 'StatisticsError'],
  create() {
    return new PyModule('statistics', new Map<string, PyValue>([
      ['StatisticsError', StatisticsError],
      ['mean', pyFunction('mean', ([arg], _kwargs, ctx) => {
        const d = data(arg, ctx);
        if (d.values.length === 0) throw pyError(StatisticsError, 'mean requires at least one data point');
        if (d.special !== null) return d.special;
        const s = sum(d.values);
        return convert(frac(s.n, s.d * BigInt(d.values.length)), d.float);
      })],
      ['fmean', pyFunction('fmean', ([arg], _kwargs, ctx) => {
        const d = data(arg, ctx);
        if (d.values.length === 0) throw pyError(StatisticsError, 'fmean requires at least one data point');
        if (d.special !== null) return d.special;
        const s = sum(d.values);
        return toFloat(s.n, s.d) / d.values.length;
      })],
      ['median', median('median', (s, ctx) => {
        const i = s.length >> 1;
        return s.length % 2 ? s[i]! : binary('/', binary('+', s[i - 1]!, s[i]!, ctx), 2n, ctx);
      })],
      ['median_low', median('median_low', (s) => s[s.length % 2 ? s.length >> 1 : (s.length >> 1) - 1]!)],
      ['median_high', median('median_high', (s) => s[s.length >> 1]!)],
      ['mode', pyFunction('mode', ([arg], _kwargs, ctx) => {
        const counts = new Map<string, { v: PyValue; n: number }>();
        for (const x of materialize(arg ?? null, ctx)) {
          const k = dictKey(x, ctx);
          const c = counts.get(k);
          if (c) c.n++;
          else counts.set(k, { v: x, n: 1 });
        }
        if (counts.size === 0) throw pyError(StatisticsError, 'no mode for empty data');
        let best: { v: PyValue; n: number } | null = null;
        for (const c of counts.values()) if (best === null || c.n > best.n) best = c;
        return best!.v;
      })],
      ['variance', variance('variance', false)],
      ['pvariance', variance('pvariance', true)],
      ['stdev', variance('stdev', false)],
      ['pstdev', variance('pstdev', true)],
    ]), true);
  },
};
