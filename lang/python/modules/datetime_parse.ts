/**
 * Reading dates and times from text as CPython 3.11 does: `fromisoformat` (the extended and basic
 * ISO 8601 forms and ISO weeks, a time with 1 to 6 or more fraction digits, `Z` or an offset) and
 * `datetime.strptime` (the regular expression _strptime.py builds from the format, matched without
 * regard to case, in the C locale; the same errors).
 */
import { type HostContext, pyError, type PyValue } from '../interpreter';
import { fromIsoCalendar, ordinalToYmd } from './datetime_calendar';
import { Timedelta, US_PER_SECOND } from './datetime_timedelta';
import { checkedDayUs, checkedOrdinal, DateTimeValue, DateValue, TimeValue, Timezone, UTC } from './datetime_values';

/** timezone(timedelta(microseconds=us), name): the utc singleton for a zero offset without a name, as CPython's. */
function fixedZone(us: bigint, name: string | null): Timezone {
  return us === 0n && name === null ? UTC : new Timezone(new Timedelta(us), name);
}

const invalid = (text: string, ctx: HostContext) => pyError('ValueError', `Invalid isoformat string: ${ctx.repr(text)}`);

const ISO_DATE = /^(?:(\d{4})-(\d{2})-(\d{2})|(\d{4})-W(\d{2})(?:-(\d))?|(\d{4})W(\d{2})(\d)?|(\d{4})(\d{2})(\d{2}))/;
const ISO_TIME = /^(\d{2})(?:(:?)(\d{2})(?:\2(\d{2})(?:[.,](\d+))?)?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?)?$/;

/** The ordinal of an ISO date at the start of `text`, and the length it took. */
function isoDatePart(text: string, ctx: HostContext): [number, number] {
  const m = ISO_DATE.exec(text);
  if (!m) throw invalid(text, ctx);
  const g = m.map((x, i) => (x === undefined || i === 0 ? undefined : BigInt(x)));
  if (m[1]) return [checkedOrdinal(g[1]!, g[2]!, g[3]!, ctx), m[0].length];
  if (m[10]) return [checkedOrdinal(g[10]!, g[11]!, g[12]!, ctx), m[0].length];
  const [year, week, day] = m[4] ? [g[4]!, g[5]!, g[6] ?? 1n] : [g[7]!, g[8]!, g[9] ?? 1n];
  return [fromIsoCalendar(Number(year), Number(week), Number(day)), m[0].length];
}

/** A time of day and its zone from ISO text (`14:05`, `140507.25`, `12:00:00+05:30`, `T08Z`). */
function isoTimePart(text: string, whole: string, ctx: HostContext): [bigint, Timezone | null] {
  const m = ISO_TIME.exec(text);
  if (!m) throw invalid(whole, ctx);
  const [, h, , mi, s, frac, z, sign, oh, om, os, of] = m;
  const micro = frac ? BigInt(frac.slice(0, 6).padEnd(6, '0')) : 0n;
  const dayUs = checkedDayUs(BigInt(h), BigInt(mi ?? 0), BigInt(s ?? 0), micro, ctx);
  if (z) return [dayUs, UTC];
  if (!sign) return [dayUs, null];
  const offset = ((BigInt(oh) * 60n + BigInt(om ?? 0)) * 60n + BigInt(os ?? 0)) * US_PER_SECOND + BigInt((of ?? '').padEnd(6, '0') || 0);
  return [dayUs, fixedZone(sign === '-' ? -offset : offset, null)];
}

function isoText(v: PyValue): string {
  if (typeof v !== 'string') throw pyError('TypeError', 'fromisoformat: argument must be str');
  return v;
}

export function dateFromIso(v: PyValue, ctx: HostContext): DateValue {
  const text = isoText(v);
  const [ordinal, used] = isoDatePart(text, ctx);
  if (used !== text.length) throw invalid(text, ctx);
  return new DateValue(ordinal);
}

export function datetimeFromIso(v: PyValue, ctx: HostContext): DateTimeValue {
  const text = isoText(v);
  const [ordinal, used] = isoDatePart(text, ctx);
  if (used === text.length) return DateTimeValue.at(ordinal, 0n, null);
  // Any one character separates the date from the time.
  const [dayUs, zone] = isoTimePart(text.slice(used + 1), text, ctx);
  return DateTimeValue.at(ordinal, dayUs, zone);
}

export function timeFromIso(v: PyValue, ctx: HostContext): TimeValue {
  const text = isoText(v);
  const [dayUs, zone] = isoTimePart(text.startsWith('T') ? text.slice(1) : text, text, ctx);
  return new TimeValue(dayUs, zone);
}

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** _strptime's alternatives, longest first as its __seqToRE sorts them. */
const choices = (names: readonly string[]) => `(${[...names].sort((a, b) => b.length - a.length).join('|')})`;

const DIRECTIVES: Readonly<Record<string, string>> = {
  d: '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  f: '([0-9]{1,6})',
  H: '(2[0-3]|[0-1]\\d|\\d)',
  I: '(1[0-2]|0[1-9]|[1-9])',
  j: '(36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])',
  m: '(1[0-2]|0[1-9]|[1-9])',
  M: '([0-5]\\d|\\d)',
  S: '(6[0-1]|[0-5]\\d|\\d)',
  U: '(5[0-3]|[0-4]\\d|\\d)',
  W: '(5[0-3]|[0-4]\\d|\\d)',
  w: '([0-6])',
  u: '([1-7])',
  y: '(\\d\\d)',
  Y: '(\\d\\d\\d\\d)',
  z: '([+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|Z)',
  A: choices(DAY_NAMES),
  a: choices(DAY_NAMES.map((d) => d.slice(0, 3))),
  B: choices(MONTH_NAMES),
  b: choices(MONTH_NAMES.map((m) => m.slice(0, 3))),
  p: '(am|pm)',
  Z: '(utc|gmt)',
};

/** The C locale's composite directives, as _strptime expands them. */
const COMPOSITES: Readonly<Record<string, string>> = { c: '%a %b %d %H:%M:%S %Y', x: '%m/%d/%y', X: '%H:%M:%S', D: '%m/%d/%y', T: '%H:%M:%S', R: '%H:%M', F: '%Y-%m-%d' };

/** The regular expression of a strptime format, and the directive each group reads. */
function strptimePattern(format: string): [RegExp, string[]] {
  const badFormat = (d: string) => pyError('ValueError', `'${d}' is a bad directive in format '${format}'`);
  const expanded = format.replace(/%([cxXDTRF])/g, (_, c: string) => COMPOSITES[c]);
  let source = '';
  const groups: string[] = [];
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i];
    if (c !== '%') {
      if (/\s/.test(c)) {
        while (i + 1 < expanded.length && /\s/.test(expanded[i + 1])) i++;
        source += '\\s+';
      } else source += c.replace(/[\\.^$*+?()[\]{}|/]/g, '\\$&');
      continue;
    }
    if (i + 1 === expanded.length) throw pyError('ValueError', `stray % in format '${format}'`);
    const d = expanded[++i];
    if (d === '%') {
      source += '%';
      continue;
    }
    const re = DIRECTIVES[d];
    if (re === undefined) throw badFormat(d);
    source += re;
    groups.push(d);
  }
  return [new RegExp(`^(?:${source})`, 'i'), groups];
}

/** `datetime.strptime(text, format)` as _strptime._strptime_datetime. */
export function strptime(text: string, format: string, ctx: HostContext): DateTimeValue {
  const [pattern, groups] = strptimePattern(format);
  const m = pattern.exec(text);
  if (!m) throw pyError('ValueError', `time data ${ctx.repr(text)} does not match format ${ctx.repr(format)}`);
  if (m[0].length !== text.length) throw pyError('ValueError', `unconverted data remains: ${text.slice(m[0].length)}`);
  const found = new Map<string, string>(groups.map((g, i) => [g, m[i + 1]]));
  const int = (d: string) => Number(found.get(d));
  let year = 1900;
  if (found.has('Y')) year = int('Y');
  else if (found.has('y')) year = int('y') + (int('y') <= 68 ? 2000 : 1900);
  let month = found.has('m') ? int('m') : 1;
  const monthName = found.get('B') ?? found.get('b');
  if (monthName !== undefined) month = MONTH_NAMES.findIndex((n) => n.startsWith(monthName.toLowerCase())) + 1;
  let day = found.has('d') ? int('d') : 1;
  let hour = found.has('H') ? int('H') : 0;
  if (found.has('I')) {
    const h12 = int('I');
    const ampm = found.get('p')?.toLowerCase();
    hour = ampm === 'pm' ? (h12 === 12 ? 12 : h12 + 12) : ampm === 'am' && h12 === 12 ? 0 : h12;
  }
  const micro = found.has('f') ? Number(found.get('f')!.padEnd(6, '0')) : 0;
  if (found.has('j') && !found.has('m') && !found.has('d')) {
    [year, month, day] = ordinalToYmd(new DateValue(checkedOrdinal(BigInt(year), 1n, 1n, ctx) + int('j') - 1).ordinal);
  }
  let zone: Timezone | null = null;
  const z = found.get('z');
  if (z !== undefined) {
    let offset = 0n;
    if (z.toUpperCase() !== 'Z') {
      const [, sign, hh, mm, ss, frac] = /^([+-])(\d\d):?(\d\d)(?::?(\d\d)(?:\.(\d+))?)?$/.exec(z)!;
      offset = ((BigInt(hh) * 60n + BigInt(mm)) * 60n + BigInt(ss ?? 0)) * US_PER_SECOND + BigInt((frac ?? '').padEnd(6, '0') || 0);
      if (sign === '-') offset = -offset;
    }
    zone = fixedZone(offset, found.get('Z') ?? null);
  }
  const ordinal = checkedOrdinal(BigInt(year), BigInt(month), BigInt(day), ctx);
  return DateTimeValue.at(ordinal, checkedDayUs(BigInt(hour), BigInt(int('M') || 0), BigInt(int('S') || 0), BigInt(micro), ctx), zone);
}
