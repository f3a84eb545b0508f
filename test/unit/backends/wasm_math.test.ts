import * as assert from 'node:assert/strict';
import { createTfjsBackend, type Backend } from '../../../runtime/backends';
import { LOGISTIC_ZERO_BELOW } from '../../../runtime/core';
import { MATH_ULPS, wasmSimdSupported } from '../../../runtime/wasm';

/**
 * Eager wasm's unary transcendentals against float64 Math.*, in float32 ulps. sin, cos, logistic,
 * exp, log and tanh are the jit's polynomials (MATH_ULPS); the rest are tfjs-backend-wasm's own kernels
 * (log1p our correction over its Log), bounded by their measured worst error rounded up.
 */
const BOUNDS = {
  sin: MATH_ULPS.sin, cos: MATH_ULPS.cos, logistic: MATH_ULPS.logistic, exp: MATH_ULPS.exp, log: MATH_ULPS.log, tanh: MATH_ULPS.tanh,
  tan: 1, expm1: 1, log1p: 3,
} as const;
type Fn = keyof typeof BOUNDS;
const FLOAT64: Record<Fn, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp, log: Math.log, tanh: Math.tanh, expm1: Math.expm1, log1p: Math.log1p,
  // PyTorch's sigmoid in float32: 0 where exp(-x) overflows.
  logistic: (x) => (x < LOGISTIC_ZERO_BELOW.float32 ? 0 : x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
};
const PERIODIC = new Set<Fn>(['sin', 'cos', 'tan']);
const MAX_PERIODIC = 1e4;

/** The float32 ulp at `v` (the subnormal spacing below the normals). */
const ulp = (v: number): number => (Math.abs(v) < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23));

/**
 * Both signs of a log-spaced sweep of every binade (subnormals included), a dense grid of
 * [-20, 20], and for the periodic functions the floats beside each multiple of π/2 up to 1e4,
 * where reduction cancels most.
 */
function sweep(fn: Fn): Float32Array {
  const xs: number[] = [];
  for (let e = -149; e <= 127; e += 1 / 32) xs.push(2 ** e, -(2 ** e));
  for (let k = -100_000; k <= 100_000; k++) xs.push(k / 5000);
  if (PERIODIC.has(fn)) {
    for (let k = 1; k * Math.PI / 2 < MAX_PERIODIC; k++) {
      const z = Math.fround(k * Math.PI / 2);
      for (let d = -2; d <= 2; d++) xs.push(z + d * ulp(z), -(z + d * ulp(z)));
    }
  }
  return Float32Array.from(xs.filter((x) => !PERIODIC.has(fn) || Math.abs(x) <= MAX_PERIODIC));
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 2 ** -149, -(2 ** -149), 1e-40, -1e-40];
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

(wasmSimdSupported ? describe : describe.skip)('wasm backend: eager transcendentals against float64', () => {
  let wasm: Backend;
  before(async () => { wasm = await createTfjsBackend('wasm'); });

  const run = (fn: Fn, xs: Float32Array): Float32Array => {
    const x = wasm.upload(xs, { shape: [xs.length], dtype: 'float32' });
    const y = wasm.run(fn, [x], {} as never, { shape: [xs.length], dtype: 'float32' });
    const got = wasm.readSync(y) as Float32Array;
    wasm.dispose(x);
    wasm.dispose(y);
    return got;
  };

  for (const fn of Object.keys(BOUNDS) as Fn[]) {
    const range = PERIODIC.has(fn) ? `|x| <= ${MAX_PERIODIC}` : 'every binade';
    it(`${fn}: within ${BOUNDS[fn]} ulp(s) over ${range}; NaN, ±Inf, ±0 and subnormals`, () => {
      const xs = sweep(fn);
      const got = run(fn, xs);
      let worst = 0;
      let at = 0;
      xs.forEach((x, k) => {
        const want = FLOAT64[fn](x);
        if (!Number.isFinite(Math.fround(want))) {
          assert.ok(same(got[k], Math.fround(want)), `${fn}(${x}) = ${got[k]}, want ${Math.fround(want)}`);
          return;
        }
        const err = Math.abs(got[k] - want) / ulp(want);
        if (!(err <= worst)) [worst, at] = [err, x];
      });
      assert.ok(worst <= BOUNDS[fn], `${fn}: ${worst.toFixed(2)} ulps at x = ${at}`);
      const special = run(fn, Float32Array.from(SPECIALS));
      SPECIALS.forEach((x, k) => {
        const want = FLOAT64[fn](Math.fround(x));
        const exact = want === 0 || !Number.isFinite(want);
        assert.ok(exact ? same(special[k], want) : Math.abs(special[k] - want) <= BOUNDS[fn] * ulp(want), `${fn}(${x}) = ${special[k]}, want ${want}`);
      });
    });
  }
});
