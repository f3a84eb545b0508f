import * as assert from 'node:assert/strict';
import { printJaxpr } from '../../../../runtime/ir';
import { makeJaxpr, simplify, type TraceOps, type Tracer } from '../../../../runtime/jit';
import { grad, gradJaxpr, jit, valueAndGrad } from '../../../../runtime/jit/transforms';
import { assertClose, engine, ENGINE_NAMES, take, upload } from './helpers';

describe('jit transforms: grad', () => {
  it('prints the gradient jaxpr of x**2 + 3x + 5', () => {
    const f = makeJaxpr((o, x) => o.add(o.add(o.integerPow(x, 2), o.mul(o.lit(3), x)), o.lit(5)), [{ shape: [], dtype: 'float32' }]);
    assert.equal(printJaxpr(simplify(gradJaxpr(f))), [
      '{ lambda ; a:f32[]. let',
      '    b:f32[] = integer_pow[y=1] a',
      '    c:f32[] = mul 2.0:f32[] b',
      '    d:f32[] = mul 1.0:f32[] c',
      '    e:f32[] = add 3.0:f32[] d',
      '  in (e,) }',
    ].join('\n'));
  });

  for (const name of ENGINE_NAMES) {
    it(`grad of x**2 + 3x + 5 at 2.0 is 7.0, value 15.0 (${name})`, async () => {
      const e = await engine(name);
      const before = e.backend.liveCount();
      const x = upload(e, 2);
      const f = (o: TraceOps, x: Tracer) => o.add(o.add(o.integerPow(x, 2), o.mul(o.scalarLike(3, x), x)), o.scalarLike(5, x));
      assert.deepEqual(take(e, jit(grad(f), e)(x)), [[7]]);
      assert.deepEqual(take(e, jit(valueAndGrad(f), e)(x)), [[15], [7]]);
      e.backend.dispose(x);
      assert.equal(e.backend.liveCount(), before);
    });

    it(`grad(grad(sin)) = -sin and the third derivative is -cos (${name})`, async () => {
      const e = await engine(name);
      const sin = (o: TraceOps, x: Tracer) => o.sin(x);
      const xs = [0.3, -1.2, 2.5];
      for (const v of xs) {
        const x = upload(e, v);
        assertClose(take(e, jit(grad(grad(sin)), e)(x))[0], [-Math.sin(v)], e.tol, 'd2');
        assertClose(take(e, jit(grad(grad(grad(sin))), e)(x))[0], [-Math.cos(v)], e.tol, 'd3');
        e.backend.dispose(x);
      }
    });
  }
});
