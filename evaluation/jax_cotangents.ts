/**
 * The gradient of a jax-style function's value with respect to each name its body assigns, as
 * torch code's retain_grad gives it for an intermediate: the cotangent reverse mode computes for
 * that variable of the jaxpr. Each such variable gets a zero added after the equation that makes
 * it, the zero an input of its own; the gradient with respect to that input is the variable's
 * cotangent (of the value's sum, for a non-scalar value, as the gradient shown is).
 */
import { valueAndSummedGradJaxpr, type FunctionAt } from '../lang/python/staging';
import type { Backend, DeviceArray } from '../runtime/backends';
import { formatAval, isFloat, sizeOf } from '../runtime/core';
import { equation, isVar, outsOf, Var, type AnyEquation, type Atom, type Jaxpr } from '../runtime/ir';
import { simplifyAndFuse } from '../runtime/jit';
import type { ValueSummary } from '../protocol/results';
import { summarize } from './assignments';
import { unwrap } from './jax_run';

/** Each assigned name's cotangent by its target's `line:col`; empty where there is none to compute. */
export async function jaxCotangents(at: FunctionAt, backend: Backend): Promise<ReadonlyMap<string, ValueSummary>> {
  const sites = at.tracedAssignments?.();
  if (!sites || sites.size === 0 || at.wrtInvars.length === 0) return new Map();
  const f = unwrap(at.jaxpr(false));
  if (f.outvars.length !== 1 || !isFloat(f.outvars[0].aval.dtype)) return new Map();
  const madeBy = new Map<Var, number>();
  f.eqns.forEach((e, i) => outsOf(e).forEach((v) => madeBy.set(v, i)));
  // NB: one zero a variable, however many names hold it; a name inside a control-flow body holds none of this jaxpr's.
  const vars = [...new Set([...sites.values()].filter((v) => madeBy.has(v) && isFloat(v.aval.dtype)))];
  if (vars.length === 0) return new Map();
  const perturbed = withZerosAdded(f, vars, madeBy);
  const exe = simplifyAndFuse(valueAndSummedGradJaxpr(perturbed, vars.map((_, k) => f.invars.length + k)), backend);
  const { arrays, release } = unwrap(at.argumentArrays(f.invars));
  const made = new Set<DeviceArray>();
  try {
    const zeros = vars.map((v) => backend.upload(new Float64Array(sizeOf(v.aval.shape)), v.aval));
    zeros.forEach((z) => made.add(z));
    const outs = exe.run([...arrays, ...zeros]);
    outs.forEach((o) => made.add(o));
    const read = await backend.readMany(outs.slice(1));
    const byVar = new Map(vars.map((v, k) => [v, summarize(formatAval(v.aval), read[k], v.aval.shape, v.aval.dtype)]));
    return new Map([...sites].flatMap(([key, v]) => (byVar.has(v) ? [[key, byVar.get(v)!] as const] : [])));
  } finally {
    for (const a of made) backend.dispose(a);
    release();
  }
}

/** `f` with an input added for each of `vars`, added to it right after the equation that makes it. */
function withZerosAdded(f: Jaxpr, vars: readonly Var[], madeBy: ReadonlyMap<Var, number>): Jaxpr {
  const zeros = vars.map((v) => new Var(v.aval));
  const replaced = new Map<Var, Var>();
  const sub = (a: Atom): Atom => (isVar(a) ? replaced.get(a) ?? a : a);
  const eqns: AnyEquation[] = [];
  f.eqns.forEach((e, i) => {
    eqns.push({ ...e, inputs: e.inputs.map(sub) });
    vars.forEach((v, k) => {
      if (madeBy.get(v) !== i) return;
      const plus = new Var(v.aval);
      eqns.push(equation('add', {}, [v, zeros[k]], plus, e.span));
      replaced.set(v, plus);
    });
  });
  return { ...f, invars: [...f.invars, ...zeros], eqns, outvars: f.outvars.map(sub) };
}
