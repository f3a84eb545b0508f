/**
 * The values of NumPy's `arange`, and of `jax.numpy.arange` with a step (JAX 0.4.35 returns
 * `array(np.arange(start, stop, step, dtype))`): NumPy stores `start` and `start + step` (added as
 * Python numbers, then cast to the dtype), takes the step between those two stored values, and
 * fills the rest with `start + i * delta` in the dtype (numpy/core/src/multiarray/arraytypes.c.src,
 * `@NAME@_fill`). That delta is rarely the step itself: `np.arange(-5, 5, 0.1)` steps by
 * 0.09999999999999964, so `start + i * step` differs from NumPy in the last bit for most
 * non-integer starts (1,756 of 2,000 random float64 cases).
 */
import type { DType } from '../../../runtime/core';

const fround = Math.fround;

/** What a store into an array of `dtype` keeps of `v`: float32 rounds, integers truncate (C casts). */
function stored(v: number, dtype: DType): number {
  if (dtype === 'float32') return fround(v);
  if (dtype === 'float64') return v;
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return Math.trunc(v);
}

/** Element `i` of `np.arange(start, stop, step, dtype=dtype)` (its length is ceil((stop - start) / step)). */
export function numpyArangeAt(start: number, step: number, dtype: DType): (i: number) => number {
  const first = stored(start, dtype);
  const second = stored(start + step, dtype);
  if (dtype === 'float32') {
    const delta = fround(second - first);
    return (i) => (i === 0 ? first : i === 1 ? second : fround(first + fround(fround(i) * delta)));
  }
  const delta = stored(second - first, dtype);
  return (i) => (i === 0 ? first : i === 1 ? second : stored(first + i * delta, dtype));
}
