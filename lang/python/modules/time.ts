/**
 * Python's `time`, for the timing code training loops carry: `time()`, `perf_counter()`,
 * `monotonic()` and their `_ns` forms, and `sleep()`, which waits for real (checking the run's
 * time budget, so a long sleep stops as a long loop does). The calendar functions, in UTC, are
 * in time_calendar.ts.
 */
import { bindArgs, pyError, PyModule, pyFunction, toFloat, type HostContext, type ModuleShim, type PyValue } from '../interpreter';
import { CALENDAR_EXPORTS, calendarFunctions } from './time_calendar';

const seconds = (): number => performance.now() / 1e3;

function sleep(args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): null {
  const a = bindArgs('sleep', ['secs'], args, kwargs, ctx);
  const secs = toFloat(a.required('secs'), ctx);
  if (Number.isNaN(secs)) throw pyError('ValueError', 'Invalid value NaN (not a number)');
  if (secs < 0) throw pyError('ValueError', 'sleep length must be non-negative');
  // A synchronous interpreter cannot yield: it waits, asking the clock and the budget as it goes.
  const until = performance.now() + secs * 1e3;
  while (performance.now() < until) ctx.checkClock();
  return null;
}

const CLOCKS: Readonly<Record<string, () => PyValue>> = {
  time: () => Date.now() / 1e3,
  time_ns: () => BigInt(Date.now()) * 1_000_000n,
  perf_counter: seconds,
  perf_counter_ns: () => BigInt(Math.round(performance.now() * 1e6)),
  monotonic: seconds,
  monotonic_ns: () => BigInt(Math.round(performance.now() * 1e6)),
};

export const timeModule: ModuleShim = {
  exports: [...Object.keys(CLOCKS), 'sleep', ...CALENDAR_EXPORTS],
  create() {
    const attrs = new Map<string, PyValue>(Object.entries(CLOCKS).map(([name, clock]) => [name, pyFunction(name, (args, kwargs) => {
      if (args.length || kwargs.size) throw pyError('TypeError', `time.${name}() takes no arguments (${args.length + kwargs.size} given)`);
      return clock();
    })]));
    attrs.set('sleep', pyFunction('sleep', sleep));
    for (const [name, v] of calendarFunctions()) attrs.set(name, v);
    return new PyModule('time', attrs, true);
  },
};
