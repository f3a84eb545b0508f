export type { DotDimensionNumbers, ParamsOf, Primitive, PrimitiveParams } from './params';
export { abstractEval, PRIMITIVES, SHAPE_RULES, type ShapeRule } from './shape_rules';
export {
  ARITHMETIC_BINARY, COMPARISONS, ELEMENTWISE, FLOAT_UNARY, FUSIBLE, INDEXING, NUMERIC_UNARY, REDUCTIONS,
  RESHAPE_LIKE, RESHAPES, STRUCTURAL, UNARY_MATH, UNGROUPED,
  type ArithmeticBinaryPrimitive, type ElementwisePrimitive, type FloatUnaryPrimitive, type FusiblePrimitive,
  type IndexingPrimitive, type ReductionPrimitive, type ReshapeLikePrimitive, type StructuralPrimitive,
  type UnaryMathPrimitive,
} from './families';
