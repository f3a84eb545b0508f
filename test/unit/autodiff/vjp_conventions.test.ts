import * as assert from 'node:assert/strict';
import { VJP_RULES, type VjpRule } from '../../../runtime/autodiff';
import { createReferenceBackend, type Backend, type DeviceArray } from '../../../runtime/backends';
import type { DType } from '../../../runtime/core';
import { BackendEmitter, Ops } from '../../../runtime/ops';
import type { ParamsOf, Primitive } from '../../../runtime/primitives';

/** The conventions finite differences cannot see: kinks, ties, zeros and inputs without gradients. */
describe('VJP rule conventions', () => {
  let backend: Backend;
  let emitter: BackendEmitter<DeviceArray>;
  let o: Ops<DeviceArray>;
  before(() => { backend = createReferenceBackend(); });
  beforeEach(() => {
    emitter = new BackendEmitter(backend);
    o = new Ops(emitter);
  });
  afterEach(() => emitter.disposeAllBut());

  const arr = (values: number[], shape: number[] = [values.length], dtype: DType = 'float64') =>
    emitter.upload(values, shape, dtype);
  /** Input cotangents for a cotangent of ones, read back (null where the rule gives none). */
  function vjp<P extends Primitive>(prim: P, inputs: DeviceArray[], params: ParamsOf<P>): (number[] | null)[] {
    const out = o.bind(prim, inputs, params);
    const rule = VJP_RULES[prim] as VjpRule<Primitive>;
    return rule(o, o.onesLike(out), inputs, out, params).map((g) => (g ? Array.from(backend.readSync(g)) : null));
  }

  it('max and min split a tie 0.5/0.5 between the operands, as JAX does', () => {
    assert.deepEqual(vjp('max', [arr([1, 2, 5]), arr([1, 3, 4])], {}), [[0.5, 0, 1], [0.5, 1, 0]]);
    assert.deepEqual(vjp('min', [arr([1, 2, 5]), arr([1, 3, 4])], {}), [[0.5, 1, 0], [0.5, 0, 1]]);
  });

  it('reduce_max and reduce_min divide the cotangent among the tied positions', () => {
    assert.deepEqual(vjp('reduce_max', [arr([3, 1, 3, 2], [2, 2])], { axes: [1] }), [[1, 0, 1, 0]]);
    assert.deepEqual(vjp('reduce_max', [arr([3, 1, 3, 2])], { axes: [0] }), [[0.5, 0, 0.5, 0]]);
    assert.deepEqual(vjp('reduce_min', [arr([1, 1, 1])], { axes: [0] }), [[1 / 3, 1 / 3, 1 / 3]]);
  });

  it('reduce_prod is exact where the operand has zeros', () => {
    assert.deepEqual(vjp('reduce_prod', [arr([2, 0, 3])], { axes: [0] }), [[0, 6, 0]]);
    assert.deepEqual(vjp('reduce_prod', [arr([0, 0, 3])], { axes: [0] }), [[0, 0, 0]]);
    assert.deepEqual(vjp('reduce_prod', [arr([2, 3, 4, 5, 0])], { axes: [0] }), [[0, 0, 0, 0, 120]]);
  });

  it('pow gives 0, not NaN, at x == 0 for the y-gradient and where y == 0 for the x-gradient', () => {
    assert.deepEqual(vjp('pow', [arr([0, 0]), arr([2, 0])], {}), [[0, 0], [0, 0]]);
  });

  it('abs has gradient sign(x): 0 at the kink', () => {
    assert.deepEqual(vjp('abs', [arr([-2, 0, 3])], {}), [[-1, 0, 1]]);
  });

  it('sign has a zero gradient; comparisons and argmax none', () => {
    assert.deepEqual(vjp('sign', [arr([-2, 3])], {}), [[0, 0]]);
    assert.deepEqual(vjp('lt', [arr([1]), arr([2])], {}), [null, null]);
    assert.deepEqual(vjp('argmax', [arr([1, 2])], { axis: 0, indexDtype: 'int32' }), [null]);
  });

  it('integer, bool and index operands get no cotangent', () => {
    assert.deepEqual(vjp('add', [arr([1], [1], 'int32'), arr([2], [1], 'int32')], {}), [null, null]);
    assert.deepEqual(vjp('gather', [arr([1, 2, 3]), arr([2, 2], [2], 'int32')], { axis: 0 }), [[0, 0, 2], null]);
    const pred = arr([1, 0], [2], 'bool');
    assert.deepEqual(vjp('select', [pred, arr([1, 2]), arr([3])], {}), [null, [1, 0], [1]]);
  });

  it('reduce_window_max sends each window\'s cotangent to its first maximum, or its last NaN, as PyTorch\'s max_pool1d backward does', () => {
    const pool = (size: number, padding: [number, number]) => ({
      windowDimensions: [size], windowStrides: [1], padding: [padding], baseDilation: [1], windowDilation: [1],
    });
    // torch: max_pool1d(x, 2, 1).sum().backward() gives [0, 2, 1, 1, 0]; a window of NaNs, [0, 0, 1, 0];
    // -inf windows with padding 1 pick their first element inside the input: [2, 0, 2].
    assert.deepEqual(vjp('reduce_window_max', [arr([1, 3, 3, 2, 2])], pool(2, [0, 0])), [[0, 2, 1, 1, 0]]);
    assert.deepEqual(vjp('reduce_window_max', [arr([NaN, 1, NaN, 2])], pool(4, [0, 0])), [[0, 0, 1, 0]]);
    assert.deepEqual(vjp('reduce_window_max', [arr([-Infinity, -Infinity, 5])], pool(2, [1, 1])), [[2, 0, 2]]);
  });

  it('convert_element_type casts the cotangent back, and a cast to int cuts the gradient', () => {
    const x = arr([1.5, -2]);
    const out = o.convert(x, 'float32');
    const [g] = VJP_RULES.convert_element_type(o, o.onesLike(out), [x], out, { newDtype: 'float32' });
    assert.equal(g && o.dtype(g), 'float64');
    assert.deepEqual(vjp('convert_element_type', [x], { newDtype: 'int32' }), [null]);
  });
});
