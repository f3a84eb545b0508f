export type { DotDimensionNumbers, ParamsOf, Primitive, PrimitiveParams } from './params';
export { abstractEval, PRIMITIVES, SHAPE_RULES, type ShapeRule } from './shape_rules';
export {
  ARITHMETIC_BINARY, COMPARISONS, ELEMENTWISE, familyRules, FLOAT_UNARY, FUSIBLE, inFamily, INDEXING, NUMERIC_UNARY,
  PARAM_FREE_UNARY, PARAMETRIC_UNARY, REDUCTIONS, RESHAPE_LIKE, RESHAPES, STRUCTURAL, UNARY_MATH, UNGROUPED,
  type ArithmeticBinaryPrimitive, type ComparisonPrimitive, type ElementwisePrimitive, type FloatUnaryPrimitive,
  type FusiblePrimitive, type IndexingPrimitive, type ParamFreeUnaryPrimitive, type ReductionPrimitive,
  type ReshapeLikePrimitive, type StructuralPrimitive, type UnaryMathPrimitive,
} from './families';
