import * as assert from 'node:assert/strict';
import { createReferenceBackend, createTfjsBackend, type ReferenceArray } from '../../../../runtime/backends';
import { aval, Random, sizeOf, type AbstractValue } from '../../../../runtime/core';
import { outsOf } from '../../../../runtime/ir';
import { makeJaxpr, simplify, type TracedFunction } from '../../../../runtime/jit';
import { compile, kernelCacheStats } from '../../../../runtime/jit/compile';
import { PROGRAM_INPUTS, randomProgram } from '../programs';
import { assertExact, both, same } from './exact';

const SEED = process.env.GRADLENS_SEED !== undefined ? Number(process.env.GRADLENS_SEED) : Date.now();
const PROGRAMS = 80;
const ref = createReferenceBackend();

function check(fn: TracedFunction, avals: readonly AbstractValue[], inputs: readonly number[][], what = 'program'): void {
  assertExact(ref, makeJaxpr(fn, avals), inputs, what);
}

const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 1e30, -1e30, 1e-40, 88.8, -88.8, 710, -745];

describe('jit compile: compiled kernels equal the reference evaluation', () => {
  it(`bit for bit on ${PROGRAMS} random programs, raw and simplified (seed ${SEED})`, () => {
    for (let p = 0; p < PROGRAMS; p++) {
      const seed = SEED + p;
      const program = randomProgram(seed, 12);
      const rng = new Random(seed ^ 0x5bd1e995);
      const inputs = PROGRAM_INPUTS.map((s) => rng.normals(sizeOf(s)).map(Math.fround));
      const jaxpr = makeJaxpr((o, ...xs) => program(o, xs), PROGRAM_INPUTS.map((s) => aval(s, 'float32')));
      assertExact(ref, jaxpr, inputs, `program seed ${seed}`);
      assertExact(ref, simplify(jaxpr), inputs, `program seed ${seed} (simplified)`);
    }
    assert.equal(ref.liveCount(), 0);
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`keeps NaN, ±Infinity and -0 as the reference does (${dtype})`, () => {
      const n = SPECIALS.length;
      const avals = [aval([n], dtype), aval([n], dtype)];
      const b = [...SPECIALS].reverse();
      const unary = ['exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'tanh', 'logistic', 'sqrt', 'rsqrt', 'abs', 'sign', 'neg'] as const;
      for (const u of unary) check((o, x) => o.mul(o.bind(u, [x], {}), o.lit(1, dtype)), avals.slice(0, 1), [SPECIALS], u);
      for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'max', 'min', 'lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const) {
        check((o, x, y) => o.bind(op, [o.exp(o.neg(x)), y], {}), avals, [SPECIALS, b], op);
      }
      for (const y of [-3, -2, -1, 0, 1, 2, 3, 5, 8]) check((o, x) => o.integerPow(o.add(x, o.lit(0.5, dtype)), y), avals.slice(0, 1), [SPECIALS], `x**${y}`);
      for (const r of ['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod'] as const) {
        check((o, x, y) => o.bind(r, [o.mul(x, y)], { axes: [0] }), avals, [SPECIALS, b], r);
        check((o, x) => o.bind(r, [o.sin(x)], { axes: [0] }), [aval([4], dtype)], [[1, 2, NaN, 3]], `${r} with NaN`);
      }
      check((o, x, y) => o.select(o.gt(x, y), o.max(x, y), o.min(y, x)), avals, [SPECIALS, b], 'select');
    });
  }

  it('broadcasts by index arithmetic: rows, columns, size-1 axes, broadcast_in_dim, reshapes', () => {
    const rng = new Random(7);
    const vals = (...s: number[]) => rng.normals(sizeOf(s)).map(Math.fround);
    check((o, x, r) => o.add(x, r), [aval([2, 3], 'float32'), aval([3], 'float32')], [vals(2, 3), vals(3)]);
    check((o, c, r) => o.mul(o.tanh(c), o.exp(r)), [aval([4, 1], 'float32'), aval([1, 5], 'float32')], [vals(4, 1), vals(1, 5)]);
    check((o, x, r) => o.sub(x, o.broadcastInDim(o.sin(r), [4, 2, 3], [2])), [aval([4, 2, 3], 'float32'), aval([3], 'float32')], [vals(4, 2, 3), vals(3)]);
    check((o, x, c) => o.div(x, o.broadcastInDim(o.cos(c), [4, 2, 3], [0, 1])), [aval([4, 2, 3], 'float32'), aval([4, 2], 'float32')], [vals(4, 2, 3), vals(4, 2)]);
    check((o, x, y) => o.reshape(o.mul(o.reshape(o.exp(x), [3, 2]), o.squeeze(o.expandDims(y, [0]), [0])), [6]),
      [aval([2, 3], 'float32'), aval([3, 2], 'float32')], [vals(2, 3), vals(3, 2)]);
    check((o, x, r) => o.reshape(o.add(o.reshape(x, [6]), r), [3, 2]), [aval([2, 3], 'float32'), aval([1], 'float32')], [vals(2, 3), vals(1)]);
    check((o, x, s) => o.mul(x, s), [aval([2, 3], 'float32'), aval([], 'float32')], [vals(2, 3), vals()]);
  });

  it('reduces over trailing, leading and interleaved axes, with side outputs', () => {
    const rng = new Random(11);
    const x = rng.normals(2 * 3 * 4).map(Math.fround);
    const avals = [aval([2, 3, 4], 'float32')];
    for (const axes of [[2], [0], [1], [0, 2], [2, 0], [0, 1, 2], []]) {
      check((o, a) => o.reduceSum(o.mul(o.tanh(a), o.lit(3)), axes), avals, [x], `sum over ${axes}`);
      check((o, a) => o.reduceMax(o.exp(a), axes), avals, [x], `max over ${axes}`);
      check((o, a) => {
        const e = o.exp(o.sin(a));
        return [o.reduceProd(e, axes), e];
      }, avals, [x], `prod over ${axes} with e written out`);
    }
    check((o, a) => {
      const m = o.broadcastInDim(o.reduceMax(a, [1]), [4, 5], [0]);
      const e = o.exp(o.sub(a, m));
      return o.div(e, o.broadcastInDim(o.reduceSum(e, [1]), [4, 5], [0]));
    }, [aval([4, 5], 'float32')], [rng.normals(20).map(Math.fround)], 'softmax');
  });

  it('int32 and bool values wrap and cast as the reference stores them', () => {
    const i32 = [aval([6], 'int32'), aval([6], 'int32')];
    const a = [2147483647, -2147483648, 7, -7, 0, 3];
    const b = [1, -1, 2, 0, 0, -2];
    for (const op of ['add', 'sub', 'mul', 'div', 'max', 'min'] as const) check((o, x, y) => o.bind(op, [x, y], {}), i32, [a, b], `int32 ${op}`);
    check((o, x) => o.neg(o.abs(x)), i32.slice(0, 1), [a], 'int32 abs');
    check((o, x) => o.reduceSum(x, [0]), i32.slice(0, 1), [a], 'int32 sum');
    check((o, x, y) => o.convert(o.add(o.convert(o.lt(x, y), 'int32'), o.convert(o.ge(x, y), 'int32')), 'bool'), i32, [a, b], 'bool');
    check((o, x) => o.convert(o.mul(o.convert(x, 'float32'), o.lit(1.7)), 'int32'), i32.slice(0, 1), [a], 'float to int32');
    check((o, x) => o.convert(o.div(o.convert(x, 'float32'), o.lit(0)), 'int32'), i32.slice(0, 1), [a], 'inf to int32');
  });

  it('caches kernels by structure: the same group over the same avals compiles once', () => {
    const fn: TracedFunction = (o, x) => o.reduceSum(o.add(o.mul(o.tanh(x), o.lit(2)), o.sin(x)), [0]);
    const before = kernelCacheStats();
    compile(makeJaxpr(fn, [aval([17], 'float32')]), ref);
    const mid = kernelCacheStats();
    assert.equal(mid.misses, before.misses + 1);
    compile(makeJaxpr(fn, [aval([17], 'float32')]), ref);
    const after = kernelCacheStats();
    assert.equal(after.misses, mid.misses);
    assert.equal(after.hits, mid.hits + 1);
    compile(makeJaxpr(fn, [aval([18], 'float32')]), ref);
    assert.equal(kernelCacheStats().misses, after.misses + 1, 'another shape compiles again');
  });

  it('does not grow liveCount, and hands back fresh arrays even for outputs that are inputs', () => {
    const jaxpr = makeJaxpr((o, a, b) => {
      const e = o.exp(a);
      return [o.add(e, o.dotGeneral(e, b, { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] })), a, e, e];
    }, [aval([3, 3], 'float32'), aval([3, 3], 'float32')]);
    const xs = [ref.upload([1, 2, 3, 4, 5, 6, 7, 8, 9], aval([3, 3], 'float32')), ref.upload([9, 8, 7, 6, 5, 4, 3, 2, 1], aval([3, 3], 'float32'))];
    const exe = compile(jaxpr, ref);
    for (let k = 0; k < 3; k++) {
      const outs = exe.run(xs);
      assert.equal(new Set([...outs, ...xs]).size, 6);
      assert.equal(ref.liveCount(), 6);
      outs.forEach((o) => ref.dispose(o));
      assert.equal(ref.liveCount(), 2);
    }
    xs.forEach((x) => ref.dispose(x as ReferenceArray));
  });

  it('on the tfjs wasm backend: equals op-by-op evaluation within 1e-5 and frees what it uploads', async () => {
    const wasm = await createTfjsBackend('wasm');
    const live = wasm.liveCount();
    for (let p = 0; p < 20; p++) {
      const seed = SEED + 1000 + p;
      const program = randomProgram(seed, 10);
      const rng = new Random(seed);
      const inputs = PROGRAM_INPUTS.map((s) => rng.normals(sizeOf(s)).map(Math.fround));
      const jaxpr = makeJaxpr((o, ...xs) => program(o, xs), PROGRAM_INPUTS.map((s) => aval(s, 'float32')));
      // NB: tfjs has no float64, which one random step converts through.
      if (jaxpr.eqns.some((e) => outsOf(e).some((v) => v.aval.dtype === 'float64'))) continue;
      const { want, got } = both(wasm, jaxpr, inputs);
      want.forEach((w, k) => w.forEach((v, i) => assert.ok(same(got[k][i], v) || Math.abs(got[k][i] - v) <= 1e-5 * Math.max(1, Math.abs(v)),
        `program seed ${seed}: output ${k}[${i}]: compiled ${got[k][i]}, wasm ${v}`)));
    }
    assert.equal(wasm.liveCount(), live);
  });
});
