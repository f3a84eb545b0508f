import type { Backend } from '../../../../runtime/backends';
import type { DType } from '../../../../runtime/core';
import { EagerEngine, type Tensor } from '../../../../runtime/eager';
import { Ops, type Emitter } from '../../../../runtime/ops';
import type { ParamsOf, Primitive } from '../../../../runtime/primitives';
import { PROGRAM_INPUTS, type Program } from '../programs';

/** A random program's loss and its gradient with respect to each input, as plain numbers. */
export interface ProgramResult { value: number; grads: number[][] }

/** The scalar every engine differentiates: sum(out0 + 0.5 out1). */
export function programLoss<T>(program: Program, o: Ops<T>, xs: readonly T[]): T {
  const [a, b] = program(o, xs);
  return o.reduceSum(o.add(a, o.mul(b, o.scalarLike(0.5, b))), [0, 1]);
}

/** Eager, op by op, with autograd.grad: on the reference in float64 (the truth), or in float32. */
export function eagerProgram(
  backend: Backend, dtype: 'float32' | 'float64', program: Program, inputs: readonly number[][], wrap = (e: Emitter<Tensor>) => e,
): ProgramResult {
  const engine = new EagerEngine(backend);
  const o = new Ops(wrap(dtype === 'float64' ? retype(engine, 'float32', 'float64') : retype(engine, 'float64', 'float32')));
  const xs = inputs.map((v, i) => engine.fromValues(v, PROGRAM_INPUTS[i], dtype).requiresGrad_());
  const result = engine.tidy(() => {
    const l = programLoss(program, o, xs);
    // NB: a loss made only of sign, comparisons or argmax has no graph: its gradient is zero.
    const gs = l.requiresGrad ? engine.grad([l], xs, undefined, { allowUnused: true }) : xs.map(() => null);
    return { value: l.item(), grads: gs.map((g, i) => (g ? Array.from(g.dataSync()) : new Array<number>(inputs[i].length).fill(0))) };
  });
  xs.forEach((x) => x.dispose());
  return result;
}

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
