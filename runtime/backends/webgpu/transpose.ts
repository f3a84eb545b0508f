import { sizeOf, stridesOf, type Shape } from '../../core';
import type { ShaderProgram } from '../backend';

const WORKGROUP = 64;

/**
 * transpose as one gather per output element, bits copied as u32 (float32, int32 and bool are all
 * 4 bytes on the GPU). NB: tfjs-backend-webgpu's Transpose tiles through workgroup memory, which
 * SwiftShader runs slowly: 350 ms for f32[256,512] on this machine, the most of W3's gradient; this
 * takes a few milliseconds. Null for an empty array (nothing to dispatch).
 */
export function transposeProgram(shape: Shape, permutation: readonly number[], dtype: ShaderProgram['outputs'][number]['dtype'],
  maxPerDimension: number): ShaderProgram | null {
  const n = sizeOf(shape);
  if (n === 0) return null;
  const out = permutation.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(out);
  // Output coordinate k walks input axis permutation[k].
  const terms = out.map((d, k) => {
    if (d === 1) return null;
    const coord = k === 0 ? `(i / ${outStrides[k]}u)` : `((i / ${outStrides[k]}u) % ${d}u)`;
    return `${coord} * ${inStrides[permutation[k]]}u`;
  }).filter((t): t is string => t !== null);
  const groups = Math.ceil(n / WORKGROUP);
  const y = Math.ceil(groups / maxPerDimension);
  const workgroups: [number, number, number] = [Math.ceil(groups / y), y, 1];
  const source = `@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (i >= ${n}u) { return; }
  dst[i] = src[${terms.length ? terms.join(' + ') : '0u'}];
}
`;
  return { key: `transpose:${shape.join('x')}:${permutation.join(',')}:${maxPerDimension}`, source, workgroups, outputs: [{ shape: out, dtype }] };
}
