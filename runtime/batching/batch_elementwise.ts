import {
  ARITHMETIC_BINARY, COMPARISONS, familyRules, UNARY_MATH, type ComplexPartsPrimitive, type ElementwisePrimitive, type Primitive,
} from '../primitives';
import { moveaxis, range, type BatchRule, type BatchRuleTable } from './batch_rule';

/**
 * Operands broadcast NumPy-style, so an operand's batch axis only has to land on the same
 * result axis as the others'. Batched operands already agreeing on an axis keep it (no copy);
 * otherwise batch axes move to the front. Unbatched operands are never copied: at most a size-1
 * axis is inserted where the batch axis falls among their trailing axes.
 */
export function broadcasting<P extends Primitive>(prim: P): BatchRule<P> {
  return (o, inputs, batchDims, params) => {
    const ranks = inputs.map((x, i) => o.shape(x).length - (batchDims[i] === null ? 0 : 1));
    const rank = Math.max(...ranks);
    const batched = range(0, inputs.length).filter((i) => batchDims[i] !== null);
    const first = batchDims[batched[0]]!;
    const bd = batched.every((i) => batchDims[i] === first && ranks[i] === rank) ? first : 0;
    const aligned = inputs.map((x, i) => {
      const b = batchDims[i];
      // NB: NumPy pads the operand's shape on the left by `lead` ones.
      const lead = rank - ranks[i];
      if (b === null) return bd > lead ? o.expandDims(x, [bd - lead]) : x;
      if (b === bd && lead === 0) return x;
      return o.expandDims(moveaxis(o, x, b, 0), range(1, 1 + lead));
    });
    return { out: o.bind(prim, aligned, params), batchDim: bd };
  };
}

/** Elementwise on one operand: the batch axis is just another axis. */
export function unary<P extends Primitive>(prim: P): BatchRule<P> {
  return (o, [x], [bd], params) => ({ out: o.bind(prim, [x], params), batchDim: bd });
}

/** lax.complex broadcasts its two parts; real, imag and conj act element by element. */
export const COMPLEX_BATCH_RULES: Pick<BatchRuleTable, ComplexPartsPrimitive> = {
  complex: broadcasting('complex'),
  real: unary('real'),
  imag: unary('imag'),
  conj: unary('conj'),
};

export const ELEMENTWISE_BATCH_RULES: Pick<BatchRuleTable, ElementwisePrimitive> = {
  ...familyRules(ARITHMETIC_BINARY, broadcasting),
  ...familyRules(COMPARISONS, broadcasting),
  ...familyRules(UNARY_MATH, unary),
  select: broadcasting('select'),
  clamp: broadcasting('clamp'),
  convert_element_type: unary('convert_element_type'),
};
