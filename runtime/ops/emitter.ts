import type { AbstractValue, DType } from '../core';
import type { ParamsOf, Primitive } from '../primitives';

/**
 * Whatever can apply primitives to values of type T: a backend evaluating at once, the eager
 * engine recording a tape, or (later) a tracer recording a jaxpr. Derivative rules are written
 * against this, so each rule serves every engine.
 */
export interface Emitter<T> {
  bind<P extends Primitive>(prim: P, inputs: readonly T[], params: ParamsOf<P>): T;
  aval(x: T): AbstractValue;
  /** A 0-d constant. */
  scalar(value: number, dtype: DType): T;
}
