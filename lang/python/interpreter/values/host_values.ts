import type { HostContext } from './objects';

/** Elements made on the host per check of the clock: a huge `randn` or `arange` stops at the time budget. */
const HOST_CHUNK = 1 << 16;

/**
 * `n` values from `at(i)`, made on the host in chunks with the script's clock checked between
 * them. Callers charge the tensor budget first, so `n` is bounded by it.
 */
export function hostValues(n: number, at: (i: number) => number, ctx: HostContext): Float64Array {
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += HOST_CHUNK) {
    ctx.checkClock();
    const end = Math.min(n, start + HOST_CHUNK);
    for (let i = start; i < end; i++) out[i] = at(i);
  }
  return out;
}
