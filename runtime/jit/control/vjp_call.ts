import { isInexact } from '../../core';
import { withoutEffects, type CallParamsOf, type CallPrimitive, type Jaxpr } from '../../ir';
import { linalgRules, linalgVjp } from '../../linalg';
import { dce } from '../simplify';
import { makeJaxpr, type TraceOps, type Tracer } from '../trace';
import { inline } from '../transforms/stage';
import { pickOutvars } from './jaxprs';

/** Reverse mode of a jaxpr (transforms/vjp.ts): takes (primals..., output cotangents...), returns (outputs..., cotangents of `wrt`...). */
export type VjpOfJaxpr = (jaxpr: Jaxpr, wrt: readonly number[]) => Jaxpr;

/**
 * Cotangents of a call's operands (null: zero) from those of its results (null: zero), with the
 * operands' values and what the forward replay kept beside the results (replayCall's residuals).
 */
export type CallVjpRule<C extends CallPrimitive> = (
  o: TraceOps, cts: readonly (Tracer | null)[], inputs: readonly Tracer[], outs: readonly Tracer[], params: CallParamsOf<C>, vjp: VjpOfJaxpr,
  residuals: readonly Tracer[],
) => (Tracer | null)[];

/**
 * What reverse mode runs forward for a call: the call itself; for custom_vjp the user's fwd in
 * its place, as JAX does (the primal results are fwd's, and its residuals wait for bwd).
 */
export function replayCall(o: TraceOps, prim: CallPrimitive, inputs: readonly Tracer[], params: CallParamsOf<CallPrimitive>, nOuts: number): { outs: Tracer[]; residuals: Tracer[] } {
  if (prim !== 'custom_vjp_call') return { outs: o.call(prim, inputs, params), residuals: [] };
  const f = inline(o, (params as CallParamsOf<'custom_vjp_call'>).fwd.jaxpr(), inputs);
  return { outs: f.slice(0, nOuts), residuals: f.slice(nOuts) };
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/**
 * Only the cotangent outputs of a VJP jaxpr (its primal outputs dropped, and what only they
 * needed): the backward pass, whose replay of the forward runs no debug callback again.
 */
function cotangentsOnly(vjp: VjpOfJaxpr, jaxpr: Jaxpr, wrt: readonly number[]): Jaxpr {
  const j = vjp(jaxpr, wrt);
  const n = jaxpr.outvars.length;
  return dce(withoutEffects(pickOutvars(j, range(wrt.length, n))));
}

const floatOrNull = (x: Tracer, ct: Tracer) => (isInexact(x.dtype) ? ct : null);

/** JAX's error for reverse mode through a while loop (its `_while_transpose_error`). */
export const WHILE_REVERSE_ERROR = 'Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic start/stop values. '
  + 'Try using lax.scan, or using fori_loop with static start/stop.';

/**
 * Each call primitive's VJP. cond pulls back through the VJP of the branch taken (a cond over
 * the branches' VJPs); scan runs forward again keeping each step's carry, then a scan in the other
 * direction over the body's VJP, summing the consts' cotangents in its carry (JAX's `_scan_transpose`
 * over the linearized body, with the body's forward recomputed per step instead of stored);
 * custom_jvp transposes the user's JVP rule in its tangents; custom_vjp runs the user's fwd and bwd.
 */
export const CALL_VJP_RULES: { readonly [C in CallPrimitive]: CallVjpRule<C> } = {
  cond: (o, cts, [index, ...ops], outs, { branches }, vjp) => {
    const wrt = range(ops.length);
    const vb = branches.map((b) => cotangentsOnly(vjp, b, wrt));
    const seeds = outs.map((y, i) => cts[i] ?? o.zerosLike(y));
    const grads = o.call('cond', [index, ...ops, ...seeds], { branches: vb });
    return [null, ...grads.map((g, i) => floatOrNull(ops[i], g))];
  },
  while: () => {
    throw new RangeError(WHILE_REVERSE_ERROR);
  },
  scan: (o, cts, inputs, outs, p, vjp) => {
    const { numConsts: nc, numCarry: nk, length, reverse, jaxpr: body } = p;
    const consts = inputs.slice(0, nc);
    const carry = inputs.slice(nc, nc + nk);
    const xs = inputs.slice(nc + nk);
    const ny = body.outvars.length - nk;
    // 1. The forward again, stacking the carry each step starts from (its callbacks ran in the replay).
    const forward: Jaxpr = withoutEffects({ ...body, outvars: [...body.outvars, ...body.invars.slice(nc, nc + nk)] });
    const fwdOuts = o.call('scan', inputs, { ...p, jaxpr: forward });
    const carries = fwdOuts.slice(nk + ny);
    // 2. Backward: carry (carry cotangent, consts' cotangent sums), xs (step carries, xs, ys' cotangents).
    const step = cotangentsOnly(vjp, body, range(body.invars.length));
    const ctCarry = outs.slice(0, nk).map((y, i) => cts[i] ?? o.zerosLike(y));
    const ctYs = outs.slice(nk).map((y, i) => cts[nk + i] ?? o.zerosLike(y));
    const ctConsts = consts.map((c) => o.zerosLike(c));
    const carryAvals = carry.map((x) => o.aval(x));
    const constAvals = consts.map((x) => o.aval(x));
    const xAvals = xs.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype }));
    const yAvals = body.outvars.slice(nk).map((a) => a.aval);
    const back = makeJaxpr((bo, ...a) => {
      const [cs, ctc, ctk, ks, xi, cty] = split(a, [nc, nk, nc, nk, xs.length, ny]);
      const g = inline(bo, step, [...cs, ...ks, ...xi, ...ctc, ...cty]);
      const [gConsts, gCarry, gXs] = split(g, [nc, nk, xs.length]);
      return [...gCarry, ...ctk.map((acc, i) => bo.add(acc, gConsts[i])), ...gXs];
    }, [...constAvals, ...carryAvals, ...constAvals, ...carryAvals, ...xAvals, ...yAvals]);
    const res = o.call('scan', [...consts, ...ctCarry, ...ctConsts, ...carries, ...xs, ...ctYs], {
      jaxpr: back, length, reverse: !reverse, numConsts: nc, numCarry: nk + nc, linear: range(nc * 2 + nk * 2 + xs.length + ny).map(() => false), unroll: p.unroll,
    });
    const [gCarry, gConsts, gXs] = split(res, [nk, nc, xs.length]);
    return [...gConsts.map((g, i) => floatOrNull(consts[i], g)), ...gCarry.map((g, i) => floatOrNull(carry[i], g)), ...gXs.map((g, i) => floatOrNull(xs[i], g))];
  },
  custom_jvp_call: (o, cts, inputs, outs, { jvp: rule, numConsts }, vjp) => {
    // The rule is linear in its tangents: its VJP in them, at zero tangents, is the transposed rule.
    // Only the tangent outputs: the primal ones (often the function called again) get no cotangent.
    const full = rule.jaxpr();
    const n = full.outvars.length / 2;
    const j = dce(pickOutvars(full, range(n, n)));
    const args = inputs.slice(numConsts);
    const wrt = args.map((_, i) => inputs.length + i);
    const t = vjp(j, wrt);
    const seeds = outs.map((y, i) => cts[i] ?? o.zerosLike(y));
    const g = inline(o, dce(pickOutvars(t, range(args.length, n))), [...inputs, ...args.map((x) => o.zerosLike(x)), ...seeds]);
    return [...inputs.slice(0, numConsts).map(() => null), ...g.map((x, i) => floatOrNull(args[i], x))];
  },
  custom_vjp_call: (o, cts, inputs, outs, { bwd, numConsts }, _vjp, residuals) => {
    // bwd: (residuals..., cotangents...) -> primal cotangents; the residuals are fwd's, from the replay.
    const g = inline(o, bwd.jaxpr(), [...residuals, ...outs.map((y, i) => cts[i] ?? o.zerosLike(y))]);
    const args = inputs.slice(numConsts);
    return [...inputs.slice(0, numConsts).map(() => null), ...g.map((x, i) => floatOrNull(args[i], x))];
  },
  // No results, so never a cotangent to pull back: the replay of the forward ran the callback.
  debug_callback: (_o, _cts, inputs) => inputs.map(() => null),
  ...linalgRules((prim) => (o: TraceOps, cts: readonly (Tracer | null)[], inputs: readonly Tracer[], outs: readonly Tracer[], params: CallParamsOf<typeof prim>, vjp: VjpOfJaxpr) =>
    linalgVjp(o, prim, cts, inputs, outs, params, vjp)),
};

function split<T>(xs: readonly T[], sizes: readonly number[]): T[][] {
  let k = 0;
  return sizes.map((n) => xs.slice(k, (k += n)));
}
