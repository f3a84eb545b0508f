/**
 * The linalg primitives' derivatives, ported from JAX's rules (jax/_src/lax/linalg.py, 0.4.35):
 * each is a tangent map, linear in the operands' tangents, given the operands and the primal
 * quantities the rule needs (eigh_jvp_rule, svd_jvp_rule, qr_jvp_rule, _cholesky_jvp_rule,
 * triangular_solve's rules). The JVP binds the primitive and applies the map; the VJP is the map's
 * transpose, as JAX transposes the linearized JVP, except triangular_solve's, which is written out
 * (JAX's _triangular_solve_transpose_rule): the other maps call it, so transposing them needs it.
 */
import { isInexact, type AbstractValue, type DType } from '../core';
import type { CallParamsOf, Jaxpr } from '../ir/types';
import { makeJaxpr, type TraceOps, type Tracer } from '../jit/trace';
import { inline } from '../jit/transforms/stage';
import { pickOutvars } from '../jit/control/jaxprs';
import { dce } from '../jit/simplify';
import type { LinalgPrimitive } from './family';

type O = TraceOps;
type T = Tracer;

/** A rule JAX raises NotImplementedError for (its words); the Python layer raises it so. */
export class UnimplementedDerivative extends Error {
  override name = 'NotImplementedError';
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const last = (x: T, k = 1) => x.shape[x.shape.length - k];

/** Swaps the last two axes (JAX's _T). */
function mT(o: O, x: T): T {
  const r = x.shape.length;
  return o.transpose(x, [...range(r - 2), r - 1, r - 2]);
}

/** [..., m, k] @ [..., k, n], batched over the leading axes. */
function mm(o: O, a: T, b: T): T {
  const r = a.shape.length;
  const batch = range(r - 2);
  return o.dotGeneral(a, b, { lhsContracting: [r - 1], rhsContracting: [r - 2], lhsBatch: batch, rhsBatch: batch });
}

function eye(o: O, n: number, dtype: DType): T {
  return o.convert(o.eq(o.iota('int32', [n, n], 0), o.iota('int32', [n, n], 1)), dtype);
}

/** Entries on or below diagonal k kept (JAX's _tril), the rest zero. */
function tril(o: O, x: T, k = 0): T {
  const [m, n] = [last(x, 2), last(x)];
  const mask = o.ge(o.add(o.iota('int32', [m, n], 0), o.scalar(k, 'int32')), o.iota('int32', [m, n], 1));
  return o.select(o.broadcastTo(mask, x.shape), x, o.zerosLike(x));
}

/** Entries on or above diagonal k kept (JAX's _triu). */
function triu(o: O, x: T, k = 0): T {
  const [m, n] = [last(x, 2), last(x)];
  const mask = o.ge(o.add(o.iota('int32', [m, n], 0), o.scalar(k - 1, 'int32')), o.iota('int32', [m, n], 1));
  return o.select(o.broadcastTo(mask, x.shape), o.zerosLike(x), x);
}

/** The diagonal of [..., n, n] as [..., n]. */
function diagonal(o: O, x: T): T {
  return o.reduceSum(o.mul(x, o.broadcastTo(eye(o, last(x), x.dtype), x.shape)), [x.shape.length - 1]);
}

/** [..., d] as a row [..., 1, d]. */
const row = (o: O, x: T) => o.expandDims(x, [x.shape.length - 1]);

const lit = (o: O, v: number, like: T) => o.scalar(v, like.dtype);

const solve = (o: O, a: T, b: T, p: CallParamsOf<'triangular_solve'>): T => o.call('triangular_solve', [a, b], p)[0];

const SOLVE_DEFAULTS: CallParamsOf<'triangular_solve'> = { leftSide: false, lower: false, transposeA: false, conjugateA: false, unitDiagonal: false };

/** What a tangent map reads besides the tangents: the operands and primal results the rule needs. */
interface Linearization {
  /** The primal results the map reads (for svd without u and vt, the reduced factors it binds). */
  readonly residuals: readonly T[];
  /** The results' tangents, linear in `tangents` (one per operand, zeros where none came in). */
  readonly map: (o: O, inputs: readonly T[], residuals: readonly T[], tangents: readonly T[]) => T[];
}

type Linearize<C extends LinalgPrimitive> = (o: O, inputs: readonly T[], outs: readonly T[], params: CallParamsOf<C>) => Linearization;

const LINEARIZATIONS: { readonly [C in LinalgPrimitive]: Linearize<C> } = {
  // eigh_jvp_rule: dv = v (F * v^H da v), dw = diag(v^H da v), F_ij = 1 / (w_j - w_i) off the diagonal.
  eigh: (_o, [a], outs, { subsetByIndex }) => {
    const n = last(a);
    if (!(subsetByIndex === null || (subsetByIndex[0] === 0 && subsetByIndex[1] === n))) {
      throw new UnimplementedDerivative('Derivatives not defined for partial eigen decomposition.');
    }
    return {
      residuals: outs,
      map: (o, _inputs, [v, w], [da]) => {
        const e = eye(o, n, a.dtype);
        const f = o.sub(o.integerPow(o.sub(o.add(e, row(o, w)), o.expandDims(w, [w.shape.length])), -1), e);
        const vdav = mm(o, mm(o, mT(o, v), da), v);
        return [mm(o, v, o.mul(f, vdav)), diagonal(o, vdav)];
      },
    };
  },
  // svd_jvp_rule, on the reduced factors (JAX binds svd with full_matrices=False for them).
  svd: (o, [a], outs, { fullMatrices, computeUv, subsetByIndex }) => {
    if (computeUv && fullMatrices) throw new UnimplementedDerivative('Singular value decomposition JVP not implemented for full matrices');
    const residuals = computeUv ? outs : o.call('svd', [a], { fullMatrices: false, computeUv: true, subsetByIndex });
    return {
      residuals,
      map: (bo, _inputs, [s, u, vt], [da]) => {
        const ut = mT(bo, u);
        const v = mT(bo, vt);
        const sDim = row(bo, s);
        const dS = mm(bo, mm(bo, ut, da), v);
        const ds = diagonal(bo, dS);
        if (!computeUv) return [ds];
        const k = last(s);
        const e = eye(bo, k, a.dtype);
        const sDiffs = bo.mul(bo.add(sDim, mT(bo, sDim)), bo.sub(sDim, mT(bo, sDim)));
        const f = bo.sub(bo.div(lit(bo, 1, a), bo.add(sDiffs, e)), e);
        const dSS = bo.mul(sDim, dS);
        const SdS = bo.mul(mT(bo, sDim), dS);
        const sZeros = bo.convert(bo.eq(s, lit(bo, 0, s)), s.dtype);
        const sInv = bo.sub(bo.div(lit(bo, 1, s), bo.add(s, sZeros)), sZeros);
        const sInvMat = bo.mul(e, row(bo, sInv));
        const dUdVDiag = bo.mul(bo.mul(lit(bo, 0.5, a), bo.sub(dS, mT(bo, dS))), sInvMat);
        let dU = mm(bo, u, bo.add(bo.mul(f, bo.add(dSS, mT(bo, dSS))), dUdVDiag));
        let dV = mm(bo, v, bo.mul(f, bo.add(SdS, mT(bo, SdS))));
        const [m, n] = [last(a, 2), last(a)];
        if (m > n) {
          const dAV = mm(bo, da, v);
          dU = bo.add(dU, bo.div(bo.sub(dAV, mm(bo, u, mm(bo, ut, dAV))), sDim));
        }
        if (n > m) {
          const dAHU = mm(bo, mT(bo, da), u);
          dV = bo.add(dV, bo.div(bo.sub(dAHU, mm(bo, v, mm(bo, vt, dAHU))), sDim));
        }
        return [ds, dU, mT(bo, dV)];
      },
    };
  },
  // qr_jvp_rule (j-towns.github.io/papers/qr-derivative.pdf).
  qr: (_o, [x], outs, { fullMatrices }) => {
    const [m, n] = [last(x, 2), last(x)];
    if (m < n || (fullMatrices && m !== n)) throw new UnimplementedDerivative('Unimplemented case of QR decomposition derivative');
    return {
      residuals: outs,
      map: (o, _inputs, [q, r], [dx]) => {
        const dxRinv = solve(o, r, dx, SOLVE_DEFAULTS);
        const qtDxRinv = mm(o, mT(o, q), dxRinv);
        const lower = tril(o, qtDxRinv, -1);
        const dO = o.sub(lower, mT(o, lower));
        return [o.add(mm(o, q, o.sub(dO, qtDxRinv)), dxRinv), mm(o, o.sub(qtDxRinv, dO), r)];
      },
    };
  },
  // _cholesky_jvp_rule (arxiv.org/pdf/1602.07527): dL = L phi(L^-1 dA L^-T), phi the lower triangle with its diagonal halved.
  cholesky: (_o, _inputs, outs) => ({
    residuals: outs,
    map: (o, _ins, [l], [da]) => {
      const n = last(l);
      const tmp = solve(o, l, da, { ...SOLVE_DEFAULTS, transposeA: true, conjugateA: true, lower: true });
      const x = solve(o, l, tmp, { ...SOLVE_DEFAULTS, leftSide: true, lower: true });
      const phi = o.div(tril(o, x), o.add(lit(o, 1, x), eye(o, n, x.dtype)));
      return [mm(o, l, phi)];
    },
  }),
  // _triangular_solve_jvp_rule_a plus the solve of b's tangent (the map is linear in both).
  triangular_solve: (_o, _inputs, [ans], p) => ({
    residuals: [ans],
    map: (o, [a0], [x], [da, db]) => [o.add(solve(o, a0, db, p), solveTangentOfA(o, a0, da, x, p))],
  }),
};

/** The tangent of x = op(a)^-1 b (or b op(a)^-1) from a's: the triangle solved against, in the cheaper order as JAX's. */
function solveTangentOfA(o: O, a: T, da: T, ans: T, p: CallParamsOf<'triangular_solve'>): T {
  const k = p.unitDiagonal ? 1 : 0;
  let ga = o.neg(p.lower ? tril(o, da, -k) : triu(o, da, k));
  if (p.transposeA) ga = mT(o, ga);
  const [m, n] = [last(ans, 2), last(ans)];
  const inverse = (rhs: T) => solve(o, a, rhs, p);
  if (p.leftSide) return m > n ? inverse(mm(o, ga, ans)) : mm(o, inverse(ga), ans);
  return m < n ? inverse(mm(o, ans, ga)) : mm(o, ans, inverse(ga));
}

/** Each operand's tangent, zeros where none came in (only float operands take one). */
const tangentsOrZeros = (o: O, xs: readonly T[], ts: readonly (T | null)[]) => xs.map((x, i) => ts[i] ?? o.zerosLike(x));

/** JAX's JVP of a linalg primitive: the primitive bound on the primals, its tangent map on the tangents. */
export function linalgJvp<C extends LinalgPrimitive>(o: O, prim: C, primals: readonly T[], tangents: readonly (T | null)[], params: CallParamsOf<C>): { outs: T[]; tangents: (T | null)[] } {
  const outs = o.call(prim, primals, params);
  const lin = (LINEARIZATIONS[prim] as Linearize<C>)(o, primals, outs, params);
  return { outs, tangents: lin.map(o, primals, lin.residuals, tangentsOrZeros(o, primals, tangents)) };
}

type VjpOfJaxpr = (jaxpr: Jaxpr, wrt: readonly number[]) => Jaxpr;

const avalOf = (x: T): AbstractValue => ({ shape: [...x.shape], dtype: x.dtype });

/**
 * The cotangents of a linalg primitive's operands: triangular_solve's written out, the others'
 * by transposing the tangent map (traced over the operands, residuals and tangents; its VJP in the
 * tangents, at zero tangents, is the transpose, since the map is linear in them).
 */
export function linalgVjp<C extends LinalgPrimitive>(o: O, prim: C, cts: readonly (T | null)[], inputs: readonly T[], outs: readonly T[], params: CallParamsOf<C>, vjp: VjpOfJaxpr): (T | null)[] {
  const seeds = outs.map((y, i) => cts[i] ?? o.zerosLike(y));
  if (prim === 'triangular_solve') return triangularSolveVjp(o, seeds[0], inputs, outs[0], params as CallParamsOf<'triangular_solve'>);
  const lin = (LINEARIZATIONS[prim] as Linearize<C>)(o, inputs, outs, params);
  const nIn = inputs.length;
  const nRes = lin.residuals.length;
  const map = makeJaxpr((bo, ...xs) => lin.map(bo, xs.slice(0, nIn), xs.slice(nIn, nIn + nRes), xs.slice(nIn + nRes)),
    [...inputs.map(avalOf), ...lin.residuals.map(avalOf), ...inputs.map(avalOf)]);
  const wrt = range(nIn).map((i) => nIn + nRes + i);
  const transposed = dce(pickOutvars(vjp(map, wrt), range(nIn).map((i) => map.outvars.length + i)));
  const grads = inline(o, transposed, [...inputs, ...lin.residuals, ...inputs.map((x) => o.zerosLike(x)), ...seeds]);
  return grads.map((g, i) => (isInexact(inputs[i].dtype) ? g : null));
}

/**
 * JAX's _triangular_solve_transpose_rule for b (the solve with op(a) transposed) and the
 * transpose of a's tangent: left side, ct_op(a) = -ct_b x^T; right side, -x^T ct_b; then back
 * through op and into the triangle solved against.
 */
function triangularSolveVjp(o: O, ct: T, [a]: readonly T[], x: T, p: CallParamsOf<'triangular_solve'>): T[] {
  const ctB = solve(o, a, ct, { ...p, transposeA: !p.transposeA });
  let ctOpA = o.neg(p.leftSide ? mm(o, ctB, mT(o, x)) : mm(o, mT(o, x), ctB));
  if (p.transposeA) ctOpA = mT(o, ctOpA);
  const k = p.unitDiagonal ? 1 : 0;
  return [p.lower ? tril(o, ctOpA, -k) : triu(o, ctOpA, k), ctB];
}

/** JAX's batching rules for them: the batch axis moved (or broadcast) to the front, which the primitives take as a leading axis. */
export function linalgBatch<C extends LinalgPrimitive>(o: O, prim: C, xs: readonly T[], bds: readonly (number | null)[], params: CallParamsOf<C>, size: number): { outs: T[]; batchDims: (number | null)[] } {
  const front = xs.map((x, i) => {
    const bd = bds[i];
    if (bd === null) return o.broadcastInDim(x, [size, ...x.shape], x.shape.map((_, k) => k + 1));
    return bd === 0 ? x : o.transpose(x, [bd, ...x.shape.map((_, k) => k).filter((k) => k !== bd)]);
  });
  const outs = o.call(prim, front, params);
  return { outs, batchDims: outs.map(() => 0) };
}
