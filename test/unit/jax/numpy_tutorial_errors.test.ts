import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/**
 * Issue 14's tutorial NumPy functions given bad input: each ends with NumPy 1.24's own text (as
 * /usr/bin/python3 printed it; jax.numpy's from JAX's source where they differ) at the call's line
 * and column, and what Gradlens does not compute says so there.
 */
function errorOf(line: string): string | null {
  const backend = createReferenceBackend();
  const r = runPython(`import numpy as np\nimport jax.numpy as jnp\n\ny = ${line}\n`, new EagerEngine(backend), { file: 'bad.py' });
  assert.equal(backend.liveCount(), 0, 'every array is freed when the run ends');
  return r.error ? formatError(r.error) : null;
}

const cases: Record<string, [string, string][]> = {
  histogram: [
    ['np.histogram([1, 2, 3], bins=0)', 'ValueError: `bins` must be positive, when an integer'],
    ['np.histogram([1, 2, 3], bins=[3, 1])', 'ValueError: `bins` must increase monotonically, when an array'],
    ['np.histogram([1, 2, 3], bins=[[3, 1]])', 'ValueError: `bins` must be 1d, when an array'],
    ['np.histogram([1, 2, 3], range=(3, 1))', 'ValueError: max must be larger than min in range parameter.'],
    ['np.histogram([1, 2, np.inf])', 'ValueError: autodetected range of [1.0, inf] is not finite'],
    ['np.histogram([1, 2, np.nan])', 'ValueError: autodetected range of [nan, nan] is not finite'],
    ['np.histogram([1, 2, 3], range=(0, np.inf))', 'ValueError: supplied range of [0, inf] is not finite'],
    ['np.histogram([1, 2, 3], bins=2.5)', 'TypeError: `bins` must be an integer, a string, or an array'],
    ['np.histogram([1, 2, 3], weights=[1, 2])', 'ValueError: weights should have the same shape as a.'],
    ["np.histogram([1, 2, 3], bins='blocks')", "ValueError: 'blocks' is not a valid estimator for `bins`"],
    ["np.histogram([1, 2, 3], bins='auto', weights=[1, 1, 1])", 'TypeError: Automated estimation of the number of bins is not supported for weighted data'],
    ["np.histogram(np.float32([1, 2, 3]), bins='fd')", "NotImplementedError: numpy.histogram(..., bins='fd') of a float32 array is not supported by Gradlens: convert it with .astype(np.float64) first"],
  ],
  bincount: [
    ['np.bincount([1, -1])', "ValueError: 'list' argument must have no negative elements"],
    ['np.bincount([[1, 2]])', 'ValueError: object too deep for desired array'],
    ['np.bincount([1, 2], minlength=-1)', "ValueError: 'minlength' must not be negative"],
    ['np.bincount([1, 2], weights=[1])', "ValueError: The weights and list don't have the same length."],
    ['np.bincount(np.array([1.0, 2.0]))', "TypeError: Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'safe'"],
  ],
  searchsorted: [
    ["np.searchsorted([1, 2, 3], 2, side='middle')", "ValueError: search side must be 'left' or 'right' (got 'middle')"],
    ['np.searchsorted([1, 2, 3], 2, side=3)', 'TypeError: search side must be str, not int'],
    ['np.searchsorted([[1, 2, 3]], 2)', 'ValueError: object too deep for desired array'],
    ['np.searchsorted([3, 1, 2], 2, sorter=[7, 8, 9])', 'ValueError: Sorter index out of range.'],
  ],
  interp: [
    ['np.interp([2.5], [1, 2], [3, 2, 0])', 'ValueError: fp and xp are not of the same length.'],
    ['np.interp([2.5], [], [])', 'ValueError: array of sample points is empty'],
    ['np.interp([2.5], [[1, 2]], [[3, 2]])', 'ValueError: object too deep for desired array'],
    ['np.interp([2.5], [1, 2], [3, 2], period=0)', 'ValueError: period must be a non-zero value'],
    ['np.interp([2.5], [[1, 2]], [[3, 2]], period=1.0)', 'ValueError: Data points must be 1-D sequences'],
    ['np.interp([2.5], [1, 2], [3, 2, 0], period=1.0)', 'ValueError: fp and xp are not of the same length'],
    ['np.interp([2.5], [], [], period=2.0)', 'ValueError: array of sample points is empty'],
  ],
  'axes and products': [
    ['np.cross([1, 2, 3, 4], [1, 2, 3])', 'ValueError: incompatible dimensions for cross product\n(dimension must be 2 or 3)'],
    ['jnp.cross(jnp.ones(4), jnp.ones(3))', 'ValueError: Dimension must be either 2 or 3 for cross product'],
    ['np.moveaxis(np.ones((2, 3)), 3, 0)', 'ValueError: source: axis 3 is out of bounds for array of dimension 2'],
    ['np.moveaxis(np.ones((2, 3)), [0, 1], [0])', 'ValueError: `source` and `destination` arguments must have the same number of elements'],
    ['np.swapaxes(np.ones((2, 3)), 0, 2)', 'ValueError: axis2: axis 2 is out of bounds for array of dimension 2'],
    ['np.array_split(np.arange(5), 0)', 'ValueError: number sections must be larger than 0.'],
    ['np.inner(np.ones((2, 3)), np.ones(2))', 'ValueError: shapes (2,3) and (2,) not aligned: 3 (dim 1) != 2 (dim 0)'],
    ['np.ptp(np.array([True, False]))', 'TypeError: numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.'],
  ],
  average: [
    ['np.average(np.ones((2, 3)), weights=[1, 2])', 'TypeError: Axis must be specified when shapes of a and weights differ.'],
    ['np.average(np.ones((2, 3)), axis=1, weights=[1, 2])', 'ValueError: Length of weights not compatible with specified axis.'],
    ['np.average(np.ones((2, 3)), axis=1, weights=np.ones((1, 3)))', 'TypeError: 1D weights expected when shapes of a and weights differ.'],
    ['np.average([1, 2], weights=[1, -1])', "ZeroDivisionError: Weights sum to zero, can't be normalized"],
  ],
  // NumPy computes these through float16 (np.sin(np.array([True, False])) is float16 [0.8413 0.]).
  'float ufuncs of a bool array': [
    ['np.sin(np.array([True, False]))', 'NotImplementedError: numpy.sin of a bool array is float16 in NumPy, a dtype Gradlens does not support: convert with .astype(np.float32) first'],
    ['np.exp(np.ones(3) > 0)', 'NotImplementedError: numpy.exp of a bool array is float16 in NumPy, a dtype Gradlens does not support: convert with .astype(np.float32) first'],
    ['np.sqrt(True)', 'NotImplementedError: numpy.sqrt of a bool array is float16 in NumPy, a dtype Gradlens does not support: convert with .astype(np.float32) first'],
    ['np.log1p(np.array([True]))', 'NotImplementedError: numpy.log1p of a bool array is float16 in NumPy, a dtype Gradlens does not support: convert with .astype(np.float32) first'],
    ['np.arctan2(np.array([True]), np.array([False]))', 'NotImplementedError: numpy.arctan2 of bool arrays is float16 in NumPy, a dtype Gradlens does not support: convert with .astype(np.float32) first'],
  ],
  'float % and //': [
    ['np.ones((2, 3)) % np.ones(2)', 'ValueError: operands could not be broadcast together with shapes (2,3) (2,) '],
  ],
};

describe('numpy: tutorial functions\' bad input reads as NumPy\'s error at the line (issue 14)', () => {
  for (const [family, list] of Object.entries(cases)) {
    it(family, () => {
      for (const [line, error] of list) assert.equal(errorOf(line), `bad.py:4:5: error: ${error}`, line);
    });
  }

  it('the same calls with good input run (the errors above are the input\'s, not the function\'s)', () => {
    for (const line of ['np.histogram([1, 2, 3], bins=3, range=(0, 4))', 'np.bincount([1, 2], weights=[1, 2], minlength=4)', "np.searchsorted([1, 2, 3], 2, side='right')",
      'np.interp([2.5], [1, 2, 3], [3, 2, 0])', 'np.cross([1, 2, 3], [1, 2, 3])', 'np.average(np.ones((2, 3)), axis=1, weights=[1, 2, 3])', 'np.ones((2, 3)) % np.ones(3)',
      'jnp.sin(jnp.array([True, False]))', 'np.sin(np.array([True]).astype(np.float32))', 'np.arctan2(np.array([True]), 1.0)']) {
      assert.equal(errorOf(line), null, line);
    }
  });
});
