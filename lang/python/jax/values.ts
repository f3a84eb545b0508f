/**
 * What the jax and numpy shims' ops take (a tracer, a concrete array, or a Scalar not yet placed),
 * and what the runtime throws as the Python exception a script can catch.
 */
import { Int64RangeError, NOT_BROADCASTABLE, ShapeError, type AbstractValue, type DType } from '../../../runtime/core';
import type { DeviceArray } from '../../../runtime/backends';
import { Tracer } from '../../../runtime/jit';
import { HaltError, PyError, pyError } from '../interpreter';

/** A 0-d constant not yet placed anywhere: a literal in a trace, an upload on the backend. */
export class Scalar implements AbstractValue {
  readonly shape: readonly number[] = [];
  constructor(readonly value: number, readonly dtype: DType) {}
}

export type Val = Tracer | DeviceArray | Scalar;

export const isTracer = (v: Val): v is Tracer => v instanceof Tracer;

/**
 * Equations one trace may record. A Python loop unrolled under jit grows the jaxpr by its body each
 * iteration; past this the compiler's passes would take longer than any time budget allows.
 */
export const MAX_TRACED_EQUATIONS = 50_000;

/** What the runtime throws, as the Python exception a script can catch. */
export function translate(e: unknown): unknown {
  if (e instanceof PyError || e instanceof HaltError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return e;
  if (e instanceof Int64RangeError) return pyError('OverflowError', e.message);
  // NB: a derivative JAX does not implement (linalg's rules) raises as JAX's NotImplementedError.
  if (e instanceof Error && e.name === 'NotImplementedError') return pyError('NotImplementedError', e.message);
  if (e instanceof ShapeError && e.why === NOT_BROADCASTABLE) return pyError('TypeError', notBroadcastable(e));
  // NB: JAX raises a dtype JAX's lax refuses as a TypeError naming the primitive (`tanh does not accept dtype complex64`).
  if (e instanceof ShapeError && e.why.startsWith('does not accept dtype complex')) return pyError('TypeError', `${e.op} ${e.why}`);
  if (e instanceof Error) return pyError(e instanceof RangeError || e.name === 'ShapeError' ? 'ValueError' : 'TypeError', e.message);
  return e;
}

/**
 * JAX's words for operands that do not broadcast (lax's broadcasting_shape_rule), with the shapes
 * as jax.numpy passes them to lax: ranks promoted first (`(8, 3), (1, 4)` for an f32[4]).
 */
function notBroadcastable(e: ShapeError): string {
  const rank = Math.max(...e.inputs.map((a) => a.shape.length));
  const tuple = (shape: readonly number[]) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  const shapes = e.inputs.map((a) => tuple([...new Array<number>(rank - a.shape.length).fill(1), ...a.shape]));
  return `${e.op} got incompatible shapes for broadcasting: ${shapes.join(', ')}.`;
}
