export type {
  ConvDimensionNumbers, CumulativeParams, RoundingMethod, DotDimensionNumbers, SortParams, ParamsOf, Primitive, PrimitiveParams, WindowParams,
} from './params';
export { ROUNDING_METHODS } from './params';
export { abstractEval, PRIMITIVES, SHAPE_RULES, type ShapeRule } from './shape_rules';
export {
  ALONG_AXIS, ARITHMETIC_BINARY, COMPARISONS, CUMULATIVE, SORTING, SPECIAL_UNARY, SPECIAL_BINARY, ELEMENTWISE, familyRules, FLOAT_UNARY, FUSIBLE, inFamily, INDEXING, NUMERIC_UNARY,
  PARAM_FREE_UNARY, PARAMETRIC_UNARY, REDUCTIONS, ROUNDING, type RoundingPrimitive, RESHAPE_LIKE, RESHAPES, STRUCTURAL, UNARY_MATH, UNGROUPED,
  WINDOW_REDUCTIONS, WINDOW_SELECTIONS, WINDOWED, RANDOM_KEYS, BIT_OPS, RANDOM_BITS, BITWISE, BITWISE_BINARY, DYNAMIC_SLICING, type DynamicSlicingPrimitive, type BitwisePrimitive, type BitwiseBinaryPrimitive, COMPLEX_PARTS, type ComplexPartsPrimitive,
  type RandomKeyPrimitive, type BitOpPrimitive, type RandomBitsPrimitive,
  type ArithmeticBinaryPrimitive, type ComparisonPrimitive, type ElementwisePrimitive, type FloatUnaryPrimitive,
  type FusiblePrimitive, type IndexingPrimitive, type ParamFreeUnaryPrimitive, type ReductionPrimitive,
  type ReshapeLikePrimitive, type StructuralPrimitive, type UnaryMathPrimitive,
  type AlongAxisPrimitive, type CumulativePrimitive, type SortingPrimitive, type SpecialUnaryPrimitive, type SpecialBinaryPrimitive,
  type WindowedPrimitive, type WindowReductionPrimitive, type WindowSelectionPrimitive,
} from './families';
export {
  axisCount, convOutputShape, dilateDim, identityWindowAxis, spatialOf, specShape, windowAxes, windowCount, windowIndexTable,
  type WindowAxis,
} from './windows';
