import { isInexact } from '../../core';
import type { CallParamsOf, CallPrimitive, Jaxpr } from '../../ir';
import { linalgJvp, linalgRules } from '../../linalg';
import { inline } from '../transforms/stage';
import type { TraceOps, Tracer } from '../trace';
import { permuteInvars, pickOutvars, withUnusedInvars } from './jaxprs';

/** The forward-mode transformation of a jaxpr (transforms/jvp.ts), passed in so the two files do not import each other. */
export type JvpOfJaxpr = (jaxpr: Jaxpr, withTangent: readonly boolean[]) => Jaxpr;

export type CallJvpRule<C extends CallPrimitive> = (
  o: TraceOps, primals: readonly Tracer[], tangents: readonly (Tracer | null)[], params: CallParamsOf<C>, jvp: JvpOfJaxpr,
) => { outs: Tracer[]; tangents: (Tracer | null)[] };

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const hasTangent = (x: Tracer, t: Tracer | null) => t !== null && isInexact(x.dtype);

/**
 * The JVP of `body` laid out for a loop: the tangents of the flagged invars follow their primals'
 * group. `groups` are the sizes of the invar groups (consts, carry, xs...); `flags` says which
 * invars take a tangent. The result takes each group followed by its tangents, and returns the
 * outvar groups `outGroups` likewise (only float outputs of a group keep a tangent).
 */
function jvpGrouped(jvp: JvpOfJaxpr, body: Jaxpr, groups: readonly number[], flags: readonly boolean[], outGroups: readonly number[]): Jaxpr {
  const j = jvp(body, flags);
  const n = body.invars.length;
  const tangentIndex = new Map<number, number>();
  flags.forEach((f, i) => f && tangentIndex.set(i, n + tangentIndex.size));
  const order: number[] = [];
  let start = 0;
  for (const g of groups) {
    order.push(...range(g, start));
    for (let i = start; i < start + g; i++) if (tangentIndex.has(i)) order.push(tangentIndex.get(i)!);
    start += g;
  }
  const m = body.outvars.length;
  const outOrder: number[] = [];
  start = 0;
  for (const g of outGroups) {
    outOrder.push(...range(g, start));
    for (let i = start; i < start + g; i++) if (isInexact(body.outvars[i].aval.dtype)) outOrder.push(m + i);
    start += g;
  }
  return pickOutvars(permuteInvars(j, order), outOrder);
}

/** Splits a grouped result (each group's values, then its float values' tangents) back into values and tangents. */
function ungroup(outs: readonly Tracer[], avalsFloat: readonly boolean[], groups: readonly number[]): { outs: Tracer[]; tangents: (Tracer | null)[] } {
  const values: Tracer[] = [];
  const tangents: (Tracer | null)[] = [];
  let k = 0;
  let start = 0;
  for (const g of groups) {
    values.push(...outs.slice(k, k + g));
    k += g;
    for (let i = start; i < start + g; i++) tangents.push(avalsFloat[i] ? outs[k++] : null);
    start += g;
  }
  return { outs: values, tangents };
}

/** Tangents for the flagged values: the given one, or zeros where it is symbolically zero. */
const instantiate = (o: TraceOps, xs: readonly Tracer[], ts: readonly (Tracer | null)[], flags: readonly boolean[]) =>
  xs.flatMap((x, i) => (flags[i] ? [ts[i] ?? o.zerosLike(x)] : []));

/** Each call primitive's JVP, as JAX's `_cond_jvp`, `_while_loop_jvp`, `_scan_jvp` and custom_jvp's rule. */
export const CALL_JVP_RULES: { readonly [C in CallPrimitive]: CallJvpRule<C> } = {
  cond: (o, [index, ...ops], [, ...ts], { branches }, jvp) => {
    const flags = ops.map((x, i) => hasTangent(x, ts[i]));
    const n = branches[0].outvars.length;
    const floats = branches[0].outvars.map((a) => isInexact(a.aval.dtype));
    const jb = branches.map((b) => jvpGrouped(jvp, b, [ops.length], flags, [n]));
    const outs = o.call('cond', [index, ...ops, ...instantiate(o, ops, ts, flags)], { branches: jb });
    return ungroup(outs, floats, [n]);
  },
  while: (o, primals, ts, p, jvp) => {
    const { condNconsts: nc, bodyNconsts: nb } = p;
    const carry = primals.slice(nc + nb);
    const bconsts = primals.slice(nc, nc + nb);
    // NB: every float carry takes a tangent (zeros where none came in): the body may make one nonzero.
    const carryFlags = carry.map((x) => isInexact(x.dtype));
    const constFlags = bconsts.map((x, i) => hasTangent(x, ts[nc + i]));
    const body = jvpGrouped(jvp, p.bodyJaxpr, [nb, carry.length], [...constFlags, ...carryFlags], [carry.length]);
    const carryTangents = instantiate(o, carry, ts.slice(nc + nb), carryFlags);
    // The cond takes the tangent carries too, and ignores them.
    const cond = withUnusedInvars(p.condJaxpr, nc + carry.length, carryTangents.map((t) => o.aval(t)));
    const outs = o.call('while', [
      ...primals.slice(0, nc), ...interleaveGroups([bconsts], [instantiate(o, bconsts, ts.slice(nc, nc + nb), constFlags)]),
      ...interleaveGroups([carry], [carryTangents]),
    ], { condJaxpr: cond, condNconsts: nc, bodyJaxpr: body, bodyNconsts: nb + constFlags.filter(Boolean).length });
    return ungroup(outs, carryFlags, [carry.length]);
  },
  scan: (o, primals, ts, p, jvp) => {
    const { numConsts: nc, numCarry: nk } = p;
    const consts = primals.slice(0, nc);
    const carry = primals.slice(nc, nc + nk);
    const xs = primals.slice(nc + nk);
    const constFlags = consts.map((x, i) => hasTangent(x, ts[i]));
    const carryFlags = carry.map((x) => isInexact(x.dtype));
    const xsFlags = xs.map((x, i) => hasTangent(x, ts[nc + nk + i]));
    const ny = p.jaxpr.outvars.length - nk;
    const body = jvpGrouped(jvp, p.jaxpr, [nc, nk, xs.length], [...constFlags, ...carryFlags, ...xsFlags], [nk, ny]);
    const constT = instantiate(o, consts, ts.slice(0, nc), constFlags);
    const carryT = instantiate(o, carry, ts.slice(nc, nc + nk), carryFlags);
    const xsT = instantiate(o, xs, ts.slice(nc + nk), xsFlags);
    const ins = [...consts, ...constT, ...carry, ...carryT, ...xs, ...xsT];
    const outs = o.call('scan', ins, {
      ...p, jaxpr: body, numConsts: nc + constT.length, numCarry: nk + carryT.length, linear: ins.map(() => false),
    });
    return ungroup(outs, p.jaxpr.outvars.map((a) => isInexact(a.aval.dtype)), [nk, ny]);
  },
  custom_jvp_call: (o, primals, ts, { jvp: rule, numConsts }) => {
    // The user's rule, traced once: (consts..., primals..., tangents...) -> (outputs..., output tangents...).
    const args = primals.slice(numConsts);
    const tangents = args.map((x, i) => ts[numConsts + i] ?? o.zerosLike(x));
    const j = rule.jaxpr();
    const outs = inline(o, j, [...primals, ...tangents]);
    const n = j.outvars.length / 2;
    return { outs: outs.slice(0, n), tangents: outs.slice(n).map((t, i) => (isInexact(outs[i].dtype) ? t : null)) };
  },
  custom_vjp_call: () => {
    throw new TypeError("can't apply forward-mode autodiff (jvp) to a custom_vjp function.");
  },
  // JAX's debug_callback_jvp_rule: the callback sees the primals; there is no tangent.
  debug_callback: (o, primals, _ts, params) => {
    o.call('debug_callback', primals, params);
    return { outs: [], tangents: [] };
  },
  ...linalgRules((prim) => (o: TraceOps, primals: readonly Tracer[], ts: readonly (Tracer | null)[], params: CallParamsOf<typeof prim>) => linalgJvp(o, prim, primals, ts, params)),
};

/** Each group followed by its tangents. */
function interleaveGroups(groups: readonly (readonly Tracer[])[], tangents: readonly (readonly Tracer[])[]): Tracer[] {
  return groups.flatMap((g, i) => [...g, ...tangents[i]]);
}
