/**
 * The gradient of a jax-style function's value with respect to each name its body assigns, as
 * torch code's retain_grad gives it for an intermediate: the cotangent reverse mode computes for
 * that variable of the jaxpr. Each such variable gets a zero added after the equation that makes
 * it, the zero an input of its own; the gradient with respect to that input is the variable's
 * cotangent (of the value's sum, for a non-scalar value, as the gradient shown is). A name that
 * holds a differentiated input itself (`W, b = params`, `w = params[0]`) gets its zero added
 * before the first equation: its gradient is the input's, as torch's `.grad` of an alias of a
 * leaf is. A name assigned in a loop gets its last value's cotangent, as retain_grad on the last
 * iteration's tensor gives it. A name assigned inside a control-flow body (lax.cond's branches,
 * lax.scan's and fori_loop's body) holds a variable of the body's own jaxpr, not the function's:
 * its hover says so rather than showing nothing.
 */
import { valueAndSummedGradJaxpr, type FunctionAt } from '../lang/python/staging';
import type { Backend, DeviceArray } from '../runtime/backends';
import { formatAval, isFloat, sizeOf } from '../runtime/core';
import { equation, isCall, isVar, outsOf, subJaxprs, Var, type AnyEquation, type Atom, type Jaxpr } from '../runtime/ir';
import { simplifyAndFuse } from '../runtime/jit';
import type { ValueSummary } from '../protocol/results';
import { summarize } from './assignments';
import { unwrap } from './jax_run';

/** An assigned name's gradient, or why it has none where one is expected. */
export type Cotangent = { readonly grad: ValueSummary } | { readonly note: string };

/** Each assigned name's cotangent (or why not) by its target's `line:col`; empty where there is none to compute. */
export async function jaxCotangents(at: FunctionAt, backend: Backend): Promise<ReadonlyMap<string, Cotangent>> {
  const sites = at.tracedAssignments?.();
  if (!sites || sites.size === 0 || at.wrtInvars.length === 0) return new Map();
  const f = unwrap(at.jaxpr(false));
  if (f.outvars.length !== 1 || !isFloat(f.outvars[0].aval.dtype)) return new Map();
  const madeBy = new Map<Var, number>();
  f.eqns.forEach((e, i) => outsOf(e).forEach((v) => madeBy.set(v, i)));
  const differentiated = new Set(at.wrtInvars.map((k) => f.invars[k]));
  const notes = bodyNotes(f, [...sites.values()].filter((v) => !madeBy.has(v) && !differentiated.has(v)));
  // NB: one zero a variable, however many names hold it.
  const vars = [...new Set([...sites.values()].filter((v) => (madeBy.has(v) || differentiated.has(v)) && isFloat(v.aval.dtype)))];
  const noted = new Map<string, Cotangent>([...sites].flatMap(([key, v]) => (notes.has(v) ? [[key, { note: notes.get(v)! }] as const] : [])));
  if (vars.length === 0) return noted;
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
    return new Map<string, Cotangent>([...noted, ...[...sites].flatMap(([key, v]) => (byVar.has(v) ? [[key, { grad: byVar.get(v)! }] as const] : []))]);
  } finally {
    for (const a of made) backend.dispose(a);
    release();
  }
}

/** Where each control-flow body holding one of `vars` is: in the words the hover says why it has no gradient. */
const BODY_WORDS: Readonly<Record<string, string>> = {
  cond: 'in a branch of lax.cond',
  scan: 'in the body of lax.scan (or of a lax.fori_loop, which runs as one)',
  while: 'in the body of lax.while_loop (or of a lax.fori_loop, which runs as one)',
  custom_jvp_call: 'inside a jax.custom_jvp function',
  custom_vjp_call: 'inside a jax.custom_vjp function',
};

/** For each of `vars` that a control-flow body of `f` (at any depth) makes, why its hover shows no gradient. */
function bodyNotes(f: Jaxpr, vars: readonly Var[]): Map<Var, string> {
  const wanted = new Set(vars);
  const notes = new Map<Var, string>();
  const visit = (j: Jaxpr, outer: string | undefined): void => {
    for (const e of j.eqns) {
      if (outer !== undefined) for (const v of outsOf(e)) if (wanted.has(v)) notes.set(v, outer);
      if (!isCall(e)) continue;
      for (const body of subJaxprs(e)) {
        const where = outer ?? BODY_WORDS[e.primitive] ?? `inside ${e.primitive}`;
        for (const v of body.invars) if (wanted.has(v)) notes.set(v, where);
        visit(body, where);
      }
    }
  };
  visit(f, undefined);
  return new Map([...notes].map(([v, where]) => [v, `not computed: assigned ${where}, which JAX traces into a jaxpr of its own; Gradlens gives the cotangents of the function's own variables (a name the body's result is assigned to outside it has one)`]));
}

/** `f` with an input added for each of `vars`, added to it right after the equation that makes it. */
function withZerosAdded(f: Jaxpr, vars: readonly Var[], madeBy: ReadonlyMap<Var, number>): Jaxpr {
  const zeros = vars.map((v) => new Var(v.aval));
  const replaced = new Map<Var, Var>();
  const sub = (a: Atom): Atom => (isVar(a) ? replaced.get(a) ?? a : a);
  const eqns: AnyEquation[] = [];
  // An input a name holds itself: its zero is added before anything reads it.
  vars.forEach((v, k) => {
    if (madeBy.has(v)) return;
    const plus = new Var(v.aval);
    eqns.push(equation('add', {}, [v, zeros[k]], plus));
    replaced.set(v, plus);
  });
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
