/**
 * A jaxpr run one equation at a time on the backend, as JAX runs outside jit: each equation's
 * time measured (the eager engine's per-line timings for jax code) and, when asked, the first
 * equation whose result holds a NaN or an Inf.
 */
import { isFloat } from '../runtime/core';
import type { Backend, DeviceArray } from '../runtime/backends';
import { isVar, type Atom, type Jaxpr, type Var } from '../runtime/ir';
import { firstNonFinite } from './measure';

export interface OpByOpRun {
  /** The outputs, read back, with their shapes. */
  readonly outputs: readonly { readonly values: ArrayLike<number>; readonly shape: readonly number[] }[];
  readonly eqnMs: readonly number[];
  /** The first equation with a non-finite result, when `checkFinite`. */
  readonly nonFinite: { readonly eqn: number; readonly value: 'nan' | 'inf' | '-inf' } | null;
}

export function runOpByOp(jaxpr: Jaxpr, backend: Backend, args: readonly DeviceArray[], checkFinite = false): OpByOpRun {
  const env = new Map<Var, DeviceArray>();
  const owned: DeviceArray[] = [];
  const place = (values: ArrayLike<number>, a: Atom | Var): DeviceArray => {
    const array = backend.upload(values, a.aval);
    owned.push(array);
    return array;
  };
  try {
    jaxpr.constvars.forEach((v, i) => {
      const c = jaxpr.consts[i];
      env.set(v, c.kind === 'device' ? c.array : place(c.values, v));
    });
    jaxpr.invars.forEach((v, i) => env.set(v, args[i]));
    const read = (a: Atom): DeviceArray => (isVar(a) ? env.get(a)! : place([a.value], a));
    const eqnMs: number[] = [];
    let nonFinite: OpByOpRun['nonFinite'] = null;
    jaxpr.eqns.forEach((e, i) => {
      const inputs = e.inputs.map(read);
      const t0 = performance.now();
      const out = backend.run(e.primitive, inputs, e.params, e.out.aval);
      eqnMs.push(performance.now() - t0);
      owned.push(out);
      env.set(e.out, out);
      if (checkFinite && nonFinite === null && isFloat(out.dtype)) {
        const value = firstNonFinite(Array.from(backend.readSync(out)));
        if (value) nonFinite = { eqn: i, value };
      }
    });
    const outputs = jaxpr.outvars.map((a) => ({
      values: isVar(a) ? backend.readSync(env.get(a)!) : [a.value],
      shape: a.aval.shape,
    }));
    return { outputs, eqnMs, nonFinite };
  } finally {
    for (const a of owned) backend.dispose(a);
  }
}
