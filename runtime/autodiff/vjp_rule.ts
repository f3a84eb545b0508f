import type { ParamsOf, Primitive } from '../primitives';
import type { Ops } from '../ops';

/**
 * Reverse-mode rule of one primitive: given the cotangent of its output, the cotangents of its
 * inputs (null where an input has none: indices, predicates, integer operands). Written with
 * `Ops<T>` so the same rule runs on arrays, on eager tensors (which makes higher-order gradients
 * work) and on tracers.
 */
export type VjpRule<P extends Primitive> = <T>(
  o: Ops<T>,
  cotangent: T,
  inputs: readonly T[],
  output: T,
  params: ParamsOf<P>,
  /**
   * Where given, `false` marks an input whose cotangent nobody reads (an eager operand that does
   * not require grad, as PyTorch's needs_input_grad): a rule may give null there without computing it.
   */
  wanted?: readonly boolean[],
) => readonly (T | null)[];

export type VjpRuleTable = { readonly [P in Primitive]: VjpRule<P> };
