import * as assert from 'node:assert/strict';
import { createReferenceBackend, type ReferenceArray } from '../../../../runtime/backends';
import { Random, sizeOf } from '../../../../runtime/core';
import { EagerEngine, type Tensor } from '../../../../runtime/eager';
import { grad, jit, type TraceOps, type Tracer } from '../../../../runtime/jit';
import { Ops } from '../../../../runtime/ops';
import { PROGRAM_INPUTS, randomProgram, type Program } from '../programs';
import { SEED } from '../../support/seed';
import { closeness, retype } from './support';

/*
 * JAX's check_grads on the float64 reference: the derivative along one random direction v, from
 * autodiff, against central differences (f(x + eps v) - f(x - eps v)) / 2 eps; second order does
 * the same to <grad f, u> for another random u. eps and the tolerance are check_grads' float64
 * defaults (1e-4; 1e-5 relative with a floor of 1).
 */
const EPS = 1e-4;
const TOL = 1e-5;
const PROGRAMS = 40;
const LENGTHS = [4, 8];
const ALL = [0, 1, 2];
const AXES = PROGRAM_INPUTS.map((s) => s.map((_, k) => k));
const ref = createReferenceBackend();
const dot = (a: readonly number[][], b: readonly number[][]) => a.reduce((s, ai, i) => s + ai.reduce((t, x, j) => t + x * b[i][j], 0), 0);
const along = (x: readonly number[][], v: readonly number[][], t: number) => x.map((xi, i) => xi.map((xv, j) => xv + t * v[i][j]));

/** The program's loss in float64 throughout: sum(out0 + 0.5 out1). */
function loss<T>(program: Program, o: Ops<T>, xs: readonly T[]): T {
  const p = new Ops(retype(o.emitter, 'float32', 'float64'));
  const [a, b] = program(p, xs);
  return p.reduceSum(p.add(a, p.mul(b, p.scalarLike(0.5, b))), [0, 1]);
}

/**
 * Central differences of `f` along v, or null where the segment is not smooth (it crosses a kink of
 * abs, max, select or sign): there the differences at eps and eps/2 disagree, as they never do for
 * a smooth f, whose error is O(eps^2).
 */
function centralDifference(f: (x: number[][]) => number, x: number[][], v: number[][]): number | null {
  const at = (eps: number) => (f(along(x, v, eps)) - f(along(x, v, -eps))) / (2 * eps);
  const d = at(EPS);
  return closeness([at(EPS / 2)], [d], TOL / 10, 1).ok ? d : null;
}

function jitLoss(program: Program) {
  return (o: TraceOps, ...xs: Tracer[]) => loss(program, o, xs);
}
/** <grad f(xs), u> as a traced function of (xs..., us...). */
function jitGradDot(program: Program) {
  const g = grad(jitLoss(program), { argnums: ALL });
  return (o: TraceOps, ...args: Tracer[]) => {
    const gs = g(o, ...args.slice(0, 3)) as Tracer[];
    return gs.map((gi, i) => o.reduceSum(o.mul(gi, args[3 + i]), AXES[i])).reduce((s, t) => o.add(s, t));
  };
}

const upload = (vs: readonly number[][]) => vs.map((v, i) => ref.upload(v, { shape: PROGRAM_INPUTS[i % PROGRAM_INPUTS.length], dtype: 'float64' }));
function call(f: (...args: unknown[]) => unknown, args: number[][]): number[][] {
  const arrays = upload(args);
  const out = f(...arrays) as ReferenceArray | ReferenceArray[];
  arrays.forEach((a) => ref.dispose(a));
  return (Array.isArray(out) ? out : [out]).map((a) => { const r = Array.from(ref.readSync(a)); ref.dispose(a); return r; });
}

/** Eager autograd on the reference: the loss, its gradients, and with create_graph the gradients of <grad, u>. */
function eager(program: Program, x: number[][], u?: number[][]): { value: number; grads: number[][] } {
  const engine = new EagerEngine(ref);
  const xs = x.map((v, i) => engine.fromValues(v, PROGRAM_INPUTS[i], 'float64').requiresGrad_());
  const zeros = (i: number) => new Array<number>(x[i].length).fill(0);
  const read = (gs: (Tensor | null)[]) => gs.map((g, i) => (g ? Array.from(g.dataSync()) : zeros(i)));
  const result = engine.tidy(() => {
    const o = engine.ops;
    const l = loss(program, o, xs);
    if (!l.requiresGrad) return { value: l.item(), grads: x.map((_, i) => zeros(i)) };
    const gs = engine.grad([l], xs, undefined, { allowUnused: true, createGraph: u !== undefined });
    if (!u) return { value: l.item(), grads: read(gs) };
    const terms = gs.flatMap((g, i) => (g && g.requiresGrad ? [o.reduceSum(o.mul(g, engine.fromValues(u[i], PROGRAM_INPUTS[i], 'float64')), AXES[i])] : []));
    if (terms.length === 0) return { value: l.item(), grads: x.map((_, i) => zeros(i)) };
    const h = terms.reduce((s, t) => o.add(s, t));
    return { value: h.item(), grads: read(engine.grad([h], xs, undefined, { allowUnused: true })) };
  });
  xs.forEach((t) => t.dispose());
  return result;
}

describe('differential: check_grads on the float64 reference, first and second order', () => {
  const count = PROGRAMS * LENGTHS.length;
  it(`${count} programs: jit(grad(f)), jit(grad(<grad f, u>)) and eager autograd.grad (create_graph) match central differences along a random direction (seed ${SEED})`, () => {
    let kinks = 0;
    for (const length of LENGTHS) {
      for (let p = 0; p < PROGRAMS; p++) {
        const seed = SEED + 3000 + 1000 * length + p;
        const what = `program seed ${seed}, length ${length} (replay with GRADLENS_SEED=${SEED})`;
        const program = randomProgram(seed, length);
        const rng = new Random(seed ^ 0x6a09e667);
        const draw = () => PROGRAM_INPUTS.map((s) => rng.normals(sizeOf(s)));
        const [x, v, u] = [draw(), draw(), draw()];

        const f = jit(jitLoss(program), { backend: ref });
        const g = jit(grad(jitLoss(program), { argnums: ALL }), { backend: ref });
        const h = jit(jitGradDot(program), { backend: ref });
        const gh = jit(grad(jitGradDot(program), { argnums: ALL }), { backend: ref });
        const first = centralDifference((y) => call(f, y)[0][0], x, v);
        const second = centralDifference((y) => call(h, [...y, ...u])[0][0], x, v);
        if (first === null || second === null) { kinks++; continue; }
        // NB: a derivative through a singular point (sqrt of an exact 0, as in sqrt(|c - c|) or
        // sqrt(|e|) where e holds the structural zeros of select_and_scatter_add, the places no
        // window selects) is 0 * inf = NaN in autodiff, in JAX and PyTorch alike, while the
        // differences of the locally constant f are finite. At first order a later op may drop the
        // NaN (select_and_gather_add reads only the selected places); at second order the transpose
        // of sqrt's `g / (2 sqrt x)` divides a zero cotangent by that zero again, on a path that
        // reaches the input. Both engines must then agree on the NaN; the direction counts as a kink.
        const jitFirst = dot(call(g, x), v);
        if (!Number.isFinite(jitFirst)) {
          assert.ok(!Number.isFinite(dot(eager(program, x).grads, v)), `jit gives ${jitFirst} at a singular point and eager does not, ${what}`);
          kinks++;
          continue;
        }
        const jitSecond = dot(call(gh, [...x, ...u]).slice(0, 3), v);
        if (!Number.isFinite(jitSecond)) {
          assert.ok(!Number.isFinite(dot(eager(program, x, u).grads, v)), `jit's second order gives ${jitSecond} at a singular point and eager's does not, ${what}`);
          kinks++;
          continue;
        }

        const check = (grads: number[][], numeric: number, label: string) => {
          const analytic = dot(grads, v);
          assert.ok(closeness([analytic], [numeric], TOL, 1).ok, `${label}, ${what}: <grad, v> = ${analytic}, central differences ${numeric}`);
        };
        check(call(g, x), first, 'jit(grad(f))');
        check(call(gh, [...x, ...u]).slice(0, 3), second, 'jit(grad(<grad f, u>))');
        check(eager(program, x).grads, first, 'eager autograd.grad');
        check(eager(program, x, u).grads, second, 'eager autograd.grad of <autograd.grad(create_graph=True), u>');
      }
    }
    assert.ok(kinks <= count / 10, `${kinks} of ${count} directions crossed a kink or a singular point`);
    assert.equal(ref.liveCount(), 0);
  });
});
