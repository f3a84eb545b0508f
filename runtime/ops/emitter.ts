import type { AbstractValue, DType } from '../core';
import type { CallParamsOf, CallPrimitive } from '../ir';
import type { ParamsOf, Primitive } from '../primitives';

/**
 * Whatever can apply primitives to values of type T: a backend evaluating at once, the eager
 * engine recording a tape, or (later) a tracer recording a jaxpr. Derivative rules are written
 * against this, so each rule serves every engine.
 */
export interface Emitter<T> {
  bind<P extends Primitive>(prim: P, inputs: readonly T[], params: ParamsOf<P>): T;
  /** Applies a call primitive (cond, while, scan, custom derivatives): an emitter without it cannot run them. */
  bindCall?<C extends CallPrimitive>(prim: C, inputs: readonly T[], params: CallParamsOf<C>): T[];
  aval(x: T): AbstractValue;
  /** A 0-d constant. */
  scalar(value: number, dtype: DType): T;
}
