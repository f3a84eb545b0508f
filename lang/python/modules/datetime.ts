/**
 * Python's `datetime`, for the run names and timestamps training scripts make: `date`,
 * `datetime`, `time`, `timedelta`, `timezone` (fixed offsets, `timezone.utc`) and `tzinfo` as its
 * base, with their constructors, `now`/`today`/`utcnow` from the sandbox clock (time.ts's, in
 * UTC), `fromtimestamp`, `fromisoformat`, `strptime`, `combine`, `fromordinal`, `fromisocalendar`.
 * The values are in datetime_values.ts, timedelta in datetime_timedelta.ts, the parsers in
 * datetime_parse.ts.
 */
import { bindArgs, type HostContext, PyModule, pyError, pyFunction, type PyType, type PyValue, StaticMethod, toIndex, typeName, type ModuleShim, type Kwargs } from '../interpreter';
import { fromIsoCalendar, MAX_ORDINAL, MAX_YEAR, MIN_YEAR } from './datetime_calendar';
import { dateFromIso, datetimeFromIso, strptime, timeFromIso } from './datetime_parse';
import { floorDiv, Timedelta, US_PER_DAY, US_PER_SECOND } from './datetime_timedelta';
import { DateTimeValue, DateValue, EPOCH_US, TimeValue, Timezone, TZINFO_TYPE, UTC } from './datetime_values';

/** Microseconds from 0001-01-01T00:00 UTC to now, by the clock time.time() reads. */
function nowUs(): bigint {
  return EPOCH_US + BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));
}

/** _PyTime_ObjectToTimeval with ROUND_HALF_EVEN: a timestamp in whole microseconds. */
function timestampUs(v: PyValue, ctx: HostContext): bigint {
  if (typeof v === 'bigint' || typeof v === 'boolean') return toIndex(v, ctx) * US_PER_SECOND;
  if (typeof v !== 'number') throw pyError('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  if (Number.isNaN(v)) throw pyError('ValueError', 'Invalid value NaN (not a number)');
  const whole = Math.trunc(v);
  if (!Number.isFinite(whole) || Math.abs(whole) > 1e14) throw pyError('OverflowError', 'timestamp out of range for platform time_t');
  const frac = (v - whole) * 1e6;
  // Math.round and C's round differ only at halves, which go to even here.
  const micro = Math.abs(frac % 1) === 0.5 ? 2 * Math.round(frac / 2) : Math.round(frac);
  return BigInt(whole) * US_PER_SECOND + BigInt(micro);
}

function zoneArg(v: PyValue | undefined): Timezone | null {
  if (v === undefined || v === null) return null;
  if (!(v instanceof Timezone)) throw pyError('TypeError', `tzinfo argument must be None or of a tzinfo subclass, not type '${typeName(v)}'`);
  return v;
}

/** A datetime `utc` microseconds after 0001-01-01 UTC, in `zone`, or naive in the sandbox's local time (UTC). */
const inZone = (utc: bigint, zone: Timezone | null) => new DateTimeValue(utc + (zone?.offset.us ?? 0n), zone);

type Method = (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;

function classMethods(type: PyType, methods: Readonly<Record<string, Method>>): void {
  for (const [name, fn] of Object.entries(methods)) type.attrs.set(name, new StaticMethod(pyFunction(name, fn)));
}

const noArguments = (name: string, args: PyValue[], kwargs: Kwargs) => {
  if (args.length || kwargs.size) throw pyError('TypeError', `${name}() takes no arguments (${args.length + kwargs.size} given)`);
};

classMethods(DateValue.type, {
  today: (args, kwargs) => {
    noArguments('today', args, kwargs);
    return new DateValue(Number(floorDiv(nowUs(), US_PER_DAY)) + 1);
  },
  fromtimestamp: (args, kwargs, ctx) => {
    const t = bindArgs('fromtimestamp', ['timestamp'], args, kwargs, ctx).required('timestamp');
    return new DateValue(Number(floorDiv(EPOCH_US + timestampUs(t, ctx), US_PER_DAY)) + 1);
  },
  fromordinal: (args, kwargs, ctx) => {
    const n = Number(toIndex(bindArgs('fromordinal', ['n'], args, kwargs, ctx).required('n'), ctx));
    if (n < 1 || n > MAX_ORDINAL) throw pyError('ValueError', `ordinal must be >= 1`);
    return new DateValue(n);
  },
  fromisoformat: (args, kwargs, ctx) => dateFromIso(bindArgs('fromisoformat', ['date_string'], args, kwargs, ctx).required('date_string'), ctx),
  fromisocalendar: (args, kwargs, ctx) => {
    const a = bindArgs('fromisocalendar', ['year', 'week', 'day'], args, kwargs, ctx);
    const [y, w, d] = ['year', 'week', 'day'].map((k) => Number(toIndex(a.required(k), ctx)));
    return new DateValue(fromIsoCalendar(y, w, d));
  },
});

classMethods(DateTimeValue.type, {
  now: (args, kwargs, ctx) => inZone(nowUs(), zoneArg(bindArgs('now', ['tz?'], args, kwargs, ctx).get('tz'))),
  utcnow: (args, kwargs) => {
    noArguments('utcnow', args, kwargs);
    return inZone(nowUs(), null);
  },
  today: (args, kwargs) => {
    noArguments('today', args, kwargs);
    return inZone(nowUs(), null);
  },
  fromtimestamp: (args, kwargs, ctx) => {
    const a = bindArgs('fromtimestamp', ['timestamp', 'tz?'], args, kwargs, ctx);
    return inZone(EPOCH_US + timestampUs(a.required('timestamp'), ctx), zoneArg(a.get('tz')));
  },
  utcfromtimestamp: (args, kwargs, ctx) => inZone(EPOCH_US + timestampUs(bindArgs('utcfromtimestamp', ['timestamp'], args, kwargs, ctx).required('timestamp'), ctx), null),
  fromordinal: (args, kwargs, ctx) => {
    const n = Number(toIndex(bindArgs('fromordinal', ['n'], args, kwargs, ctx).required('n'), ctx));
    if (n < 1 || n > MAX_ORDINAL) throw pyError('ValueError', `ordinal must be >= 1`);
    return DateTimeValue.at(n, 0n, null);
  },
  fromisoformat: (args, kwargs, ctx) => datetimeFromIso(bindArgs('fromisoformat', ['date_string'], args, kwargs, ctx).required('date_string'), ctx),
  fromisocalendar: (args, kwargs, ctx) => {
    const a = bindArgs('fromisocalendar', ['year', 'week', 'day'], args, kwargs, ctx);
    const [y, w, d] = ['year', 'week', 'day'].map((k) => Number(toIndex(a.required(k), ctx)));
    return DateTimeValue.at(fromIsoCalendar(y, w, d), 0n, null);
  },
  strptime: (args, kwargs, ctx) => {
    const a = bindArgs('strptime', ['date_string', 'format'], args, kwargs, ctx);
    const [text, format] = [a.required('date_string'), a.required('format')];
    if (typeof text !== 'string' || typeof format !== 'string') throw pyError('TypeError', `strptime() argument ${typeof text !== 'string' ? 1 : 2} must be str, not ${typeName(typeof text !== 'string' ? text : format)}`);
    return strptime(text, format, ctx);
  },
  combine: (args, kwargs, ctx) => {
    const a = bindArgs('combine', ['date', 'time', 'tzinfo?'], args, kwargs, ctx);
    const [date, time] = [a.required('date'), a.required('time')];
    if (!(date instanceof DateValue || date instanceof DateTimeValue)) throw pyError('TypeError', `combine() argument 1 must be datetime.date, not ${typeName(date)}`);
    if (!(time instanceof TimeValue)) throw pyError('TypeError', `combine() argument 2 must be datetime.time, not ${typeName(time)}`);
    const zone = a.get('tzinfo');
    return DateTimeValue.at(date.ordinal, time.dayUs, zone === undefined ? time.zone : zoneArg(zone), time.fold);
  },
});

classMethods(TimeValue.type, {
  fromisoformat: (args, kwargs, ctx) => timeFromIso(bindArgs('fromisoformat', ['time_string'], args, kwargs, ctx).required('time_string'), ctx),
});

const LIMITS: readonly [PyType, Readonly<Record<string, PyValue>>][] = [
  [DateValue.type, { min: new DateValue(1), max: new DateValue(MAX_ORDINAL), resolution: new Timedelta(US_PER_DAY) }],
  [DateTimeValue.type, { min: DateTimeValue.at(1, 0n, null), max: DateTimeValue.at(MAX_ORDINAL, US_PER_DAY - 1n, null), resolution: new Timedelta(1n) }],
  [TimeValue.type, { min: new TimeValue(0n, null), max: new TimeValue(US_PER_DAY - 1n, null), resolution: new Timedelta(1n) }],
  [Timezone.type, { utc: UTC, min: new Timezone(new Timedelta(60n * US_PER_SECOND - US_PER_DAY), null), max: new Timezone(new Timedelta(US_PER_DAY - 60n * US_PER_SECOND), null) }],
];
for (const [type, attrs] of LIMITS) for (const [name, v] of Object.entries(attrs)) type.attrs.set(name, v);

export const datetimeModule: ModuleShim = {
  exports: ['date', 'datetime', 'time', 'timedelta', 'timezone', 'tzinfo', 'MINYEAR', 'MAXYEAR', 'UTC'],
  create() {
    return new PyModule(
      'datetime',
      new Map<string, PyValue>([
        ['date', DateValue.type],
        ['datetime', DateTimeValue.type],
        ['time', TimeValue.type],
        ['timedelta', Timedelta.type],
        ['timezone', Timezone.type],
        ['tzinfo', TZINFO_TYPE],
        ['MINYEAR', BigInt(MIN_YEAR)],
        ['MAXYEAR', BigInt(MAX_YEAR)],
        ['UTC', UTC],
      ]),
    );
  },
};
