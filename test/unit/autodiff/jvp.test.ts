import * as assert from 'node:assert/strict';
import { JVP_RULES, VJP_RULES, type JvpRule, type VjpRule } from '../../../runtime/autodiff';
import { createReferenceBackend, type Backend, type DeviceArray } from '../../../runtime/backends';
import { formatAval, isComplex, isInexact, Random, shapeEq, sizeOf, type AbstractValue, type DType } from '../../../runtime/core';
import { BackendEmitter, Ops, type Emitter } from '../../../runtime/ops';
import { abstractEval, PRIMITIVES, type ParamsOf, type Primitive } from '../../../runtime/primitives';
import { pairing, wordCount, type HostArray } from '../support/inputs';
import { SEED, streamFor } from '../support/seed';
import { checkCases, drawCases, f64, type GradCase } from './grad_cases';

/**
 * Every JVP rule in float64 on the reference backend, on the inputs of grad_cases.ts:
 * - against central finite differences (f(x + eps v) - f(x - eps v)) / 2 eps, elementwise, to
 *   RTOL relative (truncation is O(eps^2), rounding O(1e-16 / eps): both far below it);
 * - against the VJP rules by the transpose identity <ct, jvp(v)> = <vjp(ct), v>, to
 *   TRANSPOSE_RTOL relative to the sum of the magnitudes of the terms of both sides;
 * - run on dual numbers (a test-only forward-mode emitter), so that jvp-of-jvp and jvp-of-vjp
 *   are checked against finite differences of the first-order rules.
 */
const EPS = 1e-6;
const RTOL = 1e-6;
const TRANSPOSE_RTOL = 1e-10;
const DIRECTIONS = 3;

const jvpOf = (prim: Primitive) => JVP_RULES[prim] as JvpRule<Primitive>;
const vjpOf = (prim: Primitive) => VJP_RULES[prim] as VjpRule<Primitive>;

type Direction = number[] | null;
const isDifferentiable = (x: HostArray) => isInexact(x.dtype);
const absDot = (a: readonly number[], b: readonly number[]) => a.reduce((s, ai, i) => s + Math.abs(ai * b[i]), 0);
/** A random direction for each floating input; null (a symbolic zero) for indices and predicates. */
const randomDirections = (rng: Random, inputs: readonly HostArray[]): Direction[] =>
  inputs.map((x) => (isDifferentiable(x) ? rng.normals(x.values.length) : null));
const moved = (inputs: readonly HostArray[], directions: readonly Direction[], t: number): HostArray[] =>
  inputs.map((x, i) => {
    const d = directions[i];
    return d ? { ...x, values: x.values.map((v, k) => v + t * d[k]) } : x;
  });
const outAvalOf = (prim: Primitive, c: GradCase) => abstractEval(prim, c.inputs, c.params);
const describeCase = (prim: Primitive, c: GradCase) => `${prim}(${c.inputs.map(formatAval).join(', ')}) ${JSON.stringify(c.params)}`;

function assertAllClose(analytic: readonly number[], numeric: readonly number[], rtol: number, what: string): void {
  assert.equal(analytic.length, numeric.length, `${what}: ${analytic.length} values, expected ${numeric.length}`);
  analytic.forEach((a, k) => {
    const n = numeric[k];
    const tol = rtol * Math.max(1, Math.abs(a), Math.abs(n));
    assert.ok(Math.abs(a - n) <= tol,
      `${what}, element ${k}: the rule gives ${a}, expected ${n} (|diff| ${Math.abs(a - n).toExponential(2)} > ${tol.toExponential(2)}; seed ${SEED})`);
  });
}

/** Arrays on the reference backend, made through Ops like any rule's caller. */
class Harness {
  readonly emitter: BackendEmitter<DeviceArray>;
  readonly o: Ops<DeviceArray>;
  constructor(readonly backend: Backend) {
    this.emitter = new BackendEmitter(backend);
    this.o = new Ops(this.emitter);
  }
  upload(h: HostArray): DeviceArray { return this.emitter.upload(h.values, h.shape, h.dtype); }
  read(x: DeviceArray): number[] { return Array.from(this.backend.readSync(x)); }
  /** A direction as an array of its input's aval, or null. */
  tangent(x: HostArray, d: Direction): DeviceArray | null { return d ? this.upload({ ...x, values: d }) : null; }
  evaluate(prim: Primitive, c: GradCase, inputs = c.inputs): number[] {
    return this.read(this.o.bind(prim, inputs.map((x) => this.upload(x)), c.params));
  }
  /** The rule's output tangent, still on the device (null for a symbolic zero). */
  jvp(prim: Primitive, c: GradCase, directions: readonly Direction[]): DeviceArray | null {
    const xs = c.inputs.map((x) => this.upload(x));
    const out = this.o.bind(prim, xs, c.params);
    return jvpOf(prim)(this.o, xs, c.inputs.map((x, i) => this.tangent(x, directions[i])), out, c.params);
  }
  /** The JVP on the host, zeros standing for null. */
  jvpValues(prim: Primitive, c: GradCase, directions: readonly Direction[]): number[] {
    const t = this.jvp(prim, c, directions);
    const out = outAvalOf(prim, c);
    return t ? this.read(t) : new Array<number>(wordCount(out.shape, out.dtype)).fill(0);
  }
  finiteDifference(prim: Primitive, c: GradCase, directions: readonly Direction[]): number[] {
    const plus = this.evaluate(prim, c, moved(c.inputs, directions, EPS));
    const minus = this.evaluate(prim, c, moved(c.inputs, directions, -EPS));
    return plus.map((p, k) => (p - minus[k]) / (2 * EPS));
  }
  dispose(): void { this.emitter.disposeAllBut(); }
}

/** A value and its tangent (null: zero). */
interface Dual<A> { readonly primal: A; readonly tangent: A | null }

/**
 * A test-only forward-mode emitter: each op runs on the primals and its JVP rule on the
 * tangents. Running a rule over it differentiates that rule, which passes only if the rule is
 * built of primitives whose JVP rules are right.
 */
class Forward<A> implements Emitter<Dual<A>> {
  private readonly o: Ops<A>;
  constructor(private readonly inner: Emitter<A>) { this.o = new Ops(inner); }
  bind<P extends Primitive>(prim: P, inputs: readonly Dual<A>[], params: ParamsOf<P>): Dual<A> {
    const primals = inputs.map((x) => x.primal);
    const primal = this.inner.bind(prim, primals, params);
    return { primal, tangent: jvpOf(prim)(this.o, primals, inputs.map((x) => x.tangent), primal, params) };
  }
  aval(x: Dual<A>): AbstractValue { return this.inner.aval(x.primal); }
  scalar(value: number, dtype: DType): Dual<A> { return { primal: this.inner.scalar(value, dtype), tangent: null }; }
}

/** The tangent part of a dual, on the host, zeros standing for null. */
function tangentValues(h: Harness, x: Dual<DeviceArray> | null, aval: AbstractValue): number[] {
  return x?.tangent ? h.read(x.tangent) : new Array<number>(sizeOf(aval.shape)).fill(0);
}

function checkFiniteDifferences(h: Harness, prim: Primitive, c: GradCase, rng: Random): void {
  const what = describeCase(prim, c);
  const out = outAvalOf(prim, c);
  const t = h.jvp(prim, c, randomDirections(rng, c.inputs));
  if (!isInexact(out.dtype) || !c.inputs.some(isDifferentiable)) {
    assert.equal(t, null, `${what}: a ${formatAval(out)} output has no tangent`);
    return;
  }
  if (t) {
    assert.ok(shapeEq(h.o.shape(t), out.shape) && h.o.dtype(t) === out.dtype,
      `${what}: the tangent is ${formatAval(h.o.aval(t))}, the output ${formatAval(out)}`);
  }
  for (let d = 0; d < DIRECTIONS; d++) {
    const v = randomDirections(rng, c.inputs);
    assertAllClose(h.jvpValues(prim, c, v), h.finiteDifference(prim, c, v), RTOL, `${what}, direction ${d}`);
  }
}

function checkTranspose(h: Harness, prim: Primitive, c: GradCase, rng: Random): void {
  const out = outAvalOf(prim, c);
  const ctValues = rng.normals(wordCount(out.shape, out.dtype));
  const xs = c.inputs.map((x) => h.upload(x));
  const cts = vjpOf(prim)(h.o, h.upload({ shape: out.shape, dtype: isComplex(out.dtype) ? out.dtype : 'float64', values: ctValues }), xs, h.o.bind(prim, xs, c.params), c.params)
    .map((g) => (g ? h.read(g) : null));
  for (let d = 0; d < DIRECTIONS; d++) {
    const v = randomDirections(rng, c.inputs);
    const jvp = h.jvpValues(prim, c, v);
    const forward = pairing(ctValues, jvp, out.dtype);
    const reverse = cts.reduce((s, g, i) => s + (g && v[i] ? pairing(g, v[i]!, c.inputs[i].dtype) : 0), 0);
    const scale = absDot(ctValues, jvp) + cts.reduce((s, g, i) => s + (g && v[i] ? absDot(g, v[i]!) : 0), 0);
    const tol = TRANSPOSE_RTOL * Math.max(scale, Number.MIN_VALUE);
    assert.ok(Math.abs(forward - reverse) <= tol,
      `${describeCase(prim, c)}, direction ${d}: <ct, jvp(v)> = ${forward} but <vjp(ct), v> = ${reverse} (|diff| ${Math.abs(forward - reverse).toExponential(2)} > ${tol.toExponential(2)}; seed ${SEED})`);
  }
}

/** d/ds jvp(x + s u; v + s w) by the rule run on duals, against finite differences of the rule. */
function checkJvpOfJvp(h: Harness, prim: Primitive, c: GradCase, rng: Random): void {
  const f = new Ops(new Forward(h.emitter));
  const u = randomDirections(rng, c.inputs);
  const v = randomDirections(rng, c.inputs);
  const w = randomDirections(rng, c.inputs);
  const xs = c.inputs.map((x, i) => ({ primal: h.upload(x), tangent: h.tangent(x, u[i]) }));
  const vs = c.inputs.map((x, i) => (v[i] ? { primal: h.tangent(x, v[i])!, tangent: h.tangent(x, w[i]) } : null));
  const second = jvpOf(prim)(f, xs, vs, f.bind(prim, xs, c.params), c.params);
  const numeric = (s: number) => h.jvpValues(prim, { ...c, inputs: moved(c.inputs, u, s) },
    v.map((vi, i) => (vi ? vi.map((x, k) => x + s * w[i]![k]) : null)));
  const plus = numeric(EPS);
  const minus = numeric(-EPS);
  assertAllClose(tangentValues(h, second, outAvalOf(prim, c)), plus.map((p, k) => (p - minus[k]) / (2 * EPS)), RTOL,
    `jvp of jvp of ${describeCase(prim, c)}`);
}

/** d/ds vjp(x + s u; ct + s dct) by the VJP rule run on duals: forward over reverse, as for Hessians. */
function checkJvpOfVjp(h: Harness, prim: Primitive, c: GradCase, rng: Random): void {
  const f = new Ops(new Forward(h.emitter));
  const out = outAvalOf(prim, c);
  const ct = f64(out.shape, rng.normals(sizeOf(out.shape)));
  const dct = rng.normals(sizeOf(out.shape));
  const u = randomDirections(rng, c.inputs);
  const xs = c.inputs.map((x, i) => ({ primal: h.upload(x), tangent: h.tangent(x, u[i]) }));
  const ctDual = { primal: h.upload(ct), tangent: h.tangent(ct, dct) };
  const second = vjpOf(prim)(f, ctDual, xs, f.bind(prim, xs, c.params), c.params);
  const vjpAt = (s: number) => {
    const inputs = moved(c.inputs, u, s);
    const ys = inputs.map((x) => h.upload(x));
    const cotangent = h.upload({ ...ct, values: ct.values.map((x, k) => x + s * dct[k]) });
    return vjpOf(prim)(h.o, cotangent, ys, h.o.bind(prim, ys, c.params), c.params).map((g) => (g ? h.read(g) : null));
  };
  const plus = vjpAt(EPS);
  const minus = vjpAt(-EPS);
  second.forEach((g, i) => {
    if (!plus[i]) return;
    const numeric = plus[i]!.map((p, k) => (p - minus[i]![k]) / (2 * EPS));
    assertAllClose(tangentValues(h, g, h.o.aval(xs[i].primal)), numeric, RTOL, `jvp of vjp of ${describeCase(prim, c)}, input ${i}`);
  });
}

/** One null tangent among floating inputs: the rule must match an explicit zero and the finite difference. */
function checkOneNull(h: Harness, prim: Primitive, c: GradCase, rng: Random): void {
  c.inputs.forEach((x, i) => {
    if (!isDifferentiable(x)) return;
    const what = `${describeCase(prim, c)} with a null tangent for input ${i}`;
    const v = randomDirections(rng, c.inputs);
    const withNull = v.map((d, k) => (k === i ? null : d));
    const withZero = v.map((d, k) => (k === i ? d!.map(() => 0) : d));
    const t = h.jvp(prim, c, withNull);
    if (t) assert.ok(shapeEq(h.o.shape(t), outAvalOf(prim, c).shape), `${what}: tangent ${formatAval(h.o.aval(t))}`);
    const values = h.jvpValues(prim, c, withNull);
    assertAllClose(values, h.jvpValues(prim, c, withZero), 1e-14, `${what}, against a zero tangent`);
    assertAllClose(values, h.finiteDifference(prim, c, withNull), RTOL, `${what}, against finite differences`);
  });
}

type Check = (h: Harness, prim: Primitive, c: GradCase, rng: Random) => void;

describe('JVP rules', () => {
  let backend: Backend;
  before(() => { backend = createReferenceBackend(); });

  const run = (prim: Primitive, cases: readonly GradCase[], salt: number, check: Check) =>
    checkCases(new Harness(backend), prim, cases, salt, check);
  /** The cases whose output has a tangent at all. */
  const differentiable = (prim: Primitive) => drawCases(prim).filter((c) =>
    c.inputs.some(isDifferentiable) && isInexact(outAvalOf(prim, c).dtype));
  // NB: the rules composed over complex values are checked through the jax shim's check_grads (test/unit/jax/complex_arrays.test.ts).
  const real = (prim: Primitive) => differentiable(prim).filter((c) => c.inputs.every((x) => !isComplex(x.dtype)) && !isComplex(outAvalOf(prim, c).dtype));

  describe('against finite differences', () => {
    for (const prim of PRIMITIVES) {
      it(prim, () => {
        const cases = drawCases(prim);
        assert.ok(cases.length > 0, `no case for '${prim}'`);
        run(prim, cases, 1, checkFiniteDifferences);
      });
    }
  });

  describe('transpose identity with the VJP rules', () => {
    for (const prim of PRIMITIVES) {
      const cases = differentiable(prim);
      if (cases.length > 0) it(prim, () => run(prim, cases, 2, checkTranspose));
    }
  });

  describe('jvp of jvp (rules compose)', () => {
    for (const prim of PRIMITIVES) {
      const cases = real(prim);
      if (cases.length > 0) it(prim, () => run(prim, cases, 3, checkJvpOfJvp));
    }
  });

  describe('jvp of vjp (forward over reverse)', () => {
    for (const prim of PRIMITIVES) {
      const cases = real(prim);
      if (cases.length > 0) it(prim, () => run(prim, cases, 4, checkJvpOfVjp));
    }
  });

  /** The conventions finite differences cannot see: ties, kinks and zeros, matching the VJP rules. */
  describe('conventions', () => {
    let h: Harness;
    beforeEach(() => { h = new Harness(backend); });
    afterEach(() => h.dispose());
    const at = (params: ParamsOf<Primitive>, ...inputs: HostArray[]): GradCase => ({ params, inputs });

    it('max and min take the tangents 0.5/0.5 on a tie, as JAX does', () => {
      const c = at({}, f64([3], [1, 2, 5]), f64([3], [1, 3, 4]));
      assert.deepEqual(h.jvpValues('max', c, [[1, 1, 1], null]), [0.5, 0, 1]);
      assert.deepEqual(h.jvpValues('max', c, [null, [1, 1, 1]]), [0.5, 1, 0]);
      assert.deepEqual(h.jvpValues('min', c, [[2, 2, 2], [4, 4, 4]]), [3, 2, 4]);
    });

    it('reduce_max and reduce_min average the tangents of the tied positions', () => {
      const c = at({ axes: [1] }, f64([2, 2], [3, 1, 3, 3]));
      assert.deepEqual(h.jvpValues('reduce_max', c, [[1, 5, 2, 4]]), [1, 3]);
      assert.deepEqual(h.jvpValues('reduce_min', at({ axes: [0] }, f64([3], [1, 1, 1])), [[3, 6, 0]]), [3]);
    });

    it('reduce_prod is exact where the operand has zeros', () => {
      const prod = (values: number[], t: number[]) =>
        h.jvpValues('reduce_prod', at({ axes: [0] }, f64([values.length], values)), [t]);
      assert.deepEqual(prod([2, 0, 3], [1, 1, 1]), [6]);
      assert.deepEqual(prod([0, 0, 3], [1, 1, 1]), [0]);
    });

    it('pow gives 0, not NaN, at x == 0 for the y-part and where y == 0 for the x-part', () => {
      const c = at({}, f64([2], [0, 0]), f64([2], [2, 0]));
      assert.deepEqual(h.jvpValues('pow', c, [[1, 1], [1, 1]]), [0, 0]);
    });

    it('abs has derivative sign(x): 0 at the kink; sign, comparisons and argmax have no tangent', () => {
      assert.deepEqual(h.jvpValues('abs', at({}, f64([3], [-2, 0, 3])), [[1, 1, 1]]), [-1, 0, 1]);
      assert.equal(h.jvp('sign', at({}, f64([2], [-2, 3])), [[1, 1]]), null);
      assert.equal(h.jvp('lt', at({}, f64([1], [1]), f64([1], [2])), [[1], [1]]), null);
      assert.equal(h.jvp('argmax', at({ axis: 0, indexDtype: 'int32' }, f64([2], [1, 2])), [[1, 1]]), null);
    });

    it('a cast to int cuts the tangent; a cast between floats converts it', () => {
      const c = at({ newDtype: 'int32' }, f64([2], [1.5, -2]));
      assert.equal(h.jvp('convert_element_type', c, [[1, 1]]), null);
      const t = h.jvp('convert_element_type', { ...c, params: { newDtype: 'float32' } }, [[1, 1]]);
      assert.equal(t && h.o.dtype(t), 'float32');
    });

    it('integer_pow with y = 0 gives a symbolic zero', () => {
      assert.equal(h.jvp('integer_pow', at({ y: 0 }, f64([2], [1, 2])), [[1, 1]]), null);
    });

    it('the transpose identity holds at ties, kinks and zeros too', () => {
      const rng = streamFor('max', 6);
      const cases: [Primitive, GradCase][] = [
        ['max', at({}, f64([2, 3], [1, 2, 5, 0, 0, 1]), f64([3], [1, 3, 5]))],
        ['min', at({}, f64([], [2]), f64([2, 2], [2, 1, 3, 2]))],
        ['reduce_max', at({ axes: [1] }, f64([2, 3], [3, 1, 3, 2, 2, 2]))],
        ['reduce_min', at({ axes: [0, 1] }, f64([2, 2], [1, 4, 1, 1]))],
        ['reduce_prod', at({ axes: [1] }, f64([2, 3], [2, 0, 3, 0, 0, 1]))],
        ['pow', at({}, f64([3], [0, 0, 2]), f64([3], [2, 0, 0]))],
        ['abs', at({}, f64([3], [-1, 0, 2]))],
        ['sign', at({}, f64([3], [-1, 0, 2]))],
      ];
      for (const [prim, c] of cases) checkTranspose(h, prim, c, rng);
    });
  });

  describe('null tangents', () => {
    it('all-null tangents give null for every primitive', () => {
      const h = new Harness(backend);
      try {
        for (const prim of PRIMITIVES) {
          for (const c of drawCases(prim)) {
            assert.equal(h.jvp(prim, c, c.inputs.map(() => null)), null, describeCase(prim, c));
          }
        }
      } finally {
        h.dispose();
      }
    });

    for (const prim of PRIMITIVES) {
      const cases = differentiable(prim).filter((c) => c.inputs.filter(isDifferentiable).length >= 2);
      if (cases.length > 0) it(`one null tangent: ${prim}`, () => run(prim, cases, 5, checkOneNull));
    }

    it('a null tangent on one side of a broadcast still gives the output shape', () => {
      const h = new Harness(backend);
      try {
        const c: GradCase = { params: {}, inputs: [f64([3, 1], [1, 2, 3]), f64([4], [1, 2, 3, 4])] };
        const t = h.jvp('add', c, [null, [1, 1, 1, 1]])!;
        assert.deepEqual(h.o.shape(t), [3, 4]);
        assert.deepEqual(h.read(t), new Array(12).fill(1));
        // d(x * y) with only x moving: y broadcast along the rows.
        assert.deepEqual(h.jvpValues('mul', c, [[1, 0, 2], null]), [1, 2, 3, 4, 0, 0, 0, 0, 2, 4, 6, 8]);
      } finally {
        h.dispose();
      }
    });
  });
});
