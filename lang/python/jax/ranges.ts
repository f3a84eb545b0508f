/**
 * Ranges as each library fills them: NumPy's arange (also jax.numpy's with a step), NumPy's
 * linspace, and jax.numpy's own linspace.
 *
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

/**
 * Element i of `jax.numpy.linspace` (JAX 0.4.35's `_linspace`), which is not NumPy's: in the
 * computation dtype (float32 unless x64), `start * (1 - t) + stop * t` with `t = i / div`, each
 * operation rounded, and the endpoint `stop` itself; `jnp.linspace(-1, 1, 6)[2]` is -0.20000002
 * (JAX's own docs), where NumPy's formula gives -0.19999999.
 */
export function jaxLinspaceAt(start: number, stop: number, num: number, endpoint: boolean, computation: 'float32' | 'float64'): (i: number) => number {
  const r = computation === 'float32' ? fround : (v: number) => v;
  const a = r(start);
  const b = r(stop);
  const div = r(endpoint ? num - 1 : num);
  return (i) => {
    if (endpoint && i === num - 1) return num === 1 ? a : b;
    const t = r(r(i) / div);
    return r(r(a * r(1 - t)) + r(b * t));
  };
}

/** Element i of `numpy.linspace` (NumPy 1.24): `i * step + start` in float64, the endpoint `stop`, an integer dtype floored. */
export function numpyLinspaceAt(start: number, stop: number, num: number, endpoint: boolean, dtype: DType): (i: number) => number {
  const div = endpoint ? num - 1 : num;
  const step = (stop - start) / div;
  // NB: NumPy divides first where the step underflows to 0 (gh-5437: denormal ranges).
  const at = (i: number) => (endpoint && i === num - 1 && num > 1 ? stop : div <= 0 ? start : step === 0 ? (i / div) * (stop - start) + start : i * step + start);
  return dtype === 'float32' || dtype === 'float64' ? at : (i) => Math.floor(at(i));
}
