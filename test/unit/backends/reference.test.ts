import * as assert from 'node:assert/strict';
import { createReferenceBackend, type ReferenceArray } from '../../../runtime/backends';
import { Int64RangeError, Random, ShapeError, type DType } from '../../../runtime/core';
import { BackendEmitter } from '../../../runtime/ops';
import type { DotDimensionNumbers, ParamsOf, Primitive } from '../../../runtime/primitives';

/**
 * The reference backend is the oracle every other engine is compared against, so its results
 * are checked here against values worked out by hand. Exact equality throughout: the kernels are
 * defined as the JS double computation stored into the dtype's array, so there is nothing to round.
 */
const backend = createReferenceBackend();
let em: BackendEmitter<ReferenceArray>;

beforeEach(() => {
  em = new BackendEmitter(backend);
});
afterEach(() => {
  em.disposeAllBut();
  assert.equal(backend.liveCount(), 0, 'a test leaked reference arrays');
});

const up = (values: ArrayLike<number>, shape: number[], dtype: DType = 'float64') => em.upload(values, shape, dtype);
const bind = <P extends Primitive>(prim: P, inputs: ReferenceArray[], params: ParamsOf<P>) => em.bind(prim, inputs, params);
const arange = (n: number) => Array.from({ length: n }, (_, i) => i);
const values = (x: ReferenceArray) => Array.from(backend.readSync(x));

function expectArray(x: ReferenceArray, shape: number[], expected: number[], dtype?: DType): void {
  assert.deepEqual(x.shape, shape);
  assert.deepEqual(values(x), expected);
  if (dtype) assert.equal(x.dtype, dtype);
}

describe('reference backend', () => {
  describe('storage', () => {
    it('stores each dtype in its own typed array, casting on upload', () => {
      assert.ok(backend.readSync(up([0.1], [1], 'float32')) instanceof Float32Array);
      assert.ok(backend.readSync(up([0.1], [1], 'float64')) instanceof Float64Array);
      assert.ok(backend.readSync(up([1], [1], 'int32')) instanceof Int32Array);
      assert.ok(backend.readSync(up([1], [1], 'bool')) instanceof Uint8Array);
      expectArray(up([0.1], [], 'float32'), [], [Math.fround(0.1)]);
      expectArray(up([1.9, -1.9], [2], 'int32'), [2], [1, -1]);
      expectArray(up([0, 2, -1, NaN], [4], 'bool'), [4], [0, 1, 1, 1]);
    });

    it('accepts any ArrayLike of the right size and refuses the wrong size', () => {
      expectArray(up(new Float32Array([1, 2]), [2]), [2], [1, 2]);
      expectArray(up({ length: 2, 0: 5, 1: 6 }, [2]), [2], [5, 6]);
      assert.throws(() => backend.upload([1, 2, 3], { shape: [2, 2], dtype: 'float32' }), /3 values do not fill shape \[2,2\]/);
    });

    it('readSync returns a copy and read resolves to the same values', async () => {
      const x = up([1, 2, 3], [3]);
      backend.readSync(x)[0] = 99;
      expectArray(x, [3], [1, 2, 3]);
      assert.deepEqual(Array.from(await backend.read(x)), [1, 2, 3]);
    });

    it('counts live arrays and drops back after dispose', () => {
      const before = backend.liveCount();
      const x = backend.upload([1, 2], { shape: [2], dtype: 'float32' });
      const y = backend.run('neg', [x], {}, { shape: [2], dtype: 'float32' });
      assert.equal(backend.liveCount(), before + 2);
      backend.dispose(x);
      backend.dispose(y);
      assert.equal(backend.liveCount(), before);
    });

    it('refuses a disposed array with a clear error', () => {
      const x = backend.upload([1, 2], { shape: [2], dtype: 'float32' });
      backend.dispose(x);
      assert.throws(() => backend.readSync(x), /reference: this array \(float32\[2\]\) was disposed and cannot be used/);
      assert.throws(() => backend.run('neg', [x], {}, { shape: [2], dtype: 'float32' }), /was disposed/);
    });

    it('refuses an array of another backend', () => {
      const foreign = { backend: 'cpu', shape: [1], dtype: 'float32' } as unknown as ReferenceArray;
      assert.throws(() => backend.readSync(foreign), /got an array of the cpu backend/);
    });
  });

  describe('elementwise', () => {
    it('broadcasts [3,1] with [4] like NumPy', () => {
      const a = up([1, 2, 3], [3, 1]);
      const b = up([10, 20, 30, 40], [4]);
      expectArray(bind('add', [a, b], {}), [3, 4], [11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43]);
      expectArray(bind('sub', [b, a], {}), [3, 4], [9, 19, 29, 39, 8, 18, 28, 38, 7, 17, 27, 37]);
    });

    it('broadcasts a scalar and [4,1,2] with [3,1]', () => {
      expectArray(bind('mul', [up([2], []), up(arange(6), [2, 3])], {}), [2, 3], [0, 2, 4, 6, 8, 10]);
      const out = bind('add', [up(arange(8), [4, 1, 2]), up([0, 100, 200], [3, 1])], {});
      assert.deepEqual(out.shape, [4, 3, 2]);
      assert.deepEqual(values(out).slice(0, 8), [0, 1, 100, 101, 200, 201, 2, 3]);
    });

    it('rounds float32 results on store', () => {
      const out = bind('add', [up([0.1], [1], 'float32'), up([0.2], [1], 'float32')], {});
      expectArray(out, [1], [Math.fround(Math.fround(0.1) + Math.fround(0.2))], 'float32');
    });

    it('divides int32 toward zero like C, not floor like Python', () => {
      const out = bind('div', [up([7, -7, 7, -7], [4], 'int32'), up([2, 2, -2, -2], [4], 'int32')], {});
      expectArray(out, [4], [3, -3, -3, 3], 'int32');
      expectArray(bind('div', [up([1, -3], [2]), up([4], [1])], {}), [2], [0.25, -0.75]);
    });

    it('gives 0 for an int32 division by zero, and ±Infinity or NaN for floats', () => {
      expectArray(bind('div', [up([5, -5, 0], [3], 'int32'), up([0], [], 'int32')], {}), [3], [0, 0, 0], 'int32');
      expectArray(bind('div', [up([5, -5, 0], [3]), up([0], [])], {}), [3], [Infinity, -Infinity, NaN]);
    });

    it('pow is Math.pow', () => {
      expectArray(bind('pow', [up([2, 4, -8, 0], [4]), up([3, 0.5, 1 / 3, 0], [4])], {}), [4], [8, 2, NaN, 1]);
    });

    it('max and min propagate NaN (JAX semantics)', () => {
      const a = up([1, NaN, 3, -1], [4]);
      const b = up([2, 2, NaN, -5], [4]);
      expectArray(bind('max', [a, b], {}), [4], [2, NaN, NaN, -1]);
      expectArray(bind('min', [a, b], {}), [4], [1, NaN, NaN, -5]);
    });

    it('comparisons return bool and treat NaN as unordered', () => {
      const a = up([1, 2, 3, NaN], [4]);
      const b = up([2], [1]);
      const cases: [Primitive, number[]][] = [
        ['lt', [1, 0, 0, 0]], ['le', [1, 1, 0, 0]], ['gt', [0, 0, 1, 0]],
        ['ge', [0, 1, 1, 0]], ['eq', [0, 1, 0, 0]], ['ne', [1, 0, 1, 1]],
      ];
      for (const [prim, expected] of cases) {
        const out = bind(prim as 'lt', [a, b], {});
        expectArray(out, [4], expected, 'bool');
        assert.ok(backend.readSync(out) instanceof Uint8Array, prim);
      }
      expectArray(bind('eq', [up([1, 2], [2], 'int32'), up([1, 2], [2, 1], 'int32')], {}), [2, 2], [1, 0, 0, 1]);
    });

    it('select broadcasts the condition and both branches', () => {
      const pred = up([1, 0, 1], [3, 1], 'bool');
      const onTrue = up([1, 2], [2]);
      const onFalse = up([-1], []);
      expectArray(bind('select', [pred, onTrue, onFalse], {}), [3, 2], [1, 2, -1, -1, 1, 2]);
    });

    it('computes the float unary functions with Math', () => {
      const xs = [0.5, 1e-10, 2];
      const x = up(xs, [3]);
      const table: [Primitive, (v: number) => number][] = [
        ['exp', Math.exp], ['log', Math.log], ['log1p', Math.log1p], ['expm1', Math.expm1],
        ['sin', Math.sin], ['cos', Math.cos], ['tan', Math.tan], ['tanh', Math.tanh], ['sqrt', Math.sqrt],
      ];
      for (const [prim, f] of table) expectArray(bind(prim as 'exp', [x], {}), [3], xs.map(f));
      // NB: log1p and expm1 keep tiny arguments that 1 + x would round away.
      assert.equal(values(bind('log1p', [x], {}))[1], Math.log1p(1e-10));
      assert.notEqual(Math.log1p(1e-10), 0);
      expectArray(bind('rsqrt', [up([4, 0.25, 0], [3])], {}), [3], [0.5, 2, Infinity]);
      expectArray(bind('neg', [up([1, -2, 0], [3], 'int32')], {}), [3], [-1, 2, 0]);
      expectArray(bind('abs', [up([-1.5, 2, -0], [3])], {}), [3], [1.5, 2, 0]);
    });

    it('logistic is stable at both extremes', () => {
      const out = values(bind('logistic', [up([0, 1000, -1000, 2, -2], [5])], {}));
      assert.deepEqual(out.slice(0, 3), [0.5, 1, 0]);
      assert.equal(out[3], 1 / (1 + Math.exp(-2)));
      assert.ok(Math.abs(out[4] - (1 - out[3])) < 1e-15);
    });

    it('sign is -1, 0 or 1 and keeps NaN', () => {
      expectArray(bind('sign', [up([-2.5, 0, 3, NaN, -Infinity], [5])], {}), [5], [-1, 0, 1, NaN, -1]);
      expectArray(bind('sign', [up([-7, 0, 9], [3], 'int32')], {}), [3], [-1, 0, 1]);
    });

    it('integer_pow handles positive, zero and negative exponents', () => {
      const x = up([2, -1.5, 0.5, 0], [4]);
      expectArray(bind('integer_pow', [x], { y: 3 }), [4], [8, -3.375, 0.125, 0]);
      expectArray(bind('integer_pow', [x], { y: -2 }), [4], [0.25, 1 / 2.25, 4, Infinity]);
      expectArray(bind('integer_pow', [x], { y: -1 }), [4], [0.5, -1 / 1.5, 2, Infinity]);
      expectArray(bind('integer_pow', [x], { y: 0 }), [4], [1, 1, 1, 1]);
      expectArray(bind('integer_pow', [up([3, -4], [2], 'int32')], { y: 2 }), [2], [9, 16], 'int32');
      // on int32 a negative power truncates 1/x**|y|: only 1 and -1 survive
      expectArray(bind('integer_pow', [up([2, 1, -1, 0], [4], 'int32')], { y: -1 }), [4], [0, 1, -1, 0], 'int32');
    });

    it('convert_element_type truncates to int32, tests non-zero for bool, rounds to float32', () => {
      const x = up([1.7, -1.7, 2.5, -0.5, 0], [5]);
      expectArray(bind('convert_element_type', [x], { newDtype: 'int32' }), [5], [1, -1, 2, 0, 0], 'int32');
      expectArray(bind('convert_element_type', [x], { newDtype: 'bool' }), [5], [1, 1, 1, 1, 0], 'bool');
      expectArray(bind('convert_element_type', [up([0.1], [1])], { newDtype: 'float32' }), [1], [Math.fround(0.1)], 'float32');
      expectArray(bind('convert_element_type', [up([1, 0], [2], 'bool')], { newDtype: 'float64' }), [2], [1, 0], 'float64');
    });
  });

  describe('reductions', () => {
    // x[i,j,k] = 12i + 4j + k
    const x3 = () => up(arange(24), [2, 3, 4]);

    it('reduces over several axes, in any order', () => {
      // Σ_{i,k} 12i + 4j + k = 48 + 32j + 12
      expectArray(bind('reduce_sum', [x3()], { axes: [0, 2] }), [3], [60, 92, 124]);
      expectArray(bind('reduce_sum', [x3()], { axes: [2, 0] }), [3], [60, 92, 124]);
      expectArray(bind('reduce_sum', [x3()], { axes: [0, 1, 2] }), [], [276]);
      expectArray(bind('reduce_max', [x3()], { axes: [1, 2] }), [2], [11, 23]);
      expectArray(bind('reduce_min', [x3()], { axes: [0, 1] }), [4], [0, 1, 2, 3]);
      expectArray(bind('reduce_sum', [x3()], { axes: [] }), [2, 3, 4], arange(24));
    });

    it('reduce_prod multiplies', () => {
      expectArray(bind('reduce_prod', [up(arange(6).map((v) => v + 1), [2, 3])], { axes: [0] }), [3], [4, 10, 18]);
    });

    it('gives 0 for a sum and 1 for a product over an empty axis', () => {
      const empty = up([], [2, 0]);
      expectArray(bind('reduce_sum', [empty], { axes: [1] }), [2], [0, 0]);
      expectArray(bind('reduce_prod', [empty], { axes: [1] }), [2], [1, 1]);
    });

    it('reduce_max and reduce_min propagate NaN like NumPy/JAX', () => {
      const x = up([1, NaN, 3, 4, 5, 6], [2, 3]);
      expectArray(bind('reduce_max', [x], { axes: [1] }), [2], [NaN, 6]);
      expectArray(bind('reduce_min', [x], { axes: [1] }), [2], [NaN, 4]);
      expectArray(bind('reduce_max', [x], { axes: [0] }), [3], [4, NaN, 6]);
      expectArray(bind('reduce_max', [up([NaN, 1], [2])], { axes: [0] }), [], [NaN]);
    });

    it('reduces int32 exactly', () => {
      expectArray(bind('reduce_max', [up([-5, -2, -9], [3], 'int32')], { axes: [0] }), [], [-2], 'int32');
      expectArray(bind('reduce_sum', [up([2 ** 30, 2 ** 30 - 1, -5], [3], 'int32')], { axes: [0] }), [], [2 ** 31 - 6], 'int32');
    });

    it('computes int64 exactly below 2**53 and refuses what passes it, partial sums and products included', () => {
      const big = up([2 ** 40, 3, -7], [3], 'int64');
      expectArray(bind('mul', [big, up([2 ** 12, 2 ** 12, 2 ** 12], [3], 'int64')], {}), [3], [2 ** 52, 12288, -28672], 'int64');
      // Integer div is C division, as for int32.
      expectArray(bind('div', [big, up([2, 2, 2], [3], 'int64')], {}), [3], [2 ** 39, 1, -3], 'int64');
      expectArray(bind('reduce_sum', [up([2 ** 52, 2 ** 52 - 1, -5], [3], 'int64')], { axes: [0] }), [], [2 ** 53 - 6], 'int64');
      assert.throws(() => bind('reduce_sum', [up([2 ** 52, 2 ** 52, -5], [3], 'int64')], { axes: [0] }), Int64RangeError);
      assert.throws(() => bind('add', [up([2 ** 52], [1], 'int64'), up([2 ** 52], [1], 'int64')], {}), Int64RangeError);
      assert.throws(() => up([2 ** 53], [1], 'int64'), Int64RangeError);
      const rows = up([2 ** 30, 2 ** 30], [1, 2], 'int64');
      const dn = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };
      expectArray(bind('dot_general', [rows, up([2 ** 20, -(2 ** 20)], [2, 1], 'int64')], { dimensionNumbers: dn }), [1, 1], [0], 'int64');
      assert.throws(() => bind('dot_general', [rows, up([2 ** 30, -(2 ** 30)], [2, 1], 'int64')], { dimensionNumbers: dn }), Int64RangeError);
    });

    it('stores bool reductions as 0/1: a sum is any, a product all', () => {
      // NB: 256 trues summed straight into a Uint8Array would wrap to 0 (false).
      const trues = up(new Array(256).fill(1), [256], 'bool');
      expectArray(bind('reduce_sum', [trues], { axes: [0] }), [], [1], 'bool');
      const x = up([1, 1, 0, 0, 1, 0], [3, 2], 'bool');
      expectArray(bind('reduce_sum', [x], { axes: [1] }), [3], [1, 0, 1], 'bool');
      expectArray(bind('reduce_prod', [x], { axes: [1] }), [3], [1, 0, 0], 'bool');
      expectArray(bind('reduce_max', [x], { axes: [0] }), [2], [1, 1], 'bool');
      expectArray(bind('reduce_min', [x], { axes: [0] }), [2], [0, 0], 'bool');
    });

    it('argmax returns the first maximum as int32, NaN counting as the maximum', () => {
      const ties = bind('argmax', [up([1, 3, 3, 2, 2, 1], [2, 3])], { axis: 1, indexDtype: 'int32' });
      expectArray(ties, [2], [1, 0], 'int32');
      assert.ok(backend.readSync(ties) instanceof Int32Array);
      expectArray(bind('argmax', [up([1, NaN, 5, NaN], [4])], { axis: 0, indexDtype: 'int32' }), [], [1]);
      expectArray(bind('argmax', [up([NaN, 9], [2])], { axis: 0, indexDtype: 'int32' }), [], [0]);
      expectArray(bind('argmax', [up([1, 7, 3, 2, 2, 9], [2, 3])], { axis: 0, indexDtype: 'int32' }), [3], [1, 0, 1]);
    });
  });

  describe('structural', () => {
    it('broadcast_in_dim maps operand dim i to output dim broadcastDimensions[i]', () => {
      const v = up([1, 2, 3], [3]);
      expectArray(bind('broadcast_in_dim', [v], { shape: [2, 3], broadcastDimensions: [1] }), [2, 3], [1, 2, 3, 1, 2, 3]);
      expectArray(bind('broadcast_in_dim', [v], { shape: [3, 2], broadcastDimensions: [0] }), [3, 2], [1, 1, 2, 2, 3, 3]);
      const col = up([1, 2, 3], [3, 1]);
      expectArray(bind('broadcast_in_dim', [col], { shape: [2, 3, 2], broadcastDimensions: [1, 2] }), [2, 3, 2],
        [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
      expectArray(bind('broadcast_in_dim', [up([7], [])], { shape: [2, 2], broadcastDimensions: [] }), [2, 2], [7, 7, 7, 7]);
    });

    it('reshape, squeeze and expand_dims keep row-major order', () => {
      const x = up(arange(6), [2, 3]);
      expectArray(bind('reshape', [x], { newSizes: [3, 2] }), [3, 2], arange(6));
      expectArray(bind('squeeze', [up([1, 2, 3], [1, 3, 1])], { dimensions: [0, 2] }), [3], [1, 2, 3]);
      expectArray(bind('expand_dims', [up([1, 2, 3], [3])], { dimensions: [0, 2] }), [1, 3, 1], [1, 2, 3]);
    });

    it('transposes rank 2 and rank 3', () => {
      expectArray(bind('transpose', [up(arange(6), [2, 3])], { permutation: [1, 0] }), [3, 2], [0, 3, 1, 4, 2, 5]);
      // out[k,i,j] = x[i,j,k] = 12i + 4j + k
      expectArray(bind('transpose', [up(arange(24), [2, 3, 4])], { permutation: [2, 0, 1] }), [4, 2, 3], [
        0, 4, 8, 12, 16, 20,
        1, 5, 9, 13, 17, 21,
        2, 6, 10, 14, 18, 22,
        3, 7, 11, 15, 19, 23,
      ]);
      expectArray(bind('transpose', [up(arange(24), [2, 3, 4])], { permutation: [1, 2, 0] }), [3, 4, 2], [
        0, 12, 1, 13, 2, 14, 3, 15,
        4, 16, 5, 17, 6, 18, 7, 19,
        8, 20, 9, 21, 10, 22, 11, 23,
      ]);
    });

    it('slices with and without strides', () => {
      expectArray(bind('slice', [up(arange(10), [10])], { startIndices: [1], limitIndices: [8], strides: [3] }), [3], [1, 4, 7]);
      const m = up(arange(12), [3, 4]);
      expectArray(bind('slice', [m], { startIndices: [0, 1], limitIndices: [3, 4], strides: [2, 2] }), [2, 2], [1, 3, 9, 11]);
      expectArray(bind('slice', [m], { startIndices: [1, 0], limitIndices: [3, 2], strides: null }), [2, 2], [4, 5, 8, 9]);
      expectArray(bind('slice', [m], { startIndices: [1, 1], limitIndices: [1, 3], strides: null }), [0, 2], []);
    });

    it('pads with a constant, lo and hi per axis', () => {
      const x = up([1, 2, 3, 4], [2, 2]);
      expectArray(bind('pad', [x], { lo: [1, 0], hi: [0, 1], value: -1 }), [3, 3], [-1, -1, -1, 1, 2, -1, 3, 4, -1]);
      expectArray(bind('pad', [up([5], [1], 'int32')], { lo: [2], hi: [1], value: 0 }), [4], [0, 0, 5, 0], 'int32');
      expectArray(bind('pad', [up([0], [1], 'bool')], { lo: [1], hi: [0], value: 2 }), [2], [1, 0], 'bool');
    });

    it('concatenates along a dimension', () => {
      const a = up([1, 2], [2, 1]);
      const b = up([10, 11, 20, 21], [2, 2]);
      expectArray(bind('concatenate', [a, b], { dimension: 1 }), [2, 3], [1, 10, 11, 2, 20, 21]);
      expectArray(bind('concatenate', [b, up([7, 8], [1, 2]), b], { dimension: 0 }), [5, 2], [10, 11, 20, 21, 7, 8, 10, 11, 20, 21]);
    });

    it('gathers along an axis, wrapping negative indices once', () => {
      const x = up([0, 1, 10, 11, 20, 21], [3, 2]);
      expectArray(bind('gather', [x, up([2, 0, -1], [3], 'int32')], { axis: 0 }), [3, 2], [20, 21, 0, 1, 20, 21]);
      const y = up(arange(6), [2, 3]);
      // out[i, a, b] = y[i, idx[a, b]]
      expectArray(bind('gather', [y, up([2, 0, 1, 1], [2, 2], 'int32')], { axis: 1 }), [2, 2, 2], [2, 0, 1, 1, 5, 3, 4, 4]);
    });

    it('gather refuses an out-of-range index, naming it and the axis size', () => {
      const x = up(arange(6), [3, 2]);
      assert.throws(() => bind('gather', [x, up([0, 3], [2], 'int32')], { axis: 0 }), (e: Error) =>
        e instanceof RangeError && /gather: index 3 is out of bounds for axis 0 with size 3/.test(e.message));
      assert.throws(() => bind('gather', [x, up([-4], [1], 'int32')], { axis: 0 }), /index -4 is out of bounds for axis 0 with size 3/);
    });

    it('scatter_add accumulates repeated indices into zeros', () => {
      const u = up([1, 2, 3, 4, 5, 6], [3, 2]);
      expectArray(bind('scatter_add', [u, up([2, 0, 2], [3], 'int32')], { axis: 0, operandShape: [3, 2] }), [3, 2], [3, 4, 0, 0, 6, 8]);
      expectArray(bind('scatter_add', [up([1, 1, 1, 1], [4]), up([1, -1, 1, 1], [4], 'int32')], { axis: 0, operandShape: [3] }), [3], [0, 3, 1]);
      assert.throws(() => bind('scatter_add', [up([1], [1]), up([5], [1], 'int32')], { axis: 0, operandShape: [3] }),
        /scatter_add: index 5 is out of bounds for axis 0 with size 3/);
    });

    it('scatter_add of bool and int32 updates', () => {
      const idx = up([1, 1, 1], [3], 'int32');
      expectArray(bind('scatter_add', [up([1, 1, 1], [3], 'bool'), idx], { axis: 0, operandShape: [2] }), [2], [0, 1], 'bool');
      expectArray(bind('scatter_add', [up([4, -1, 7], [3], 'int32'), idx], { axis: 0, operandShape: [2] }), [2], [0, 10], 'int32');
    });

    it('scatter_add is the transpose of gather: <gather(x), u> = <x, scatter_add(u)>', () => {
      const r = new Random(7);
      const idx = up([3, 0, 3, -1, 1], [5], 'int32');
      const x = up(r.normals(2 * 4 * 3), [2, 4, 3]);
      const u = up(r.normals(2 * 5 * 3), [2, 5, 3]);
      const gx = values(bind('gather', [x, idx], { axis: 1 }));
      const su = values(bind('scatter_add', [u, idx], { axis: 1, operandShape: [2, 4, 3] }));
      const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
      assert.ok(Math.abs(dot(gx, values(u)) - dot(values(x), su)) < 1e-12);
    });

    it('iota counts along its dimension', () => {
      expectArray(bind('iota', [], { dtype: 'int32', shape: [2, 3], dimension: 1 }), [2, 3], [0, 1, 2, 0, 1, 2], 'int32');
      expectArray(bind('iota', [], { dtype: 'float32', shape: [2, 3], dimension: 0 }), [2, 3], [0, 0, 0, 1, 1, 1], 'float32');
      expectArray(bind('iota', [], { dtype: 'float64', shape: [4], dimension: 0 }), [4], [0, 1, 2, 3]);
      expectArray(bind('iota', [], { dtype: 'bool', shape: [3], dimension: 0 }), [3], [0, 1, 1], 'bool');
    });
  });

  describe('dot_general', () => {
    const dims = (lhsContracting: number[], rhsContracting: number[], lhsBatch: number[] = [], rhsBatch: number[] = []): { dimensionNumbers: DotDimensionNumbers } =>
      ({ dimensionNumbers: { lhsContracting, rhsContracting, lhsBatch, rhsBatch } });

    it('multiplies matrices, vectors and outer products', () => {
      const a = up([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = up([7, 8, 9, 10, 11, 12], [3, 2]);
      expectArray(bind('dot_general', [a, b], dims([1], [0])), [2, 2], [58, 64, 139, 154]);
      // a @ b.T with b stored [2,3]: contracting the last dim of both
      expectArray(bind('dot_general', [a, up([1, 0, 1, 0, 1, 0], [2, 3])], dims([1], [1])), [2, 2], [4, 2, 10, 5]);
      expectArray(bind('dot_general', [up([1, 2, 3], [3]), up([4, 5, 6], [3])], dims([0], [0])), [], [32]);
      expectArray(bind('dot_general', [up([1, 2], [2]), up([3, 4, 5], [3])], dims([], [])), [2, 3], [3, 4, 5, 6, 8, 10]);
      expectArray(bind('dot_general', [up([1, 2, 3, 4], [2, 2], 'int32'), up([5, 6, 7, 8], [2, 2], 'int32')], dims([1], [0])),
        [2, 2], [19, 22, 43, 50], 'int32');
      // a bool dot is or-of-ands, stored 0/1
      expectArray(bind('dot_general', [up([1, 1, 0, 0], [2, 2], 'bool'), up([1, 1], [2], 'bool')], dims([1], [0])), [2], [1, 0], 'bool');
    });

    it('puts batch dims first, then lhs free, then rhs free', () => {
      // two 2x2 @ 2x1 products: [[1,2],[3,4]] @ [1,1] and [[5,6],[7,8]] @ [1,-1]
      const a = up(arange(8).map((v) => v + 1), [2, 2, 2]);
      const b = up([1, 1, 1, -1], [2, 2, 1]);
      expectArray(bind('dot_general', [a, b], dims([2], [1], [0], [0])), [2, 2, 1], [3, 7, -1, -1]);
    });

    it('handles batch and contracting dims in non-trailing positions', () => {
      // lhs[k,b,m] (3,2,2) and rhs[n,b,k] (2,2,3): out[b,m,n] = Σ_k lhs[k,b,m] * rhs[n,b,k]
      const lhs = arange(12);
      const rhs = arange(12).map((v) => v % 5 - 2);
      const out = bind('dot_general', [up(lhs, [3, 2, 2]), up(rhs, [2, 2, 3])], dims([0], [2], [1], [1]));
      const expected: number[] = [];
      for (let b = 0; b < 2; b++) {
        for (let m = 0; m < 2; m++) {
          for (let n = 0; n < 2; n++) {
            let s = 0;
            for (let k = 0; k < 3; k++) s += lhs[k * 4 + b * 2 + m] * rhs[n * 6 + b * 3 + k];
            expected.push(s);
          }
        }
      }
      // one entry by hand: b=1,m=0,n=1: lhs[k,1,0] = 2,6,10; rhs[1,1,k] = 9%5-2, 10%5-2, 11%5-2 = 2,-2,-1
      assert.equal(expected[5], 2 * 2 + 6 * -2 + 10 * -1);
      expectArray(out, [2, 2, 2], expected);
    });

    it('multiplies 256x256 matrices, each entry the float64 sum rounded once', () => {
      const r = new Random(1);
      const n = 256;
      const a = up(r.normals(n * n), [n, n], 'float32');
      const b = up(r.normals(n * n), [n, n], 'float32');
      const c = bind('dot_general', [a, b], dims([1], [0]));
      const av = backend.readSync(a);
      const bv = backend.readSync(b);
      let s = 0;
      for (let k = 0; k < n; k++) s += av[5 * n + k] * bv[k * n + 9];
      assert.equal(values(c)[5 * n + 9], Math.fround(s));
    });
  });

  describe('through BackendEmitter', () => {
    it('reports shape errors from the shape rule, naming the op and the shapes, and leaks nothing', () => {
      const a = up([1, 2, 3], [3]);
      const b = up([1, 2, 3, 4], [4]);
      const m = up(arange(6), [2, 3]);
      const floatIdx = up([0], [1]);
      const ints = up([1], [1], 'int32');
      const live = backend.liveCount();
      assert.throws(() => bind('add', [a, b], {}), (e: Error) =>
        e instanceof ShapeError && /add: shapes do not broadcast together \(got f64\[3\], f64\[4\]\)/.test(e.message));
      assert.throws(() => bind('dot_general', [m, m],
        { dimensionNumbers: { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] } }),
      /dot_general: contracting dims \[1\]x\[0\] .* do not match \(got f64\[2,3\], f64\[2,3\]\)/);
      assert.throws(() => bind('reshape', [a], { newSizes: [2, 2] }), /reshape: cannot reshape 3 elements into \[2,2\]/);
      assert.throws(() => bind('gather', [a, floatIdx], { axis: 0 }), /gather: indices must be int32/);
      assert.throws(() => bind('exp', [ints], {}), /exp: needs a floating-point operand/);
      assert.equal(backend.liveCount(), live);
    });
  });
});
