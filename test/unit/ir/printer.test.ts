import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { aval } from '../../../runtime/core';
import { formatScalar, jaxprToJson, printJaxpr, varName } from '../../../runtime/ir';
import { makeJaxpr } from '../../../runtime/jit';

const f32 = (...shape: number[]) => aval(shape, 'float32');
const text = (lines: string[]) => lines.join('\n');

/** Expected texts are what `jax.make_jaxpr` prints for the same lax-level program (JAX 0.4.3x). */
describe('jaxpr printer', () => {
  it('prints the seed f(x) = x**2 + 3*x + 5 as jax.make_jaxpr does', () => {
    const j = makeJaxpr((o, x) => o.add(o.add(o.integerPow(x, 2), o.mul(o.lit(3), x)), o.lit(5)), [f32()]);
    assert.equal(printJaxpr(j), text([
      '{ lambda ; a:f32[]. let',
      '    b:f32[] = integer_pow[y=2] a',
      '    c:f32[] = mul 3.0 a',
      '    d:f32[] = add b c',
      '    e:f32[] = add d 5.0',
      '  in (e,) }',
    ]));
  });

  it('keeps a jaxpr that fits in 80 columns on one line', () => {
    const j = makeJaxpr((o, x) => o.reduceSum(x, [0]), [f32(3)]);
    assert.equal(printJaxpr(j), '{ lambda ; a:f32[3]. let b:f32[] = reduce_sum[axes=(0,)] a in (b,) }');
    const s = makeJaxpr((o, x) => o.sin(x), [f32()]);
    assert.equal(printJaxpr(s), '{ lambda ; a:f32[]. let b:f32[] = sin a in (b,) }');
  });

  it('prints a reduction over one axis of a product', () => {
    const j = makeJaxpr((o, x) => o.reduceSum(o.mul(x, x), [1]), [f32(2, 3)]);
    assert.equal(printJaxpr(j), text([
      '{ lambda ; a:f32[2,3]. let',
      '    b:f32[2,3] = mul a a',
      '    c:f32[2] = reduce_sum[axes=(1,)] b',
      '  in (c,) }',
    ]));
  });

  it('breaks a long parameter list one parameter a line, as JAX prints dot_general (its pp rule leaves out precision=None)', () => {
    const dn = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };
    const j = makeJaxpr((o, a, b) => o.dotGeneral(a, b, dn), [f32(2, 3), f32(3, 4)]);
    assert.equal(printJaxpr(j), text([
      '{ lambda ; a:f32[2,3] b:f32[3,4]. let',
      '    c:f32[2,4] = dot_general[',
      '      dimension_numbers=(([1], [0]), ([], []))',
      '      preferred_element_type=float32',
      '    ] a b',
      '  in (c,) }',
    ]));
  });

  it('prints conv_general_dilated and reduce_window_max as jax.lax.conv and a 2x2 max pool print', () => {
    const iota = [0, 1, 2, 3];
    const conv = makeJaxpr((o, x, w) => o.conv(x, w, {
      windowStrides: [1, 1], padding: [[0, 0], [0, 0]], lhsDilation: [1, 1], rhsDilation: [1, 1],
      dimensionNumbers: { lhsSpec: iota, rhsSpec: iota, outSpec: iota }, featureGroupCount: 1, batchGroupCount: 1,
    }), [f32(1, 1, 4, 4), f32(2, 1, 2, 2)]);
    assert.equal(printJaxpr(conv), text([
      '{ lambda ; a:f32[1,1,4,4] b:f32[2,1,2,2]. let',
      '    c:f32[1,2,3,3] = conv_general_dilated[',
      '      batch_group_count=1',
      '      dimension_numbers=ConvDimensionNumbers(lhs_spec=(0, 1, 2, 3), rhs_spec=(0, 1, 2, 3), out_spec=(0, 1, 2, 3))',
      '      feature_group_count=1',
      '      lhs_dilation=(1, 1)',
      '      padding=((0, 0), (0, 0))',
      '      precision=None',
      '      preferred_element_type=None',
      '      rhs_dilation=(1, 1)',
      '      window_strides=(1, 1)',
      '    ] a b',
      '  in (c,) }',
    ]));
    const pool = makeJaxpr((o, x) => o.reduceWindowMax(x, {
      windowDimensions: [1, 1, 2, 2], windowStrides: [1, 1, 2, 2], padding: [[0, 0], [0, 0], [0, 0], [0, 0]],
      baseDilation: [1, 1, 1, 1], windowDilation: [1, 1, 1, 1],
    }), [f32(1, 1, 4, 4)]);
    assert.equal(printJaxpr(pool), text([
      '{ lambda ; a:f32[1,1,4,4]. let',
      '    b:f32[1,1,2,2] = reduce_window_max[',
      '      base_dilation=(1, 1, 1, 1)',
      '      padding=((0, 0), (0, 0), (0, 0), (0, 0))',
      '      window_dilation=(1, 1, 1, 1)',
      '      window_dimensions=(1, 1, 2, 2)',
      '      window_strides=(1, 1, 2, 2)',
      '    ] a',
      '  in (b,) }',
    ]));
  });

  it('prints broadcast_in_dim with its params in JAX order and format', () => {
    const j = makeJaxpr((o, x) => o.broadcastInDim(x, [3], []), [f32()]);
    assert.equal(printJaxpr(j), text([
      '{ lambda ; a:f32[]. let',
      '    b:f32[3] = broadcast_in_dim[broadcast_dimensions=() shape=(3,)] a',
      '  in (b,) }',
    ]));
  });

  it('prints conversions, where as select_n, pad with its value operand, and several outputs', () => {
    const j = makeJaxpr((o, x) => {
      const pos = o.gt(x, o.lit(0));
      const relu = o.select(pos, x, o.lit(0));
      return [o.convert(relu, 'int32'), o.pad(relu, [1], [2]), o.transpose(o.reshape(x, [2, 2]), [1, 0])];
    }, [f32(4)]);
    assert.equal(printJaxpr(j), text([
      '{ lambda ; a:f32[4]. let',
      '    b:bool[4] = gt a 0.0',
      '    c:f32[4] = select_n b 0.0 a',
      '    d:i32[4] = convert_element_type[new_dtype=int32 weak_type=False] c',
      '    e:f32[7] = pad[padding_config=((1, 2, 0),)] c 0.0',
      '    f:f32[2,2] = reshape[dimensions=None new_sizes=(2, 2)] a',
      '    g:f32[2,2] = transpose[permutation=(1, 0)] f',
      '  in (d, e, g) }',
    ]));
  });

  it('names captured constants first, as constvars', () => {
    const backend = createReferenceBackend();
    const w = backend.upload([1, 2, 3], f32(3));
    const j = makeJaxpr((o, x) => o.mul(x, o.const(w)), [f32(3)]);
    assert.equal(printJaxpr(j), '{ lambda a:f32[3]; b:f32[3]. let c:f32[3] = mul b a in (c,) }');
    backend.dispose(w);
  });

  it('prints expand_dims, slice and iota as JAX binds them', () => {
    const j = makeJaxpr((o, x) => [o.expandDims(x, [0]), o.slice(x, [1], [3]), o.iota('int32', [3], 0)], [f32(3)]);
    assert.equal(printJaxpr(j), text([
      '{ lambda ; a:f32[3]. let',
      '    b:f32[1,3] = broadcast_in_dim[broadcast_dimensions=(1,) shape=(1, 3)] a',
      '    c:f32[2] = slice[limit_indices=(3,) start_indices=(1,) strides=None] a',
      '    d:i32[3] = iota[dimension=0 dtype=int32 shape=(3,) sharding=None] ',
      '  in (b, c, d) }',
    ]));
  });

  it('names variables a..z, then ba, bb, as JAX does', () => {
    assert.deepEqual([0, 1, 25, 26, 27, 51, 52, 675, 676].map(varName), ['a', 'b', 'z', 'ba', 'bb', 'bz', 'ca', 'zz', 'baa']);
    const j = makeJaxpr((o, x) => {
      let y = x;
      for (let i = 0; i < 27; i++) y = o.neg(y);
      return y;
    }, [f32()]);
    const lines = printJaxpr(j).split('\n');
    assert.equal(lines[26], '    ba:f32[] = neg z');
    assert.equal(lines.at(-1), '  in (bb,) }');
  });

  it('prints literals as NumPy prints scalars of their dtype', () => {
    assert.deepEqual(
      [[3, 'float32'], [0.1, 'float32'], [0.1, 'float64'], [1e-5, 'float32'], [1e16, 'float64'], [1.5, 'float32'],
        [-2, 'int32'], [1, 'bool'], [-0, 'float32'], [Infinity, 'float32'], [NaN, 'float64'], [0.5, 'float64'], [2.5e-4, 'float32']]
        .map(([v, d]) => formatScalar(v as number, d as 'float32')),
      ['3.0', '0.1', '0.1', '1e-05', '1e+16', '1.5', '-2', 'True', '-0.0', 'inf', 'nan', '0.5', '0.00025'],
    );
  });

  it('gives the editor a JSON form with each equation, its text and its source span', () => {
    const span = { line: 3, column: 12, endLine: 3, endColumn: 17 };
    const j = makeJaxpr((o, x) => o.trace.withSpan(span, () => o.mul(x, o.lit(2))), [f32(2)]);
    const json = jaxprToJson(j);
    assert.equal(json.eqns.length, 1);
    assert.deepEqual(json.eqns[0].span, span);
    assert.equal(json.eqns[0].text, 'b:f32[2] = mul a 2.0');
    assert.deepEqual(json.eqns[0].inputs, [{ name: 'a', type: 'f32[2]', shape: [2], dtype: 'float32' }, { literal: 2, dtype: 'float32' }]);
    assert.equal(json.text, printJaxpr(j));
    assert.doesNotThrow(() => JSON.stringify(json));
  });
});

