import * as assert from 'node:assert/strict';
import { aval, type AbstractValue, type DType } from '../../../runtime/core';
import { Ops, type Emitter } from '../../../runtime/ops';
import { ARITHMETIC_BINARY, COMPARISONS, PARAM_FREE_UNARY, type ParamsOf, type Primitive } from '../../../runtime/primitives';

interface Bound { readonly prim: Primitive; readonly inputs: readonly string[]; readonly params: unknown }

/** An emitter whose values are names, recording each bind as text. */
class Recorder implements Emitter<string> {
  readonly binds: Bound[] = [];
  bind<P extends Primitive>(prim: P, inputs: readonly string[], params: ParamsOf<P>): string {
    this.binds.push({ prim, inputs, params });
    return `${prim}(${inputs.join(', ')})`;
  }
  aval(): AbstractValue { return aval([2], 'float32'); }
  scalar(value: number, _dtype: DType): string { return String(value); }
}

// NB: the builders of params-free elementwise primitives are made from their families at load, not
// written out, so only a run (not the type check) shows that each exists and binds its own primitive.
describe('Ops builders made from the families', () => {
  it('gives every params-free unary primitive a method of its name that binds it to its operand', () => {
    for (const prim of PARAM_FREE_UNARY) {
      const r = new Recorder();
      assert.equal(new Ops(r)[prim]('x'), `${prim}(x)`, prim);
      assert.deepEqual(r.binds, [{ prim, inputs: ['x'], params: {} }], prim);
    }
  });

  it('gives every binary and comparison primitive a method of its name that binds it to both operands in order', () => {
    for (const prim of [...ARITHMETIC_BINARY, ...COMPARISONS]) {
      const r = new Recorder();
      assert.equal(new Ops(r)[prim]('a', 'b'), `${prim}(a, b)`, prim);
      assert.deepEqual(r.binds, [{ prim, inputs: ['a', 'b'], params: {} }], prim);
    }
  });

  it('keeps the builders for subclasses and the written-out ones beside them', () => {
    class Named extends Ops<string> {}
    const r = new Recorder();
    const o = new Named(r);
    assert.equal(o.tanh(o.integerPow('x', 3)), 'tanh(integer_pow(x))');
    assert.deepEqual(r.binds.map((b) => [b.prim, b.params]), [['integer_pow', { y: 3 }], ['tanh', {}]]);
  });
});
