/**
 * The evaluation process's JavaScript stack. The interpreter walks the syntax tree, so a Python
 * frame takes 1.5-2.5 KB of JavaScript stack (a recursive walk over a graph's children, as
 * micrograd's `build_topo`: 2,000 frames in 3,000 KB); V8's default of 984 KB held 250-500, short
 * of CPython's 1,000 that the recursion budget now gives. `--stack-size` only moves V8's limit: the
 * process's main-thread stack (RLIMIT_STACK, 8 MiB on Linux and macOS by default) must hold it,
 * else the process crashes instead of raising RecursionError; so it is asked for only where that
 * stack is known to be large enough. Elsewhere (Windows, a small `ulimit -s`) V8's own limit stays,
 * and a deep recursion ends in RecursionError earlier than CPython's 1,000 frames.
 */
import { readFileSync } from 'node:fs';

/** 3,000 frames of a graph walk: CPython's 1,000 with room for deep host calls. */
const WANTED_KB = 4000;
/** What the process needs beside V8's stack (native frames, signal handling). */
const MARGIN_KB = 1024;

/** `--stack-size=N` for the evaluation process, or nothing where the OS stack is not known to hold it. */
export function evaluationStackArgs(): string[] {
  const osStackKb = mainThreadStackKb();
  return osStackKb !== null && osStackKb >= WANTED_KB + MARGIN_KB ? [`--stack-size=${WANTED_KB}`] : [];
}

/** The main thread's stack limit in KB (Infinity when unlimited), or null where it cannot be read. */
function mainThreadStackKb(): number | null {
  // macOS has no /proc: its default main-thread stack of 8 MiB is assumed.
  if (process.platform === 'darwin') return 8192;
  if (process.platform !== 'linux') return null;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max stack size'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined) return null;
    return soft === 'unlimited' ? Infinity : Number(soft) / 1024;
  } catch {
    return null;
  }
}
