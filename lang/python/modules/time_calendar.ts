/**
 * The calendar half of Python's `time`, in UTC (the sandbox has no time zone: `localtime` is
 * `gmtime` with the zone named UTC, as CPython prints it with TZ=UTC): `gmtime`, `localtime`,
 * `mktime`, `asctime`, `ctime`, `strftime` with glibc's directives, and `struct_time` (a
 * 9-tuple with `tm_*` attributes, `tm_zone` and `tm_gmtoff`).
 */
import {
  type HostContext,
  HostObject,
  hostType,
  type Kwargs,
  NOT_IMPLEMENTED,
  pyError,
  pyFunction,
  PyTuple,
  type PyType,
  type PyValue,
  toFloat,
  toIndex,
  typeName,
} from '../interpreter';

const FIELDS = ['tm_year', 'tm_mon', 'tm_mday', 'tm_hour', 'tm_min', 'tm_sec', 'tm_wday', 'tm_yday', 'tm_isdst'] as const;

export class StructTime extends HostObject {
  static readonly type: PyType = hostType('struct_time', 'time', (args, _kwargs, ctx) => {
    const items = args[0] instanceof PyTuple ? args[0].items : [];
    if (items.length < 9) throw pyError('TypeError', `time.struct_time() takes an at least 9-sequence (${items.length}-sequence given)`);
    return new StructTime(items.slice(0, 9).map((v) => Number(toIndex(v, ctx))), 'UTC');
  });

  constructor(
    readonly values: readonly number[],
    /** Null for one made from a tuple (`datetime.timetuple()`), whose tm_zone and tm_gmtoff are None. */
    readonly zone: string | null,
  ) {
    super();
  }

  get pyType(): PyType {
    return StructTime.type;
  }

  private tuple(): PyTuple {
    return new PyTuple(this.values.map((v) => BigInt(v)));
  }

  override getattr(name: string): PyValue | undefined {
    const i = (FIELDS as readonly string[]).indexOf(name);
    if (i >= 0) return BigInt(this.values[i]);
    if (name === 'tm_zone') return this.zone;
    if (name === 'tm_gmtoff') return this.zone === null ? null : 0n;
    return undefined;
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    return ctx.getitem(this.tuple(), index);
  }

  override len(): number {
    return 9;
  }

  override iter(): Iterable<PyValue> {
    return this.tuple().items;
  }

  override compare(op: '<' | '<=' | '>' | '>=' | '==' | '!=', other: PyValue): PyValue {
    const o = other instanceof StructTime ? other.values : other instanceof PyTuple ? null : undefined;
    if (o === undefined || o === null) return op === '==' ? false : op === '!=' ? true : NOT_IMPLEMENTED;
    const same = o.every((v, i) => v === this.values[i]);
    if (op === '==') return same;
    if (op === '!=') return !same;
    return NOT_IMPLEMENTED;
  }

  override repr(): string {
    return `time.struct_time(${FIELDS.map((f, i) => `${f}=${this.values[i]}`).join(', ')})`;
  }
}

/** The struct_time of `secs` seconds since the epoch, in UTC. */
function structTime(secs: number, zone: string): StructTime {
  if (!Number.isFinite(secs) || Math.abs(secs) > 8.64e15 / 1e3) throw pyError('OverflowError', 'timestamp out of range for platform time_t');
  const d = new Date(Math.floor(secs) * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - start) / 86_400_000) + 1;
  const wday = (d.getUTCDay() + 6) % 7;
  return new StructTime([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), wday, yday, 0], zone);
}

function secondsArg(args: PyValue[], name: string, ctx: HostContext): number {
  if (args.length > 1) throw pyError('TypeError', `${name}() takes at most 1 argument (${args.length} given)`);
  const v = args[0];
  return v === undefined || v === null ? Date.now() / 1e3 : toFloat(v, ctx);
}

/** A struct_time or 9-tuple argument as its 9 numbers. */
function timeTuple(v: PyValue | undefined, fname: string, ctx: HostContext): readonly number[] {
  if (v === undefined) return structTime(Date.now() / 1e3, 'UTC').values;
  if (v instanceof StructTime) return v.values;
  if (v instanceof PyTuple) {
    if (v.items.length !== 9) throw pyError('TypeError', `${fname}(): illegal time tuple argument`);
    return v.items.map((x) => Number(toIndex(x, ctx)));
  }
  throw pyError('TypeError', `Tuple or struct_time argument required`);
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);

/** ISO 8601 week-numbering year and week of a date (glibc's %G and %V). */
function isoWeek(year: number, yday: number, wday: number): [number, number] {
  const thursday = yday - 1 - wday + 3; // 0-based day of year of this week's Thursday
  const daysInYear = (y: number) => (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 366 : 365);
  if (thursday < 0) {
    const prev = year - 1;
    return [prev, Math.floor((thursday + daysInYear(prev)) / 7) + 1];
  }
  if (thursday >= daysInYear(year)) return [year + 1, 1];
  return [year, Math.floor(thursday / 7) + 1];
}

function asctime(t: readonly number[]): string {
  const [y, mon, mday, h, mi, s, wday] = t;
  return `${DAYS[wday].slice(0, 3)} ${MONTHS[mon - 1].slice(0, 3)} ${pad(mday, 2, ' ')} ${pad(h)}:${pad(mi)}:${pad(s)} ${y}`;
}

/** C's strftime in the C locale, the zone named `zone` and 0 hours from UTC (datetime.ts fills %z and %Z before it for its own zones). */
export function strftime(format: string, t: readonly number[], zone: string): string {
  const [y, mon, mday, h, mi, s, wday, yday] = t;
  const sundayWday = (wday + 1) % 7;
  const directive = (c: string): string | null => {
    switch (c) {
      case 'a': return DAYS[wday].slice(0, 3);
      case 'A': return DAYS[wday];
      case 'b': case 'h': return MONTHS[mon - 1].slice(0, 3);
      case 'B': return MONTHS[mon - 1];
      case 'c': return asctime(t);
      case 'C': return pad(Math.floor(y / 100));
      case 'd': return pad(mday);
      case 'D': return `${pad(mon)}/${pad(mday)}/${pad(y % 100)}`;
      case 'e': return pad(mday, 2, ' ');
      case 'F': return `${y}-${pad(mon)}-${pad(mday)}`;
      case 'G': return String(isoWeek(y, yday, wday)[0]);
      case 'g': return pad(isoWeek(y, yday, wday)[0] % 100);
      case 'H': return pad(h);
      case 'I': return pad(h % 12 === 0 ? 12 : h % 12);
      case 'j': return pad(yday, 3);
      case 'm': return pad(mon);
      case 'M': return pad(mi);
      case 'n': return '\n';
      case 'p': return h < 12 ? 'AM' : 'PM';
      case 'R': return `${pad(h)}:${pad(mi)}`;
      case 'S': return pad(s);
      case 't': return '\t';
      case 'T': return `${pad(h)}:${pad(mi)}:${pad(s)}`;
      case 'u': return String(wday + 1);
      case 'U': return pad(Math.floor((yday - 1 + 7 - sundayWday) / 7));
      case 'V': return pad(isoWeek(y, yday, wday)[1]);
      case 'w': return String(sundayWday);
      case 'W': return pad(Math.floor((yday - 1 + 7 - wday) / 7));
      case 'x': return `${pad(mon)}/${pad(mday)}/${pad(y % 100)}`;
      case 'X': return `${pad(h)}:${pad(mi)}:${pad(s)}`;
      case 'y': return pad(y % 100);
      case 'Y': return String(y);
      case 'z': return '+0000';
      case 'Z': return zone;
      case '%': return '%';
      default: return null;
    }
  };
  return format.replace(/%(.?)/gs, (whole, c: string) => directive(c) ?? whole);
}

/** time's calendar functions, for the module's table. */
export function calendarFunctions(): Map<string, PyValue> {
  const m = new Map<string, PyValue>();
  m.set('struct_time', StructTime.type);
  m.set('gmtime', pyFunction('gmtime', (args, _kw, ctx) => structTime(secondsArg(args, 'gmtime', ctx), 'GMT')));
  m.set('localtime', pyFunction('localtime', (args, _kw, ctx) => structTime(secondsArg(args, 'localtime', ctx), 'UTC')));
  m.set('mktime', pyFunction('mktime', (args, _kw, ctx) => {
    const [y, mon, mday, h, mi, s] = timeTuple(args[0], 'mktime', ctx);
    return Date.UTC(y, mon - 1, mday, h, mi, s) / 1e3;
  }));
  m.set('asctime', pyFunction('asctime', (args, _kw, ctx) => asctime(timeTuple(args[0], 'asctime', ctx))));
  m.set('ctime', pyFunction('ctime', (args, _kw, ctx) => asctime(structTime(secondsArg(args, 'ctime', ctx), 'UTC').values)));
  m.set('strftime', pyFunction('strftime', (args: PyValue[], _kw: Kwargs, ctx: HostContext) => {
    const format = args[0];
    if (typeof format !== 'string') throw pyError('TypeError', `strftime() argument 1 must be str, not ${typeName(format ?? null)}`);
    const t = args[1];
    const zone = t instanceof StructTime ? t.zone ?? 'UTC' : 'UTC';
    return strftime(format, timeTuple(t, 'strftime', ctx), zone);
  }));
  m.set('timezone', 0n);
  m.set('altzone', 0n);
  m.set('daylight', 0n);
  m.set('tzname', new PyTuple(['UTC', 'UTC']));
  return m;
}

export const CALENDAR_EXPORTS = ['struct_time', 'gmtime', 'localtime', 'mktime', 'asctime', 'ctime', 'strftime', 'timezone', 'altzone', 'daylight', 'tzname'];

/** `time.strftime(format, time.localtime(secs))`, the sandbox's local time being UTC: logging's `asctime`. */
export function formatLocalTime(format: string, secs: number): string {
  return strftime(format, structTime(secs, 'UTC').values, 'UTC');
}
