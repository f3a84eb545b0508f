import type { DType } from '../../../../runtime/core';
import type { Emitter } from '../../../../runtime/ops';
import type { ParamsOf, Primitive } from '../../../../runtime/primitives';

/**
 * An emitter that runs a program written for one float dtype in another: every float64 the
 * program names (a convert, a scalar, an iota) becomes `to`. The random programs convert to
 * float64 and back once; the wasm backend has no float64, and the float64 reference must not
 * round back to float32 midway.
 */
export function retype<T>(inner: Emitter<T>, from: DType, to: DType): Emitter<T> {
  const map = (d: DType): DType => (d === from ? to : d);
  return {
    bind<P extends Primitive>(prim: P, inputs: readonly T[], params: ParamsOf<P>): T {
      if (prim === 'convert_element_type') {
        const { newDtype } = params as ParamsOf<'convert_element_type'>;
        // NB: a convert to the dtype the value already has is not a primitive JAX (or our shape rules) accept.
        if (map(newDtype) === inner.aval(inputs[0]).dtype) return inputs[0];
        return inner.bind(prim, inputs, { ...params, newDtype: map(newDtype) });
      }
      if (prim === 'iota') return inner.bind(prim, inputs, { ...params, dtype: map((params as ParamsOf<'iota'>).dtype) });
      return inner.bind(prim, inputs, params);
    },
    aval: (x) => inner.aval(x),
    scalar: (value, dtype) => inner.scalar(value, map(dtype)),
  };
}

/** |actual - expected| <= rtol * max(|expected|, floor), elementwise; NaN only where expected is NaN. */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, floor: number): { ok: boolean; worst: number; at: number } {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const x = expected[i];
    if (Number.isNaN(x) && Number.isNaN(a)) continue;
    if (x === a) continue;
    const err = Math.abs(a - x) / (rtol * Math.max(Math.abs(x), floor));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err;
      at = i;
    }
  }
  return { ok: worst <= 1 && actual.length === expected.length, worst, at };
}
