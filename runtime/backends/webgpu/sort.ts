import { sizeOf, type AbstractValue, type Shape } from '../../core';
import type { SortParams } from '../../primitives';
import type { ShaderProgram } from '../backend';

const WORKGROUP = 64;

/**
 * sort and argsort as a rank sort: one thread per element counts the elements of its row that
 * sort before it (NaN above everything; equal values by position, so the order is stable) and
 * writes itself, or its position, at that rank. O(n) per element, n the row's length: no
 * workgroup memory and no passes (SwiftShader runs workgroup memory slowly), and exactly the
 * reference's order. Null for an empty array (nothing to dispatch).
 */
export function sortProgram(shape: Shape, float: boolean, { dimension, descending }: SortParams, indices: boolean, out: AbstractValue, maxPerDimension: number): ShaderProgram | null {
  const total = sizeOf(shape);
  if (total === 0) return null;
  const n = shape[dimension];
  const inner = sizeOf(shape.slice(dimension + 1));
  const type = float ? 'f32' : 'i32';
  const groups = Math.ceil(total / WORKGROUP);
  const y = Math.ceil(groups / maxPerDimension);
  const workgroups: [number, number, number] = [Math.ceil(groups / y), y, 1];
  const [first, second] = descending ? ['b', 'a'] : ['a', 'b'];
  const before = float
    ? `let na = is_nan(${first}); let nb = is_nan(${second}); return (nb && !na) || (!na && !nb && ${first} < ${second});`
    : `return ${first} < ${second};`;
  const source = `@group(0) @binding(0) var<storage, read> src: array<${type}>;
@group(0) @binding(1) var<storage, read_write> dst: array<${indices ? 'i32' : type}>;
fn is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn before(a: ${type}, b: ${type}) -> bool { ${before} }
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (i >= ${total}u) { return; }
  let k = (i / ${inner}u) % ${n}u;
  let base = i - k * ${inner}u;
  let x = src[i];
  var rank = 0u;
  for (var j = 0u; j < ${n}u; j++) {
    let v = src[base + j * ${inner}u];
    if (before(v, x) || (j < k && !before(x, v))) { rank++; }
  }
  dst[base + rank * ${inner}u] = ${indices ? 'i32(k)' : 'x'};
}
`;
  return { key: `sort:${shape.join('x')}:${dimension}:${descending}:${indices}:${out.dtype}:${maxPerDimension}`, source, workgroups, outputs: [out] };
}
