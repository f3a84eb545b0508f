import * as assert from 'node:assert/strict';
import { createReferenceBackend, type ReferenceArray } from '../../../runtime/backends';
import { aval, Random, sizeOf, type AbstractValue } from '../../../runtime/core';
import { printJaxpr, type Jaxpr } from '../../../runtime/ir';
import { cse, dce, evalJaxpr, foldConstants, makeJaxpr, simplify, type TracedFunction } from '../../../runtime/jit';
import { algebra } from '../../../runtime/jit/algebra';
import { gradJaxpr } from '../../../runtime/jit/transforms';
import { PROGRAM_INPUTS, randomProgram } from './programs';

const backend = createReferenceBackend();
const f32 = (...shape: number[]) => aval(shape, 'float32');
const text = (lines: string[]) => lines.join('\n');

function run(j: Parameters<typeof evalJaxpr>[0], ...inputs: number[][]): number[][] {
  const xs = inputs.map((v, i) => backend.upload(v, j.invars[i].aval));
  const outs = evalJaxpr(j, backend, xs) as ReferenceArray[];
  const values = outs.map((a) => Array.from(backend.readSync(a)));
  [...xs, ...outs].forEach((a) => backend.dispose(a));
  return values;
}

describe('jit: simplification passes', () => {
  it('DCE removes an equation no output needs, and constants nothing reads', () => {
    const w = backend.upload([1, 2], f32(2));
    const j = makeJaxpr((o, x) => {
      o.mul(o.sin(x), o.const(w));
      return o.cos(x);
    }, [f32(2)]);
    assert.equal(j.eqns.length, 3);
    const d = dce(j);
    assert.equal(printJaxpr(d), '{ lambda ; a:f32[2]. let b:f32[2] = cos a in (b,) }');
    assert.deepEqual(run(d, [0, 0]), [[1, 1]]);
    backend.dispose(w);
  });

  it('CSE merges duplicate equations, literals included, and what depended on them', () => {
    const j = makeJaxpr((o, x) => {
      const a = o.mul(x, o.lit(2));
      const b = o.mul(x, o.lit(2));
      return [o.add(o.exp(a), o.exp(b)), o.mul(x, o.lit(3))];
    }, [f32()]);
    assert.equal(printJaxpr(cse(j)), text([
      '{ lambda ; a:f32[]. let',
      '    b:f32[] = mul a 2.0',
      '    c:f32[] = exp b',
      '    d:f32[] = add c c',
      '    e:f32[] = mul a 3.0',
      '  in (d, e) }',
    ]));
    assert.deepEqual(run(cse(j), [0.5]), run(j, [0.5]));
  });

  it('keeps equations whose params differ apart', () => {
    const j = makeJaxpr((o, x) => [o.reduceSum(x, [0]), o.reduceSum(x, [1])], [f32(2, 2)]);
    assert.equal(cse(j).eqns.length, 2);
  });

  it('folds equations on literals into literals, and on constants into host constants', () => {
    const w = backend.upload([1, 2, 3], f32(3));
    const j = makeJaxpr((o, x) => {
      const six = o.mul(o.lit(2), o.lit(3));
      const c = o.add(o.const(w), o.exp(o.lit(0)));
      return o.add(o.mul(x, six), c);
    }, [f32(3)]);
    const folded = foldConstants(j, { backend });
    assert.equal(printJaxpr(folded), text([
      '{ lambda a:f32[3]; b:f32[3]. let',
      '    c:f32[3] = mul b 6.0',
      '    d:f32[3] = add c a',
      '  in (d,) }',
    ]));
    assert.deepEqual(folded.consts.map((c) => c.kind === 'host' && Array.from(c.values)), [[2, 3, 4]]);
    assert.deepEqual(run(folded, [1, 1, 1]), [[8, 9, 10]]);
    assert.deepEqual(run(j, [1, 1, 1]), [[8, 9, 10]]);
    backend.dispose(w);
  });

  it('leaves device constants alone without a backend to read them, and leaves large results unfolded', () => {
    const w = backend.upload([1, 2], f32(2));
    const j = makeJaxpr((o, x) => o.add(x, o.neg(o.const(w))), [f32(2)]);
    assert.equal(foldConstants(j).eqns.length, 2);
    const big = makeJaxpr((o) => o.iota('float32', [4096], 0), []);
    assert.equal(foldConstants(big).eqns.length, 1);
    backend.dispose(w);
  });

  it('simplify chains folding, CSE and DCE', () => {
    const j = makeJaxpr((o, x) => {
      const k = o.add(o.lit(1), o.lit(1));
      o.tanh(x);
      return o.add(o.mul(x, k), o.mul(x, k));
    }, [f32()]);
    assert.equal(printJaxpr(simplify(j)), '{ lambda ; a:f32[]. let b:f32[] = mul a 2.0; c:f32[] = add b b in (c,) }');
  });
});

/** Evaluates both jaxprs on the same inputs and compares every output element's bits (any NaN equals any NaN). */
function assertSameBits(a: Jaxpr, b: Jaxpr, inputs: readonly number[][], what: string): void {
  const ra = run(a, ...inputs.map((v) => [...v]));
  const rb = run(b, ...inputs.map((v) => [...v]));
  assert.equal(ra.length, rb.length, what);
  a.outvars.forEach((o, i) => {
    const ob = b.outvars[i];
    assert.equal(ob.aval.dtype, o.aval.dtype, `${what}: output ${i} dtype`);
    assert.deepEqual(ob.aval.shape, o.aval.shape, `${what}: output ${i} shape`);
    ra[i].forEach((x, k) => {
      const y = rb[i][k];
      assert.ok(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${what}: output ${i}[${k}] is ${y}, expected ${x}`);
    });
  });
}

const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 2.5];

describe('jit: algebraic simplification', () => {
  const lines = (j: Jaxpr) => printJaxpr(dce(algebra(j)));
  const check = (fn: TracedFunction, avals: readonly AbstractValue[], expected: string, inputs?: number[][]) => {
    const j = makeJaxpr(fn, avals);
    const out = dce(algebra(j));
    assert.equal(printJaxpr(out), expected);
    const xs = inputs ?? avals.map((a) => (sizeOf(a.shape) === SPECIALS.length ? SPECIALS : Array.from({ length: sizeOf(a.shape) }, (_, k) => SPECIALS[k % SPECIALS.length])));
    assertSameBits(j, out, xs, expected);
  };
  const v8 = [f32(8)];

  it('x*1, 1*x, x/1, x-0 and x+(-0.0) become x, -0, NaN and Infinity included', () => {
    check((o, x) => o.mul(x, o.lit(1)), v8, '{ lambda ; a:f32[8]. let  in (a,) }');
    check((o, x) => o.mul(o.lit(1), x), v8, '{ lambda ; a:f32[8]. let  in (a,) }');
    check((o, x) => o.div(x, o.lit(1)), v8, '{ lambda ; a:f32[8]. let  in (a,) }');
    check((o, x) => o.sub(x, o.lit(0)), v8, '{ lambda ; a:f32[8]. let  in (a,) }');
    check((o, x) => o.add(x, o.lit(-0)), v8, '{ lambda ; a:f32[8]. let  in (a,) }');
    check((o, x) => o.add(o.lit(-0), x), v8, '{ lambda ; a:f32[8]. let  in (a,) }');
    check((o, x) => o.add(x, o.lit(0, 'int32')), [aval([3], 'int32')], '{ lambda ; a:i32[3]. let  in (a,) }', [[-4, 0, 7]]);
  });

  it('keeps x+0.0, x-(-0.0), x*0, 1/x and x-0 with x on the right', () => {
    check((o, x) => o.add(x, o.lit(0)), v8, '{ lambda ; a:f32[8]. let b:f32[8] = add a 0.0 in (b,) }');
    check((o, x) => o.add(o.lit(0), x), v8, '{ lambda ; a:f32[8]. let b:f32[8] = add 0.0 a in (b,) }');
    check((o, x) => o.sub(x, o.lit(-0)), v8, '{ lambda ; a:f32[8]. let b:f32[8] = sub a -0.0 in (b,) }');
    check((o, x) => o.mul(x, o.lit(0)), v8, '{ lambda ; a:f32[8]. let b:f32[8] = mul a 0.0 in (b,) }');
    check((o, x) => o.div(o.lit(1), x), v8, '{ lambda ; a:f32[8]. let b:f32[8] = div 1.0 a in (b,) }');
    check((o, x) => o.sub(o.lit(0), x), v8, '{ lambda ; a:f32[8]. let b:f32[8] = sub 0.0 a in (b,) }');
  });

  it('a scalar x times a ones array is x broadcast, not x', () => {
    const ones = makeJaxpr((o, x) => o.mul(x, o.broadcastInDim(o.lit(1), [2, 3], [])), [f32()]);
    const out = dce(algebra(foldConstants(ones)));
    assert.equal(printJaxpr(out), text(['{ lambda ; a:f32[]. let', '    b:f32[2,3] = broadcast_in_dim[broadcast_dimensions=() shape=(2, 3)] a', '  in (b,) }']));
    assertSameBits(ones, out, [[-0]], 'x * ones');
    // x is f32[3], the ones f32[2,3]: x is broadcast along the new leading axis.
    const row = makeJaxpr((o, x) => o.mul(o.broadcastInDim(o.lit(1), [2, 3], []), x), [f32(3)]);
    const out2 = dce(algebra(foldConstants(row)));
    assert.deepEqual(out2.eqns.map((e) => e.primitive), ['broadcast_in_dim']);
    assertSameBits(row, out2, [[NaN, -0, 3]], 'ones * row');
  });

  it('integer_pow[y=1] is x, [y=0] is ones of its shape, [y=2] stays', () => {
    check((o, x) => o.integerPow(x, 1), v8, '{ lambda ; a:f32[8]. let  in (a,) }');
    check((o, x) => o.integerPow(x, 0), [f32()], '{ lambda ; a:f32[]. let  in (1.0,) }', [[NaN]]);
    check((o, x) => o.integerPow(x, 0), v8, text(['{ lambda ; a:f32[8]. let', '    b:f32[8] = broadcast_in_dim[broadcast_dimensions=() shape=(8,)] 1.0', '  in (b,) }']));
    check((o, x) => o.integerPow(x, 2), v8, '{ lambda ; a:f32[8]. let b:f32[8] = integer_pow[y=2] a in (b,) }');
  });

  it('neg(neg x), same-dtype converts and identity reshapes, broadcasts, transposes, slices and pads are x', () => {
    const id = '{ lambda ; a:f32[2,4]. let  in (a,) }';
    const m = [f32(2, 4)];
    check((o, x) => o.neg(o.neg(x)), m, id);
    check((o, x) => o.convert(x, 'float32'), m, id);
    check((o, x) => o.reshape(x, [2, 4]), m, id);
    check((o, x) => o.broadcastInDim(x, [2, 4], [0, 1]), m, id);
    check((o, x) => o.transpose(x, [0, 1]), m, id);
    check((o, x) => o.squeeze(o.expandDims(x, []), []), m, id);
    check((o, x) => o.slice(x, [0, 0], [2, 4], null), m, id);
    check((o, x) => o.pad(x, [0, 0], [0, 0], 7), m, id);
    check((o, x) => o.bind('reduce_sum', [x], { axes: [] }), [aval([3], 'int32')], '{ lambda ; a:i32[3]. let  in (a,) }', [[1, -2, 3]]);
  });

  it('keeps what changes the shape, dtype or a -0: reshapes, transposes, casts and float sums over no axes', () => {
    const m = [f32(2, 4)];
    check((o, x) => o.neg(x), m, '{ lambda ; a:f32[2,4]. let b:f32[2,4] = neg a in (b,) }');
    check((o, x) => o.reshape(x, [4, 2]), m, text(['{ lambda ; a:f32[2,4]. let', '    b:f32[4,2] = reshape[dimensions=None new_sizes=(4, 2)] a', '  in (b,) }']));
    check((o, x) => o.transpose(x, [1, 0]), m, '{ lambda ; a:f32[2,4]. let b:f32[4,2] = transpose[permutation=(1, 0)] a in (b,) }');
    check((o, x) => o.convert(x, 'float64'), m, text(['{ lambda ; a:f32[2,4]. let', '    b:f64[2,4] = convert_element_type[new_dtype=float64 weak_type=False] a', '  in (b,) }']));
    check((o, x) => o.bind('reduce_sum', [x], { axes: [] }), v8, '{ lambda ; a:f32[8]. let b:f32[8] = reduce_sum[axes=()] a in (b,) }');
  });

  it('select on a literal predicate is the chosen branch, broadcast where it is narrower', () => {
    const m = [f32(2), f32(2)];
    check((o, x, y) => o.select(o.lit(1, 'bool'), x, y), m, '{ lambda ; a:f32[2] b:f32[2]. let  in (a,) }', [[1, -0], [NaN, 2]]);
    check((o, x, y) => o.select(o.lit(0, 'bool'), x, y), m, '{ lambda ; a:f32[2] b:f32[2]. let  in (b,) }', [[1, -0], [NaN, 2]]);
    check((o, x, y) => o.select(o.lit(0, 'bool'), x, y), [f32(2), f32()],
      text(['{ lambda ; a:f32[2] b:f32[]. let', '    c:f32[2] = broadcast_in_dim[broadcast_dimensions=() shape=(2,)] b', '  in (c,) }']), [[1, -0], [-0]]);
  });

  it('an output that becomes an input, a literal or twice the same var is still returned, on fresh arrays', () => {
    const j = makeJaxpr((o, x) => [o.mul(x, o.lit(1)), o.integerPow(o.sin(x), 0), o.div(x, o.lit(1))], [f32()]);
    const s = simplify(j);
    assert.equal(printJaxpr(s), '{ lambda ; a:f32[]. let  in (a, 1.0, a) }');
    const x = backend.upload([-0], f32());
    const before = backend.liveCount();
    const outs = evalJaxpr(s, backend, [x]) as ReferenceArray[];
    assert.equal(new Set([x, ...outs]).size, 4);
    assert.deepEqual(outs.map((a) => Array.from(backend.readSync(a))), [[-0], [1], [-0]]);
    outs.forEach((a) => backend.dispose(a));
    assert.equal(backend.liveCount(), before);
    backend.dispose(x);
  });

  it('simplify iterates folding and identities to a fixed point', () => {
    // (x ** (2 - 1)) * (3 - 2): folding makes the identities, the identities leave nothing to fold.
    const j = makeJaxpr((o, x) => o.neg(o.neg(o.mul(o.integerPow(x, 1), o.sub(o.lit(3), o.lit(2))))), [f32()]);
    assert.equal(printJaxpr(simplify(j)), '{ lambda ; a:f32[]. let  in (a,) }');
    const k = makeJaxpr((o, x) => o.add(x, o.integerPow(o.mul(x, o.lit(1)), 0)), [f32(3)]);
    assert.equal(printJaxpr(simplify(k)), '{ lambda a:f32[3]; b:f32[3]. let c:f32[3] = add b a in (c,) }');
  });

  it('evaluates bit for bit as before on random programs and their gradient jaxprs', () => {
    const avals = PROGRAM_INPUTS.map((s) => f32(...s));
    for (let seed = 1; seed <= 40; seed++) {
      const program = randomProgram(seed, 10);
      const rng = new Random(seed * 7919);
      const inputs = PROGRAM_INPUTS.map((s, i) => rng.normals(sizeOf(s)).map((v, k) => ((seed + i + k) % 5 === 0 ? SPECIALS[(seed + k) % SPECIALS.length] : Math.fround(v))));
      const fwd = makeJaxpr((o, ...xs) => program(o, xs), avals);
      const sum = makeJaxpr((o, ...xs) => {
        const [a, b] = program(o, xs);
        return o.reduceSum(o.add(a, b), [0, 1]);
      }, avals);
      for (const [what, j] of [['program', fwd], ['gradient', gradJaxpr(sum)]] as const) {
        assertSameBits(j, algebra(j), inputs, `${what} ${seed} (algebra)`);
        assertSameBits(j, simplify(j), inputs, `${what} ${seed} (simplify)`);
      }
    }
    assert.equal(lines(makeJaxpr((o, x) => o.sin(x), [f32()])), '{ lambda ; a:f32[]. let b:f32[] = sin a in (b,) }');
  });
});
