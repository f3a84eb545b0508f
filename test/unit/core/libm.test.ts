import { strict as assert } from 'node:assert';
import * as libm from '../../../runtime/core/libm';

type Fn = (...args: number[]) => number;
// frexp returns a pair: tested on its own below; ERFC_FITS is erfc's coefficients, not a function;
// powIntegerInto is pow's loop over an array (its bound POW_INTEGER_INTO_MAX), tested as `x ** 3` on NumPy arrays;
// Sleef's sin and cos are PyTorch's, tested on its vectors (test/unit/numerics/torch_float32_trig.test.ts), and
// take their vector's reduction (its bound SLEEF_TRIG_RANGE_F).
const {
  frexp: _pair, ERFC_FITS: _fits, powIntegerInto: _loop, POW_INTEGER_INTO_MAX: _loopMax,
  sleefSinf: _sin, sleefCosf: _cos, SLEEF_TRIG_RANGE_F: _sleefRange, ...floatFunctions
} = libm;
const FUNCTIONS: Readonly<Record<string, Fn>> = floatFunctions;

/**
 * What CPython 3.11 on glibc 2.36 (/usr/bin/python3, x86-64) prints: inputs where V8's Math
 * prints another last digit, then the edges (subnormals, huge arguments, exact results). Over
 * 100,000 random inputs each (glibc_libm.test.ts records 20,000 a range) these agree with CPython
 * bit for bit (V8's Math: 85-99%).
 */
const CPYTHON: Readonly<Record<string, readonly (readonly [readonly number[], number])[]>> = {
  exp: [[[-398.8328569694256], 6.153058107852568e-174], [[517.7455083013538], 7.145247645030819e+224], [[231.70227322014637], 4.236612116581392e+100],
    [[-740], 4.2e-322], [[-745], 5e-324], [[-709.109019608041], 1.091102915909932e-308], [[709.78], 1.7928227943945155e+308], [[-746], 0], [[710], Infinity]],
  log: [[[0.8618764180787619], -0.14864338509435868], [[6.00566619812186], 1.792703389948332], [[5.344190071170648], 1.6760100028119227],
    [[5e-324], -744.4400719213812], [[1e308], 709.1962086421661], [[1], 0], [[0], -Infinity]],
  sin: [[[-7.551806433856562], -0.9546914139598576], [[-5.94158140958948], 0.3349987444830226], [[2.3635094155549226], 0.7019154760890348],
    [[1e300], -0.8178819121159085], [[Math.PI], 1.2246467991473532e-16], [[5e-324], 5e-324]],
  cos: [[[-4.061528489149877], -0.6058712047286702], [[-0.7404303084287314], 0.7381783385973858], [[2.2163399863912243], -0.6016327879025284], [[1e22], 0.523214785395139]],
  tan: [[[-5.353736471713129], 1.3393328408700087], [[0.7098652407655237], 0.8592943744078086], [[2.150027583434138], -1.5288876942773113], [[1e22], -1.6287782256068988]],
  atan: [[[3.74336065133585], 1.3097524186383998], [[-8.484744899256288], -1.453478952149647], [[-1.8932273719961064], -1.0848451698640227], [[1e300], 1.5707963267948966]],
  atan2: [[[2.994260919596476, 8.55676242067456], 0.3366117331634821], [[-4.438178705331552, -1.8586708012799225], -1.9673964513631903], [[4.455944149886776, -5.976670333773133], 2.5009415917413595]],
  asin: [[[-0.5160849125788154], -0.5422737926334747], [[0.5619702487406546], 0.5967658292924111], [[1], 1.5707963267948966]],
  acos: [[[0.23285743096616685], 1.3357814730505113], [[-0.26759130311615986], 1.8416886267495458], [[-1], 3.141592653589793]],
  pow: [[[3.3184687318732786, 25.941487800286005], 32651246399817.277], [[6.585205074291885, -8.41635562654314], 1.2901185838315472e-7],
    [[4, 0.5], 2], [[2, 0.1], 1.0717734625362931], [[-2, 3], -8], [[-1.5, -2], 0.4444444444444444], [[1, NaN], 1], [[NaN, 0], 1], [[0.7, 300.5], 2.8311379042033385e-47], [[1.0000001, 1e9], 2.6881038582144647e+43]],
  log2: [[[1.3733149436152337], 0.45766251804699404], [[77.51430046421582], 6.2763905898624115], [[8], 3]],
  log10: [[[25.26509489696688], 1.402520933809225], [[58.972006641708404], 1.7706459057766897], [[1000], 3], [[1e-300], -300]],
  exp2: [[[587.6654735748753], 8.03405798930549e+176], [[83.99258320492504], 1.9243628223869237e+25], [[0.5], 1.4142135623730951]],
  sinh: [[[-435.46850936053323], -6.615164712413656e+188], [[179.19711436772764], 3.336475554437054e+77], [[-710], -1.1169973830808557e+308]],
  cosh: [[[-2.8235412916391684], 8.447881474276574], [[-0.4033283512072243], 1.0824454903851717], [[710], 1.1169973830808557e+308]],
  asinh: [[[-2.3926583356128166], -1.6066105094926095], [[2.886847730410734], 1.78204397101961], [[-1e-300], -1e-300]],
  acosh: [[[2.8225255687968778], 1.697808964565098], [[2.757170244070112], 1.6727138112237105], [[1e300], 691.4686750787736]],
  // glibc 2.36's hypot is not correctly rounded: a correctly rounded one gives 599.4579735392273 and 1.1468424633040462 for the first two.
  hypot: [[[-415.65727763587734, 431.94778571962627], 599.4579735392274], [[0.5884131834278084, 0.984386896096065], 1.1468424633040464],
    [[3e-320, 4e-320], 5e-320], [[1e308, 1e308], 1.4142135623730951e+308], [[-Infinity, NaN], Infinity], [[3, 4], 5]],
  cbrt: [[[-81.07380786507508], -4.328062501607864], [[69.86193974879299], 4.118574060940341], [[27], 3.0000000000000004], [[-1e-310], -4.641588833612775e-104]],
  erf: [[[0.3], 0.3286267594591274], [[-1.7], -0.9837904585907745], [[3.5], 0.9999992569016276], [[1e-10], 1.1283791670955126e-10], [[6], 1]],
  erfc: [[[0.3], 0.6713732405408726], [[2.5], 0.0004069520174449589], [[10], 2.088487583762545e-45], [[-1], 1.842700792949715]],
  expm1: [[[-0.20771856363694052], -0.18756434652457124], [[3.1179763754558643], 21.600598211331352], [[1e-10], 1.00000000005e-10], [[50.0], 5.184705528587072e+21]],
  log1p: [[[4.248910252795004], 1.6580204841615227], [[-0.34509361378354286], -0.4232629753681155], [[1e-300], 1e-300], [[1e+300], 690.7755278982137]],
  tanh: [[[-0.8423818536236007], -0.6870685891291342], [[0.13277401575560877], 0.13199925688184322], [[30.0], 1.0]],
  atanh: [[[-0.707819701884639], -0.8828008684005951], [[0.11137407273076816], 0.11183803218001456], [[1e-20], 1e-20]],
  // CPython's exact remainder and C's ldexp, rounded once into the subnormals.
  remainder: [[[5, 2], 1], [[7, 2], -1], [[-7.5, 2], 0.5], [[1e300, 3], 0], [[3, Infinity], 3]],
  ldexp: [[[1.5, -1074], 1e-323], [[-0.75, -1073], -1e-323], [[0.75, 1024], 1.348269851146737e+308], [[1, -1e400], 0]],
};

/** erfinv (not in CPython's math): mpmath's 40-digit values, rounded. */
const ERFINV: readonly (readonly [number, number])[] = [[0.5, 0.47693627620446987], [-0.9, -1.1630871536766742], [0.999999, 3.4589107372754988], [1e-12, 8.86226925452758e-13]];

describe('libm: float64 functions as CPython prints them', () => {
  for (const [name, cases] of Object.entries(CPYTHON)) {
    it(`${name} prints CPython's digits (${cases.length} cases)`, () => {
      const got = cases.map(([args]) => FUNCTIONS[name]!(...args));
      assert.deepEqual(got, cases.map(([, want]) => want));
    });
  }

  it('covers every function it exports', () => {
    // numpyTanh and the float32 functions are NumPy's, not CPython's: numpy_tanh.test.ts, numpy_float32.test.ts and
    // numpy_float32_glibc.test.ts check them against NumPy (expf and logf through sinhf, coshf, asinhf, acoshf and log10f);
    // SLEEF's are PyTorch's, checked against it by numerics/torch_float32.test.ts.
    const numpyOwn = ['sleefExpf', 'sleefLogf', 'sleefTanhf', 'numpyTanh', 'numpyExpf', 'numpyLogf', 'numpySinf', 'numpyCosf', 'numpyTanhf', 'glibcExpm1f', 'glibcLog1pf', 'glibcAtanf', 'glibcAsinf', 'glibcAcosf', 'glibcCbrtf',
      'glibcTanf', 'glibcSinhf', 'glibcCoshf', 'glibcAsinhf', 'glibcAcoshf', 'glibcAtanhf', 'glibcExp2f', 'glibcExpf', 'glibcLog2f', 'glibcLogf', 'glibcLog10f', 'glibcPowf'];
    assert.deepEqual(Object.keys(FUNCTIONS).sort(), [...Object.keys(CPYTHON), 'erfinv', 'erfinvFloat32', ...numpyOwn].sort());
  });

  it('computes XLA\'s float32 erf_inv (jax.random.normal\'s) as the NumPy twin of jax.random does, bit for bit', () => {
    // test/fixtures/jax/twins/jax_random.py's erfinv32 at these float32 inputs
    const twin: [number, number][] = [
      [0.5, 0.4769362807273865], [-0.8999999761581421, -1.163087010383606], [0.9990000128746033, 2.3267576694488525],
      [0.0010000000474974513, 0.0008862271206453443], [-0.30000001192092896, -0.27246275544166565], [0.9999999403953552, 3.8325066566467285],
    ];
    for (const [x, want] of twin) assert.equal(libm.erfinvFloat32(x), want, `erfinvFloat32(${x})`);
    assert.equal(libm.erfinvFloat32(-1), -Infinity);
  });

  it('inverts erf within 2 ulp, its tails included (erfinv, which torch.erfinv and jax.scipy.special.erfinv compute in float64)', () => {
    for (const [y, want] of ERFINV) {
      const got = libm.erfinv(y);
      assert.ok(Math.abs(got - want) <= 2 * Number.EPSILON * Math.abs(want), `erfinv(${y}) = ${got}, want ${want}`);
    }
    assert.equal(libm.erfinv(1), Infinity);
    assert.equal(libm.erfinv(-1), -Infinity);
    assert.ok(Number.isNaN(libm.erfinv(1.5)));
  });

  it("splits floats as C's frexp, subnormals included (math.frexp(1e-310) looped forever)", () => {
    assert.deepEqual(libm.frexp(1e-310), [0.5752618031559393, -1029]);
    assert.deepEqual(libm.frexp(5e-324), [0.5, -1073]);
    assert.deepEqual(libm.frexp(-3.5), [-0.875, 2]);
    assert.deepEqual(libm.frexp(1.7976931348623157e308), [0.9999999999999999, 1024]);
    assert.deepEqual(libm.frexp(0), [0, 0]);
  });

  it('keeps NaN, the signed zeros and the domain edges', () => {
    assert.ok(Number.isNaN(libm.pow(-8, 1 / 3)) && Number.isNaN(libm.log(-1)) && Number.isNaN(libm.sin(Infinity)) && Number.isNaN(libm.acosh(0.5)) && Number.isNaN(libm.asin(1.5)));
    assert.ok(Object.is(libm.sin(-0), -0) && Object.is(libm.atan2(-0, 1), -0) && Object.is(libm.tan(-0), -0));
    assert.equal(libm.atan2(1, -Infinity), Math.PI);
  });
});
