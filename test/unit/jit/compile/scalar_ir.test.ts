import * as assert from 'node:assert/strict';
import { aval, type DType } from '../../../../runtime/core';
import {
  compileJs, compileWasm, generateWgsl, interpretKernel, wasmIneligible, type HostKernel, type KernelSpec,
} from '../../../../runtime/jit/compile';
import { ARITHMETIC_BINARY, COMPARISONS, ELEMENTWISE, FUSIBLE, REDUCTIONS, RESHAPE_LIKE, type Primitive } from '../../../../runtime/primitives';
import {
  LOWERINGS, lowerMember, REDUCE_OP_OF, SCALAR_ARITY, SCALAR_OPS, scalarConst, scalarOp, type LowerMember, type Scalar, type ScalarOp,
} from '../../../../runtime/scalar';
import { wasmSimdSupported } from '../../../../runtime/wasm';

/**
 * The scalar IR of fused kernels (runtime/scalar): every fusible primitive lowers to
 * it, and every op of it renders in JS, WebAssembly and WGSL and runs in the interpreter. The type
 * checker holds the tables to the op set; these tests run every entry, and a primitive that only
 * this file defines, through every target.
 */

/** Each op in float64: the value a target computes before the member's store rounds it. */
const FLOAT64: { readonly [Op in ScalarOp]: (...x: number[]) => number } = {
  neg: (a) => -a, abs: Math.abs, sign: (a) => (a > 0 ? 1 : a < 0 ? -1 : a), floor: Math.floor, sqrt: Math.sqrt, exp: Math.exp, log: Math.log,
  log1p: Math.log1p, expm1: Math.expm1, sin: Math.sin, cos: Math.cos, tan: Math.tan, tanh: Math.tanh,
  logistic: (a) => 1 / (1 + Math.exp(-a)),
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, pow: Math.pow,
  max: Math.max, min: Math.min,
  lt: (a, b) => +(a < b), le: (a, b) => +(a <= b), gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b), eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b),
  where: (p, t, f) => (p !== 0 ? t : f),
  cast: (a) => +(a !== 0),
};

function evaluate(s: Scalar, args: readonly number[]): number {
  if (s.kind === 'arg') return args[s.index];
  if (s.kind === 'const') return s.value;
  return FLOAT64[s.op](...s.args.map((a) => evaluate(a, args)));
}

/** A probe of `op` over two float32 operands with a float32 result (so that wasm may take it): a bool result picks 1 or 0. */
function probe(op: ScalarOp): Scalar {
  const x: Scalar = { kind: 'arg', index: 0, dtype: 'float32' };
  const y: Scalar = { kind: 'arg', index: 1, dtype: 'float32' };
  const asFloat = (b: Scalar) => scalarOp('where', 'float32', b, scalarConst(1, 'float32'), scalarConst(0, 'float32'));
  switch (op) {
    case 'lt': case 'le': case 'gt': case 'ge': case 'eq': case 'ne': return asFloat(scalarOp(op, 'bool', x, y));
    case 'where': return scalarOp('where', 'float32', scalarOp('lt', 'bool', x, y), x, y);
    case 'cast': return asFloat(scalarOp('cast', 'bool', scalarOp('sub', 'float32', x, y)));
  }
  return SCALAR_ARITY[op] === 1 ? scalarOp(op, 'float32', x) : scalarOp(op, 'float32', x, y);
}

const N = 64;
/** A member of primitive `name` over inputs of float32[N], lowered by `body`. */
function kernel(name: string, arity: number, body: Scalar): { spec: KernelSpec; lower: LowerMember } {
  const a = aval([N], 'float32');
  const spec: KernelSpec = {
    inputs: Array.from({ length: arity }, () => a),
    members: [{ primitive: name as Primitive, params: {}, args: Array.from({ length: arity }, (_, input) => ({ input })), out: a }],
    outputs: [0], domain: [N], reduction: null,
  };
  const lower: LowerMember = (p, params, dtypes, out) => (p === (name as Primitive) ? body : lowerMember(p, params, dtypes, out));
  return { spec, lower };
}

function run(k: HostKernel, ins: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(N);
  k(ins, [out]);
  return out;
}

const xs = Float32Array.from({ length: N }, (_, i) => Math.fround(0.1 + i * 0.047));
const ys = Float32Array.from({ length: N }, (_, i) => Math.fround(2.9 - i * 0.043));
const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(v), 2 ** -126))) - 23);
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('jit compile: the scalar IR of fused kernels', () => {
  it('every primitive of every fusible family has its lowering: elementwise to scalar ops, reductions to a fold, reshapes to an index map', () => {
    const elementwise = new Set<Primitive>(ELEMENTWISE);
    const reductions = new Set<Primitive>(REDUCTIONS);
    const reshapes = new Set<Primitive>(RESHAPE_LIKE);
    const binary = new Set<Primitive>([...ARITHMETIC_BINARY, ...COMPARISONS]);
    for (const p of FUSIBLE) {
      if (elementwise.has(p)) {
        const dtypes: DType[] = p === 'select' ? ['bool', 'float32', 'float32'] : p === 'clamp' ? ['float32', 'float32', 'float32']
          : binary.has(p) ? ['float32', 'float32'] : ['float32'];
        const body = lowerMember(p as (typeof ELEMENTWISE)[number], p === 'integer_pow' ? { y: 3 } : p === 'convert_element_type' ? { newDtype: 'float32' } : {}, dtypes, 'float32');
        const check = (s: Scalar): void => {
          if (s.kind !== 'op') return;
          assert.ok(SCALAR_OPS.includes(s.op), `${p}: ${s.op} is not a scalar op`);
          assert.equal(s.args.length, SCALAR_ARITY[s.op], `${p}: ${s.op} takes ${SCALAR_ARITY[s.op]} operands`);
          s.args.forEach(check);
        };
        check(body);
        assert.equal(typeof LOWERINGS[p as (typeof ELEMENTWISE)[number]], 'function');
      } else if (reductions.has(p)) assert.ok(REDUCE_OP_OF[p as (typeof REDUCTIONS)[number]], `${p}: no fold`);
      else assert.ok(reshapes.has(p), `${p}: fusible, but neither elementwise, a reduction nor reshape-like`);
    }
  });

  for (const op of SCALAR_OPS) {
    it(`${op}: the JS kernel and the interpreter give float64's value rounded once, wasm within 4 ulps (or has no vector form), WGSL renders it`, () => {
      const body = probe(op);
      const { spec, lower } = kernel(`probe_${op}`, 2, body);
      const want = Array.from(xs, (x, i) => Math.fround(evaluate(body, [x, ys[i]])));
      const js = run(compileJs(spec, lower), [xs, ys]);
      const interpreted = run(interpretKernel(spec, lower), [xs, ys]);
      want.forEach((w, i) => {
        assert.ok(same(js[i], w), `${op}(${xs[i]}, ${ys[i]}): JS ${js[i]}, float64 rounded ${w}`);
        assert.ok(same(interpreted[i], w), `${op}(${xs[i]}, ${ys[i]}): interpreted ${interpreted[i]}, float64 rounded ${w}`);
      });
      assert.match(generateWgsl(spec, 65535, lower).source, /out0\[i\] = /);
      const why = wasmIneligible(spec, lower);
      if (why !== null) {
        assert.ok(['pow', 'log1p', 'expm1', 'tan'].includes(op), `${op}: no wasm kernel (${why})`);
        return;
      }
      if (!wasmSimdSupported) return;
      const wasm = run(compileWasm(spec, lower), [xs, ys]);
      want.forEach((w, i) => assert.ok(Math.abs(wasm[i] - w) <= 4 * ulp(w), `${op}(${xs[i]}, ${ys[i]}): wasm ${wasm[i]}, float64 ${w}`));
    });
  }

  it('a primitive defined here, softplus(x) = log(1 + exp(x)) as a composition of scalar ops, runs in JS, wasm and the interpreter and renders in WGSL', () => {
    const x: Scalar = { kind: 'arg', index: 0, dtype: 'float32' };
    const body = scalarOp('log', 'float32', scalarOp('add', 'float32', scalarConst(1, 'float32'), scalarOp('exp', 'float32', x)));
    const { spec, lower } = kernel('softplus', 1, body);
    const input = Float32Array.from({ length: N }, (_, i) => Math.fround(-6 + (12 * i) / (N - 1)));
    const want = Array.from(input, (v) => Math.log1p(Math.exp(v)));
    // Float32's rounding of 1 + exp(x) is the error that remains: 2^-24 absolute, whatever the target.
    const tolerance = (w: number) => 2 ** -22 + 2 ** -22 * Math.abs(w);
    const targets: [string, HostKernel][] = [['JS', compileJs(spec, lower)], ['interpreter', interpretKernel(spec, lower)]];
    assert.equal(wasmIneligible(spec, lower), null);
    if (wasmSimdSupported) targets.push(['wasm', compileWasm(spec, lower)]);
    for (const [target, k] of targets) {
      const got = run(k, [input]);
      want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= tolerance(w), `${target}: softplus(${input[i]}) = ${got[i]}, float64 ${w}`));
    }
    assert.match(generateWgsl(spec, 65535, lower).source, /log_(f32|v4f32)\(\(\S+ \+ exp_(f32|v4f32)\(/);
  });
});
