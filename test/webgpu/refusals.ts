import { NO_INT32_BITWISE_ON_WEBGPU } from '../../runtime/backends';
import type { Primitive } from '../../runtime/primitives';

/**
 * A case the WebGPU backend refuses with its reason rather than computes: and/or/xor of int32
 * arrays (tfjs-backend-webgpu has no bitwise kernel; runtime/backends/tfjs/elementwise.ts). The
 * refusal reaches the user at their line; bool masks still run.
 */
export function refusedOnWebgpu(prim: Primitive, inputs: readonly { readonly dtype: string }[], e: unknown): boolean {
  const bitwise = prim === 'and' || prim === 'or' || prim === 'xor';
  return bitwise && inputs.some((h) => h.dtype === 'int32') && (e as Error).message.includes(NO_INT32_BITWISE_ON_WEBGPU);
}
