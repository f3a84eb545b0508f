import { DTYPE_SHORT, type DType } from './dtype';
import { type Shape } from './shape';

/** An abstract value: what tracing and shape rules know of an array without its data. */
export interface AbstractValue {
  readonly shape: Shape;
  readonly dtype: DType;
}

export function aval(shape: Shape, dtype: DType): AbstractValue {
  return { shape: [...shape], dtype };
}

/** `f32[3,4]`, as jaxprs print types. */
export function formatAval(a: AbstractValue): string {
  return `${DTYPE_SHORT[a.dtype]}[${a.shape.join(',')}]`;
}
