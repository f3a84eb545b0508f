import { sizeOf } from './shape';
import type { AbstractValue } from './aval';
import type { DType } from './dtype';

/** Bytes one element of each stored dtype takes. */
export const ITEM_BYTES: { readonly [D in DType]: number } = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1, uint32: 4, uint8: 1, int8: 1, int16: 2, uint16: 2, uint64: 8, 'key<fry>': 8, complex64: 8, complex128: 16 };

/** Bytes an array of this abstract value takes once it exists. */
export function bytesOf(aval: AbstractValue): number {
  return sizeOf(aval.shape) * ITEM_BYTES[aval.dtype];
}

/**
 * Asked before an engine makes an array, with the array's abstract value and the primitive (or
 * `upload`) that would make it: it throws to refuse, so a result too big for the caller's memory
 * budget is never allocated, and it is where a long run of ops checks the caller's clock.
 */
export type AllocationGuard = (aval: AbstractValue, what: string) => void;

/** The checks of the runs in progress, innermost last (a jitted call inside a torch op nests). */
const interrupts: (() => void)[] = [];

/**
 * Runs `fn` with `check` as the interrupt that long kernels call between their chunks: it throws
 * to stop the kernel (the caller's time budget ran out, the run was cancelled).
 */
export function withInterrupt<R>(check: () => void, fn: () => R): R {
  interrupts.push(check);
  try {
    return fn();
  } finally {
    interrupts.pop();
  }
}

/** Called by a kernel between chunks of a long computation: throws if the run must stop. */
export function checkInterrupt(): void {
  interrupts[interrupts.length - 1]?.();
}
