// tfjs-backend-webgpu's MatMul against two plain WGSL matmuls of our own, run through the webgpu
// backend's shader runner on the same device: the measurement behind which matmul the backend uses.
import { aval } from '../../runtime/core';
import type { ShaderProgram, TfjsArray, WebgpuBackend } from '../../runtime/backends';

export interface MatmulReport {
  readonly shape: string;
  /** Median milliseconds per product, result read back, and the largest difference from tfjs's result relative to max|C|. */
  readonly rows: { readonly name: string; readonly medianMs: number; readonly maxError: number }[];
}

const TILE = 16;

/** C = A B with A, B and C tiled through workgroup memory, one output element an invocation. */
function tiledProgram(m: number, k: number, n: number): ShaderProgram {
  const source = `@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
var<workgroup> ta: array<f32, ${TILE * TILE}>;
var<workgroup> tb: array<f32, ${TILE * TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = wid.y * ${TILE}u + lid.y;
  let col = wid.x * ${TILE}u + lid.x;
  var acc = 0f;
  for (var t = 0u; t < ${Math.ceil(k / TILE)}u; t++) {
    let ka = t * ${TILE}u + lid.x;
    let kb = t * ${TILE}u + lid.y;
    ta[lid.y * ${TILE}u + lid.x] = select(0f, a[row * ${k}u + ka], row < ${m}u && ka < ${k}u);
    tb[lid.y * ${TILE}u + lid.x] = select(0f, b[kb * ${n}u + col], kb < ${k}u && col < ${n}u);
    workgroupBarrier();
    for (var j = 0u; j < ${TILE}u; j++) { acc += ta[lid.y * ${TILE}u + j] * tb[j * ${TILE}u + lid.x]; }
    workgroupBarrier();
  }
  if (row < ${m}u && col < ${n}u) { c[row * ${n}u + col] = acc; }
}
`;
  return { key: `bench-matmul-tiled:${m}:${k}:${n}`, source, workgroups: [Math.ceil(n / TILE), Math.ceil(m / TILE), 1], outputs: [aval([m, n], 'float32')] };
}

/** C = A B with a 4×4 block of C an invocation, kept in registers, no workgroup memory or barriers. */
function blockedProgram(m: number, k: number, n: number): ShaderProgram {
  if (m % 4 !== 0 || n % 4 !== 0) throw new Error('blocked matmul: m and n must be multiples of 4');
  const source = `@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col4 = gid.x;
  let row = gid.y * 4u;
  if (col4 >= ${n / 4}u || row >= ${m}u) { return; }
  var acc0 = vec4<f32>(0f);
  var acc1 = vec4<f32>(0f);
  var acc2 = vec4<f32>(0f);
  var acc3 = vec4<f32>(0f);
  for (var p = 0u; p < ${k}u; p++) {
    let bv = b[p * ${n / 4}u + col4];
    acc0 += a[row * ${k}u + p] * bv;
    acc1 += a[(row + 1u) * ${k}u + p] * bv;
    acc2 += a[(row + 2u) * ${k}u + p] * bv;
    acc3 += a[(row + 3u) * ${k}u + p] * bv;
  }
  c[row * ${n / 4}u + col4] = acc0;
  c[(row + 1u) * ${n / 4}u + col4] = acc1;
  c[(row + 2u) * ${n / 4}u + col4] = acc2;
  c[(row + 3u) * ${n / 4}u + col4] = acc3;
}
`;
  return { key: `bench-matmul-blocked:${m}:${k}:${n}`, source, workgroups: [Math.ceil(n / 32), Math.ceil(m / 32), 1], outputs: [aval([m, n], 'float32')] };
}

/** Each of the three products of f32[m,k] by f32[k,n], `runs` times after one warm-up, against tfjs's result. */
export async function compareMatmul(gpu: WebgpuBackend, m: number, k: number, n: number, runs: number): Promise<MatmulReport> {
  const values = (count: number, seed: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(seed + i * 0.37));
  const a = gpu.upload(values(m * k, 1), aval([m, k], 'float32'));
  const b = gpu.upload(values(k * n, 2), aval([k, n], 'float32'));
  const products: [string, () => TfjsArray][] = [
    ['tfjs MatMul', () => gpu.run('dot_general', [a, b], { dimensionNumbers: { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] } }, aval([m, n], 'float32'))],
    [`WGSL tiled (${TILE}×${TILE} workgroup memory)`, () => gpu.shaders!.run(tiledProgram(m, k, n), [a, b])[0]],
    ['WGSL register-blocked (4×4 an invocation)', () => gpu.shaders!.run(blockedProgram(m, k, n), [a, b])[0]],
  ];
  const rows: MatmulReport['rows'][number][] = [];
  let want: Float32Array | null = null;
  for (const [name, product] of products) {
    const once = async () => {
      const c = product();
      const [host] = await gpu.readMany([c]);
      gpu.dispose(c);
      return host as Float32Array;
    };
    const got = await once();
    want ??= got;
    const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    const maxError = got.reduce((worst, v, i) => Math.max(worst, Math.abs(v - want![i]) / scale), 0);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await once();
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    rows.push({ name, medianMs: times[Math.floor(times.length / 2)], maxError });
  }
  [a, b].forEach((x) => gpu.dispose(x));
  return { shape: `f32[${m},${k}] × f32[${k},${n}]`, rows };
}
