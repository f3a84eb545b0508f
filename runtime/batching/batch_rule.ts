import type { Ops } from '../ops';
import type { ParamsOf, Primitive } from '../primitives';

/**
 * Batching rule of one primitive (JAX's `primitive_batchers`): given inputs that carry an extra
 * batch axis of `axisSize` at `batchDims[i]` (null where an input is shared by every example),
 * applies the primitive to the whole batch at once and says where the result's batch axis is.
 * NB: a rule never loops over the batch; vmap of one primitive is one or a few primitives.
 */
export type BatchRule<P extends Primitive> = <T>(
  o: Ops<T>,
  inputs: readonly T[],
  batchDims: readonly (number | null)[],
  params: ParamsOf<P>,
  axisSize: number,
) => { out: T; batchDim: number | null };

export type BatchRuleTable = { readonly [P in Primitive]: BatchRule<P> };

export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Inserts `value` at `index`. */
export function insertAt<V>(xs: readonly V[], index: number, value: V): V[] {
  return [...xs.slice(0, index), value, ...xs.slice(index)];
}

/** An axis of the per-example value, renumbered for the batched value whose batch axis is at `bd`. */
export const shiftPast = (axis: number, bd: number): number => (axis >= bd ? axis + 1 : axis);

/** Moves axis `from` of `x` to position `to`, the other axes keeping their order. */
export function moveaxis<T>(o: Ops<T>, x: T, from: number, to: number): T {
  const rest = range(0, o.shape(x).length).filter((d) => d !== from);
  return o.transpose(x, insertAt(rest, to, from));
}

/** `x` with its batch axis at `to`; an unbatched `x` is broadcast there, copying it `axisSize` times. */
export function batchAt<T>(o: Ops<T>, x: T, bd: number | null, to: number, axisSize: number): T {
  if (bd !== null) return moveaxis(o, x, bd, to);
  const shape = o.shape(x);
  return o.broadcastInDim(x, insertAt(shape, to, axisSize), range(0, shape.length).map((d) => shiftPast(d, to)));
}

/**
 * Wraps a rule so that with no batched input the primitive simply runs once, unbatched: the rule
 * itself may then assume at least one batch axis.
 */
export function whenBatched<P extends Primitive>(prim: P, rule: BatchRule<P>): BatchRule<P> {
  return (o, inputs, batchDims, params, axisSize) => {
    if (batchDims.every((d) => d === null)) return { out: o.bind(prim, inputs, params), batchDim: null };
    return rule(o, inputs, batchDims, params, axisSize);
  };
}
