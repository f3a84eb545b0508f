/**
 * `datetime.date`, `datetime.datetime`, `datetime.time` and `datetime.timezone` as CPython 3.11's C
 * implementation prints and compares them. The sandbox's local time is UTC (as time.ts's): naive
 * values are read as UTC where CPython reads them as local time (`timestamp()`, `astimezone()`),
 * and the local zone is `timezone(timedelta(0), 'UTC')`, as CPython's with TZ=UTC. The only tzinfo
 * is `timezone` (fixed offsets): a `tzinfo` subclass of the script's is refused where it is given.
 */
import {
  bindArgs,
  type BinaryOp,
  compare,
  type CompareOp,
  type HostContext,
  HostObject,
  type Kwargs,
  NOT_IMPLEMENTED,
  PyBuiltin,
  pyError,
  PyTuple,
  PyType,
  type PyValue,
  toIndex,
  typeName,
} from '../interpreter';
import { clock, dayOfYear, isoCalendar, daysInMonth, formatOffset, isoDate, isoTime, MAX_ORDINAL, MAX_YEAR, MIN_YEAR, ordinalToYmd, weekday, ymdToOrdinal } from './datetime_calendar';
import { floorDiv, floorMod, Timedelta, US_PER_DAY, US_PER_SECOND } from './datetime_timedelta';
import { makeNamedTuple } from './namedtuple';
import { StructTime, strftime } from './time_calendar';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A type of the datetime module, named `datetime.X` in C's messages as CPython's are. */
function datetimeType(name: string, construct: (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue, bases: PyType[] = []): PyType {
  return new PyType(name, { module: 'datetime', nativeName: `datetime.${name}`, construct, bases });
}

function inRange(v: PyValue, name: string, lo: number, hi: number, ctx: HostContext): number {
  const n = Number(toIndex(v, ctx));
  if (n < lo || n > hi) throw pyError('ValueError', `${name} must be in ${lo}..${hi}`);
  return n;
}

/** The ordinal of a year, month and day, with CPython's messages for each one out of range. */
export function checkedOrdinal(year: PyValue, month: PyValue, day: PyValue, ctx: HostContext): number {
  const y = Number(toIndex(year, ctx));
  if (y < MIN_YEAR || y > MAX_YEAR) throw pyError('ValueError', `year ${y} is out of range`);
  const m = inRange(month, 'month', 1, 12, ctx);
  const d = Number(toIndex(day, ctx));
  if (d < 1 || d > daysInMonth(y, m)) throw pyError('ValueError', 'day is out of range for month');
  return ymdToOrdinal(y, m, d);
}

/** A time of day in microseconds from hour, minute, second and microsecond. */
export function checkedDayUs(hour: PyValue, minute: PyValue, second: PyValue, micro: PyValue, ctx: HostContext): bigint {
  const h = inRange(hour, 'hour', 0, 23, ctx);
  const m = inRange(minute, 'minute', 0, 59, ctx);
  const s = inRange(second, 'second', 0, 59, ctx);
  const us = inRange(micro, 'microsecond', 0, 999999, ctx);
  return BigInt((h * 60 + m) * 60 + s) * US_PER_SECOND + BigInt(us);
}

function checkedZone(v: PyValue | undefined): Timezone | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Timezone) return v;
  if (v instanceof HostObject || typeof v !== 'object') throw pyError('TypeError', `tzinfo argument must be None or of a tzinfo subclass, not type '${typeName(v)}'`);
  throw pyError('NotImplementedError', 'Gradlens datetime takes only datetime.timezone offsets as tzinfo (timezone.utc, timezone(timedelta(hours=...))); a tzinfo subclass is not supported');
}

const unorderable = (a: string, b: string) => pyError('TypeError', `can't compare ${a} to ${b}`);

/** == and != of values of different kinds: unequal; the orderings NotImplemented. */
function unlike(op: CompareOp): PyValue {
  if (op === '==') return false;
  if (op === '!=') return true;
  return NOT_IMPLEMENTED;
}

function method(owner: HostObject, name: string, fn: (args: PyValue[], kwargs: Kwargs) => PyValue): PyBuiltin {
  return new PyBuiltin(name, (args, kwargs) => fn(args, kwargs), owner);
}

/** datetime's strftime: %f, %z and %Z filled in first (as CPython's wrap_strftime), the rest by C's strftime. */
function formatTime(format: string, fields: readonly number[], micro: number, zone: Timezone | null, at: DateTimeValue | null): string {
  let filled = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%' || i + 1 === format.length) {
      filled += c;
      continue;
    }
    const d = format[++i];
    if (d === 'f') filled += String(micro).padStart(6, '0');
    else if (d === 'z') filled += zone ? formatOffset(zone.offset, '') : '';
    else if (d === 'Z') filled += zone ? zone.tzname(at).replace(/%/g, '%%') : '';
    else filled += `%${d}`;
  }
  return strftime(filled, fields, '');
}

/** The abstract base of time zones: `isinstance(timezone.utc, tzinfo)`. */
export const TZINFO_TYPE = new PyType('tzinfo', { module: 'datetime', nativeName: 'datetime.tzinfo' });

export class Timezone extends HostObject {
  static readonly type: PyType = datetimeType('timezone', (args, kwargs, ctx) => {
    const a = bindArgs('timezone', ['offset', 'name?'], args, kwargs, ctx);
    const offset = a.required('offset');
    if (!(offset instanceof Timedelta)) throw pyError('TypeError', `timezone() argument 1 must be datetime.timedelta, not ${typeName(offset)}`);
    const name = a.get('name');
    if (name !== undefined && typeof name !== 'string') throw pyError('TypeError', `timezone() argument 2 must be str, not ${typeName(name)}`);
    if (offset.us <= -US_PER_DAY || offset.us >= US_PER_DAY) {
      throw pyError('ValueError', `offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not ${offset.repr()}.`);
    }
    return name === undefined && offset.us === 0n ? UTC : new Timezone(offset, name ?? null);
  }, [TZINFO_TYPE]);

  constructor(
    readonly offset: Timedelta,
    readonly name: string | null,
  ) {
    super();
  }

  get pyType(): PyType {
    return Timezone.type;
  }

  tzname(_at: DateTimeValue | null): string {
    if (this.name !== null) return this.name;
    return this.offset.us === 0n ? 'UTC' : `UTC${formatOffset(this.offset, ':')}`;
  }

  override repr(ctx: HostContext): string {
    if (this === UTC) return 'datetime.timezone.utc';
    return `datetime.timezone(${this.offset.repr()}${this.name === null ? '' : `, ${ctx.repr(this.name)}`})`;
  }

  override str(): string {
    return this.tzname(null);
  }

  override valueKey(): string {
    return `tz${this.offset.us}`;
  }

  override hashValue(ctx: HostContext): bigint {
    return this.offset.hashValue(ctx);
  }

  override compare(op: CompareOp, other: PyValue): PyValue {
    if (!(other instanceof Timezone) || (op !== '==' && op !== '!=')) return unlike(op);
    return (other.offset.us === this.offset.us) === (op === '==');
  }

  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'utcoffset':
        return method(this, name, () => this.offset);
      case 'dst':
        return method(this, name, () => null);
      case 'tzname':
        return method(this, name, (args) => this.tzname(args[0] instanceof DateTimeValue ? args[0] : null));
      case 'fromutc':
        return method(this, name, (args) => {
          const dt = args[0];
          if (!(dt instanceof DateTimeValue) || dt.zone !== this) throw pyError('ValueError', 'fromutc: dt.tzinfo is not self');
          return dt.shifted(this.offset.us);
        });
      default:
        return undefined;
    }
  }
}

export const UTC = new Timezone(new Timedelta(0n), null);
/** The sandbox's local zone, as `astimezone()` gives it under TZ=UTC. */
export const LOCAL_ZONE = new Timezone(new Timedelta(0n), 'UTC');

export class DateValue extends HostObject {
  static readonly type: PyType = datetimeType('date', (args, kwargs, ctx) => {
    const a = bindArgs('date', ['year', 'month', 'day'], args, kwargs, ctx);
    return new DateValue(checkedOrdinal(a.required('year'), a.required('month'), a.required('day'), ctx));
  });

  constructor(readonly ordinal: number) {
    super();
    if (ordinal < 1 || ordinal > MAX_ORDINAL) throw pyError('OverflowError', 'date value out of range');
  }

  get pyType(): PyType {
    return DateValue.type;
  }

  override repr(): string {
    const [y, m, d] = ordinalToYmd(this.ordinal);
    return `datetime.date(${y}, ${m}, ${d})`;
  }

  override str(): string {
    return isoDate(this.ordinal);
  }

  override format(spec: string): string {
    return spec === '' ? this.str() : this.strftime(spec);
  }

  strftime(format: string): string {
    return formatTime(format, calendarFields(this.ordinal, 0n), 0, null, null);
  }

  override valueKey(): string {
    return `date${this.ordinal}`;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const [y, m, d] = ordinalToYmd(this.ordinal);
    switch (name) {
      case 'year':
        return BigInt(y);
      case 'month':
        return BigInt(m);
      case 'day':
        return BigInt(d);
      case 'replace':
        return method(this, name, (args, kwargs) => {
          const a = bindArgs('replace', ['year?', 'month?', 'day?'], args, kwargs, ctx);
          return new DateValue(checkedOrdinal(a.get('year') ?? BigInt(y), a.get('month') ?? BigInt(m), a.get('day') ?? BigInt(d), ctx));
        });
      case 'timetuple':
        return method(this, name, () => new StructTime(calendarFields(this.ordinal, 0n), null));
      default:
        return dateMethod(this, this.ordinal, name, ctx);
    }
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean): PyValue {
    if (other instanceof Timedelta && (op === '+' || (op === '-' && !reflected))) {
      const days = Number(other.days);
      return new DateValue(this.ordinal + (op === '+' ? days : -days));
    }
    if (op === '-' && !reflected && other instanceof DateValue) return new Timedelta(BigInt(this.ordinal - other.ordinal) * US_PER_DAY);
    return NOT_IMPLEMENTED;
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (other instanceof DateTimeValue) {
      if (op === '==' || op === '!=') return unlike(op);
      throw unorderable('datetime.datetime', 'datetime.date');
    }
    if (!(other instanceof DateValue)) return unlike(op);
    return compare(op, this.ordinal, other.ordinal, ctx);
  }
}

/** The 9 fields of time.struct_time for a day and time of day (isdst -1, as datetime's timetuple). */
function calendarFields(ordinal: number, dayUs: bigint): number[] {
  const [y, m, d] = ordinalToYmd(ordinal);
  const [h, mi, s] = clock(dayUs);
  return [y, m, d, h, mi, s, weekday(ordinal), dayOfYear(y, m, d), -1];
}

/** What a date and a datetime both have: the calendar of its day. */
function dateMethod(self: HostObject, ordinal: number, name: string, ctx: HostContext): PyValue | undefined {
  switch (name) {
    case 'weekday':
      return method(self, name, () => BigInt(weekday(ordinal)));
    case 'isoweekday':
      return method(self, name, () => BigInt(weekday(ordinal) + 1));
    case 'toordinal':
      return method(self, name, () => BigInt(ordinal));
    case 'isocalendar':
      return method(self, name, () => isoCalendarDate(ordinal, ctx));
    case 'isoformat':
      if (self instanceof DateValue) return method(self, name, () => isoDate(ordinal));
      return undefined;
    case 'strftime':
      return method(self, name, (args, kwargs) => {
        const format = bindArgs('strftime', ['format'], args, kwargs, ctx).str('format');
        return (self as DateValue | DateTimeValue).strftime(format);
      });
    case 'ctime':
      return method(self, name, () => {
        const [y, m, d] = ordinalToYmd(ordinal);
        const [h, mi, s] = self instanceof DateTimeValue ? clock(self.dayUs) : [0, 0, 0];
        return `${DAYS[weekday(ordinal)]} ${MONTHS[m - 1]} ${String(d).padStart(2)} ${[h, mi, s].map((x) => String(x).padStart(2, '0')).join(':')} ${pad4(y)}`;
      });
    default:
      return undefined;
  }
}

const pad4 = (y: number) => String(y).padStart(4, '0');

const ISO_CALENDAR_DATE = {};

/** `date.isocalendar()`: a named tuple (year, week, weekday) that prints as CPython's `datetime.IsoCalendarDate(...)`. */
function isoCalendarDate(ordinal: number, ctx: HostContext): PyValue {
  const cls = ctx.state(ISO_CALENDAR_DATE, () => {
    const fields = ['year', 'week', 'weekday'];
    const t = makeNamedTuple('IsoCalendarDate', fields, [], new Map(), ctx);
    t.attrs.set('__repr__', new PyBuiltin('__repr__', (args) => {
      const items = (args[0] as PyTuple).items;
      return `datetime.IsoCalendarDate(${fields.map((f, i) => `${f}=${items[i]}`).join(', ')})`;
    }));
    return t;
  });
  return ctx.call(cls, isoCalendar(ordinal).map(BigInt));
}

export class TimeValue extends HostObject {
  static readonly type: PyType = datetimeType('time', (args, kwargs, ctx) => {
    const a = bindArgs('time', ['hour?', 'minute?', 'second?', 'microsecond?', 'tzinfo?', '*', 'fold?'], args, kwargs, ctx);
    const dayUs = checkedDayUs(a.get('hour') ?? 0n, a.get('minute') ?? 0n, a.get('second') ?? 0n, a.get('microsecond') ?? 0n, ctx);
    return new TimeValue(dayUs, checkedZone(a.get('tzinfo')), inRange(a.get('fold') ?? 0n, 'fold', 0, 1, ctx));
  });

  constructor(
    readonly dayUs: bigint,
    readonly zone: Timezone | null,
    readonly fold = 0,
  ) {
    super();
  }

  get pyType(): PyType {
    return TimeValue.type;
  }

  isoformat(timespec: string): string {
    return isoTime(this.dayUs, timespec) + (this.zone ? formatOffset(this.zone.offset, ':') : '');
  }

  override repr(ctx: HostContext): string {
    const [h, m, s, us] = clock(this.dayUs);
    const fields = us ? [h, m, s, us] : s ? [h, m, s] : [h, m];
    return `datetime.time(${fields.join(', ')}${this.fold ? ', fold=1' : ''}${this.zone ? `, tzinfo=${this.zone.repr(ctx)}` : ''})`;
  }

  override str(): string {
    return this.isoformat('auto');
  }

  override format(spec: string): string {
    return spec === '' ? this.str() : this.strftime(spec);
  }

  strftime(format: string): string {
    const [h, m, s, us] = clock(this.dayUs);
    return formatTime(format, [1900, 1, 1, h, m, s, 0, 1, -1], us, this.zone, null);
  }

  private get utcUs(): bigint {
    return this.dayUs - (this.zone?.offset.us ?? 0n);
  }

  override valueKey(): string {
    return this.zone ? `timeA${this.utcUs}` : `time${this.dayUs}`;
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (!(other instanceof TimeValue)) return unlike(op);
    if (!this.zone !== !other.zone) {
      if (op === '==' || op === '!=') return unlike(op);
      throw pyError('TypeError', "can't compare offset-naive and offset-aware times");
    }
    return compare(op, this.utcUs, other.utcUs, ctx);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const field = clockField(this.dayUs, name, this.zone, this.fold);
    if (field !== undefined) return field;
    switch (name) {
      case 'isoformat':
        return method(this, name, (args, kwargs) => this.isoformat(bindArgs('isoformat', ['timespec?'], args, kwargs, ctx).str('timespec', 'auto')));
      case 'strftime':
        return method(this, name, (args, kwargs) => this.strftime(bindArgs('strftime', ['format'], args, kwargs, ctx).str('format')));
      case 'utcoffset':
        return method(this, name, () => this.zone?.offset ?? null);
      case 'tzname':
        return method(this, name, () => this.zone?.tzname(null) ?? null);
      case 'dst':
        return method(this, name, () => null);
      case 'replace':
        return method(this, name, (args, kwargs) => {
          const [h, m, s, us] = clock(this.dayUs);
          const a = bindArgs('replace', ['hour?', 'minute?', 'second?', 'microsecond?', 'tzinfo?', '*', 'fold?'], args, kwargs, ctx);
          const dayUs = checkedDayUs(a.get('hour') ?? BigInt(h), a.get('minute') ?? BigInt(m), a.get('second') ?? BigInt(s), a.get('microsecond') ?? BigInt(us), ctx);
          const zone = a.get('tzinfo');
          return new TimeValue(dayUs, zone === undefined ? this.zone : checkedZone(zone), inRange(a.get('fold') ?? BigInt(this.fold), 'fold', 0, 1, ctx));
        });
      default:
        return undefined;
    }
  }
}

function clockField(dayUs: bigint, name: string, zone: Timezone | null, fold: number): PyValue | undefined {
  const [h, m, s, us] = clock(dayUs);
  switch (name) {
    case 'hour':
      return BigInt(h);
    case 'minute':
      return BigInt(m);
    case 'second':
      return BigInt(s);
    case 'microsecond':
      return BigInt(us);
    case 'tzinfo':
      return zone;
    case 'fold':
      return BigInt(fold);
    default:
      return undefined;
  }
}

/** Microseconds from 0001-01-01T00:00 to the Unix epoch. */
export const EPOCH_US = BigInt(ymdToOrdinal(1970, 1, 1) - 1) * US_PER_DAY;

export class DateTimeValue extends HostObject {
  static readonly type: PyType = datetimeType(
    'datetime',
    (args, kwargs, ctx) => {
      const a = bindArgs('datetime', ['year', 'month', 'day', 'hour?', 'minute?', 'second?', 'microsecond?', 'tzinfo?', '*', 'fold?'], args, kwargs, ctx);
      const ordinal = checkedOrdinal(a.required('year'), a.required('month'), a.required('day'), ctx);
      const dayUs = checkedDayUs(a.get('hour') ?? 0n, a.get('minute') ?? 0n, a.get('second') ?? 0n, a.get('microsecond') ?? 0n, ctx);
      return DateTimeValue.at(ordinal, dayUs, checkedZone(a.get('tzinfo')), inRange(a.get('fold') ?? 0n, 'fold', 0, 1, ctx));
    },
    [DateValue.type],
  );

  /**
   * `local`: microseconds from 0001-01-01T00:00 to this wall time, in its own zone (`zone`'s, or
   * none for a naive datetime).
   */
  constructor(
    readonly local: bigint,
    readonly zone: Timezone | null,
    readonly fold = 0,
  ) {
    super();
    if (local < 0n || local >= BigInt(MAX_ORDINAL) * US_PER_DAY) throw pyError('OverflowError', 'date value out of range');
  }

  static at(ordinal: number, dayUs: bigint, zone: Timezone | null, fold = 0): DateTimeValue {
    return new DateTimeValue(BigInt(ordinal - 1) * US_PER_DAY + dayUs, zone, fold);
  }

  get pyType(): PyType {
    return DateTimeValue.type;
  }

  get ordinal(): number {
    return Number(floorDiv(this.local, US_PER_DAY)) + 1;
  }

  get dayUs(): bigint {
    return floorMod(this.local, US_PER_DAY);
  }

  /** Microseconds from 0001-01-01T00:00 UTC (a naive datetime's wall time taken as UTC, the sandbox's local time). */
  get utc(): bigint {
    return this.local - (this.zone?.offset.us ?? 0n);
  }

  /** The same zone, `us` later. */
  shifted(us: bigint): DateTimeValue {
    return new DateTimeValue(this.local + us, this.zone);
  }

  isoformat(sep: string, timespec: string): string {
    return `${isoDate(this.ordinal)}${sep}${isoTime(this.dayUs, timespec)}${this.zone ? formatOffset(this.zone.offset, ':') : ''}`;
  }

  override repr(ctx: HostContext): string {
    const [y, mo, d] = ordinalToYmd(this.ordinal);
    const [h, mi, s, us] = clock(this.dayUs);
    const fields = us ? [h, mi, s, us] : s ? [h, mi, s] : [h, mi];
    return `datetime.datetime(${[y, mo, d, ...fields].join(', ')}${this.fold ? ', fold=1' : ''}${this.zone ? `, tzinfo=${this.zone.repr(ctx)}` : ''})`;
  }

  override str(): string {
    return this.isoformat(' ', 'auto');
  }

  override format(spec: string): string {
    return spec === '' ? this.str() : this.strftime(spec);
  }

  strftime(format: string): string {
    return formatTime(format, calendarFields(this.ordinal, this.dayUs), clock(this.dayUs)[3], this.zone, this);
  }

  override valueKey(): string {
    return this.zone ? `dtA${this.utc}` : `dt${this.local}`;
  }

  /** Seconds since the epoch, as CPython's timestamp(): exact for an aware one, in float steps for a naive one. */
  timestamp(): number {
    if (this.zone) return Number(this.utc - EPOCH_US) / 1e6;
    const us = this.local - EPOCH_US;
    return Number(floorDiv(us, US_PER_SECOND)) + Number(floorMod(us, US_PER_SECOND)) / 1e6;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const field = clockField(this.dayUs, name, this.zone, this.fold);
    if (field !== undefined) return field;
    const [y, m, d] = ordinalToYmd(this.ordinal);
    switch (name) {
      case 'year':
        return BigInt(y);
      case 'month':
        return BigInt(m);
      case 'day':
        return BigInt(d);
      case 'date':
        return method(this, name, () => new DateValue(this.ordinal));
      case 'time':
        return method(this, name, () => new TimeValue(this.dayUs, null, this.fold));
      case 'timetz':
        return method(this, name, () => new TimeValue(this.dayUs, this.zone, this.fold));
      case 'utcoffset':
        return method(this, name, () => this.zone?.offset ?? null);
      case 'tzname':
        return method(this, name, () => this.zone?.tzname(this) ?? null);
      case 'dst':
        return method(this, name, () => null);
      case 'timestamp':
        return method(this, name, () => this.timestamp());
      case 'timetuple':
        return method(this, name, () => new StructTime(calendarFields(this.ordinal, this.dayUs), null));
      case 'isoformat':
        return method(this, name, (args, kwargs) => {
          const a = bindArgs('isoformat', ['sep?', 'timespec?'], args, kwargs, ctx);
          const sep = a.str('sep', 'T');
          if ([...sep].length !== 1) throw pyError('TypeError', `isoformat() argument 1 must be a unicode character, not str`);
          return this.isoformat(sep, a.str('timespec', 'auto'));
        });
      case 'astimezone':
        return method(this, name, (args, kwargs) => {
          const tz = bindArgs('astimezone', ['tz?'], args, kwargs, ctx).get('tz');
          const zone = tz === undefined || tz === null ? LOCAL_ZONE : checkedZone(tz)!;
          return new DateTimeValue(this.utc + zone.offset.us, zone);
        });
      case 'replace':
        return method(this, name, (args, kwargs) => {
          const [h, mi, s, us] = clock(this.dayUs);
          const a = bindArgs('replace', ['year?', 'month?', 'day?', 'hour?', 'minute?', 'second?', 'microsecond?', 'tzinfo?', '*', 'fold?'], args, kwargs, ctx);
          const ordinal = checkedOrdinal(a.get('year') ?? BigInt(y), a.get('month') ?? BigInt(m), a.get('day') ?? BigInt(d), ctx);
          const dayUs = checkedDayUs(a.get('hour') ?? BigInt(h), a.get('minute') ?? BigInt(mi), a.get('second') ?? BigInt(s), a.get('microsecond') ?? BigInt(us), ctx);
          const zone = a.get('tzinfo');
          return DateTimeValue.at(ordinal, dayUs, zone === undefined ? this.zone : checkedZone(zone), inRange(a.get('fold') ?? BigInt(this.fold), 'fold', 0, 1, ctx));
        });
      default:
        return dateMethod(this, this.ordinal, name, ctx);
    }
  }

  override binary(op: BinaryOp, other: PyValue, reflected: boolean): PyValue {
    if (other instanceof Timedelta && (op === '+' || (op === '-' && !reflected))) return this.shifted(op === '+' ? other.us : -other.us);
    if (op === '-' && !reflected && other instanceof DateTimeValue) {
      if (!this.zone !== !other.zone) throw pyError('TypeError', "can't subtract offset-naive and offset-aware datetimes");
      return new Timedelta(this.utc - other.utc);
    }
    return NOT_IMPLEMENTED;
  }

  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if (!(other instanceof DateTimeValue)) {
      if (!(other instanceof DateValue) || op === '==' || op === '!=') return unlike(op);
      throw unorderable('datetime.datetime', 'datetime.date');
    }
    if (!this.zone !== !other.zone) {
      if (op === '==' || op === '!=') return unlike(op);
      throw pyError('TypeError', "can't compare offset-naive and offset-aware datetimes");
    }
    return compare(op, this.utc, other.utc, ctx);
  }
}
