import * as assert from 'node:assert/strict';
import { VJP_RULES, type VjpRule } from '../../../runtime/autodiff';
import { createReferenceBackend, type Backend, type DeviceArray } from '../../../runtime/backends';
import { formatAval, isComplex, isFloat, isInexact, Random, shapeEq, sizeOf } from '../../../runtime/core';
import { BackendEmitter, Ops } from '../../../runtime/ops';
import { abstractEval, PRIMITIVES, type ParamsOf, type Primitive } from '../../../runtime/primitives';
import { pairing, wordCount, type HostArray } from '../support/inputs';
import { SEED } from '../support/seed';
import { checkCases, drawCases, f64, type GradCase } from './grad_cases';
import { Tape, type TapeNode } from './tape';

/**
 * Every VJP rule against central finite differences in float64 on the reference backend:
 * <ct, (f(x + eps v) - f(x - eps v)) / 2 eps> must match <vjp(ct), v> for random ct and v.
 * Truncation error is O(eps^2) and rounding O(1e-16 / eps), both far below the tolerance.
 */
const EPS = 1e-6;
const RTOL = 1e-6;
const DIRECTIONS = 3;

type Vjp = VjpRule<Primitive>;
const ruleOf = (prim: Primitive) => VJP_RULES[prim] as Vjp;

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
  apply(prim: Primitive, params: ParamsOf<Primitive>, inputs: readonly HostArray[]): DeviceArray {
    return this.o.bind(prim, inputs.map((x) => this.upload(x)), params);
  }
  /** Input cotangents on the host; `ct` is given for an output of f's shape. */
  vjp(prim: Primitive, params: ParamsOf<Primitive>, inputs: readonly HostArray[], ct: HostArray): (number[] | null)[] {
    const xs = inputs.map((x) => this.upload(x));
    const out = this.o.bind(prim, xs, params);
    return ruleOf(prim)(this.o, this.upload(ct), xs, out, params).map((g) => (g ? this.read(g) : null));
  }
  dispose(): void { this.emitter.disposeAllBut(); }
}

const dotHost = (a: readonly number[], b: readonly number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);
const isDifferentiable = (x: HostArray) => isInexact(x.dtype);
const randomLike = (rng: Random, x: HostArray): number[] => (isDifferentiable(x) ? rng.normals(x.values.length) : []);
/** inputs + t * directions, on the floating inputs only (indices and predicates stay put). */
const moved = (inputs: readonly HostArray[], directions: readonly number[][], t: number): HostArray[] =>
  inputs.map((x, i) => (isDifferentiable(x) ? { ...x, values: x.values.map((v, k) => v + t * directions[i][k]) } : x));

function assertClose(analytic: number, numeric: number, what: string): void {
  const tol = RTOL * Math.max(1, Math.abs(analytic), Math.abs(numeric));
  assert.ok(Math.abs(analytic - numeric) <= tol,
    `${what}: the rule gives ${analytic}, finite differences ${numeric} (|diff| ${Math.abs(analytic - numeric).toExponential(2)} > ${tol.toExponential(2)}; seed ${SEED})`);
}

function describeCase(prim: Primitive, c: GradCase): string {
  return `${prim}(${c.inputs.map(formatAval).join(', ')}) ${JSON.stringify(c.params)}`;
}

function checkFirstOrder(h: Harness, prim: Primitive, c: GradCase, rng: Random): void {
  const what = describeCase(prim, c);
  const xs = c.inputs.map((x) => h.upload(x));
  const out = h.o.bind(prim, xs, c.params);
  const outAval = h.o.aval(out);
  const ctValues = rng.normals(wordCount(outAval.shape, outAval.dtype));
  const ct = isComplex(outAval.dtype) ? h.upload({ shape: outAval.shape, dtype: outAval.dtype, values: ctValues })
    : h.o.convert(h.upload(f64(outAval.shape, ctValues)), outAval.dtype);
  const cts = ruleOf(prim)(h.o, ct, xs, out, c.params);
  assert.equal(cts.length, xs.length, `${what}: one cotangent per input`);
  cts.forEach((g, i) => {
    const x = h.o.aval(xs[i]);
    if (!isInexact(outAval.dtype) || !isInexact(x.dtype)) {
      assert.equal(g, null, `${what}: input ${i} (${formatAval(x)}) has no gradient`);
    } else {
      assert.ok(g, `${what}: input ${i} (${formatAval(x)}) needs a cotangent`);
      assert.ok(shapeEq(h.o.shape(g), x.shape) && h.o.dtype(g) === x.dtype,
        `${what}: cotangent ${i} is ${formatAval(h.o.aval(g))}, its input ${formatAval(x)}`);
    }
  });
  if (!isInexact(outAval.dtype)) return;

  const gradients = cts.map((g) => (g ? h.read(g) : null));
  for (let d = 0; d < DIRECTIONS; d++) {
    const v = c.inputs.map((x) => randomLike(rng, x));
    const plus = h.read(h.apply(prim, c.params, moved(c.inputs, v, EPS)));
    const minus = h.read(h.apply(prim, c.params, moved(c.inputs, v, -EPS)));
    const numeric = (pairing(ctValues, plus, outAval.dtype) - pairing(ctValues, minus, outAval.dtype)) / (2 * EPS);
    const analytic = gradients.reduce((s, g, i) => s + (g ? pairing(g, v[i], c.inputs[i].dtype) : 0), 0);
    assertClose(analytic, numeric, `${what}, direction ${d}`);
  }
}

/**
 * The VJP of the VJP: H(x, ct) = sum_i <vjp_i(ct; x), w_i> is differentiated by running the
 * rules over the recorded first reverse pass, and checked against finite differences of H in
 * both x and ct. It passes only if every rule is built of differentiable primitives.
 */
function checkSecondOrder(h: Harness, prim: Primitive, c: GradCase, rng: Random): void {
  const what = `second order of ${describeCase(prim, c)}`;
  const outShape = abstractEval(prim, c.inputs, c.params).shape;
  const ct = f64(outShape, rng.normals(sizeOf(outShape)));
  const firstOrder = h.vjp(prim, c.params, c.inputs, ct);
  const w = firstOrder.map((g) => (g ? rng.normals(g.length) : null));
  const H = (inputs: readonly HostArray[], cotangent: HostArray) =>
    h.vjp(prim, c.params, inputs, cotangent).reduce((s, g, i) => s + (g ? dotHost(g, w[i]!) : 0), 0);

  const tape = new Tape(h.emitter);
  const t = new Ops(tape);
  const xs = c.inputs.map((x) => (isDifferentiable(x) ? tape.leaf(h.upload(x)) : tape.constant(h.upload(x))));
  const ctNode = tape.leaf(h.upload(ct));
  const first = ruleOf(prim)(t, ctNode, xs, t.bind(prim, xs, c.params), c.params);
  let total: TapeNode<DeviceArray> = t.scalar(0, 'float64');
  first.forEach((g, i) => {
    if (!g) return;
    const term = t.mul(g, tape.constant(h.upload(f64(t.shape(g), w[i]!))));
    total = t.add(total, t.reduceSum(term, t.shape(g).map((_, d) => d)));
  });
  const second = tape.grad(t, total, t.scalar(1, 'float64'), [...xs, ctNode]).map((g) => (g ? h.read(g.value) : null));

  for (let d = 0; d < DIRECTIONS; d++) {
    const v = c.inputs.map((x) => randomLike(rng, x));
    const u = rng.normals(ct.values.length);
    const ctAt = (s: number) => ({ ...ct, values: ct.values.map((cv, k) => cv + s * u[k]) });
    const numeric = (H(moved(c.inputs, v, EPS), ctAt(EPS)) - H(moved(c.inputs, v, -EPS), ctAt(-EPS))) / (2 * EPS);
    const directions = [...v, u];
    const analytic = second.reduce((s, g, i) => s + (g ? dotHost(g, directions[i]) : 0), 0);
    assertClose(analytic, numeric, `${what}, direction ${d}`);
  }
}

describe('VJP rules against finite differences', () => {
  let backend: Backend;
  before(() => { backend = createReferenceBackend(); });

  describe('first order', () => {
    for (const prim of PRIMITIVES) {
      it(prim, () => {
        const cases = drawCases(prim);
        assert.ok(cases.length > 0, `no gradient case for '${prim}'`);
        checkCases(new Harness(backend), prim, cases, 1, checkFirstOrder);
      });
    }
  });

  describe('second order (rules compose)', () => {
    for (const prim of PRIMITIVES) {
      // NB: complex cases stop at first order here; check_grads through the jax shim takes their second order (test/unit/jax/complex_arrays.test.ts).
      const differentiable = drawCases(prim).filter((c) => c.inputs.every((x) => !isComplex(x.dtype))
        && c.inputs.some(isDifferentiable) && isFloat(abstractEval(prim, c.inputs, c.params).dtype));
      if (differentiable.length > 0) it(prim, () => checkCases(new Harness(backend), prim, differentiable, 2, checkSecondOrder));
    }
  });
});
