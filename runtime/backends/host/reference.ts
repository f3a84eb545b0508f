import { isComplex, KEY_DTYPE, type AbstractValue } from '../../core';
import type { ParamsOf, Primitive } from '../../primitives';
import { ReferenceArray, REFERENCE_KERNELS } from '../reference';
import { hostKernels, type HostKernel } from './kernels';

const FAST = hostKernels('reference');

/**
 * The reference backend's kernel for `prim`, its common cases computed by the faster loops of
 * kernels.ts (the same numbers: the `reference` flavour), the rest by REFERENCE_KERNELS itself.
 * NB: uint32 and keys (jax.random's) skip the fast loops, whose products are doubles: REFERENCE_KERNELS
 * multiplies uint32 modulo 2**32 and moves keys whole; complex arrays skip them too (their loops read one word an element).
 */
export function runReferenceKernel<P extends Primitive>(prim: P, inputs: readonly ReferenceArray[], params: ParamsOf<P>, out: AbstractValue): ReferenceArray {
  const words = out.dtype === 'uint32' || isComplex(out.dtype) || inputs.some((x) => x.dtype === 'uint32' || x.dtype === KEY_DTYPE || isComplex(x.dtype));
  const data = words ? null : (FAST[prim] as HostKernel<P> | undefined)?.(inputs, params, out);
  if (data) return new ReferenceArray(out.shape, out.dtype, data);
  return REFERENCE_KERNELS[prim](inputs, params, out);
}
