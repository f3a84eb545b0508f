/**
 * `fractions.Fraction` as CPython 3.11.2's fractions.py: exact rationals in lowest terms with a
 * positive denominator, made from ints, two Rationals, floats (exactly: Fraction(0.1) is
 * 3602879701896397/36028797018963968), strings ('3/4', '-1.5e-3', '1_000') or another Fraction.
 * Arithmetic with ints and Fractions stays exact; with a float it is the float's; `//` gives an
 * int, `**` an int power a Fraction, a fractional power a float. Comparisons with floats are exact,
 * and the hash is the numeric hash, so a Fraction equal to an int or float keys a dict as it does.
 * `limit_denominator` by the continued-fraction bounds, `round` to even, `math.floor`/`ceil`/`trunc`
 * exact, str `n/d` and repr `Fraction(n, d)` as CPython's, ZeroDivisionError texts included.
 */
import {
  binary,
  bindArgs,
  type BinaryOp,
  compare,
  type CompareOp,
  floatParts,
  getattr,
  hashKey,
  type HostContext,
  HostObject,
  hostType,
  NOT_IMPLEMENTED,
  PyBuiltin,
  PyComplex,
  PyInstance,
  pyError,
  pyFunction,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  StaticMethod,
  toIndex,
  typeOf,
  type UnaryOp,
  type ModuleShim,
} from '../interpreter';

const HASH_MODULUS = (1n << 61n) - 1n;
const HASH_INF = 314159n;

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Python's floor division and modulo of ints (toward negative infinity). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** a**-1 modulo m, or null where there is none. */
function modularInverse(a: bigint, m: bigint): bigint | null {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return r0 === 1n ? ((s0 % m) + m) % m : null;
}

const reduceHash = (n: bigint) => {
  const m = (n < 0n ? -n : n) % HASH_MODULUS;
  return n < 0n ? -m : m;
};

export class Fraction extends HostObject {
  static readonly type: PyType = hostType('Fraction', 'fractions', (args, kwargs, ctx) => {
    const a = bindArgs('Fraction', ['numerator?', 'denominator?'], args, kwargs, ctx);
    return construct(a.get('numerator') ?? 0n, a.get('denominator') ?? null, ctx);
  });

  /** Lowest terms, d > 0 (every constructor normalizes, as CPython's arithmetic keeps them). */
  constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {
    super();
  }

  get pyType(): PyType {
    return Fraction.type;
  }

  override repr(): string {
    return `Fraction(${this.n}, ${this.d})`;
  }

  override str(): string {
    return this.d === 1n ? `${this.n}` : `${this.n}/${this.d}`;
  }

  override format(spec: string): string {
    if (spec !== '') throw pyError('TypeError', 'unsupported format string passed to Fraction.__format__');
    return this.str();
  }

  override bool(): boolean {
    return this.n !== 0n;
  }

  override float(ctx: HostContext): number {
    return binary('/', this.n, this.d, ctx) as number;
  }

  override int(): bigint {
    return this.n < 0n ? -floorDiv(-this.n, this.d) : floorDiv(this.n, this.d);
  }

  /** Equal to an int, it keys as the int; equal to a float, as the float (`{0.5: x}[Fraction(1, 2)]`). */
  override valueKey(): string {
    if (this.d === 1n) return hashKey(this.n)!;
    const x = Number(this.n) / Number(this.d);
    if ((this.d & (this.d - 1n)) === 0n && Number.isFinite(x)) {
      const back = exactFloat(x);
      if (back && back.n === this.n && back.d === this.d) return hashKey(x)!;
    }
    return `q${this.n}/${this.d}`;
  }

  /** Fraction.__hash__: |n| * d**-1 modulo 2**61 - 1, the numeric hash ints and floats share. */
  override hashValue(): bigint {
    const inverse = modularInverse(this.d, HASH_MODULUS);
    const h = inverse === null ? HASH_INF : reduceHash(reduceHash(this.n < 0n ? -this.n : this.n) * inverse);
    const result = this.n >= 0n ? h : -h;
    return result === -1n ? -2n : result;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (fn: (args: PyValue[]) => PyValue) => new PyBuiltin(name, (args) => fn(args), this);
    switch (name) {
      case 'numerator':
      case 'real':
        return name === 'real' ? this : this.n;
      case 'denominator':
        return this.d;
      case 'imag':
        return 0n;
      case 'as_integer_ratio':
        return method(() => new PyTuple([this.n, this.d]));
      case 'limit_denominator':
        return new PyBuiltin(name, (args, kwargs) => {
          const a = bindArgs('limit_denominator', ['max_denominator?'], args, kwargs, ctx);
          return this.limitDenominator(toIndex(a.get('max_denominator') ?? 1000000n, ctx));
        }, this);
      case 'conjugate':
      case '__copy__':
      case '__deepcopy__':
        return new PyBuiltin(name, () => this, this);
      case '__abs__':
        return method(() => new Fraction(this.n < 0n ? -this.n : this.n, this.d));
      case '__floor__':
        return method(() => floorDiv(this.n, this.d));
      case '__ceil__':
        return method(() => -floorDiv(-this.n, this.d));
      case '__trunc__':
      case '__int__':
        return method(() => this.int());
      case '__round__':
        return method((args) => this.round(args[0] ?? null, ctx));
      case 'from_float':
        return fromFloat;
      default:
        return undefined;
    }
  }

  /** The closest Fraction with a denominator at most `max` (CPython's best upper and lower approximations). */
  limitDenominator(max: bigint): Fraction {
    if (max < 1n) throw pyError('ValueError', 'max_denominator should be at least 1');
    if (this.d <= max) return this;
    let [p0, q0, p1, q1] = [0n, 1n, 1n, 0n];
    let [n, d] = [this.n, this.d];
    for (;;) {
      const a = floorDiv(n, d);
      const q2 = q0 + a * q1;
      if (q2 > max) break;
      [p0, q0, p1, q1] = [p1, q1, p0 + a * p1, q2];
      [n, d] = [d, n - a * d];
    }
    const k = floorDiv(max - q0, q1);
    const bound1 = normalized(p0 + k * p1, q0 + k * q1);
    const bound2 = normalized(p1, q1);
    const distance = (b: Fraction) => {
      const diff = sub(b, this);
      return normalized(diff.n < 0n ? -diff.n : diff.n, diff.d);
    };
    return lessOrEqual(distance(bound2), distance(bound1)) ? bound2 : bound1;
  }

  /** `round(f)` to the nearest int, ties to even; `round(f, k)` a Fraction. */
  round(ndigits: PyValue, ctx: HostContext): PyValue {
    if (ndigits === null) {
      const floor = floorDiv(this.n, this.d);
      const twice = 2n * (this.n - floor * this.d);
      if (twice < this.d) return floor;
      if (twice > this.d) return floor + 1n;
      return floor % 2n === 0n ? floor : floor + 1n;
    }
    const k = toIndex(ndigits, ctx);
    const shift = 10n ** (k < 0n ? -k : k);
    if (k > 0n) return normalized(new Fraction(this.n * shift, this.d).round(null, ctx) as bigint, shift);
    return normalized((normalized(this.n, this.d * shift).round(null, ctx) as bigint) * shift, 1n);
  }

  override unary(op: UnaryOp): PyValue {
    if (op === '-') return new Fraction(-this.n, this.d);
    if (op === '+') return this;
    throw pyError('TypeError', "bad operand type for unary ~: 'Fraction'");
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    const o = rational(other);
    if (o === null) {
      // With a float (or complex) the operation is the float's, as _operator_fallbacks does it.
      if (typeof other !== 'number' && !(other instanceof PyComplex)) return NOT_IMPLEMENTED;
      if (op === '**' && !reflected) return binary('**', this.float(ctx), other, ctx);
      const me = this.float(ctx);
      return reflected ? binary(op, other, me, ctx) : binary(op, me, other, ctx);
    }
    const [a, b] = reflected ? [o, this as Fraction] : [this as Fraction, o];
    switch (op) {
      case '+':
        return add(a, b);
      case '-':
        return sub(a, b);
      case '*':
        return normalized(a.n * b.n, a.d * b.d);
      case '/':
        return divide(a, b);
      case '//':
        return binary('//', a.n * b.d, a.d * b.n, ctx);
      case '%':
        return rational(binary('%', a.n * b.d, b.n * a.d, ctx))!.over(a.d * b.d);
      case '**':
        return power(a, b, reflected ? other : null, ctx);
      default:
        return NOT_IMPLEMENTED;
    }
  }

  /** This Fraction divided by the int `d` (normalized). */
  over(d: bigint): Fraction {
    return normalized(this.n, this.d * d);
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (typeof other === 'number' && !Number.isFinite(other)) return compare(op, 0, other, ctx);
    const o = typeof other === 'number' ? exactFloat(other) : rational(other);
    if (o === null) {
      if (other instanceof PyComplex && (op === '==' || op === '!=')) {
        const equal = other.im === 0 && this.compare('==', other.re, ctx) === true;
        return op === '==' ? equal : !equal;
      }
      return NOT_IMPLEMENTED;
    }
    return compare(op, this.n * o.d, this.d * o.n, ctx);
  }
}

function normalized(n: bigint, d: bigint): Fraction {
  if (d === 0n) throw pyError('ZeroDivisionError', `Fraction(${n}, 0)`);
  let g = gcd(n, d);
  if (d < 0n) g = -g;
  return new Fraction(n / g, d / g);
}

const add = (a: Fraction, b: Fraction) => normalized(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Fraction, b: Fraction) => normalized(a.n * b.d - b.n * a.d, a.d * b.d);
const lessOrEqual = (a: Fraction, b: Fraction) => a.n * b.d <= b.n * a.d;

/** `a / b` as _div computes it: the cancelled numerator in the ZeroDivisionError's text. */
function divide(a: Fraction, b: Fraction): Fraction {
  let [na, da, nb, db] = [a.n, a.d, b.n, b.d];
  const g1 = gcd(na, nb);
  if (g1 > 1n) [na, nb] = [na / g1, nb / g1];
  const g2 = gcd(db, da);
  if (g2 > 1n) [da, db] = [da / g2, db / g2];
  let [n, d] = [na * db, nb * da];
  if (d < 0n) [n, d] = [-n, -d];
  if (d === 0n) throw pyError('ZeroDivisionError', `Fraction(${n}, 0)`);
  return new Fraction(n, d);
}

/** `a ** b` (`reflectedFrom`: the int the script wrote on the left, for __rpow__'s int result). */
function power(a: Fraction, b: Fraction, reflectedFrom: PyValue, ctx: HostContext): PyValue {
  if (reflectedFrom !== null && b.d === 1n && b.n >= 0n) return binary('**', reflectedFrom, b.n, ctx);
  if (b.d !== 1n) return binary('**', a.float(ctx), b.float(ctx), ctx);
  const p = b.n;
  if (p >= 0n) return new Fraction(a.n ** p, a.d ** p);
  if (a.n === 0n) throw pyError('ZeroDivisionError', `Fraction(${a.d ** -p}, 0)`);
  return a.n > 0n ? new Fraction(a.d ** -p, a.n ** -p) : new Fraction((-a.d) ** -p, (-a.n) ** -p);
}

/** An int (bool, IntEnum member) or a Fraction as a Fraction; null for anything else. */
function rational(v: PyValue): Fraction | null {
  if (v instanceof Fraction) return v;
  if (v instanceof PyInstance && typeof v.standsFor === 'bigint') return new Fraction(v.standsFor, 1n);
  if (typeof v === 'bigint') return new Fraction(v, 1n);
  if (typeof v === 'boolean') return new Fraction(v ? 1n : 0n, 1n);
  return null;
}

/** A finite float's exact value. */
function exactFloat(x: number): Fraction | null {
  if (!Number.isFinite(x)) return null;
  const { mantissa, exponent: e } = floatParts(x);
  const n = x < 0 ? -mantissa : mantissa;
  return e >= 0 ? new Fraction(n << BigInt(e), 1n) : normalized(n, 1n << BigInt(-e));
}

/** A float's exact value, with float.as_integer_ratio's errors for NaN and infinities. */
function fromFloatValue(x: number, ctx: HostContext): Fraction {
  const exact = exactFloat(x);
  if (exact) return exact;
  ctx.call(getattr(x, 'as_integer_ratio', ctx), []);
  throw pyError('ValueError', 'cannot convert NaN to integer ratio');
}

const RATIONAL_FORMAT = /^\s*([-+]?)(?=\d|\.\d)(\d*|\d+(?:_\d+)*)(?:(?:\/(\d+(?:_\d+)*))?|(?:\.(\d*|\d+(?:_\d+)*))?(?:[eE]([-+]?\d+(?:_\d+)*))?)\s*$/;

function fromString(text: string, ctx: HostContext): Fraction {
  const m = RATIONAL_FORMAT.exec(text);
  if (!m) throw pyError('ValueError', `Invalid literal for Fraction: ${ctx.repr(text)}`);
  const [, sign, num, denom, decimal, exp] = m;
  const digits = (s: string) => BigInt(s.replace(/_/g, ''));
  let n = num ? digits(num) : 0n;
  let d = 1n;
  if (denom) d = digits(denom);
  else {
    if (decimal) {
      const scale = 10n ** BigInt(decimal.replace(/_/g, '').length);
      n = n * scale + digits(decimal);
      d *= scale;
    }
    if (exp) {
      const e = digits(exp);
      if (e >= 0n) n *= 10n ** e;
      else d *= 10n ** -e;
    }
  }
  if (sign === '-') n = -n;
  return normalized(n, d);
}

function construct(numerator: PyValue, denominator: PyValue, ctx: HostContext): Fraction {
  if (denominator === null) {
    const r = rational(numerator);
    if (r) return r;
    if (typeof numerator === 'number') return fromFloatValue(numerator, ctx);
    if (typeof numerator === 'string') return fromString(numerator, ctx);
    throw pyError('TypeError', 'argument should be a string or a Rational instance');
  }
  const a = rational(numerator);
  const b = rational(denominator);
  if (!a || !b) throw pyError('TypeError', 'both arguments should be Rational instances');
  const [n, d] = [a.n * b.d, b.n * a.d];
  if (d === 0n) throw pyError('ZeroDivisionError', `Fraction(${n}, 0)`);
  return normalized(n, d);
}

/** `Fraction.from_float(x)`: a float exactly; an int as Fraction(int). */
const fromFloat = pyFunction('from_float', (args, kwargs, ctx) => {
  const f = bindArgs('from_float', ['f'], args, kwargs, ctx).required('f');
  if (typeof f === 'bigint') return new Fraction(f, 1n);
  if (typeof f !== 'number') throw pyError('TypeError', `Fraction.from_float() only takes floats, not ${ctx.repr(f)} (${typeOf(f).name})`);
  return fromFloatValue(f, ctx);
});

Fraction.type.attrs.set('from_float', new StaticMethod(fromFloat));
Fraction.type.attrs.set('from_decimal', new StaticMethod(pyFunction('from_decimal', () => {
  throw pyError('NotImplementedError', 'Fraction.from_decimal is not supported by Gradlens (it has no decimal module): use Fraction(str(d))');
})));

export const fractionsModule: ModuleShim = {
  exports: ['Fraction'],
  create() {
    return new PyModule('fractions', new Map<string, PyValue>([['Fraction', Fraction.type]]));
  },
};
