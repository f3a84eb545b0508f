import { JVP_RULES, type JvpRule } from '../../autodiff';
import { isInexact } from '../../core';
import { isCall, isVar, type Atom, type CallPrimitive, type Jaxpr, type Var } from '../../ir';
import { CALL_JVP_RULES, type CallJvpRule } from '../control/jvp_call';
import type { Primitive } from '../../primitives';
import { makeJaxpr, type TraceOps, type Tracer } from '../trace';
import { flattenArgs, inline, stage, avalOf, type Fn } from './stage';
import { unflatten } from './pytree';

/**
 * Forward mode: a jaxpr taking (primals..., tangents...) and returning (outs..., tangent outs...).
 * Only the invars flagged in `withTangent` (all by default) take a tangent; the others, and every
 * constant, have a symbolic zero one (null), which the rules propagate without emitting zeros.
 */
export function jvpJaxpr(jaxpr: Jaxpr, withTangent: readonly boolean[] = jaxpr.invars.map(() => true)): Jaxpr {
  const tangentOf = jaxpr.invars.flatMap((_, i) => (withTangent[i] ? [i] : []));
  const avals = [...jaxpr.invars.map((v) => v.aval), ...tangentOf.map((i) => jaxpr.invars[i].aval)];
  return makeJaxpr((o, ...xs) => {
    const [outs, touts] = jvpTraced(o, jaxpr, xs.slice(0, jaxpr.invars.length), tangentOf, xs.slice(jaxpr.invars.length));
    return [...outs, ...touts];
  }, avals);
}

function jvpTraced(o: TraceOps, jaxpr: Jaxpr, primals: readonly Tracer[], tangentOf: readonly number[], tangents: readonly Tracer[]): [Tracer[], Tracer[]] {
  const primal = new Map<Var, Tracer>();
  const tangent = new Map<Var, Tracer>();
  jaxpr.constvars.forEach((v, i) => primal.set(v, o.trace.constant(jaxpr.consts[i])));
  jaxpr.invars.forEach((v, i) => primal.set(v, primals[i]));
  tangentOf.forEach((i, k) => {
    if (isInexact(jaxpr.invars[i].aval.dtype)) tangent.set(jaxpr.invars[i], tangents[k]);
  });
  const read = (a: Atom): Tracer => (isVar(a) ? primal.get(a)! : o.scalar(a.value, a.dtype));
  const readT = (a: Atom): Tracer | null => (isVar(a) ? tangent.get(a) ?? null : null);
  // Each equation's primal and tangent equations carry its span, so they keep its source line.
  for (const e of jaxpr.eqns) {
    o.trace.withSpan(e.span ?? o.trace.span, () => {
      const ins = e.inputs.map(read);
      if (isCall(e)) {
        const ts = e.inputs.map(readT);
        if (ts.every((t) => t === null)) {
          o.call(e.primitive, ins, e.params).forEach((x, k) => primal.set(e.outs[k], x));
          return;
        }
        const r = (CALL_JVP_RULES[e.primitive] as CallJvpRule<CallPrimitive>)(o, ins, ts, e.params, jvpJaxpr);
        e.outs.forEach((v, k) => {
          primal.set(v, r.outs[k]);
          const t = r.tangents[k];
          if (t) tangent.set(v, t);
        });
        return;
      }
      const out = o.bind(e.primitive, ins, e.params);
      primal.set(e.out, out);
      const ts = e.inputs.map(readT);
      if (ts.every((t) => t === null)) return;
      const t = (JVP_RULES[e.primitive] as JvpRule<Primitive>)(o, ins, ts, out, e.params);
      if (t !== null) tangent.set(e.out, t);
    });
  }
  const outs = jaxpr.outvars.map(read);
  return [outs, jaxpr.outvars.map((a, i) => readT(a) ?? o.zerosLike(outs[i]))];
}

/**
 * `jax.jvp` over a function: the result takes (primals, tangents), two lists of argument pytrees
 * alike, and returns [primal outputs, tangent outputs] as pytrees shaped like `fn`'s output.
 */
export function jvp(fn: Fn): Fn {
  return (o: TraceOps, primals: readonly unknown[], tangents: readonly unknown[]) => {
    const { leaves, def } = flattenArgs(primals);
    const { leaves: tleaves } = flattenArgs(tangents);
    if (tleaves.length !== leaves.length) throw new TypeError(`jvp: ${leaves.length} primal leaves but ${tleaves.length} tangent leaves`);
    const { jaxpr, outDef, closed } = stage(fn, def, leaves.map(avalOf));
    const t = jvpJaxpr(jaxpr, jaxpr.invars.map((_, i) => i < leaves.length));
    const outs = inline(o, t, [...leaves, ...closed, ...tleaves]);
    const n = jaxpr.outvars.length;
    return [unflatten(outDef, outs.slice(0, n)), unflatten(outDef, outs.slice(n))];
  };
}

