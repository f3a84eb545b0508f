import * as assert from 'node:assert/strict';
import { createReferenceBackend, type ReferenceArray } from '../../../runtime/backends';
import { aval } from '../../../runtime/core';
import { printJaxpr } from '../../../runtime/ir';
import { cse, dce, evalJaxpr, foldConstants, makeJaxpr, simplify } from '../../../runtime/jit';

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
      '    b:f32[] = mul a 2.0:f32[]',
      '    c:f32[] = exp b',
      '    d:f32[] = add c c',
      '    e:f32[] = mul a 3.0:f32[]',
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
      '    c:f32[3] = mul b 6.0:f32[]',
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
    assert.equal(printJaxpr(simplify(j)), '{ lambda ; a:f32[]. let b:f32[] = mul a 2.0:f32[]; c:f32[] = add b b in (c,) }');
  });
});
