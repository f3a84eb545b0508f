import type { AbstractValue } from '../../core';
import type { CallParamsOf, CallPrimitive, Jaxpr } from '../../ir';
import { makeJaxpr, type TraceOps, type Tracer } from '../trace';
import { linalgBatch, linalgRules } from '../../linalg';
import { inline } from '../transforms/stage';
import { dependsOn } from './jaxprs';

type Axis = number | null;

/** `jax.vmap` of a jaxpr (transforms/vmap.ts): invars batched at `inAxes`, outputs at `outAxes`. */
export type VmapOfJaxpr = (jaxpr: Jaxpr, axisSize: number, inAxes: readonly Axis[], outAxes: readonly Axis[]) => Jaxpr;

export type CallBatchRule<C extends CallPrimitive> = (
  o: TraceOps, xs: readonly Tracer[], bds: readonly Axis[], params: CallParamsOf<C>, axisSize: number, vmap: VmapOfJaxpr,
) => { outs: Tracer[]; batchDims: Axis[] };

/** `x` with its batch axis first (broadcast there when it has none). */
function batchFirst(o: TraceOps, x: Tracer, bd: Axis, size: number): Tracer {
  if (bd === null) {
    const shape = [size, ...x.shape];
    return o.broadcastInDim(x, shape, x.shape.map((_, i) => i + 1));
  }
  if (bd === 0) return x;
  const perm = [bd, ...x.shape.map((_, i) => i).filter((i) => i !== bd)];
  return o.transpose(x, perm);
}

/** `x` (a scanned operand) with its batch axis second, after the scanned axis. */
function batchSecond(o: TraceOps, x: Tracer, bd: Axis, size: number): Tracer {
  const first = batchFirst(o, x, bd, size);
  if (bd === 1) return x;
  return o.transpose(first, [1, 0, ...first.shape.slice(2).map((_, i) => i + 2)]);
}

/** Carries that vary along the batch: those given batched, and those the body makes vary (JAX's fixed point). */
function batchedCarry(body: Jaxpr, before: readonly boolean[], carryIn: readonly boolean[], after: readonly boolean[] = []): boolean[] {
  let carry = [...carryIn];
  for (;;) {
    const outs = dependsOn(body, [...before, ...carry, ...after]);
    const next = carry.map((b, i) => b || outs[i]);
    if (next.every((b, i) => b === carry[i])) return carry;
    carry = next;
  }
}

const avalOf = (x: Tracer): AbstractValue => ({ shape: [...x.shape], dtype: x.dtype });

/**
 * Each call primitive's batching rule. cond with an unbatched index stays a cond of batched
 * branches; a batched index becomes a select between every branch's result (as JAX's vmap of
 * cond does). while batches its body; a batched predicate runs until no example's holds, each
 * example keeping its carry once its own predicate fails. scan batches its body, with the
 * scanned operands' batch axis after the scanned one.
 */
export const CALL_BATCH_RULES: { readonly [C in CallPrimitive]: CallBatchRule<C> } = {
  cond: (o, [index, ...ops], [ibd, ...bds], { branches }, size, vmap) => {
    const batched = branches.map((b) => vmap(b, size, bds, b.outvars.map(() => 0)));
    if (ibd === null) {
      return { outs: o.call('cond', [index, ...ops], { branches: batched }), batchDims: branches[0].outvars.map(() => 0) };
    }
    const results = batched.map((b) => inline(o, b, ops));
    const i = o.min(o.max(batchFirst(o, index, ibd, size), o.scalar(0, 'int32')), o.scalar(branches.length - 1, 'int32'));
    const outs = results[0].map((_, k) => {
      let r = results[0][k];
      for (let b = 1; b < results.length; b++) {
        const pick = o.broadcastInDim(o.eq(i, o.scalar(b, 'int32')), [...r.shape], [0]);
        r = o.select(pick, results[b][k], r);
      }
      return r;
    });
    return { outs, batchDims: outs.map(() => 0) };
  },
  while: (o, xs, bds, p, size, vmap) => {
    const { condNconsts: nc, bodyNconsts: nb, condJaxpr, bodyJaxpr } = p;
    const isB = bds.map((b) => b !== null);
    const carryB0 = isB.slice(nc + nb);
    const predBatched = () => dependsOn(condJaxpr, [...isB.slice(0, nc), ...carryB])[0];
    let carryB = batchedCarry(bodyJaxpr, isB.slice(nc, nc + nb), carryB0);
    const batchedPred = predBatched();
    if (batchedPred) carryB = carryB.map(() => true);
    const carry = xs.slice(nc + nb).map((x, i) => (carryB[i] ? batchFirst(o, x, bds[nc + nb + i], size) : x));
    const carryAxes = carryB.map((b) => (b ? 0 : null));
    const cond = vmap(condJaxpr, size, [...bds.slice(0, nc), ...carryAxes], [batchedPred ? 0 : null]);
    const body = vmap(bodyJaxpr, size, [...bds.slice(nc, nc + nb), ...carryAxes], carryAxes);
    if (!batchedPred) {
      const outs = o.call('while', [...xs.slice(0, nc + nb), ...carry], { ...p, condJaxpr: cond, bodyJaxpr: body });
      return { outs, batchDims: carryAxes };
    }
    // A batched predicate: loop while any example's holds; the others keep their carry.
    const condConsts = xs.slice(0, nc);
    const carryAvals = carry.map(avalOf);
    const anyCond = makeJaxpr((co, ...a) => {
      const [pred] = inline(co, cond, a);
      return co.gt(co.reduceMax(co.convert(pred, 'int32'), [0]), co.scalar(0, 'int32'));
    }, [...condConsts.map(avalOf), ...carryAvals]);
    const bodyConsts = xs.slice(nc, nc + nb);
    const guarded = makeJaxpr((bo, ...a) => {
      const cc = a.slice(0, nc);
      const bc = a.slice(nc, nc + nb);
      const c = a.slice(nc + nb);
      const [pred] = inline(bo, cond, [...cc, ...c]);
      const next = inline(bo, body, [...bc, ...c]);
      return next.map((n, i) => bo.select(bo.broadcastInDim(pred, [...n.shape], [0]), n, c[i]));
    }, [...condConsts.map(avalOf), ...bodyConsts.map(avalOf), ...carryAvals]);
    const outs = o.call('while', [...condConsts, ...condConsts, ...bodyConsts, ...carry], {
      condJaxpr: anyCond, condNconsts: nc, bodyJaxpr: guarded, bodyNconsts: nc + nb,
    });
    return { outs, batchDims: carry.map(() => 0) };
  },
  scan: (o, xs, bds, p, size, vmap) => {
    const { numConsts: nc, numCarry: nk, jaxpr: body } = p;
    const isB = bds.map((b) => b !== null);
    const xsB = isB.slice(nc + nk);
    const carryB = batchedCarry(body, isB.slice(0, nc), isB.slice(nc, nc + nk), xsB);
    const ys = dependsOn(body, [...isB.slice(0, nc), ...carryB, ...xsB]).slice(nk);
    const carryAxes = carryB.map((b) => (b ? 0 : null));
    const batched = vmap(body, size, [...bds.slice(0, nc), ...carryAxes, ...xsB.map((b) => (b ? 0 : null))], [...carryAxes, ...ys.map((b) => (b ? 0 : null))]);
    const carry = xs.slice(nc, nc + nk).map((x, i) => (carryB[i] ? batchFirst(o, x, bds[nc + i], size) : x));
    const scanned = xs.slice(nc + nk).map((x, i) => (xsB[i] ? batchSecond(o, x, bds[nc + nk + i], size) : x));
    const outs = o.call('scan', [...xs.slice(0, nc), ...carry, ...scanned], { ...p, jaxpr: batched });
    return { outs, batchDims: [...carryAxes, ...ys.map((b) => (b ? 1 : null))] };
  },
  custom_jvp_call: (o, xs, bds, p, size, vmap) => {
    const outAxes = p.callJaxpr.outvars.map(() => 0);
    const call = vmap(p.callJaxpr, size, bds, outAxes);
    const args = bds.slice(p.numConsts);
    const rule = { name: p.jvp.name, numResiduals: 0, jaxpr: () => vmap(p.jvp.jaxpr(), size, [...bds, ...args], [...outAxes, ...outAxes]) };
    return { outs: o.call('custom_jvp_call', xs, { ...p, callJaxpr: call, jvp: rule }), batchDims: outAxes };
  },
  custom_vjp_call: (o, xs, bds, p, size, vmap) => {
    const outAxes = p.callJaxpr.outvars.map(() => 0);
    const call = vmap(p.callJaxpr, size, bds, outAxes);
    const fwd = {
      name: p.fwd.name,
      get numResiduals() { return p.fwd.numResiduals; },
      jaxpr: () => {
        const j = p.fwd.jaxpr();
        return vmap(j, size, bds, j.outvars.map(() => 0));
      },
    };
    const argAxes = bds.slice(p.numConsts);
    // The cotangent of each argument comes back where its batch axis is: summed over the batch for an unbatched one.
    const bwd = {
      name: p.bwd.name, numResiduals: 0,
      jaxpr: () => {
        const j = p.bwd.jaxpr();
        const nres = p.fwd.numResiduals;
        const batched = vmap(j, size, [...Array.from({ length: nres }, () => 0), ...outAxes], j.outvars.map(() => 0));
        return makeJaxpr((bo, ...a) => inline(bo, batched, a).map((g, i) => {
          const ax = argAxes[i];
          if (ax === null) return bo.reduceSum(g, [0]);
          return ax === 0 ? g : bo.transpose(g, moveFirstTo(g.shape.length, ax));
        }), batched.invars.map((v) => v.aval));
      },
    };
    return { outs: o.call('custom_vjp_call', xs, { ...p, callJaxpr: call, fwd, bwd }), batchDims: outAxes };
  },
  // JAX's debug_callback_batching_rule: unrolled, once per batch element in order, an unbatched operand as it is.
  debug_callback: (o, xs, bds, params, size) => {
    for (let i = 0; i < size; i++) {
      o.call('debug_callback', xs.map((x, k) => {
        const d = bds[k];
        if (d === null) return x;
        const row = o.slice(x, x.shape.map((_, a) => (a === d ? i : 0)), x.shape.map((n, a) => (a === d ? i + 1 : n)));
        return o.squeeze(row, [d]);
      }), params);
    }
    return { outs: [], batchDims: [] };
  },
  ...linalgRules((prim) => (o: TraceOps, xs: readonly Tracer[], bds: readonly Axis[], params: CallParamsOf<typeof prim>, size: number) => linalgBatch(o, prim, xs, bds, params, size)),
};

/** The permutation taking axis 0 to `to`. */
function moveFirstTo(rank: number, to: number): number[] {
  const rest = Array.from({ length: rank - 1 }, (_, i) => i + 1);
  return [...rest.slice(0, to), 0, ...rest.slice(to)];
}
