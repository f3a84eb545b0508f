import { aval, broadcastShapes, COMPLEX_PART, complexOf, isComplex, isFloat, NOT_BROADCASTABLE, ShapeError, type AbstractValue } from '../core';
import { COMPLEX_PARTS, RESHAPE_LIKE, type ComplexPartsPrimitive } from './families';
import type { ParamsOf, Primitive } from './params';

type Rule<P extends Primitive> = (inputs: readonly AbstractValue[], params: ParamsOf<P>) => AbstractValue;

const one = (op: string, inputs: readonly AbstractValue[]): AbstractValue => {
  if (inputs.length !== 1) throw new ShapeError(op, inputs, 'expects 1 operand(s)');
  return inputs[0];
};

const part = (op: 'real' | 'imag'): Rule<'real' | 'imag'> => (inputs) => {
  const x = one(op, inputs);
  if (!isComplex(x.dtype)) throw new ShapeError(op, inputs, 'needs a complex operand');
  return aval(x.shape, COMPLEX_PART[x.dtype]);
};

export const COMPLEX_SHAPE_RULES: { readonly [P in ComplexPartsPrimitive]: Rule<P> } = {
  complex: (inputs) => {
    if (inputs.length !== 2) throw new ShapeError('complex', inputs, 'expects 2 operand(s)');
    const [x, y] = inputs;
    if (!isFloat(x.dtype) || x.dtype !== y.dtype) throw new ShapeError('complex', inputs, 'needs two floating-point operands of one dtype');
    const shape = broadcastShapes(x.shape, y.shape);
    if (!shape) throw new ShapeError('complex', inputs, NOT_BROADCASTABLE);
    return aval(shape, complexOf(x.dtype));
  },
  real: part('real'),
  imag: part('imag'),
  conj: (inputs, { inputDtype }) => {
    const x = one('conj', inputs);
    if (!isFloat(x.dtype) && !isComplex(x.dtype)) throw new ShapeError('conj', inputs, 'needs a floating-point or complex operand');
    if (x.dtype !== inputDtype) throw new ShapeError('conj', inputs, `input_dtype=${inputDtype} is not its operand's dtype`);
    return aval(x.shape, complexOf(x.dtype));
  },
};

/**
 * What a complex64 or complex128 operand may go through: the arithmetic, functions and moves that
 * complex code (JAX's Autodiff Cookbook, its complex section) needs, each with a complex kernel on
 * the host. The others refuse it at the line rather than drop the imaginary part.
 */
export const TAKES_COMPLEX = new Set<Primitive>([
  'add', 'sub', 'mul', 'div', 'neg', 'integer_pow', 'exp', 'log', 'sin', 'cos', 'sqrt', 'abs', 'stop_gradient',
  'eq', 'ne', 'select', 'convert_element_type', 'reduce_sum', 'dot_general',
  ...RESHAPE_LIKE, 'transpose', 'slice', 'gather', 'scatter_add', 'concatenate', 'pad', 'rev', ...COMPLEX_PARTS,
]);
