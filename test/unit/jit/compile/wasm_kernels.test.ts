import * as assert from 'node:assert/strict';
import { createReferenceBackend, type ReferenceArray } from '../../../../runtime/backends';
import { aval, Random, sizeOf, type AbstractValue } from '../../../../runtime/core';
import type { Jaxpr } from '../../../../runtime/ir';
import { evalJaxpr, makeJaxpr, simplify, valueAndGrad, type TracedFunction } from '../../../../runtime/jit';
import {
  clearKernelCache, compile, generateWasm, kernelCacheStats, kernelSpec, planJaxpr, wasmIneligible, type CompileOptions, type HostCode, type PlanKernel,
} from '../../../../runtime/jit/compile';
import { wasmMemoryBytes, wasmSimdSupported } from '../../../../runtime/wasm';
import { PROGRAM_INPUTS, randomProgram } from '../programs';
import { same } from './exact';

const SEED = process.env.GRADLENS_SEED !== undefined ? Number(process.env.GRADLENS_SEED) : Date.now();
const PROGRAMS = 150;
const ref = createReferenceBackend();
// Wasm kernels against the reference: |got - want| ≤ REL·|want| + ABS, NaN/±Inf where the reference has them.
const REL = 1e-5;
const ABS = 1e-6;

function run(jaxpr: Jaxpr, inputs: readonly (readonly number[])[], options?: CompileOptions): { want: number[][]; got: number[][]; codegen: readonly HostCode[] } {
  const xs = inputs.map((v, i) => ref.upload(v, jaxpr.invars[i].aval));
  const read = (outs: readonly ReferenceArray[]) => outs.map((o) => {
    const r = Array.from(ref.readSync(o));
    ref.dispose(o);
    return r;
  });
  try {
    const exe = compile(jaxpr, ref, options);
    return { want: read(evalJaxpr(jaxpr, ref, xs)), got: read(exe.run(xs)), codegen: exe.codegen ?? [] };
  } finally {
    xs.forEach((x) => ref.dispose(x));
  }
}

function assertClose(want: number[][], got: number[][], what: string, rel = REL, abs = ABS): void {
  assert.equal(got.length, want.length);
  want.forEach((w, k) => w.forEach((v, i) => {
    const g = got[k][i];
    const ok = Number.isFinite(v) ? Math.abs(g - v) <= rel * Math.abs(v) + abs : same(g, v);
    assert.ok(ok, `${what}: output ${k}[${i}]: wasm ${g}, reference ${v}`);
  }));
}

(wasmSimdSupported ? describe : describe.skip)('jit compile: wasm SIMD kernels', () => {
  it(`agree with the reference within ${REL} relative + ${ABS} absolute on ${PROGRAMS} random float32 programs (seed ${SEED})`, () => {
    let wasmKernels = 0;
    for (let p = 0; p < PROGRAMS; p++) {
      const seed = SEED + p;
      const program = randomProgram(seed, 8);
      const rng = new Random(seed ^ 0x5bd1e995);
      const inputs = PROGRAM_INPUTS.map((s) => rng.normals(sizeOf(s)).map(Math.fround));
      const raw = makeJaxpr((o, ...xs) => program(o, xs), PROGRAM_INPUTS.map((s) => aval(s, 'float32')));
      for (const jaxpr of [raw, simplify(raw)]) {
        const { want, got, codegen } = run(jaxpr, inputs, { codegen: 'wasm' });
        wasmKernels += codegen.filter((c) => c === 'wasm').length;
        assertClose(want, got, `program seed ${seed}`);
      }
    }
    assert.ok(wasmKernels > PROGRAMS / 2, `only ${wasmKernels} kernels ran as wasm`);
    assert.equal(ref.liveCount(), 0);
  });

  it('covers every supported op on lengths with and without a tail, with scalars, side outputs and sum/max/min', () => {
    const rng = new Random(5);
    for (const n of [1, 3, 4, 5, 17, 1024 + 3]) {
      const avals = [aval([n], 'float32'), aval([n], 'float32'), aval([], 'float32')];
      const inputs = [rng.normals(n).map((v) => Math.fround(v * 3)), rng.normals(n).map(Math.fround), [Math.fround(0.7)]];
      const fns: [string, TracedFunction][] = [
        ['chain', (o, x, y, s) => {
          const a = o.add(o.mul(o.tanh(x), s), o.div(o.sin(y), o.add(o.abs(x), o.lit(1))));
          const b = o.sub(o.logistic(a), o.mul(o.cos(x), o.exp(o.neg(o.mul(y, y)))));
          const c = o.select(o.gt(a, b), o.max(a, b), o.min(b, o.sqrt(o.abs(a))));
          return [o.add(o.log(o.add(o.abs(c), o.lit(0.5))), o.integerPow(b, 3)), o.rsqrt(o.add(o.abs(b), o.lit(1))), o.sign(a),
            o.mul(o.convert(o.le(x, y), 'float32'), o.integerPow(a, -2))];
        }],
        ['sum', (o, x, y) => { const e = o.mul(o.exp(o.neg(o.abs(x))), y); return [o.reduceSum(e, [0]), e]; }],
        ['max', (o, x) => o.reduceMax(o.sin(x), [0])],
        ['min', (o, x, y) => o.reduceMin(o.mul(o.cos(x), y), [0])],
      ];
      for (const [what, fn] of fns) {
        const jaxpr = makeJaxpr(fn, avals.slice(0, fn.length - 1));
        const { want, got, codegen } = run(jaxpr, inputs.slice(0, fn.length - 1), { codegen: 'wasm' });
        assert.ok(codegen.includes('wasm'), `${what} (n = ${n}) did not run as wasm: ${codegen}`);
        assertClose(want, got, `${what} (n = ${n})`);
      }
    }
  });

  it('keeps NaN, ±Infinity, -0 and ties where the reference does', () => {
    const specials = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 1e30, -1e30, 1e-40, 88.8, -88.8, 100, -104];
    const other = [...specials].reverse();
    const avals = [aval([specials.length], 'float32'), aval([specials.length], 'float32')];
    for (const u of ['exp', 'log', 'sin', 'cos', 'tanh', 'logistic', 'sqrt', 'rsqrt', 'abs', 'sign', 'neg'] as const) {
      const { want, got } = run(makeJaxpr((o, x) => o.bind(u, [x], {}), avals.slice(0, 1)), [specials], { codegen: 'wasm' });
      assertClose(want, got, u, 2e-7, 3e-45);
      want[0].forEach((v, i) => { if (!Number.isFinite(v) || v === 0) assert.ok(same(got[0][i], v), `${u}(${specials[i]}): ${got[0][i]} vs ${v}`); });
    }
    for (const op of ['add', 'sub', 'mul', 'div', 'max', 'min'] as const) {
      const { want, got } = run(makeJaxpr((o, x, y) => o.bind(op, [x, y], {}), avals), [specials, other], { codegen: 'wasm' });
      want[0].forEach((v, i) => assert.ok(same(got[0][i], v), `${op}(${specials[i]}, ${other[i]}): ${got[0][i]} vs ${v}`));
    }
    const ties = run(makeJaxpr((o, x, y) => [o.max(x, y), o.min(y, x)], avals.map(() => aval([2], 'float32'))), [[-0, 0], [0, -0]], { codegen: 'wasm' });
    ties.want.forEach((w, k) => w.forEach((v, i) => assert.ok(same(ties.got[k][i], v), `tie ${k}[${i}]`)));
  });

  it('falls back to JS for int32, float64, partial reductions, prod, large integer_pow, axis broadcasts and unsupported ops', () => {
    const f32 = (...s: number[]) => aval(s, 'float32');
    const cases: [string, TracedFunction, AbstractValue[]][] = [
      ['float64', (o, x) => o.sin(x), [aval([8], 'float64')]],
      ['int32', (o, x) => o.add(x, x), [aval([8], 'int32')]],
      ['partial reduction', (o, x) => o.reduceSum(o.exp(x), [1]), [f32(4, 8)]],
      ['prod', (o, x) => o.reduceProd(o.exp(x), [0]), [f32(8)]],
      ['integer_pow 17', (o, x) => o.integerPow(o.sin(x), 17), [f32(8)]],
      ['row broadcast', (o, x, r) => o.mul(o.tanh(x), r), [f32(4, 8), f32(8)]],
      ['tan', (o, x) => o.tan(x), [f32(8)]],
      ['expm1', (o, x) => o.expm1(x), [f32(8)]],
      ['pow', (o, x, y) => o.pow(x, y), [f32(8), f32(8)]],
      ['bool output', (o, x) => o.lt(o.sin(x), o.lit(0)), [f32(8)]],
    ];
    for (const [what, fn, avals] of cases) {
      const jaxpr = makeJaxpr(fn, avals);
      const fused = planJaxpr(jaxpr).kernels.filter((k) => k.kind === 'fused');
      assert.ok(fused.length > 0, what);
      for (const k of fused) assert.notEqual(wasmIneligible(kernelSpec(jaxpr, k)), null, what);
      const exe = compile(jaxpr, ref, { codegen: 'wasm' });
      assert.ok(!exe.codegen!.includes('wasm'), `${what}: ${exe.codegen}`);
      const inputs = avals.map((a) => Array.from({ length: sizeOf(a.shape) }, (_, i) => (i % 5) - 2 + 0.25));
      const { want, got } = run(jaxpr, inputs, { codegen: 'wasm' });
      want.forEach((w, j) => w.forEach((v, i) => assert.ok(same(got[j][i], v), `${what}: exact on the JS path`)));
    }
  });

  it("codegen 'js' never runs wasm, and the default picks wasm for eligible kernels", () => {
    const jaxpr = makeJaxpr((o, x) => o.reduceSum(o.tanh(x), [0]), [aval([64], 'float32')]);
    assert.deepEqual(compile(jaxpr, ref, { codegen: 'js' }).codegen, ['js']);
    assert.deepEqual(compile(jaxpr, ref).codegen, ['wasm']);
  });

  it('caches wasm modules by spec, apart from the JS ones', () => {
    clearKernelCache();
    const jaxpr = makeJaxpr((o, x) => o.exp(o.sin(x)), [aval([64], 'float32')]);
    compile(jaxpr, ref, { codegen: 'wasm' });
    compile(jaxpr, ref, { codegen: 'wasm' });
    compile(jaxpr, ref, { codegen: 'js' });
    assert.deepEqual(kernelCacheStats(), { hits: 1, misses: 2, size: 2 });
  });

  it('grows the shared memory for large kernels and keeps earlier kernels working', () => {
    const small = makeJaxpr((o, x) => o.sin(x), [aval([16], 'float32')]);
    const exeSmall = compile(small, ref, { codegen: 'wasm' });
    const n = 3 * 2 ** 20 + 1;
    const big = makeJaxpr((o, x, y) => o.reduceSum(o.mul(o.exp(x), y), [0]), [aval([n], 'float32'), aval([n], 'float32')]);
    const { want, got } = run(big, [new Array<number>(n).fill(0.5), new Array<number>(n).fill(0.25)], { codegen: 'wasm' });
    assert.ok(wasmMemoryBytes() >= 2 * 4 * n);
    assertClose(want, got, 'big sum', 1e-4, 0);
    const xs = ref.upload(Array.from({ length: 16 }, (_, i) => i), aval([16], 'float32'));
    const [r] = exeSmall.run([xs]);
    assert.ok(Math.abs(ref.readSync(r)[3] - Math.sin(3)) < 1e-6);
    ref.dispose(r);
    ref.dispose(xs);
  });

  it("runs W2's value and gradient as wasm kernels close to the JS ones", () => {
    const w2: TracedFunction = (o, x) => {
      const t = o.tanh(o.add(o.mul(o.lit(1.5), x), o.lit(0.3)));
      return o.reduceSum(o.add(o.integerPow(t, 2), o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))))), [0]);
    };
    const n = 4099;
    const jaxpr = simplify(makeJaxpr((o, x) => valueAndGrad(w2)(o, x) as never, [aval([n], 'float32')]));
    const { want, got, codegen } = run(jaxpr, [new Random(1).normals(n).map(Math.fround)], { codegen: 'wasm' });
    assert.ok(codegen.every((c) => c !== 'js'), `${codegen}`);
    assertClose(want, got, 'W2', 1e-5, 1e-6);
    assert.equal(codegen.length, 1, 'the gradient runs in the kernel of the value');
  });

  it('sin(x) and cos(x) in one kernel share their reduction and give, bit for bit, what each kernel alone gives', () => {
    const x = aval([4099], 'float32');
    const inputs = [new Random(2).normals(4099).map((v) => Math.fround(v * 40))];
    const both = makeJaxpr((o, a) => [o.sin(a), o.cos(a)], [x]);
    const [sin, cos] = (['sin', 'cos'] as const).map((u) => makeJaxpr((o, a) => o.bind(u, [a], {}), [x]));
    const { got } = run(both, inputs, { codegen: 'wasm' });
    assert.deepEqual(got, [run(sin, inputs, { codegen: 'wasm' }).got[0], run(cos, inputs, { codegen: 'wasm' }).got[0]]);
    const bytes = (j: Jaxpr) => generateWasm(kernelSpec(j, planJaxpr(j).kernels[0] as Extract<PlanKernel, { kind: 'fused' }>)).length;
    assert.ok(bytes(both) < 0.75 * (bytes(sin) + bytes(cos)), `${bytes(both)} bytes for both, ${bytes(sin)} + ${bytes(cos)} alone`);
  });
});
