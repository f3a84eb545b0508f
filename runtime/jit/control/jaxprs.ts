import { isInexact, type AbstractValue } from '../../core';
import { isVar, outsOf, Var, type Atom, type Jaxpr } from '../../ir';

/** `jaxpr` taking its invars in the order `order` gives (indices into the current invars). */
export function permuteInvars(jaxpr: Jaxpr, order: readonly number[]): Jaxpr {
  return { ...jaxpr, invars: order.map((i) => jaxpr.invars[i]) };
}

/** `jaxpr` returning the outvars `order` picks (indices into the current outvars). */
export function pickOutvars(jaxpr: Jaxpr, order: readonly number[]): Jaxpr {
  return { ...jaxpr, outvars: order.map((i) => jaxpr.outvars[i]) };
}

/** `jaxpr` with unused invars of `avals` added at `at` (a sub-jaxpr that must take operands it ignores). */
export function withUnusedInvars(jaxpr: Jaxpr, at: number, avals: readonly AbstractValue[]): Jaxpr {
  const extra = avals.map((a) => new Var({ shape: [...a.shape], dtype: a.dtype }));
  return { ...jaxpr, invars: [...jaxpr.invars.slice(0, at), ...extra, ...jaxpr.invars.slice(at)] };
}

/**
 * Which outputs depend on the invars flagged in `given`: the batched (or varying) values a
 * batching rule must follow through a sub-jaxpr, as JAX's `batch_jaxpr` fixed points do.
 */
export function dependsOn(jaxpr: Jaxpr, given: readonly boolean[]): boolean[] {
  const marked = new Set<Var>();
  jaxpr.invars.forEach((v, i) => given[i] && marked.add(v));
  const hit = (a: Atom) => isVar(a) && marked.has(a);
  for (const e of jaxpr.eqns) {
    if (e.inputs.some(hit)) for (const v of outsOf(e)) marked.add(v);
  }
  return jaxpr.outvars.map(hit);
}

export const floatAval = (a: AbstractValue) => isInexact(a.dtype);
