import * as assert from 'node:assert/strict';
import {
  createTfjsDevice, hostKernels, ReferenceArray, REFERENCE_KERNELS, SMALL_ON_HOST_ELEMENTS, SmallArray, withSmallOnHost,
  type Backend, type DeviceArray, type HostFlavour,
} from '../../../runtime/backends';
import { runReferenceKernel } from '../../../runtime/backends/host';
import { formatAval, isComplex, Random, typedArrayFrom, type AnyTypedArray } from '../../../runtime/core';
import { abstractEval, PRIMITIVES, type ParamsOf, type Primitive } from '../../../runtime/primitives';
import { readFileSync } from 'node:fs';
import { CASES, type Case, type CaseMaker } from '../support/backend_cases';
import type { HostArray } from '../support/inputs';
import { REPLAY_SEED, streamFor } from '../support/seed';

/**
 * The host kernels (runtime/backends/host) promise the numbers of the kernels they stand in for,
 * bit for bit: the `wasm` flavour tfjs-backend-wasm's float32 results, the `reference` flavour
 * the reference backend's. Compared with Object.is, so -0 must meet -0 (NaN meets any NaN).
 */
const SEED = REPLAY_SEED ?? 20_261_206;

function sameBits(got: AnyTypedArray, want: AnyTypedArray, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: element ${i} is ${got[i]}, the kernel it stands for gives ${want[i]}`);
  }
}

const f32 = (values: number[], shape: number[]): HostArray => ({ values: values.map(Math.fround), shape, dtype: 'float32' });
const normals = (r: Random, n: number, scale = 1): number[] => r.normals(n).map((v) => v * scale);

/** Cases where float32 rounding order shows: long sums, signed zeros, products of many sizes. */
function extraCases(prim: Primitive, r: Random): Case<ParamsOf<Primitive>>[] {
  const zeros = f32([0, -0, 0, -0, 1, -1, NaN, -0], [8]);
  const zerosOther = f32([-0, 0, 0, -0, -0, 0, 1, NaN], [8]);
  switch (prim) {
    case 'max': case 'min': case 'add': case 'sub': case 'mul': case 'div':
      return [
        { inputs: [zeros, zerosOther], params: {} },
        { inputs: [f32(normals(r, 2000, 3), [2000]), f32([0.3], [])], params: {} },
        { inputs: [f32([-1.7], []), f32(normals(r, 2000), [2000])], params: {} },
        { inputs: [f32(normals(r, 256 * 64), [256, 64]), f32(normals(r, 64), [64])], params: {} },
        // Lengths that end inside a SIMD kernel's last four lanes.
        { inputs: [f32(normals(r, 2001, 3), [2001]), f32(normals(r, 2001), [2001])], params: {} },
        { inputs: [f32(normals(r, 131), [131]), f32([0.7], [1])], params: {} },
      ];
    case 'reduce_sum':
      return [
        { inputs: [f32(normals(r, 2000, 10), [2000])], params: { axes: [0] } },
        ...[[0], [1], [0, 1], [1, 0]].map((axes) => ({ inputs: [f32(normals(r, 64 * 256, 5), [64, 256])], params: { axes } })),
        { inputs: [f32(normals(r, 3 * 4 * 5), [3, 4, 5])], params: { axes: [2, 0] } },
        { inputs: [f32(normals(r, 3 * 4 * 5), [3, 4, 5])], params: { axes: [0, 1] } },
        { inputs: [f32(normals(r, 256), [256, 1])], params: { axes: [0] } },
        // Sums of a length and of a row width that end inside the last four lanes.
        { inputs: [f32(normals(r, 2001, 10), [2001])], params: { axes: [0] } },
        { inputs: [f32(normals(r, 50 * 7, 10), [50, 7])], params: { axes: [0] } },
      ];
    case 'exp': case 'log': case 'tanh': case 'logistic': case 'sin': case 'cos':
      // Specials, a scalar, and lengths that end inside the polynomial kernel's chunks of 4 lanes.
      return [
        { inputs: [f32([0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, -1, 100, -100, 88.8], [11])], params: {} },
        { inputs: [f32([0.75], [])], params: {} },
        { inputs: [f32(normals(r, 2001, 5), [2001])], params: {} },
        { inputs: [f32(normals(r, 256 * 64, 2), [256, 64])], params: {} },
      ];
    case 'pow': {
      // float64 pow (the reference flavour's): scalar integer exponents take a loop of their own.
      const f64 = (values: number[], shape: number[]): HostArray => ({ values, shape, dtype: 'float64' });
      const specials = f64([0, -0, Infinity, -Infinity, NaN, 1, -1, 5e-324, 1e-300, 1e300, -2.5, 3.75, 2 ** -20, -(2 ** 21), 1.0000001, -0.9999999], [16]);
      // Arguments where glibc's pow is not x^n correctly rounded (pow_integer.test.ts), one array per n.
      const hard: { x: string; n: number }[] = JSON.parse(readFileSync('test/fixtures/random/numpy_power_integer.json', 'utf8'));
      const hardOf = (n: number) => hard.filter((c) => c.n === n).map((c) => Number(c.x));
      const exponents = [2, 3, 4, 5, 7, 16, 17, 2.5, 0.5, 1, 0, -1, -3];
      return [
        ...exponents.map((y) => ({ inputs: [specials, f64([y], [])], params: {} })),
        ...[...new Set(hard.map((c) => c.n))].map((n) => ({ inputs: [f64(hardOf(n), [hardOf(n).length]), f64([n], [])], params: {} })),
        { inputs: [f64(normals(r, 2000, 3), [2000]), f64([3], [])], params: {} },
        { inputs: [f64([3], [1]), f64(normals(r, 6), [2, 3])], params: {} },
        { inputs: [f64(normals(r, 6, 2), [2, 3]), f64([2, 3, 4], [3])], params: {} },
      ];
    }
    case 'integer_pow':
      return [0, 1, 2, 3, 4].map((y) => ({ inputs: [f32(normals(r, 2000, 3), [2000])], params: { y } }));
    case 'transpose':
      return [{ inputs: [f32(normals(r, 64), [64, 1])], params: { permutation: [1, 0] } }, { inputs: [f32(normals(r, 6 * 7), [6, 7])], params: { permutation: [1, 0] } }];
    case 'dot_general': {
      // The products of nn.Linear(1, 64) and Linear(64, 1) over 256 points, forward and backward.
      const mk = (shape: number[]) => f32(normals(r, shape.reduce((p, d) => p * d, 1)), shape);
      const dims = (lc: number, rc: number) => ({ dimensionNumbers: { lhsContracting: [lc], rhsContracting: [rc], lhsBatch: [], rhsBatch: [] } });
      return [
        { inputs: [mk([256, 1]), mk([1, 64])], params: dims(1, 0) },
        { inputs: [mk([256, 64]), mk([64, 1])], params: dims(1, 0) },
        { inputs: [mk([256, 1]), mk([256, 64])], params: dims(0, 0) },
        { inputs: [mk([256, 64]), mk([256, 1])], params: dims(0, 0) },
        { inputs: [mk([256, 64]), mk([256, 3])], params: dims(0, 0) },
        { inputs: [mk([256, 64]), mk([1, 64])], params: dims(1, 1) },
        { inputs: [mk([33, 700]), mk([700, 5])], params: dims(1, 0) },
        // Rows past the last four, one and two sums a row, rows read down a column.
        { inputs: [mk([7, 300]), mk([300, 2])], params: dims(1, 0) },
        { inputs: [mk([300, 7]), mk([300, 1])], params: dims(0, 0) },
        // Four and eight sums a row, rows read along a row and down a column.
        { inputs: [mk([7, 300]), mk([300, 8])], params: dims(1, 0) },
        { inputs: [mk([300, 7]), mk([300, 4])], params: dims(0, 0) },
        { inputs: [mk([2, 5, 30]), mk([2, 30, 1])], params: { dimensionNumbers: { lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0] } } },
      ];
    }
    case 'broadcast_in_dim':
      return [
        { inputs: [f32([-0], [])], params: { shape: [5], broadcastDimensions: [] } },
        { inputs: [f32(normals(r, 64), [64])], params: { shape: [256, 64], broadcastDimensions: [1] } },
        // A column to each column (nn.Linear(1, 64)'s input against its weight), and a block both repeated and tiled.
        { inputs: [f32(normals(r, 256), [256, 1])], params: { shape: [256, 64], broadcastDimensions: [0, 1] } },
        { inputs: [f32(normals(r, 6), [2, 1, 3])], params: { shape: [4, 2, 5, 3, 2], broadcastDimensions: [1, 2, 3] } },
        { inputs: [f32(normals(r, 6), [3, 2])], params: { shape: [3, 4, 2], broadcastDimensions: [0, 2] } },
      ];
    default:
      return [];
  }
}

function casesOf(prim: Primitive): Case<ParamsOf<Primitive>>[] {
  const make = CASES[prim] as CaseMaker<ParamsOf<Primitive>>;
  return [...make(streamFor(prim, 0, SEED)), ...extraCases(prim, streamFor(prim, 1, SEED))];
}

function runOn(backend: Backend, prim: Primitive, c: Case<ParamsOf<Primitive>>): { values: AnyTypedArray; array: DeviceArray } {
  const inputs = c.inputs.map((h) => backend.upload(h.values, { shape: h.shape, dtype: h.dtype }));
  const out = backend.run(prim, inputs, c.params, abstractEval(prim, inputs, c.params));
  const values = backend.readSync(out);
  for (const x of [...inputs, out]) backend.dispose(x);
  return { values, array: out };
}

describe(`host kernels, seed ${SEED} (replay with GRADLENS_SEED=${SEED})`, () => {
  let device: Backend;
  let small: Backend;
  before(async () => {
    device = await createTfjsDevice('wasm');
    small = withSmallOnHost(device);
  });

  it('compute float32 on small arrays bit for bit as tfjs-backend-wasm does, for every primitive and case', () => {
    const computedOnHost = new Set<Primitive>();
    for (const prim of PRIMITIVES) {
      for (const c of casesOf(prim)) {
        const out = abstractEval(prim, c.inputs, c.params);
        if (out.dtype !== 'float32') continue;
        // NB: uint32 operands (bitcast_convert_type's) and complex ones live on the host beside tfjs, never on the bare device.
        if (c.inputs.some((h) => h.dtype === 'uint32' || isComplex(h.dtype))) continue;
        const what = `${prim}(${c.inputs.map(formatAval).join(', ')}) ${JSON.stringify(c.params)}`;
        const before = small.liveCount();
        const got = runOn(small, prim, c);
        assert.equal(small.liveCount(), before, `${what}: leaked arrays`);
        if (got.array instanceof SmallArray && hostKernels('wasm')[prim]) computedOnHost.add(prim);
        sameBits(got.values, runOn(device, prim, c).values, what);
      }
    }
    // The W4 and W7 loops' primitives never reach tfjs; nor do the transcendentals tfjs computes with runtime/wasm's polynomials.
    const loops = ['add', 'sub', 'mul', 'integer_pow', 'reduce_sum', 'broadcast_in_dim', 'neg', 'transpose', 'dot_general', 'tanh'] as const;
    for (const p of [...loops, 'exp', 'log', 'logistic', 'sin', 'cos'] as const) {
      assert.ok(computedOnHost.has(p), `${p} was not computed on the host`);
    }
  });

  it('compute what the reference backend computes, bit for bit, in float32 and float64', () => {
    const flavour: HostFlavour = 'reference';
    for (const prim of PRIMITIVES) {
      if (!hostKernels(flavour)[prim]) continue;
      for (const c of casesOf(prim)) {
        for (const dtype of ['float32', 'float64'] as const) {
          const inputs = c.inputs.map((h) => new ReferenceArray(h.shape, h.dtype === 'float32' ? dtype : h.dtype, typedArrayFrom(h.dtype === 'float32' ? dtype : h.dtype, h.values)));
          const out = abstractEval(prim, inputs, c.params);
          const what = `${prim}(${inputs.map(formatAval).join(', ')}) ${JSON.stringify(c.params)}`;
          const kernel = REFERENCE_KERNELS[prim] as (xs: readonly ReferenceArray[], p: ParamsOf<Primitive>, o: typeof out) => ReferenceArray;
          sameBits(runReferenceKernel(prim, inputs, c.params, out).data, kernel(inputs, c.params, out).data, what);
        }
      }
    }
  });

  it('keep small float32 arrays on the host and large ones, other dtypes and the ops they lack on the device', () => {
    const ran: Primitive[] = [];
    const counting: Backend = { ...device, run: (prim, inputs, params, out) => (ran.push(prim), device.run(prim, inputs, params, out)) };
    const b = withSmallOnHost(counting);
    const up = (n: number, dtype: 'float32' | 'int32' = 'float32') => b.upload(new Array<number>(n).fill(1.5), { shape: [n], dtype });
    const run = (prim: Primitive, xs: DeviceArray[], params: ParamsOf<Primitive> = {}) => b.run(prim, xs, params, abstractEval(prim, xs, params));

    const x = up(2000);
    assert.ok(x instanceof SmallArray);
    const y = run('mul', [x, x]);
    const s = run('reduce_sum', [y], { axes: [0] });
    assert.deepEqual(ran, [], 'small float32 mul and sum ran on tfjs');
    assert.ok(y instanceof SmallArray && s instanceof SmallArray);
    assert.deepEqual(Array.from(b.readSync(s)), [4500]);

    const t = run('expm1', [x]);
    assert.deepEqual(ran, ['expm1'], 'expm1 has no host kernel: it runs on the device');
    assert.ok(t instanceof SmallArray, 'a small result comes back to the host');
    assert.equal(b.readSync(t)[0], device.readSync(device.run('expm1', [device.upload([1.5], { shape: [], dtype: 'float32' })], {}, { shape: [], dtype: 'float32' }))[0]);

    const big = up(SMALL_ON_HOST_ELEMENTS + 1);
    assert.ok(!(big instanceof SmallArray));
    assert.ok(!(run('mul', [big, big]) instanceof SmallArray));
    assert.ok(!(up(10, 'int32') instanceof SmallArray));
  });
});
