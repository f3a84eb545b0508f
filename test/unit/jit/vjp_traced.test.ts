import * as assert from 'node:assert/strict';
import { VJP_RULES, type VjpRule } from '../../../runtime/autodiff';
import { createReferenceBackend, type ReferenceArray } from '../../../runtime/backends';
import { aval, Random, sizeOf, type AbstractValue } from '../../../runtime/core';
import { isCall, isVar, printJaxpr, type Jaxpr, type Var } from '../../../runtime/ir';
import { evalJaxpr, makeJaxpr, simplify, type TracedFunction, type TraceOps, type Tracer } from '../../../runtime/jit';
import type { Primitive } from '../../../runtime/primitives';

/**
 * The VJP rule table run on tracers: the forward jaxpr is replayed into a new trace and walked
 * backwards with VJP_RULES, which records the gradient jaxpr. Its values are checked against
 * central finite differences of the forward jaxpr in float64, in random directions (check_grads).
 */
const backend = createReferenceBackend();
const SEED = process.env.GRADLENS_SEED !== undefined ? Number(process.env.GRADLENS_SEED) : Date.now();

function gradJaxpr(forward: Jaxpr): Jaxpr {
  return makeJaxpr((o: TraceOps, ...args: Tracer[]) => {
    const env = new Map<Var, Tracer>();
    forward.constvars.forEach((v, i) => {
      const c = forward.consts[i];
      if (c.kind !== 'device') throw new Error('host constants are not needed here');
      env.set(v, o.const(c.array));
    });
    forward.invars.forEach((v, i) => env.set(v, args[i]));
    const read = (a: Jaxpr['outvars'][number]) => (isVar(a) ? env.get(a)! : o.scalar(a.value, a.dtype));
    const tape = forward.eqns.map((e) => {
      if (isCall(e)) throw new Error('these programs have no call primitives');
      const inputs = e.inputs.map(read);
      const out = o.bind(e.primitive, inputs, e.params);
      env.set(e.out, out);
      return { e, inputs, out };
    });
    const [y] = forward.outvars;
    const cts = new Map<Var, Tracer>();
    if (isVar(y)) cts.set(y, o.onesLike(env.get(y)!));
    for (let k = tape.length - 1; k >= 0; k--) {
      const { e, inputs, out } = tape[k];
      const ct = cts.get(e.out);
      if (!ct) continue;
      const grads = (VJP_RULES[e.primitive] as VjpRule<Primitive>)(o, ct, inputs, out, e.params);
      e.inputs.forEach((a, i) => {
        const g = grads[i];
        if (!g || !isVar(a)) return;
        const prior = cts.get(a);
        cts.set(a, prior ? o.add(prior, g) : g);
      });
    }
    return forward.invars.map((v, i) => cts.get(v) ?? o.zerosLike(args[i]));
  }, forward.invars.map((v) => v.aval));
}

function evaluate(j: Jaxpr, inputs: readonly number[][]): number[][] {
  const xs = inputs.map((v, i) => backend.upload(v, j.invars[i].aval));
  const outs = evalJaxpr(j, backend, xs) as ReferenceArray[];
  const values = outs.map((a) => Array.from(backend.readSync(a)));
  [...xs, ...outs].forEach((a) => backend.dispose(a));
  return values;
}

const f64 = (...shape: number[]): AbstractValue => aval(shape, 'float64');
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const MATMUL = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };

const CASES: readonly { name: string; fn: TracedFunction; avals: AbstractValue[] }[] = [
  { name: 'x**2 + 3x + 5', avals: [f64()], fn: (o, x) => o.add(o.add(o.integerPow(x, 2), o.mul(o.lit(3, 'float64'), x)), o.lit(5, 'float64')) },
  {
    name: 'sum(tanh(1.5x + 0.3)**2 + sin(x) * exp(-x*x))', avals: [f64(5)],
    fn: (o, x) => o.reduceSum(o.add(
      o.integerPow(o.tanh(o.add(o.mul(x, o.lit(1.5, 'float64')), o.lit(0.3, 'float64'))), 2),
      o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))))), [0]),
  },
  {
    name: 'mean((tanh(X @ W1) @ W2 - Y)**2)', avals: [f64(4, 3), f64(3, 5), f64(5, 2), f64(4, 2)],
    fn: (o, X, W1, W2, Y) => o.div(
      o.reduceSum(o.integerPow(o.sub(o.dotGeneral(o.tanh(o.dotGeneral(X, W1, MATMUL)), W2, MATMUL), Y), 2), [0, 1]),
      o.lit(8, 'float64')),
  },
  {
    name: 'logsumexp over rows, through reduce_max, broadcast and log', avals: [f64(2, 3)],
    fn: (o, x) => {
      const m = o.reduceMax(x, [1]);
      const shifted = o.sub(x, o.broadcastInDim(m, [2, 3], [0]));
      return o.reduceSum(o.add(o.log(o.reduceSum(o.exp(shifted), [1])), m), [0]);
    },
  },
  {
    name: 'structural ops: transpose, reshape, slice, concatenate, pad, where, max', avals: [f64(2, 3), f64(3)],
    fn: (o, x, b) => {
      const t = o.reshape(o.transpose(x, [1, 0]), [2, 3]);
      const c = o.concatenate([o.slice(t, [0, 1], [2, 3]), o.pad(o.broadcastTo(b, [2, 3]), [0, 0], [0, 1], 0)], 1);
      const w = o.select(o.gt(c, o.lit(0, 'float64')), o.sqrt(o.add(o.integerPow(c, 2), o.lit(1, 'float64'))), o.logistic(c));
      return o.reduceSum(o.max(w, o.mul(c, o.lit(0.3, 'float64'))), [0, 1]);
    },
  },
];

describe('jit: the VJP rules run on tracers', () => {
  it('x**2 + 3x + 5 has the gradient jaxpr whose value at 2.0 is 7.0', () => {
    const fwd = makeJaxpr(CASES[0].fn, CASES[0].avals);
    const g = simplify(gradJaxpr(fwd));
    assert.deepEqual(evaluate(g, [[2]]), [[7]]);
    assert.match(printJaxpr(g), /^\{ lambda ; a:f64\[\]\. let/);
  });

  for (const [c, k] of CASES.map((c, k) => [c, k] as const)) {
    it(`${c.name}: the traced gradient matches central differences of the forward`, () => {
      const fwd = makeJaxpr(c.fn, c.avals);
      const grad = gradJaxpr(fwd);
      const rng = new Random(SEED + k);
      for (let trial = 0; trial < 3; trial++) {
        const x = c.avals.map((a) => rng.normals(sizeOf(a.shape)));
        const v = c.avals.map((a) => rng.normals(sizeOf(a.shape)));
        const eps = 1e-6;
        const at = (t: number) => evaluate(fwd, x.map((xi, i) => xi.map((xv, j) => xv + t * v[i][j])))[0][0];
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        for (const g of [grad, simplify(grad)]) {
          const analytic = evaluate(g, x).reduce((s, gi, i) => s + dot(gi, v[i]), 0);
          assert.ok(Math.abs(analytic - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)),
            `${c.name}: <grad, v> = ${analytic}, finite differences ${numeric} (seed ${SEED})`);
        }
      }
      assert.equal(backend.liveCount(), 0);
    });
  }
});
