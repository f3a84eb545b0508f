import { sizeOf, type AbstractValue, type Shape } from '../../core';
import type { DotDimensionNumbers } from '../../primitives';
import type { ShaderProgram } from '../backend';

/** Rows and columns of C one invocation computes: a 4×4 block kept in four vec4 registers. */
const BLOCK = 4;
/** Invocations a workgroup along x (columns) and y (rows): 8×8 invocations cover a 32×32 block of C. */
const GROUP = 8;

/** How an operand is stored, per batch: the free axes (rows of A, columns of B) before the contracting ones, or after. */
interface Layout { readonly freeFirst: boolean }

/**
 * float32 dot_general as a batch of (m×k)·(k×n) products, C[batch, m, n], each invocation a 4×4
 * block of C in registers: no workgroup memory, no barriers. Each operand may be stored either way
 * round (A as [batch, m, k] or [batch, k, m], B as [batch, k, n] or [batch, n, k]), which covers
 * a product and both operands of its gradient without a transpose. Rows and columns past the
 * edge are clamped to the last one, so the inner loop reads in bounds without a branch, and only
 * the stores are guarded. Null where the operands need a transpose first (axes out of order), for
 * other dtypes, empty products, and dispatches beyond the device's limit: tfjs's MatMul runs those.
 */
export function matmulProgram(a: Shape, b: Shape, dn: DotDimensionNumbers, out: AbstractValue, maxPerDimension: number): ShaderProgram | null {
  if (out.dtype !== 'float32') return null;
  const nb = dn.lhsBatch.length;
  if (!dn.lhsBatch.every((ax, i) => ax === i) || !dn.rhsBatch.every((ax, i) => ax === i)) return null;
  const la = layout(a.length, nb, dn.lhsContracting);
  const lb = layout(b.length, nb, dn.rhsContracting);
  if (!la || !lb) return null;
  const size = (s: Shape, axes: readonly number[]) => sizeOf(axes.map((i) => s[i]));
  const batch = sizeOf(a.slice(0, nb));
  const k = size(a, dn.lhsContracting);
  const m = sizeOf(a) / Math.max(batch * k, 1);
  const n = sizeOf(b) / Math.max(batch * k, 1);
  if (batch * m * k * n === 0) return null;
  const workgroups: [number, number, number] = [Math.ceil(n / BLOCK / GROUP), Math.ceil(m / BLOCK / GROUP), batch];
  if (workgroups.some((w) => w > maxPerDimension)) return null;
  // Element (row, p) of A at row * rowStride + p * kStride within its batch; (p, col) of B likewise.
  const [aRow, aK] = la.freeFirst ? [k, 1] : [1, m];
  const [bK, bCol] = lb.freeFirst ? [1, k] : [n, 1];
  // Where four neighbouring rows of A (or columns of B) are adjacent in memory, one vec4 load reads them.
  const aVec = aRow === 1 && m % BLOCK === 0;
  const bVec = bCol === 1 && n % BLOCK === 0;
  const lanes = [0, 1, 2, 3];
  const row = (i: number) => (i === 0 ? 'row' : `min(row + ${i}u, ${m - 1}u)`);
  const col = (i: number) => (i === 0 ? 'col' : `min(col + ${i}u, ${n - 1}u)`);
  const aLoad = aVec
    ? `a4[(aBase + p * ${m}u + row) / 4u]`
    : `vec4<f32>(${lanes.map((i) => `a[a${i} + p * ${aK}u]`).join(', ')})`;
  const bLoad = bVec
    ? `b4[(bBase + p * ${n}u + col) / 4u]`
    : `vec4<f32>(${lanes.map((i) => `b[b${i} + p * ${bK}u]`).join(', ')})`;
  const source = `@group(0) @binding(0) var<storage, read> ${aVec ? 'a4: array<vec4<f32>>' : 'a: array<f32>'};
@group(0) @binding(1) var<storage, read> ${bVec ? 'b4: array<vec4<f32>>' : 'b: array<f32>'};
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
fn put(at: u32, col: u32, v: vec4<f32>) {
${lanes.map((j) => `  ${j === 0 ? '' : `if (col + ${j}u < ${n}u) { `}c[at + col + ${j}u] = v[${j}];${j === 0 ? '' : ' }'}`).join('\n')}
}
@compute @workgroup_size(${GROUP}, ${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x * ${BLOCK}u;
  let row = gid.y * ${BLOCK}u;
  if (col >= ${n}u || row >= ${m}u) { return; }
  let aBase = gid.z * ${m * k}u;
  let bBase = gid.z * ${k * n}u;
${aVec ? '' : lanes.map((i) => `  let a${i} = aBase + ${row(i)} * ${aRow}u;\n`).join('')}${bVec ? '' : lanes.map((i) => `  let b${i} = bBase + ${col(i)} * ${bCol}u;\n`).join('')}${lanes.map((i) => `  var acc${i} = vec4<f32>(0f);`).join('\n')}
  for (var p = 0u; p < ${k}u; p++) {
    let av = ${aLoad};
    let bv = ${bLoad};
${lanes.map((i) => `    acc${i} += av[${i}] * bv;`).join('\n')}
  }
  let cBase = gid.z * ${m * n}u;
${lanes.map((i) => `  if (row + ${i}u < ${m}u) { put(cBase + (row + ${i}u) * ${n}u, col, acc${i}); }`).join('\n')}
}
`;
  const key = `matmul:${batch}:${m}:${k}:${n}:${la.freeFirst}:${lb.freeFirst}:${maxPerDimension}`;
  return { key, source, workgroups, outputs: [out] };
}

/**
 * The operand's layout where its contracting axes are consecutive, in order, and either
 * straight after the batch axes or at the end (so its free axes flatten to one); else null.
 */
function layout(rank: number, nb: number, contracting: readonly number[]): Layout | null {
  const c = contracting.length;
  const from = (start: number) => contracting.every((ax, i) => ax === start + i);
  if (from(rank - c)) return { freeFirst: true };
  if (from(nb)) return { freeFirst: false };
  return null;
}
