import * as assert from 'node:assert/strict';
import { aval, LOGISTIC_ZERO_BELOW, type Shape } from '../../../../runtime/core';
import { compileWasm, type KernelSpec } from '../../../../runtime/jit/compile';
import { MATH_ULPS, wasmSimdSupported } from '../../../../runtime/wasm';

type Fn = keyof typeof MATH_ULPS;
const REFERENCE: Record<Fn, (x: number) => number> = {
  exp: Math.exp, log: Math.log, tanh: Math.tanh, sin: Math.sin, cos: Math.cos,
  // PyTorch's sigmoid in float32: 0 where exp(-x) overflows.
  logistic: (x) => (x < LOGISTIC_ZERO_BELOW.float32 ? 0 : x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
};

/** One wasm kernel applying `fn` to a float32 vector of `n`. */
export function wasmUnary(fn: string, n: number): (x: Float32Array) => Float32Array {
  const shape: Shape = [n];
  const spec: KernelSpec = {
    inputs: [aval(shape, 'float32')],
    members: [{ primitive: fn as never, params: {}, args: [{ input: 0 }], out: aval(shape, 'float32') }],
    outputs: [0], domain: shape, reduction: null,
  };
  const k = compileWasm(spec);
  return (x) => {
    const out = new Float32Array(n);
    k([x], [out]);
    return out;
  };
}

/** The float32 ulp at `v` (the subnormal spacing below the normals). */
function ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Every float32 of a log-spaced sweep over the whole range, both signs, plus a dense linear sweep of [-20, 20]. */
function sweep(): Float32Array {
  const xs: number[] = [];
  for (let e = -149; e <= 127; e += 1 / 64) xs.push(2 ** e, -(2 ** e));
  for (let k = -400000; k <= 400000; k++) xs.push(k / 20000);
  for (let k = 0; k < 20000; k++) xs.push(88 + k * 2e-4, -88 - k * 8e-4, 65530 + k * 1e-3);
  // The floats nearest the zeros of sin and cos, where range reduction cancels most.
  for (let k = 1; k * Math.PI / 2 < 70000; k++) {
    const z = Math.fround(k * Math.PI / 2);
    for (let d = -3; d <= 3; d++) xs.push(z + d * ulp(z), -(z + d * ulp(z)));
  }
  return Float32Array.from(xs);
}

const SPECIALS = Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 2 ** -149, -(2 ** -149), 3.4028234663852886e38, -3.4028234663852886e38]);
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

(wasmSimdSupported ? describe : describe.skip)('jit compile: wasm SIMD transcendentals against Math.* in float64', () => {
  const xs = sweep();
  for (const fn of Object.keys(MATH_ULPS) as Fn[]) {
    it(`${fn}: within ${MATH_ULPS[fn]} float32 ulp(s) of Math.${fn} over ${xs.length} points; NaN, ±Inf, ±0 exact`, () => {
      const got = wasmUnary(fn, xs.length)(xs);
      let worst = 0;
      let at = 0;
      xs.forEach((x, k) => {
        const want = REFERENCE[fn](x);
        if (!Number.isFinite(want) || !Number.isFinite(got[k])) {
          assert.ok(same(got[k], Math.fround(want)), `${fn}(${x}) = ${got[k]}, want ${Math.fround(want)}`);
          return;
        }
        const err = Math.abs(got[k] - want) / ulp(want);
        if (err > worst) [worst, at] = [err, x];
      });
      assert.ok(worst <= MATH_ULPS[fn], `${fn}: ${worst.toFixed(2)} ulp at x = ${at}`);
      const special = wasmUnary(fn, SPECIALS.length)(SPECIALS);
      SPECIALS.forEach((x, k) => {
        const want = Math.fround(REFERENCE[fn](x));
        if (Object.is(x, -0) || Object.is(x, 0) || !Number.isFinite(x) || Number.isNaN(x) || !Number.isFinite(want)) {
          assert.ok(same(special[k], want), `${fn}(${x}) = ${special[k]}, want ${want}`);
        } else {
          assert.ok(Math.abs(special[k] - REFERENCE[fn](x)) <= MATH_ULPS[fn] * ulp(want), `${fn}(${x}) = ${special[k]}, want ${want}`);
        }
      });
      console.log(`      ${fn}: worst ${worst.toFixed(3)} ulp at ${at}`);
    });
  }
});
