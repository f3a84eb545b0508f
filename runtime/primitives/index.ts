export type { DotDimensionNumbers, ParamsOf, Primitive, PrimitiveParams } from './params';
export { abstractEval, PRIMITIVES, SHAPE_RULES, type ShapeRule } from './shape_rules';
export {
  ARITHMETIC_BINARY, COMPARISONS, ELEMENTWISE, UNARY_MATH,
  type ArithmeticBinaryPrimitive, type ComparisonPrimitive, type ElementwisePrimitive, type UnaryMathPrimitive,
} from './families';
