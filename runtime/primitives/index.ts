export type { CumulativeParams, DotDimensionNumbers, SortParams, ParamsOf, Primitive, PrimitiveParams } from './params';
export { abstractEval, PRIMITIVES, SHAPE_RULES, type ShapeRule } from './shape_rules';
export {
  ALONG_AXIS, ARITHMETIC_BINARY, COMPARISONS, CUMULATIVE, SORTING, SPECIAL_UNARY, ELEMENTWISE, familyRules, FLOAT_UNARY, FUSIBLE, inFamily, INDEXING, NUMERIC_UNARY,
  PARAM_FREE_UNARY, PARAMETRIC_UNARY, REDUCTIONS, RESHAPE_LIKE, RESHAPES, STRUCTURAL, UNARY_MATH, UNGROUPED,
  type ArithmeticBinaryPrimitive, type ComparisonPrimitive, type ElementwisePrimitive, type FloatUnaryPrimitive,
  type FusiblePrimitive, type IndexingPrimitive, type ParamFreeUnaryPrimitive, type ReductionPrimitive,
  type ReshapeLikePrimitive, type StructuralPrimitive, type UnaryMathPrimitive,
  type AlongAxisPrimitive, type CumulativePrimitive, type SortingPrimitive, type SpecialUnaryPrimitive,
} from './families';
