import type { ParamsOf, Primitive } from '../primitives';
import type { Ops } from '../ops';

/**
 * Forward-mode rule of one primitive: given its primal inputs, their tangents and its output,
 * the tangent of the output. A null tangent is a symbolic zero, in and out: an input that is not
 * floating (indices, predicates) always has one, and a rule gives null when every tangent that
 * matters is null or the output is not differentiable. Linear in the tangents and written with
 * `Ops<T>`, so the same rule runs on arrays, on eager tensors and on tracers, and composes with
 * itself and with the VJP rules for higher orders.
 */
export type JvpRule<P extends Primitive> = <T>(
  o: Ops<T>,
  primals: readonly T[],
  tangents: readonly (T | null)[],
  output: T,
  params: ParamsOf<P>,
) => T | null;

export type JvpRuleTable = { readonly [P in Primitive]: JvpRule<P> };
