export type { DotDimensionNumbers, ParamsOf, Primitive, PrimitiveParams } from './params';
export { abstractEval, PRIMITIVES, SHAPE_RULES, type ShapeRule } from './shape_rules';
