import * as assert from 'node:assert/strict';
import { aval } from '../../../../runtime/core';
import { outsOf } from '../../../../runtime/ir';
import { makeJaxpr, simplify, valueAndGradJaxpr } from '../../../../runtime/jit';
import { planJaxpr, planToJson, type PlanKernel } from '../../../../runtime/jit/compile';

const f32 = (...shape: number[]) => aval(shape, 'float32');
const prims = (jaxpr: ReturnType<typeof makeJaxpr>, k: PlanKernel) => k.eqns.map((i) => jaxpr.eqns[i].primitive);
const DOT = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };

describe('jit compile: fusion plan', () => {
  it('x*x + 3*x + 5 is one kernel', () => {
    const jaxpr = makeJaxpr((o, x) => o.add(o.add(o.mul(x, x), o.mul(o.lit(3), x)), o.lit(5)), [f32(8)]);
    const plan = planJaxpr(jaxpr);
    assert.equal(plan.kernels.length, 1);
    const [k] = plan.kernels;
    assert.equal(k.kind, 'fused');
    assert.deepEqual(k.eqns, [0, 1, 2, 3]);
    assert.deepEqual(k.inputs, jaxpr.invars);
    assert.deepEqual(k.outputs, jaxpr.outvars);
  });

  it('W2-like sum(tanh(1.5x + 0.3)**2 + sin(x) * exp(-x*x)): two chains from x join into one kernel with the sum', () => {
    const jaxpr = makeJaxpr((o, x) => {
      const a = o.integerPow(o.tanh(o.add(o.mul(x, o.lit(1.5)), o.lit(0.3))), 2);
      const b = o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))));
      return o.reduceSum(o.add(a, b), [0]);
    }, [f32(1024)]);
    const plan = planJaxpr(jaxpr);
    assert.equal(plan.kernels.length, 1);
    const k = plan.kernels[0];
    assert.ok(k.kind === 'fused' && k.reduction !== null);
    assert.equal(k.eqns.length, jaxpr.eqns.length);
  });

  // NB: three kernels, as XLA's loop fusion gives: a reduction closes its kernel, and the max must be
  // complete before any exp can run; exp(x - max) is written out because the division reads it again.
  it('softmax is three kernels: max | sub, exp and sum | div', () => {
    const jaxpr = makeJaxpr((o, x) => {
      const m = o.broadcastInDim(o.reduceMax(x, [1]), [4, 5], [0]);
      const e = o.exp(o.sub(x, m));
      return o.div(e, o.broadcastInDim(o.reduceSum(e, [1]), [4, 5], [0]));
    }, [f32(4, 5)]);
    const plan = planJaxpr(jaxpr);
    assert.deepEqual(plan.kernels.map((k) => prims(jaxpr, k)), [
      ['reduce_max'],
      ['broadcast_in_dim', 'sub', 'exp', 'reduce_sum'],
      ['broadcast_in_dim', 'div'],
    ]);
    assert.equal(plan.kernels[1].outputs.length, 2);
  });

  it('dot_general is a kernel of its own, between the fused kernels around it', () => {
    const jaxpr = makeJaxpr((o, a, b) => o.add(o.tanh(o.dotGeneral(o.exp(a), b, DOT)), o.lit(1)), [f32(2, 3), f32(3, 4)]);
    const plan = planJaxpr(jaxpr);
    assert.deepEqual(plan.kernels.map((k) => [k.kind, ...prims(jaxpr, k)]), [
      ['fused', 'exp'], ['primitive', 'dot_general'], ['fused', 'tanh', 'add'],
    ]);
  });

  it('a row computed once and broadcast into a matrix fuses; a value read outside at another size stays an output', () => {
    const inner = makeJaxpr((o, x, r) => o.mul(x, o.broadcastInDim(o.exp(r), [2, 3], [1])), [f32(2, 3), f32(3)]);
    assert.equal(planJaxpr(inner).kernels.length, 1);
    const escaping = makeJaxpr((o, x, r) => {
      const e = o.exp(r);
      return [o.mul(x, o.broadcastInDim(e, [2, 3], [1])), e];
    }, [f32(2, 3), f32(3)]);
    const plan = planJaxpr(escaping);
    assert.equal(plan.kernels.length, 2);
    assert.deepEqual(plan.kernels[0].outputs, outsOf(escaping.eqns[0]));
  });

  it('never fuses around a kernel that reads the group (no cycles)', () => {
    const jaxpr = makeJaxpr((o, a, b) => {
      const e = o.exp(a);
      return o.add(e, o.dotGeneral(e, b, { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] }));
    }, [f32(3, 3), f32(3, 3)]);
    const plan = planJaxpr(jaxpr);
    assert.deepEqual(plan.kernels.map((k) => prims(jaxpr, k)), [['exp'], ['dot_general'], ['add']]);
  });

  it("host kernels: W2's gradient joins the kernel of its loss (one pass over x); a GPU's plan keeps it a kernel of its own", () => {
    const jaxpr = simplify(valueAndGradJaxpr(makeJaxpr((o, x) => {
      const a = o.integerPow(o.tanh(o.add(o.mul(x, o.lit(1.5)), o.lit(0.3))), 2);
      return o.reduceSum(o.add(a, o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))))), [0]);
    }, [f32(1024)])));
    const host = planJaxpr(jaxpr, { besideFullReductions: true });
    assert.equal(host.kernels.length, 1);
    const [k] = host.kernels;
    assert.ok(k.kind === 'fused' && k.reduction !== null);
    // Only the loss and the gradient leave the kernel: no intermediate is written out.
    assert.deepEqual(new Set(k.outputs), new Set(jaxpr.outvars));
    assert.deepEqual(k.inputs, jaxpr.invars);
    assert.equal(planJaxpr(jaxpr).kernels.length, 2);
  });

  it('host kernels: an equation that reads the reduced value, or beside a partial reduction, starts a kernel of its own', () => {
    const centered = makeJaxpr((o, x) => {
      const s = o.reduceSum(o.exp(x), [0]);
      return [s, o.sub(o.exp(x), o.broadcastInDim(s, [8], []))];
    }, [f32(8)]);
    assert.deepEqual(planJaxpr(centered, { besideFullReductions: true }).kernels.map((k) => prims(centered, k)), [
      ['exp', 'reduce_sum'], ['exp', 'broadcast_in_dim', 'sub'],
    ]);
    const beside = (shape: number[], axes: number[]) => makeJaxpr((o, x) => {
      const e = o.exp(x);
      return [o.reduceSum(e, axes), o.sin(e)];
    }, [f32(...shape)]);
    assert.equal(planJaxpr(beside([8], [0]), { besideFullReductions: true }).kernels.length, 1);
    assert.equal(planJaxpr(beside([4, 8], [1]), { besideFullReductions: true }).kernels.length, 2);
    // An equation beside two reductions joins one of them: a kernel reduces once.
    const two = makeJaxpr((o, x, y) => {
      const [e, f] = [o.exp(x), o.exp(y)];
      return [o.reduceSum(e, [0]), o.reduceSum(f, [0]), o.add(e, f)];
    }, [f32(8), f32(8)]);
    const kernels = planJaxpr(two, { besideFullReductions: true }).kernels;
    assert.deepEqual(kernels.map((k) => prims(two, k).filter((p) => p === 'reduce_sum').length), [1, 1]);
  });

  it('exports the plan with the printed jaxpr names', () => {
    const jaxpr = makeJaxpr((o, x) => o.reduceSum(o.sin(x), [0]), [f32(3)]);
    assert.deepEqual(planToJson(jaxpr, planJaxpr(jaxpr)), [
      { kind: 'fused', eqns: [0, 1], inputs: ['a'], outputs: ['c'], primitives: ['sin', 'reduce_sum'] },
    ]);
  });
});
