import * as assert from 'node:assert/strict';
import { createReferenceBackend, type ReferenceArray } from '../../../runtime/backends';
import { aval, Random, sizeOf } from '../../../runtime/core';
import { printJaxpr } from '../../../runtime/ir';
import { evalJaxpr, makeJaxpr, simplify } from '../../../runtime/jit';
import { BackendEmitter, Ops } from '../../../runtime/ops';
import { COMPLEX_PARTS, PRIMITIVES, RANDOM_BITS } from '../../../runtime/primitives';
import { PIECEWISE_PROGRAM, PROGRAM_INPUTS, randomProgram, STARTS_AND_UNIT_INTERVAL_PROGRAM, type Program } from './programs';

const SEED = process.env.GRADLENS_SEED !== undefined ? Number(process.env.GRADLENS_SEED) : Date.now();
const PROGRAMS = 60;

const backend = createReferenceBackend();
const read = (x: ReferenceArray) => Array.from(backend.readSync(x));

function eager(program: Program, inputs: readonly number[][]): number[][] {
  const em = new BackendEmitter(backend);
  const xs = inputs.map((v, i) => em.upload(v, PROGRAM_INPUTS[i], 'float32'));
  const outs = program(new Ops(em), xs).map(read);
  em.disposeAllBut();
  return outs;
}

function traced(program: Program, inputs: readonly number[][], simplified: boolean): number[][] {
  let jaxpr = makeJaxpr((o, ...xs) => program(o, xs), PROGRAM_INPUTS.map((s) => aval(s, 'float32')));
  if (simplified) jaxpr = simplify(jaxpr);
  const xs = inputs.map((v, i) => backend.upload(v, aval(PROGRAM_INPUTS[i], 'float32')));
  const outs = evalJaxpr(jaxpr, backend, xs);
  const values = outs.map(read);
  [...xs, ...outs].forEach((a) => backend.dispose(a));
  return values;
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || a === b;

describe('jit: tracing then evaluating equals evaluating eagerly', () => {
  it(`on ${PROGRAMS} random programs over the primitive set (seed ${SEED})`, () => {
    const used = new Set<string>();
    // The random programs, then the primitives they leave out.
    const leftOut = [PIECEWISE_PROGRAM, STARTS_AND_UNIT_INTERVAL_PROGRAM];
    for (let p = 0; p < PROGRAMS + leftOut.length; p++) {
      const seed = SEED + p;
      const program = p < PROGRAMS ? randomProgram(seed, 12) : leftOut[p - PROGRAMS];
      const rng = new Random(seed ^ 0x5bd1e995);
      const inputs = PROGRAM_INPUTS.map((s) => rng.normals(sizeOf(s)).map(Math.fround));
      const want = eager(program, inputs);
      for (const simplified of [false, true]) {
        const got = traced(program, inputs, simplified);
        got.forEach((out, k) => out.forEach((v, i) => assert.ok(same(v, want[k][i]),
          `program seed ${seed}${simplified ? ' (simplified)' : ''}, output ${k}[${i}]: jit ${v}, eager ${want[k][i]}`)));
      }
      makeJaxpr((o, ...xs) => program(o, xs), PROGRAM_INPUTS.map((s) => aval(s, 'float32'))).eqns.forEach((e) => used.add(e.primitive));
    }
    assert.equal(backend.liveCount(), 0);
    // NB: a seed whose programs miss a few primitives is fine; most of the set must be exercised.
    // jax.random's bit primitives are no smooth function of these float programs (the check_grads and
    // differential suites share them): test/unit/jax/random_traced.test.ts runs them traced and eagerly.
    // Nor are lax's complex primitives (these programs are real): test/unit/jax/complex_arrays.test.ts runs them.
    assert.ok(used.size >= PRIMITIVES.length - RANDOM_BITS.length - COMPLEX_PARTS.length - 6, `only ${[...used].join(' ')} were exercised`);
  });

  it('records each equation with its shape checked, and refuses a shape error at trace time', () => {
    assert.throws(() => makeJaxpr((o, a, b) => o.add(a, b), [aval([2], 'float32'), aval([3], 'float32')]), /add: shapes do not broadcast/);
    assert.throws(() => makeJaxpr((o, a) => o.exp(a), [aval([2], 'int32')]), /exp: needs a floating-point operand/);
  });

  it('turns JS numbers into literals of the dtype beside them, and concrete arrays into constvars', () => {
    const w = backend.upload([1, 2], aval([2], 'float64'));
    const j = makeJaxpr((o, x) => o.apply('mul', [o.apply('add', [x, 2], {}), w], {}), [aval([2], 'float64')]);
    assert.equal(printJaxpr(j), [
      '{ lambda a:f64[2]; b:f64[2]. let',
      '    c:f64[2] = add b 2.0',
      '    d:f64[2] = mul c a',
      '  in (d,) }',
    ].join('\n'));
    const x = backend.upload([3, 4], aval([2], 'float64'));
    const [out] = evalJaxpr(j, backend, [x]);
    assert.deepEqual(read(out), [5, 12]);
    [w, x, out].forEach((a) => backend.dispose(a));
  });

  it('refuses a tracer from another trace, and arguments of the wrong type', () => {
    let leaked: unknown;
    makeJaxpr((o, x) => { leaked = x; return o.neg(x); }, [aval([], 'float32')]);
    assert.throws(() => makeJaxpr((o, x) => o.apply('add', [x, leaked as never], {}), [aval([], 'float32')]), /another trace/);
    const j = makeJaxpr((o, x) => o.neg(x), [aval([2], 'float32')]);
    const bad = backend.upload([1, 2, 3], aval([3], 'float32'));
    assert.throws(() => evalJaxpr(j, backend, [bad]), /argument 0 must be f32\[2\], got f32\[3\]/);
    backend.dispose(bad);
  });
});
