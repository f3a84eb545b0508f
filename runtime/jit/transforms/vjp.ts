import { VJP_RULES, type VjpRule } from '../../autodiff';
import { formatAval, isInexact } from '../../core';
import { isCall, isVar, outsOf, type Atom, type CallPrimitive, type Jaxpr, type Var } from '../../ir';
import { CALL_VJP_RULES, replayCall, type CallVjpRule } from '../control/vjp_call';
import type { Primitive } from '../../primitives';
import { dce } from '../simplify';
import { makeJaxpr, type TraceOps, type Tracer } from '../trace';
import { unflatten, type TreeDef } from './pytree';
import { avalOf, flattenArgs, inline, stage, type Fn } from './stage';

/*
 * Reverse mode. JAX derives it as linearize (JVP, then partial evaluation into a linear jaxpr)
 * followed by transposing that linear jaxpr. Here the forward is replayed into the new trace and
 * the equations are walked in reverse, each VJP rule applied on tracers to the cotangent of its
 * output, cotangents summed per var. For our rule table the two agree: every VJP rule is the
 * transpose of its JVP rule's linear map, written over the primal values that partial evaluation
 * would have kept as residuals; and it costs no linear jaxpr in between. Equations of the forward
 * that no output or residual needs are dropped by DCE.
 */

/** Replays `jaxpr` on `args` into `o`'s trace and pulls `seeds` (one per outvar; null is zero) back to the invars in `wrt`. */
function backward(o: TraceOps, jaxpr: Jaxpr, args: readonly Tracer[], seeds: readonly (Tracer | null)[], wrt: readonly number[]): { outs: Tracer[]; cts: Tracer[] } {
  const env = new Map<Var, Tracer>();
  jaxpr.constvars.forEach((v, i) => env.set(v, o.trace.constant(jaxpr.consts[i])));
  jaxpr.invars.forEach((v, i) => env.set(v, args[i]));
  const read = (a: Atom): Tracer => (isVar(a) ? env.get(a)! : o.scalar(a.value, a.dtype));
  // The replay and each rule's equations carry the forward equation's span (as JAX's transpose
  // keeps the primal's source info), so a gradient's equations point at the line that caused them.
  const underSpan = <R>(e: Jaxpr['eqns'][number], fn: () => R): R => o.trace.withSpan(e.span ?? o.trace.span, fn);
  // NB: only values that depend on a `wrt` invar take cotangents, as only tangent-carrying values are
  // transposed in JAX. Pulling back into the rest would be wasted work, and unbounded for a custom_jvp
  // rule whose tangent uses its function's output (`y = f(x); return y, 2 * y * t`): that output's
  // cotangent would transpose f's rule again, which calls f again, and so on.
  const active = new Set<Var>(wrt.map((i) => jaxpr.invars[i]));
  const isActive = (a: Atom): a is Var => isVar(a) && active.has(a);
  const tape = jaxpr.eqns.map((e) => {
    if (e.inputs.some(isActive)) outsOf(e).forEach((v) => active.add(v));
    const inputs = e.inputs.map(read);
    if (isCall(e)) {
      const { outs, residuals } = underSpan(e, () => replayCall(o, e.primitive, inputs, e.params, e.outs.length));
      e.outs.forEach((v, k) => env.set(v, outs[k]));
      return { e, inputs, outs, residuals };
    }
    const out = underSpan(e, () => o.bind(e.primitive, inputs, e.params));
    env.set(e.out, out);
    return { e, inputs, outs: [out], residuals: [] };
  });
  const cts = new Map<Var, Tracer>();
  const accumulate = (a: Atom, g: Tracer | null) => {
    if (g === null || !isActive(a) || !isInexact(a.aval.dtype)) return;
    const prior = cts.get(a);
    cts.set(a, prior ? o.add(prior, g) : g);
  };
  jaxpr.outvars.forEach((a, i) => accumulate(a, seeds[i]));
  for (let k = tape.length - 1; k >= 0; k--) {
    const { e, inputs, outs, residuals } = tape[k];
    if (isCall(e)) {
      const seeds = e.outs.map((v) => cts.get(v) ?? null);
      if (seeds.every((s) => s === null)) continue;
      underSpan(e, () => {
        const grads = (CALL_VJP_RULES[e.primitive] as CallVjpRule<CallPrimitive>)(o, seeds, inputs, outs, e.params, vjpJaxpr, residuals);
        e.inputs.forEach((a, i) => accumulate(a, grads[i]));
      });
      continue;
    }
    const out = outs[0];
    const ct = cts.get(e.out);
    if (!ct) continue;
    underSpan(e, () => {
      const grads = (VJP_RULES[e.primitive] as VjpRule<Primitive>)(o, ct, inputs, out, e.params);
      e.inputs.forEach((a, i) => accumulate(a, grads[i]));
    });
  }
  return {
    outs: jaxpr.outvars.map(read),
    cts: wrt.map((i) => cts.get(jaxpr.invars[i]) ?? o.zerosLike(args[i])),
  };
}

const allInvars = (jaxpr: Jaxpr) => jaxpr.invars.map((_, i) => i);

/**
 * `jax.vjp` as a jaxpr: takes (primals..., one cotangent per output...) and returns
 * (outputs..., cotangents of the invars in `wrt`...).
 */
export function vjpJaxpr(jaxpr: Jaxpr, wrt: readonly number[] = allInvars(jaxpr)): Jaxpr {
  const n = jaxpr.invars.length;
  return dce(makeJaxpr((o, ...xs) => {
    const { outs, cts } = backward(o, jaxpr, xs.slice(0, n), xs.slice(n), wrt);
    return [...outs, ...cts];
  }, [...jaxpr.invars.map((v) => v.aval), ...jaxpr.outvars.map((a) => a.aval)]));
}

export interface GradOptions {
  /** Which arguments to differentiate: an index (the result is its gradient) or a list (a list of gradients). */
  readonly argnums?: number | readonly number[];
  /** The function returns [value, aux]; aux is passed through undifferentiated. */
  readonly hasAux?: boolean;
}

/** One seed per output: 1 for outvar 0, which must be a float scalar, and zero for the aux ones. */
function seedsOf(o: TraceOps, jaxpr: Jaxpr): (Tracer | null)[] {
  const y = jaxpr.outvars[0]?.aval;
  if (!y || y.shape.length !== 0 || !isInexact(y.dtype)) {
    throw new TypeError(`grad requires a scalar floating output, got ${y ? formatAval(y) : 'none'}; use vjp for others`);
  }
  return jaxpr.outvars.map((_, i) => (i === 0 ? o.scalar(1, y.dtype) : null));
}

/**
 * `jax.value_and_grad` as a jaxpr over the invars in `wrt`: returns (value, aux outputs...,
 * gradients...), outvar 0 being the value and any others aux.
 */
export function valueAndGradJaxpr(jaxpr: Jaxpr, wrt: readonly number[] = allInvars(jaxpr)): Jaxpr {
  return dce(makeJaxpr((o, ...xs) => {
    const { outs, cts } = backward(o, jaxpr, xs, seedsOf(o, jaxpr), wrt);
    return [...outs, ...cts];
  }, jaxpr.invars.map((v) => v.aval)));
}

/** `jax.grad` as a jaxpr: returns (gradients of the invars in `wrt`..., aux outputs...). */
export function gradJaxpr(jaxpr: Jaxpr, wrt: readonly number[] = allInvars(jaxpr)): Jaxpr {
  const vg = valueAndGradJaxpr(jaxpr, wrt);
  const n = jaxpr.outvars.length;
  return dce({ ...vg, outvars: [...vg.outvars.slice(n), ...vg.outvars.slice(1, n)] });
}

const argnumsOf = (argnums: number | readonly number[] | undefined, nargs: number): readonly number[] => {
  const list = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : argnums;
  return list.map((a) => {
    const i = a < 0 ? a + nargs : a;
    if (i < 0 || i >= nargs) throw new RangeError(`argnums ${a} is out of range for ${nargs} argument(s)`);
    return i;
  });
};

/**
 * Traces `fn`, runs the value-and-grad jaxpr of the leaves of the chosen arguments, and
 * inlines it into `o`'s trace: [value, aux or null, gradients as a pytree].
 */
function valueAndGradTraced(fn: Fn, opts: GradOptions, o: TraceOps, args: readonly unknown[]): [unknown, unknown, unknown] {
  const { leaves, def, starts } = flattenArgs(args);
  const { jaxpr, outDef, closed } = stage(fn, def, leaves.map(avalOf));
  const argnums = argnumsOf(opts.argnums, args.length);
  const wrt = argnums.flatMap((a) => Array.from({ length: starts[a + 1] - starts[a] }, (_, k) => starts[a] + k));
  let valueDef: TreeDef = outDef;
  let auxDef: TreeDef = { kind: 'none' };
  if (opts.hasAux) {
    if (outDef.kind !== 'list' || outDef.children.length !== 2) throw new TypeError('hasAux: the function must return [value, aux]');
    [valueDef, auxDef] = outDef.children;
  }
  if (valueDef.kind !== 'leaf') throw new TypeError('grad: the function must return one scalar' + (opts.hasAux ? ' beside its aux' : ''));
  const outs = inline(o, valueAndGradJaxpr(jaxpr, wrt), [...leaves, ...closed]);
  const n = jaxpr.outvars.length;
  const grads = outs.slice(n);
  const argDefs = def.kind === 'list' ? def.children : [];
  const perArg = argnums.map((a) => unflatten(argDefs[a], grads.splice(0, starts[a + 1] - starts[a])));
  const g = typeof opts.argnums === 'object' ? perArg : perArg[0];
  return [outs[0], opts.hasAux ? unflatten(auxDef, outs.slice(1, n)) : null, g];
}

/** `jax.grad`: the gradient pytree (with hasAux, [gradient, aux]). */
export function grad(fn: Fn, opts: GradOptions = {}): Fn {
  return (o, ...args) => {
    const [, aux, g] = valueAndGradTraced(fn, opts, o, args);
    return opts.hasAux ? [g, aux] : g;
  };
}

/** `jax.value_and_grad`: [value, gradient], or with hasAux [[value, aux], gradient]. */
export function valueAndGrad(fn: Fn, opts: GradOptions = {}): Fn {
  return (o, ...args) => {
    const [value, aux, g] = valueAndGradTraced(fn, opts, o, args);
    return [opts.hasAux ? [value, aux] : value, g];
  };
}

/**
 * `jax.vjp` staged: the result takes (primals, cotangents), a list of argument pytrees and a
 * pytree shaped like `fn`'s output, and returns [outputs, cotangents of the arguments (a list)].
 */
export function vjp(fn: Fn): Fn {
  return (o: TraceOps, primals: readonly unknown[], cotangents: unknown) => {
    const { leaves, def } = flattenArgs(primals);
    const { jaxpr, outDef, closed } = stage(fn, def, leaves.map(avalOf));
    const { leaves: cts } = flattenArgs([cotangents]);
    if (cts.length !== jaxpr.outvars.length) throw new TypeError(`vjp: ${jaxpr.outvars.length} output leaves but ${cts.length} cotangent leaves`);
    const wrt = leaves.map((_, i) => i);
    const outs = inline(o, vjpJaxpr(jaxpr, wrt), [...leaves, ...closed, ...cts]);
    const n = jaxpr.outvars.length;
    return [unflatten(outDef, outs.slice(0, n)), unflatten(def, outs.slice(n))];
  };
}
