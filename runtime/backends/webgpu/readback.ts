import type * as tf from '@tensorflow/tfjs-core';
import { allocate, sizeOf, type AnyTypedArray } from '../../core';
import type { TfjsArray } from '../tfjs';
import { gpuConstants, type TfjsWebgpuInternals } from './gpu_types';

/**
 * Reads many arrays in one round trip: one copy of every buffer into one staging buffer, one
 * submit, one map (tfjs's own read maps a staging buffer per tensor). Values held on the CPU (by
 * tfjs, or as the backend's `hostCopy`) are taken from there. Bool arrays are stored as i32 on the GPU.
 */
export async function readMany(
  be: TfjsWebgpuInternals, xs: readonly TfjsArray[], unwrap: (x: TfjsArray) => tf.Tensor, hostCopy: (x: TfjsArray) => AnyTypedArray | null,
): Promise<AnyTypedArray[]> {
  const out = xs.map((x) => allocate(x.dtype, sizeOf(x.shape)));
  const copies: { k: number; offset: number }[] = [];
  let bytes = 0;
  xs.forEach((x, k) => {
    const data = be.tensorMap.get(unwrap(x).dataId);
    const values = hostCopy(x) ?? data.values;
    if (values != null || out[k].length === 0) {
      if (values != null) out[k].set(values);
      return;
    }
    copies.push({ k, offset: bytes });
    bytes += out[k].length * 4;
  });
  if (copies.length === 0) return out;
  const { copyDst, mapRead, read } = gpuConstants();
  const staging = be.bufferManager.acquireBuffer(bytes, copyDst | mapRead);
  be.ensureCommandEncoderReady();
  be.endComputePassEncoder();
  for (const { k, offset } of copies) {
    be.commandEncoder!.copyBufferToBuffer(be.tensorMap.get(unwrap(xs[k]).dataId).resource!, 0, staging, offset, out[k].length * 4);
  }
  be.submitQueue();
  try {
    await staging.mapAsync(read);
    const mapped = staging.getMappedRange();
    for (const { k, offset } of copies) {
      const n = out[k].length;
      out[k].set(xs[k].dtype === 'float32' ? new Float32Array(mapped, offset, n) : new Int32Array(mapped, offset, n));
    }
    staging.unmap();
  } finally {
    be.bufferManager.releaseBuffer(staging);
  }
  return out;
}
