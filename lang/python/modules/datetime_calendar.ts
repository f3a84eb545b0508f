/**
 * The proleptic Gregorian calendar of CPython's datetime.py: dates as ordinals (0001-01-01 is 1),
 * ISO weeks, and the text forms of times and UTC offsets that isoformat, str and strftime share.
 */
import { pyError } from '../interpreter';
import { floorDiv, floorMod, type Timedelta, US_PER_SECOND } from './datetime_timedelta';

export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH = DAYS_IN_MONTH.map((_, m) => DAYS_IN_MONTH.slice(1, m).reduce((a, b) => a + b, 0));

export const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

export const daysInMonth = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m]);

const daysBeforeYear = (y: number): number => {
  const p = y - 1;
  return p * 365 + Math.floor(p / 4) - Math.floor(p / 100) + Math.floor(p / 400);
};

export const dayOfYear = (y: number, m: number, d: number): number => DAYS_BEFORE_MONTH[m] + (m > 2 && isLeap(y) ? 1 : 0) + d;

export const ymdToOrdinal = (y: number, m: number, d: number): number => daysBeforeYear(y) + dayOfYear(y, m, d);

export const MAX_ORDINAL = ymdToOrdinal(MAX_YEAR, 12, 31);

/** _ord2ymd: the year, month and day of an ordinal. */
export function ordinalToYmd(ordinal: number): [number, number, number] {
  let n = ordinal - 1;
  const n400 = Math.floor(n / 146097);
  n -= n400 * 146097;
  const n100 = Math.floor(n / 36524);
  n -= n100 * 36524;
  const n4 = Math.floor(n / 1461);
  n -= n4 * 1461;
  const n1 = Math.floor(n / 365);
  n -= n1 * 365;
  const year = n400 * 400 + 1 + n100 * 100 + n4 * 4 + n1;
  if (n1 === 4 || n100 === 4) return [year - 1, 12, 31];
  let month = 1;
  while (month < 12 && dayOfYear(year, month + 1, 1) - 1 <= n) month++;
  return [year, month, n - (dayOfYear(year, month, 1) - 1) + 1];
}

/** Monday 0 .. Sunday 6. */
export const weekday = (ordinal: number): number => (ordinal + 6) % 7;

function isoWeek1Monday(year: number): number {
  const first = ymdToOrdinal(year, 1, 1);
  const firstWeekday = weekday(first);
  return first - firstWeekday + (firstWeekday > 3 ? 7 : 0);
}

/** The ISO year, week and weekday (1..7) of an ordinal, as date.isocalendar. */
export function isoCalendar(ordinal: number): [number, number, number] {
  let year = ordinalToYmd(ordinal)[0];
  let monday = isoWeek1Monday(year);
  let week = Math.floor((ordinal - monday) / 7);
  if (week < 0) {
    year -= 1;
    monday = isoWeek1Monday(year);
    week = Math.floor((ordinal - monday) / 7);
  } else if (week >= 52 && ordinal >= isoWeek1Monday(year + 1)) {
    year += 1;
    week = 0;
  }
  return [year, week + 1, ((ordinal - monday) % 7 + 7) % 7 + 1];
}

/** The ordinal of an ISO year, week and weekday, as date.fromisocalendar. */
export function fromIsoCalendar(year: number, week: number, day: number): number {
  if (year < MIN_YEAR || year > MAX_YEAR) throw pyError('ValueError', `Year is out of range: ${year}`);
  if (week <= 0 || week >= 53) {
    const longYear = weekday(ymdToOrdinal(year, 1, 1)) === 3 || (weekday(ymdToOrdinal(year, 1, 1)) === 2 && isLeap(year));
    if (!(week === 53 && longYear)) throw pyError('ValueError', `Invalid week: ${week}`);
  }
  if (day <= 0 || day > 7) throw pyError('ValueError', `Invalid weekday: ${day} (range is [1, 7])`);
  return isoWeek1Monday(year) + (week - 1) * 7 + (day - 1);
}

export const pad = (n: number | bigint, width = 2): string => String(n).padStart(width, '0');

export const isoDate = (ordinal: number): string => {
  const [y, m, d] = ordinalToYmd(ordinal);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
};

/** Hour, minute, second and microsecond of a time of day in microseconds. */
export function clock(dayUs: bigint): [number, number, number, number] {
  const s = Number(dayUs / US_PER_SECOND);
  return [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60, Number(dayUs % US_PER_SECOND)];
}

const TIMESPECS = ['auto', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds'];

/** time.isoformat's text of a time of day, `timespec` as CPython's _format_time. */
export function isoTime(dayUs: bigint, timespec: string): string {
  if (!TIMESPECS.includes(timespec)) throw pyError('ValueError', 'Unknown timespec value');
  const [h, m, s, us] = clock(dayUs);
  const spec = timespec === 'auto' ? (us ? 'microseconds' : 'seconds') : timespec;
  switch (spec) {
    case 'hours':
      return pad(h);
    case 'minutes':
      return `${pad(h)}:${pad(m)}`;
    case 'seconds':
      return `${pad(h)}:${pad(m)}:${pad(s)}`;
    case 'milliseconds':
      return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(Math.floor(us / 1000), 3)}`;
    default:
      return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(us, 6)}`;
  }
}

/** _format_offset: `+05:30`, `-03:00:07.000001`, with `sep` between the fields (strftime's %z has none). */
export function formatOffset(offset: Timedelta, sep: string): string {
  const sign = offset.us < 0n ? '-' : '+';
  const us = offset.us < 0n ? -offset.us : offset.us;
  const seconds = floorDiv(us, US_PER_SECOND);
  let text = `${sign}${pad(seconds / 3600n)}${sep}${pad((seconds / 60n) % 60n)}`;
  if (us % (60n * US_PER_SECOND) !== 0n) {
    text += `${sep}${pad(seconds % 60n)}`;
    if (floorMod(us, US_PER_SECOND)) text += `.${pad(floorMod(us, US_PER_SECOND), 6)}`;
  }
  return text;
}
