/**
 * `datetime.timedelta` as CPython 3.11's C implementation: a whole number of microseconds, shown
 * as days, seconds (< 86400) and microseconds (< 10**6), days carrying the sign. Made from any mix
 * of ints and floats, summed exactly and rounded half to even to the microsecond, as CPython's
 * accumulation rounds; multiplied and divided by ints and floats through the float's exact ratio,
 * rounded half to even; divided by another timedelta to a float, `//` and `%` to an int and a
 * timedelta. str `1 day, 2:03:04.500000`, repr `datetime.timedelta(days=1, seconds=7384, microseconds=500000)`.
 */
import {
  binary,
  bindArgs,
  type BinaryOp,
  compare,
  type CompareOp,
  floatParts,
  type HostContext,
  HostObject,
  type Kwargs,
  NOT_IMPLEMENTED,
  PyBuiltin,
  pyError,
  pyHash,
  PyTuple,
  PyType,
  type PyValue,
  typeName,
  type UnaryOp,
} from '../interpreter';

export const US_PER_SECOND = 1_000_000n;
export const US_PER_DAY = 86_400n * US_PER_SECOND;
const MAX_DAYS = 999_999_999n;

/** Python's `a // b` on ints. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Python's `a % b` on ints (the sign of b). */
export const floorMod = (a: bigint, b: bigint): bigint => a - floorDiv(a, b) * b;

/** n / d rounded half to even (d > 0). */
export function roundHalfEven(n: bigint, d: bigint): bigint {
  const q = floorDiv(n, d);
  const twice = 2n * (n - q * d);
  if (twice > d || (twice === d && q % 2n !== 0n)) return q + 1n;
  return q;
}

/** A finite float's exact value as n / d, d a power of two; ValueError for NaN and infinities as int() gives it. */
export function floatRatio(x: number): [bigint, bigint] {
  if (Number.isNaN(x)) throw pyError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
  const { mantissa, exponent } = floatParts(x);
  const n = x < 0 ? -mantissa : mantissa;
  return exponent >= 0 ? [n << BigInt(exponent), 1n] : [n, 1n << BigInt(-exponent)];
}

/** The exact sum of `value * unit` over the parts, in microseconds rounded half to even. */
export function exactMicroseconds(parts: readonly (readonly [string, PyValue, bigint])[]): bigint {
  let [num, den] = [0n, 1n];
  for (const [name, value, unit] of parts) {
    let ratio: [bigint, bigint];
    if (typeof value === 'bigint') ratio = [value, 1n];
    else if (typeof value === 'boolean') ratio = [value ? 1n : 0n, 1n];
    else if (typeof value === 'number') ratio = floatRatio(value);
    else throw pyError('TypeError', `unsupported type for timedelta ${name} component: ${typeName(value)}`);
    const [n, d] = ratio;
    // Both denominators are powers of two: the larger is a multiple of the smaller.
    if (d > den) [num, den] = [num * (d / den), d];
    num += n * unit * (den / d);
  }
  return roundHalfEven(num, den);
}

const UNITS: readonly (readonly [string, bigint])[] = [
  ['days', US_PER_DAY],
  ['seconds', US_PER_SECOND],
  ['microseconds', 1n],
  ['milliseconds', 1000n],
  ['minutes', 60n * US_PER_SECOND],
  ['hours', 3600n * US_PER_SECOND],
  ['weeks', 7n * US_PER_DAY],
];

export class Timedelta extends HostObject {
  static readonly type: PyType = new PyType('timedelta', { module: 'datetime', nativeName: 'datetime.timedelta', construct: (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => {
    const a = bindArgs('timedelta', UNITS.map(([name]) => `${name}?`), args, kwargs, ctx);
    const parts = UNITS.flatMap(([name, unit]) => {
      const v = a.get(name);
      return v === undefined ? [] : [[name, v, unit] as const];
    });
    return new Timedelta(exactMicroseconds(parts));
  } });

  constructor(readonly us: bigint) {
    super();
    const days = floorDiv(us, US_PER_DAY);
    // CPython converts the days to a C int before it checks their range.
    if (days !== BigInt.asIntN(32, days)) throw pyError('OverflowError', 'Python int too large to convert to C int');
    if (days > MAX_DAYS || days < -MAX_DAYS) throw pyError('OverflowError', `days=${days}; must have magnitude <= ${MAX_DAYS}`);
  }

  get pyType(): PyType {
    return Timedelta.type;
  }

  get days(): bigint {
    return floorDiv(this.us, US_PER_DAY);
  }

  get seconds(): bigint {
    return floorDiv(floorMod(this.us, US_PER_DAY), US_PER_SECOND);
  }

  get microseconds(): bigint {
    return floorMod(this.us, US_PER_SECOND);
  }

  override repr(): string {
    const fields = [
      ['days', this.days],
      ['seconds', this.seconds],
      ['microseconds', this.microseconds],
    ].filter(([, v]) => v !== 0n);
    return `datetime.timedelta(${fields.length ? fields.map(([k, v]) => `${k}=${v}`).join(', ') : '0'})`;
  }

  override str(): string {
    const s = Number(this.seconds);
    const two = (n: number) => String(n).padStart(2, '0');
    let text = `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
    if (this.microseconds) text += `.${String(this.microseconds).padStart(6, '0')}`;
    const days = this.days;
    return days ? `${days} day${days === 1n || days === -1n ? '' : 's'}, ${text}` : text;
  }

  override bool(): boolean {
    return this.us !== 0n;
  }

  override valueKey(): string {
    return `td${this.us}`;
  }

  /** CPython hashes a timedelta as the tuple (days, seconds, microseconds). */
  override hashValue(ctx: HostContext): bigint {
    return pyHash(new PyTuple([this.days, this.seconds, this.microseconds]), ctx);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    switch (name) {
      case 'days':
        return this.days;
      case 'seconds':
        return this.seconds;
      case 'microseconds':
        return this.microseconds;
      case 'total_seconds':
        return new PyBuiltin(name, () => binary('/', this.us, US_PER_SECOND, ctx), this);
      case '__abs__':
        return new PyBuiltin(name, () => (this.us < 0n ? new Timedelta(-this.us) : this), this);
      default:
        return TIMEDELTA_LIMITS.get(name);
    }
  }

  override unary(op: UnaryOp): PyValue {
    if (op === '-') return new Timedelta(-this.us);
    if (op === '+') return this;
    throw pyError('TypeError', "bad operand type for unary ~: 'datetime.timedelta'");
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    if (other instanceof Timedelta) {
      const [a, b] = reflected ? [other.us, this.us] : [this.us, other.us];
      switch (op) {
        case '+':
          return new Timedelta(a + b);
        case '-':
          return new Timedelta(a - b);
        case '/':
          return binary('/', a, b, ctx);
        case '//':
          if (b === 0n) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
          return floorDiv(a, b);
        case '%':
          if (b === 0n) throw pyError('ZeroDivisionError', 'integer modulo by zero');
          return new Timedelta(floorMod(a, b));
        default:
          return NOT_IMPLEMENTED;
      }
    }
    const ratio = typeof other === 'bigint' ? [other, 1n] : typeof other === 'boolean' ? [other ? 1n : 0n, 1n] : typeof other === 'number' ? floatRatio(other) : null;
    if (ratio === null) return NOT_IMPLEMENTED;
    const [n, d] = ratio;
    if (op === '*') return new Timedelta(roundHalfEven(this.us * n, d));
    if (reflected) return NOT_IMPLEMENTED;
    if (op === '/' || op === '//') {
      if (n === 0n) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
      if (op === '//') {
        if (typeof other === 'number') return NOT_IMPLEMENTED;
        return new Timedelta(floorDiv(this.us, n));
      }
      const [num, den] = n < 0n ? [-this.us * d, -n] : [this.us * d, n];
      return new Timedelta(roundHalfEven(num, den));
    }
    return NOT_IMPLEMENTED;
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (!(other instanceof Timedelta)) {
      if (op === '==') return false;
      if (op === '!=') return true;
      return NOT_IMPLEMENTED;
    }
    return compare(op, this.us, other.us, ctx);
  }
}

const TIMEDELTA_LIMITS = new Map<string, PyValue>([
  ['min', new Timedelta(-MAX_DAYS * US_PER_DAY)],
  ['max', new Timedelta((MAX_DAYS + 1n) * US_PER_DAY - 1n)],
  ['resolution', new Timedelta(1n)],
]);
for (const [name, v] of TIMEDELTA_LIMITS) Timedelta.type.attrs.set(name, v);
