import * as assert from 'node:assert/strict';
import { aval, broadcastShapes } from '../../runtime/core';
import { abstractEval, ALONG_AXIS, COMPLEX_PARTS, ELEMENTWISE, PRIMITIVES, RANDOM_BITS, BITWISE, SPECIAL_BINARY, SPECIAL_UNARY, STRUCTURAL, UNGROUPED, type Primitive } from '../../runtime/primitives';

describe('shape rules', () => {
  it('broadcasts like NumPy', () => {
    assert.deepEqual(broadcastShapes([3, 1], [4]), [3, 4]);
    assert.deepEqual(broadcastShapes([], [2, 3]), [2, 3]);
    assert.equal(broadcastShapes([3], [4]), null);
  });

  it('names the op and the shapes when operands do not broadcast', () => {
    assert.throws(
      () => abstractEval('add', [aval([3], 'float32'), aval([4], 'float32')], {}),
      /add: shapes do not broadcast together \(got f32\[3\], f32\[4\]\)/,
    );
  });

  it('gives dot_general the batch, free lhs, free rhs layout', () => {
    const out = abstractEval('dot_general', [aval([5, 2, 3], 'float32'), aval([5, 3, 4], 'float32')], {
      dimensionNumbers: { lhsContracting: [2], rhsContracting: [1], lhsBatch: [0], rhsBatch: [0] },
    });
    assert.deepEqual(out.shape, [5, 2, 4]);
  });

  it('puts every primitive in exactly one family (elementwise, structural, special unary or binary, along an axis, random bits, complex parts, or ungrouped)', () => {
    const families: readonly (readonly Primitive[])[] = [ELEMENTWISE, STRUCTURAL, SPECIAL_UNARY, SPECIAL_BINARY, ALONG_AXIS, RANDOM_BITS, BITWISE, COMPLEX_PARTS, UNGROUPED];
    for (const prim of PRIMITIVES) {
      assert.equal(families.filter((f) => f.includes(prim)).length, 1, `${prim} is in ${families.filter((f) => f.includes(prim)).length} families`);
    }
    assert.equal(families.reduce((n, f) => n + f.length, 0), PRIMITIVES.length, 'a family lists a primitive twice');
  });
});
