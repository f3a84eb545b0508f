import type { Primitive } from './params';

/** The binary elementwise primitives with a derivative (NumPy broadcasting, one dtype). */
export const ARITHMETIC_BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'max', 'min'] as const satisfies readonly Primitive[];
/** Broadcasting comparisons with a bool result. */
export const COMPARISONS = ['lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const satisfies readonly Primitive[];
/** Unary elementwise primitives whose derivative is a pointwise factor (not a cast). */
export const UNARY_MATH = [
  'neg', 'integer_pow', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh',
  'logistic', 'sqrt', 'rsqrt', 'abs', 'sign',
] as const satisfies readonly Primitive[];
/** Every primitive computed element by element: the ones fusion can chain into one loop. */
export const ELEMENTWISE = [
  ...ARITHMETIC_BINARY, ...COMPARISONS, ...UNARY_MATH, 'select', 'convert_element_type',
] as const satisfies readonly Primitive[];

export type ArithmeticBinaryPrimitive = (typeof ARITHMETIC_BINARY)[number];
export type ComparisonPrimitive = (typeof COMPARISONS)[number];
export type UnaryMathPrimitive = (typeof UNARY_MATH)[number];
export type ElementwisePrimitive = (typeof ELEMENTWISE)[number];
