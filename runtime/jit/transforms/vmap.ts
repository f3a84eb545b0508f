import { BATCH_RULES, batchAt, moveaxis, type BatchRule } from '../../batching';
import { formatAval, type AbstractValue } from '../../core';
import { isCall, isVar, type Atom, type CallPrimitive, type Jaxpr, type Var } from '../../ir';
import { CALL_BATCH_RULES, type CallBatchRule } from '../control/batch_call';
import type { Primitive } from '../../primitives';
import { makeJaxpr, type TraceOps, type Tracer } from '../trace';
import { broadcastPrefix, unflatten } from './pytree';
import { avalOf, flattenArgs, inline, stage, type Fn } from './stage';

export type Axis = number | null;

const normalize = (axis: number, rank: number, what: string): number => {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new RangeError(`vmap: ${what} axis ${axis} is out of range for rank ${rank}`);
  return a;
};

/**
 * `jax.vmap` as a jaxpr: each invar gains a batch axis of `axisSize` at `inAxes[i]` (null: shared
 * by every example), and each output has it at `outAxes[i]` (null: only for outputs that do not
 * depend on a batched input). Every equation becomes its batching rule's few primitives.
 */
export function vmapJaxpr(jaxpr: Jaxpr, axisSize: number, inAxes: readonly Axis[], outAxes: readonly Axis[] = jaxpr.outvars.map(() => 0)): Jaxpr {
  const batchedAval = (a: AbstractValue, axis: Axis): AbstractValue => {
    if (axis === null) return a;
    const shape = [...a.shape];
    shape.splice(normalize(axis, shape.length + 1, 'in'), 0, axisSize);
    return { shape, dtype: a.dtype };
  };
  return makeJaxpr((o, ...xs) => {
    const env = new Map<Var, { x: Tracer; bd: Axis }>();
    jaxpr.constvars.forEach((v, i) => env.set(v, { x: o.trace.constant(jaxpr.consts[i]), bd: null }));
    jaxpr.invars.forEach((v, i) => {
      const axis = inAxes[i];
      env.set(v, { x: xs[i], bd: axis === null ? null : normalize(axis, v.aval.shape.length + 1, 'in') });
    });
    const read = (a: Atom) => (isVar(a) ? env.get(a)! : { x: o.scalar(a.value, a.dtype), bd: null });
    for (const e of jaxpr.eqns) {
      const ins = e.inputs.map(read);
      if (isCall(e)) {
        const r = ins.every((i) => i.bd === null)
          ? { outs: o.call(e.primitive, ins.map((i) => i.x), e.params), batchDims: e.outs.map(() => null) }
          : (CALL_BATCH_RULES[e.primitive] as CallBatchRule<CallPrimitive>)(o, ins.map((i) => i.x), ins.map((i) => i.bd), e.params, axisSize, vmapJaxpr);
        e.outs.forEach((v, k) => env.set(v, { x: r.outs[k], bd: r.batchDims[k] }));
        continue;
      }
      const { out, batchDim } = (BATCH_RULES[e.primitive] as BatchRule<Primitive>)(o, ins.map((i) => i.x), ins.map((i) => i.bd), e.params, axisSize);
      env.set(e.out, { x: out, bd: batchDim });
    }
    return jaxpr.outvars.map((a, i) => {
      const { x, bd } = read(a);
      const to = outAxes[i];
      if (to === null) {
        if (bd !== null) throw new TypeError(`vmap: output ${i} depends on a batched input, so its out axis cannot be null`);
        return x;
      }
      const dest = normalize(to, a.aval.shape.length + 1, 'out');
      return bd === null ? batchAt(o, x, null, dest, axisSize) : moveaxis(o, x, bd, dest);
    });
  }, jaxpr.invars.map((v, i) => batchedAval(v.aval, inAxes[i])));
}

const isAxis = (x: unknown): x is Axis => x === null || typeof x === 'number';

export interface VmapOptions {
  /** Per positional argument (or a tree prefix of them): the batch axis, or null for a shared argument. Default 0. */
  readonly inAxes?: unknown;
  /** The same for the output tree. Default 0. */
  readonly outAxes?: unknown;
}

/** `jax.vmap`: `fn` mapped over a batch axis of its arguments, as one batched program. */
export function vmap(fn: Fn, opts: VmapOptions = {}): Fn {
  return (o: TraceOps, ...args: unknown[]) => {
    const { leaves, def } = flattenArgs(args);
    const axes = broadcastPrefix(opts.inAxes ?? 0, def, isAxis);
    const avals = leaves.map(avalOf);
    let axisSize: number | null = null;
    const example = avals.map((a, i) => {
      const ax = axes[i];
      if (ax === null) return a;
      const d = normalize(ax, a.shape.length, 'in');
      if (axisSize !== null && a.shape[d] !== axisSize) {
        throw new TypeError(`vmap: batched arguments disagree on the axis size (${axisSize} and ${formatAval(a)} at axis ${ax})`);
      }
      axisSize = a.shape[d];
      return { shape: a.shape.filter((_, k) => k !== d), dtype: a.dtype };
    });
    if (axisSize === null) throw new TypeError('vmap: at least one argument must have a batch axis');
    const { jaxpr, outDef, closed } = stage(fn, def, example);
    const outAxes = broadcastPrefix(opts.outAxes ?? 0, outDef, isAxis);
    const batched = vmapJaxpr(jaxpr, axisSize, [...axes, ...closed.map(() => null)], outAxes);
    return unflatten(outDef, inline(o, batched, [...leaves, ...closed]));
  };
}
