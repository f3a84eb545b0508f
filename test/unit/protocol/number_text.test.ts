import * as assert from 'node:assert/strict';
import { formatNumber, formatNumbers, formatSignificant, summarize, typeOf } from '../../../protocol';
import { gradText } from '../../../server/format';

/**
 * Issue 11.9: float32 values printed at float64 precision (`0.30000001192092896`) in lens, inlay,
 * hover and panel, and a full matrix in a lens pushed `Graph | Eager vs jit` off screen.
 */

/** float32 values and NumPy 1.24's str() of each (`str(np.float32(v))`, as JAX prints them too), one to three per decade. */
const NUMPY_FLOAT32: readonly [number, string][] = [
  [0.0006625858950428665, '0.0006625859'], [-0.0009074924164451659, '-0.0009074924'], [0.0007981171365827322, '0.00079811714'],
  [0.0030268647242337465, '0.0030268647'], [-0.003701496636494994, '-0.0037014966'], [0.008861981332302094, '0.008861981'],
  [0.010473877191543579, '0.010473877'], [-0.08391055464744568, '-0.083910555'], [0.0817362517118454, '0.08173625'],
  [0.5211414694786072, '0.52114147'], [-0.37272918224334717, '-0.37272918'], [0.3505830466747284, '0.35058305'],
  [3.2938263416290283, '3.2938263'], [-5.0056867599487305, '-5.0056868'], [5.5409345626831055, '5.5409346'],
  [59.814762115478516, '59.814762'], [-99.59502410888672, '-99.595024'], [81.33956909179688, '81.33957'],
  [659.9613037109375, '659.9613'], [-990.0641479492188, '-990.06415'], [293.77783203125, '293.77783'],
  [2441.908203125, '2441.9082'], [-6512.8564453125, '-6512.8564'], [1395.47802734375, '1395.478'],
  [13211.224609375, '13211.225'], [-56339.9921875, '-56339.992'], [51958.54296875, '51958.543'],
  [925451.0, '925451.0'], [-666303.625, '-666303.6'], [562705.875, '562705.9'],
  [0.30000001192092896, '0.3'], [0.10000000149011612, '0.1'], [0.3333333432674408, '0.33333334'],
  [0.6666666865348816, '0.6666667'], [0.574442982673645, '0.574443'], [15.0, '15.0'], [7.0, '7.0'],
];

describe('protocol: numbers print as the libraries print them', () => {
  it('a float32 value prints as its shortest round-tripping decimal, as NumPy and JAX print float32', () => {
    for (const [v, numpy] of NUMPY_FLOAT32) assert.equal(formatNumber(v), numpy, `${v}`);
  });

  it("a float64 value (plain Python's math) prints as Python's repr", () => {
    const cases: [number, string][] = [[0.1, '0.1'], [1 / 3, '0.3333333333333333'], [0.5744425168116848, '0.5744425168116848'], [1e-5, '1e-05'], [1e22, '1e+22'], [2.5e-7, '2.5e-07'], [123456789, '123456789.0']];
    for (const [v, python] of cases) assert.equal(formatNumber(v), python);
  });

  it("special values print as Python's: nan, inf, -inf, -0.0", () => {
    assert.deepEqual([NaN, Infinity, -Infinity, -0, 0].map(formatNumber), ['nan', 'inf', '-inf', '-0.0', '0.0']);
    assert.equal(formatNumbers([true, [Math.fround(0.3), NaN]]), '[True, [0.3, nan]]');
  });

  it('a tensor shortens to its type and norm; a scalar stays whole', () => {
    const w = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.1, 0.1, 0.1], [0.0, 0.0, 0.1]].map((r) => r.map(Math.fround));
    assert.equal(typeOf(w), 'f32[4,3]');
    // np.linalg.norm(w) = 0.97467947, to two significant digits.
    assert.equal(summarize(w, '‖∇‖'), 'f32[4,3] ‖∇‖=0.97');
    assert.equal(summarize(Math.fround(0.3), '‖∇‖'), '0.3');
    assert.equal(typeOf([0.1, 0.2]), 'f64[2]');
    assert.equal(typeOf([[1], [2, 3]]), 'f32[…]');
  });

  it('the lens text of a gradient stays short: scalars in full, tensors as type and norm, three at most', () => {
    const matrix = Array.from({ length: 64 }, (_, i) => Array.from({ length: 64 }, (_, j) => Math.fround((i - j) / 100)));
    const text = gradText({ x: Math.fround(0.3), w: matrix, b: [Math.fround(0.5), Math.fround(-1)], c: 1, d: 2 });
    // np.linalg.norm of the matrix is 16.719809.
    assert.equal(text, '∇x = 0.3, ∇w: f32[64,64] ‖∇‖=17, ∇b: f32[2] ‖∇‖=1.1, +2 more');
    assert.ok(text.length < 80, `${text.length} characters`);
  });

  it("a norm rounded to two digits shows no digit it does not have: 232.87 reads 2.3e+02, never 230.0 (issue 11)", () => {
    // A gradient of norm 232.87 (a [2] tensor [200.0, 119.3]) was shown as ‖∇‖=230.0, which reads as exact.
    assert.equal(summarize([200, Math.fround(119.3)], '‖∇‖'), 'f32[2] ‖∇‖=2.3e+02');
    // CPython 3: [format(x, '.2g') for x in xs].
    const xs = [232.87, 0.97467947, 16.719809, 1.118, 17.0, 0.5, 1.0, 100.0, 99.96, 0.0001234, 0.00001234, 9.96, -232.87, 1e20, 123456.0, 0.041];
    const python = ['2.3e+02', '0.97', '17', '1.1', '17', '0.5', '1', '1e+02', '1e+02', '0.00012', '1.2e-05', '10', '-2.3e+02', '1e+20', '1.2e+05', '0.041'];
    assert.deepEqual(xs.map((x) => formatSignificant(x, 2)), python);
    assert.deepEqual([NaN, Infinity, 0].map((x) => formatSignificant(x, 2)), ['nan', 'inf', '0.0']);
  });
});
