/**
 * A jaxpr run one equation at a time on the backend, as JAX runs outside jit: each equation's
 * time measured (the eager engine's per-line timings for jax code) and, when asked, the first
 * equation whose result holds a NaN or an Inf. NB: everything is read back in one asynchronous
 * readMany at the end: a synchronous read of a GPU array (tfjs-webgpu's readSync) copies it through
 * canvas textures, which loses SwiftShader's device and stalls a real GPU's queue.
 */
import { isFloat } from '../runtime/core';
import type { Backend, DeviceArray } from '../runtime/backends';
import { isCall, isVar, outsOf, type Atom, type Jaxpr, type Var } from '../runtime/ir';
import { evalCallEquation } from '../runtime/jit';
import { firstNonFinite } from './measure';

export interface OpByOpRun {
  /** The outputs, read back, with their shapes. */
  readonly outputs: readonly { readonly values: ArrayLike<number>; readonly shape: readonly number[] }[];
  readonly eqnMs: readonly number[];
  /** The first equation with a non-finite result, when `checkFinite`. */
  readonly nonFinite: { readonly eqn: number; readonly value: 'nan' | 'inf' | '-inf' } | null;
}

export async function runOpByOp(jaxpr: Jaxpr, backend: Backend, args: readonly DeviceArray[], checkFinite = false): Promise<OpByOpRun> {
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
    const checked: { readonly eqn: number; readonly array: DeviceArray }[] = [];
    jaxpr.eqns.forEach((e, i) => {
      const inputs = e.inputs.map(read);
      const t0 = performance.now();
      const outs = isCall(e)
        ? evalCallEquation(backend, e, inputs)
        : [backend.run(e.primitive, inputs, e.params, e.out.aval)];
      eqnMs.push(performance.now() - t0);
      outsOf(e).forEach((v, k) => {
        const out = outs[k];
        owned.push(out);
        env.set(v, out);
        if (checkFinite && isFloat(out.dtype)) checked.push({ eqn: i, array: out });
      });
    });
    const outArrays = jaxpr.outvars.flatMap((a) => (isVar(a) ? [env.get(a)!] : []));
    const values = await backend.readMany([...outArrays, ...checked.map((c) => c.array)]);
    let k = 0;
    const outputs = jaxpr.outvars.map((a) => ({ values: isVar(a) ? values[k++] : [a.value], shape: a.aval.shape }));
    let nonFinite: OpByOpRun['nonFinite'] = null;
    for (const [j, c] of checked.entries()) {
      const value = firstNonFinite(Array.from(values[outArrays.length + j]));
      if (value) {
        nonFinite = { eqn: c.eqn, value };
        break;
      }
    }
    return { outputs, eqnMs, nonFinite };
  } finally {
    for (const a of owned) backend.dispose(a);
  }
}
