/**
 * `jnp.linalg`'s factorizations beyond cholesky, det, inv and solve: `eigh`, `eigvalsh`, `svd`,
 * `qr`, `slogdet`, `pinv`, `matrix_power`, `matrix_rank`, and the matrix norms that need singular
 * values; `eig` is refused (its results are complex). eigh, svd and qr bind lax.linalg's
 * primitives as JAX's jnp.linalg does (`eigh[lower=True sort_eigenvalues=True subset_by_index=None]`,
 * `svd[...]`, `qr[full_matrices=False]`), on a matrix or a batch of them (leading axes); their
 * numerics, JVP rules (JAX's) and batching are the runtime's (runtime/linalg).
 *
 * Sign freedom: an eigenvector or a pair of singular vectors is unique only up to sign, and
 * LAPACK's choice (syevd's, gesdd's: what JAX returns) follows from its reductions, with no rule
 * we could match (measured on NumPy over 300 random matrices of each size from 2 to 10: the first,
 * last, largest and sum-of-entries signs are each positive in 23% to 62% of columns). Gradlens
 * makes each vector's largest-magnitude entry positive and says so with a warning at the line.
 */
import type { DType } from '../../../runtime/core';
import type { CallParamsOf } from '../../../runtime/ir';
import { gaussJordan, identity, matmul, transposed } from '../../../runtime/ops';
import { bindArgs, pyError, PyTuple, toFloat, toIndex, warn, type HostContext, type Kwargs, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { Scalar, type Val } from './values';

const EPSILON = { float32: 2 ** -23, float64: 2 ** -52 } as const;
/** Past this order, elimination (slogdet, matrix_power's inverse) would unroll into too many traced operations. */
const MAX_ELIMINATION_ORDER = 32;

type O = JaxRuntime['o'];

/** A matrix or a batch of them (leading axes), of a float dtype (an integer one converted, as promote_dtypes_inexact). */
function floatMatrices(rt: JaxRuntime, x: PyValue, name: string, ctx: HostContext, numpy: boolean): PyArray {
  const a = L.arrayArgument(rt, x, ctx, numpy);
  if (a.shape.length < 2) throw pyError('ValueError', `${name}: the input must have at least 2 dimensions (a matrix or a batch of matrices), got shape (${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`);
  if (a.dtype !== 'float32' && a.dtype !== 'float64') {
    if (a.dtype.startsWith('complex')) throw pyError('NotImplementedError', `${name} of a complex matrix is not supported by Gradlens`);
    return L.op(rt, () => L.wrap(rt, L.cast(rt, a.v, numpy ? 'float64' : rt.floatDtype), false, numpy));
  }
  return a;
}

/** The last two axes swapped (JAX's _T). */
function mT(o: O, a: Val): Val {
  const r = a.shape.length;
  return o.transpose(a, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
}

function signWarning(ctx: HostContext, name: string, what: string): void {
  warn(ctx, `${name}: the sign of each ${what} is arbitrary, and LAPACK's (which JAX and NumPy return) follows no rule Gradlens can match; Gradlens makes each one's largest-magnitude entry positive. Compare sign-invariant results (reconstructions, projections squared, |v|) with JAX's.`);
}

/** lax.linalg.eigh's primitive: (v, w), w ascending. */
function eigh(rt: JaxRuntime, s: Val, lower: boolean): { w: Val; v: Val } {
  const [v, w] = rt.bindCall('eigh', [s], { lower, sortEigenvalues: true, subsetByIndex: null });
  return { w, v };
}

/** lax.linalg.svd's primitive: (u, s, vh) with compute_uv, else s alone (u and vh null). */
function svd(rt: JaxRuntime, a: Val, params: Omit<CallParamsOf<'svd'>, 'subsetByIndex'>): { u: Val | null; s: Val; vh: Val | null } {
  const [s, u, vh] = rt.bindCall('svd', [a], { ...params, subsetByIndex: null });
  return { u: u ?? null, s, vh: vh ?? null };
}

/** The reduced SVD of one matrix (for pinv, lstsq). */
function reducedSvd(rt: JaxRuntime, a: Val): { u: Val; s: Val; vh: Val } {
  const { u, s, vh } = svd(rt, a, { fullMatrices: false, computeUv: true });
  return { u: u!, s, vh: vh! };
}

const singularValues = (rt: JaxRuntime, a: Val) => svd(rt, a, { fullMatrices: false, computeUv: false }).s;

const eye = (o: O, n: number, dtype: DType) => identity(o, n, n, dtype);

/** `jnp.linalg`'s functions of this file, for jax.numpy (numpy false) or numpy.linalg. */
export function factorizations(rt: JaxRuntime, numpy: boolean): Record<string, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue> {
  const prefix = numpy ? 'numpy.linalg' : 'jnp.linalg';
  const wrap = (v: Val) => L.wrap(rt, v, false, numpy);
  const squareMatrices = (x: PyValue, name: string, ctx: HostContext) => {
    const a = floatMatrices(rt, x, `${prefix}.${name}`, ctx, numpy);
    const [m, n] = a.shape.slice(-2);
    if (m !== n) throw pyError('ValueError', `Argument to ${name} must be a square matrix, got shape (${a.shape.join(', ')})`);
    return a;
  };
  // The compositions below (elimination, products with one matrix) take one matrix; elimination unrolls a step per column.
  const oneMatrix = (a: PyArray, name: string, maxOrder = Infinity) => {
    if (a.shape.length !== 2) throw pyError('NotImplementedError', `${prefix}.${name} of shape (${a.shape.join(', ')}): Gradlens computes it for one matrix; use jax.vmap over a batch`);
    if (Math.max(...a.shape) > maxOrder) throw pyError('NotImplementedError', `${prefix}.${name} on matrices larger than ${maxOrder}x${maxOrder} is not supported by Gradlens`);
    return a;
  };
  const squareMatrix = (x: PyValue, name: string, ctx: HostContext) => oneMatrix(squareMatrices(x, name, ctx), name, MAX_ELIMINATION_ORDER);
  // jnp symmetrizes its input, (a + a^T) / 2, as lax.linalg.eigh's symmetrize_input; NumPy (and jnp with symmetrize_input=False) reads one triangle, UPLO's.
  const eighOf = (a: PyArray, args: { bool: (k: string, d: boolean) => boolean; opt: (k: string) => PyValue | undefined }) => {
    const o = rt.o;
    const uplo = args.opt('UPLO') ?? 'L';
    if (uplo !== null && uplo !== 'L' && uplo !== 'U') throw pyError('ValueError', numpy ? "UPLO argument must be 'L' or 'U'" : `UPLO must be one of None, 'L', or 'U', got ${String(uplo)}`);
    const lower = uplo !== 'U';
    const input = !numpy && args.bool('symmetrize_input', true) ? o.div(o.add(a.v, mT(o, a.v)), new Scalar(2, a.dtype)) : a.v;
    return eigh(rt, input, lower);
  };
  const results = (vals: Val[]) => rt.run(() => new PyTuple(vals.map(wrap)), (r) => (r as PyTuple).items.map((x) => (x as PyArray).v));

  return {
    eig: () => {
      throw pyError('NotImplementedError', `${prefix}.eig returns complex eigenvalues and eigenvectors, which Gradlens does not support; for a symmetric matrix use ${prefix}.eigh`);
    },
    eigvals: () => {
      throw pyError('NotImplementedError', `${prefix}.eigvals returns complex eigenvalues, which Gradlens does not support; for a symmetric matrix use ${prefix}.eigvalsh`);
    },
    eigh: (args, kwargs, ctx) => {
      const a = bindArgs('eigh', ['a', 'UPLO?', 'symmetrize_input?'], args, kwargs, ctx);
      const m = squareMatrices(a.required('a'), 'eigh', ctx);
      signWarning(ctx, `${prefix}.eigh`, 'eigenvector');
      return rt.run(() => {
        const { w, v } = eighOf(m, a);
        return new PyTuple([wrap(w), wrap(v)]);
      }, (r) => r.items.map((x) => (x as PyArray).v));
    },
    eigvalsh: (args, kwargs, ctx) => {
      const a = bindArgs('eigvalsh', ['a', 'UPLO?'], args, kwargs, ctx);
      const m = squareMatrices(a.required('a'), 'eigvalsh', ctx);
      return L.op(rt, () => wrap(eighOf(m, a).w));
    },
    svd: (args, kwargs, ctx) => {
      const a = bindArgs('svd', ['a', 'full_matrices?', 'compute_uv?', 'hermitian?', 'subset_by_index?'], args, kwargs, ctx);
      const m = floatMatrices(rt, a.required('a'), `${prefix}.svd`, ctx, numpy);
      if (a.bool('hermitian', false)) throw pyError('NotImplementedError', `${prefix}.svd(hermitian=True) is not supported by Gradlens; leave hermitian out`);
      if (a.opt('subset_by_index') !== undefined && a.opt('subset_by_index') !== null) throw pyError('NotImplementedError', `${prefix}.svd(subset_by_index=...) is not supported by Gradlens; slice the result`);
      const computeUv = a.bool('compute_uv', true);
      const fullMatrices = a.bool('full_matrices', true);
      if (!computeUv) return L.op(rt, () => wrap(svd(rt, m.v, { fullMatrices, computeUv }).s));
      signWarning(ctx, `${prefix}.svd`, 'pair of singular vectors');
      return rt.run(() => {
        const { u, s, vh } = svd(rt, m.v, { fullMatrices, computeUv });
        return new PyTuple([wrap(u!), wrap(s), wrap(vh!)]);
      }, (r) => r.items.map((x) => (x as PyArray).v));
    },
    qr: (args, kwargs, ctx) => {
      const a = bindArgs('qr', ['a', 'mode?'], args, kwargs, ctx);
      const m = floatMatrices(rt, a.required('a'), `${prefix}.qr`, ctx, numpy);
      const mode = a.opt('mode') ?? 'reduced';
      if (mode === 'raw') throw pyError('NotImplementedError', `${prefix}.qr(mode='raw') is not supported by Gradlens; use mode='reduced'`);
      if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r' && (numpy || mode !== 'full')) throw pyError('ValueError', `Unsupported QR decomposition mode '${String(mode)}'`);
      return rt.run(() => {
        const [q, r] = rt.bindCall('qr', [m.v], { fullMatrices: mode === 'complete' });
        return mode === 'r' ? wrap(r) : new PyTuple([wrap(q), wrap(r)]);
      }, (r) => (r instanceof PyTuple ? r.items.map((x) => (x as PyArray).v) : [r.v]));
    },
    slogdet: (args, kwargs, ctx) => {
      const a = bindArgs('slogdet', ['a', '*', 'method?'], args, kwargs, ctx);
      const m = squareMatrix(a.required('a'), 'slogdet', ctx);
      const o = rt.o;
      const e = gaussJordan(o, m.v, null);
      const n = m.shape[0];
      const pivots = n === 0 ? o.full([0], 1, m.dtype) : o.concatenate(e.pivots.map((p) => o.reshape(p, [1])), 0);
      return results([o.mul(e.parity, o.reduceProd(o.sign(pivots), [0])), o.reduceSum(o.log(o.abs(pivots)), [0])]);
    },
    matrix_power: (args, kwargs, ctx) => {
      const a = bindArgs('matrix_power', ['a', 'n'], args, kwargs, ctx);
      const m = squareMatrix(a.required('a'), 'matrix_power', ctx);
      let n = Number(toIndex(a.required('n'), ctx));
      const o = rt.o;
      return L.op(rt, () => {
        if (n === 0) return wrap(eye(o, m.shape[0], m.dtype));
        let base = n < 0 ? gaussJordan(o, m.v, eye(o, m.shape[0], m.dtype)).solution! : m.v;
        n = Math.abs(n);
        // JAX's binary powering: z squares each step, the bits of n multiply it into the result.
        let z: Val | null = null;
        let result: Val | null = null;
        while (n > 0) {
          z = z === null ? base : matmul(o, z, z);
          const bit = n % 2;
          n = Math.floor(n / 2);
          if (bit) result = result === null ? z : matmul(o, result, z);
        }
        base = result!;
        return wrap(base);
      });
    },
    pinv: (args, kwargs, ctx) => {
      const a = bindArgs('pinv', ['a', 'rtol?', 'hermitian?', '*', 'rcond?'], args, kwargs, ctx);
      const m = oneMatrix(floatMatrices(rt, a.required('a'), `${prefix}.pinv`, ctx, numpy), 'pinv');
      if (a.bool('hermitian', false)) throw pyError('NotImplementedError', `${prefix}.pinv(hermitian=True) is not supported by Gradlens; leave hermitian out`);
      const tol = a.opt('rtol') ?? a.opt('rcond');
      const o = rt.o;
      return L.op(rt, () => {
        const { u, s, vh } = reducedSvd(rt, m.v);
        // NB: NumPy's default rcond is 1e-15; JAX's rtol 10 max(m, n) eps.
        const dflt = numpy ? 1e-15 : 10 * Math.max(...m.shape) * EPSILON[m.dtype as 'float32' | 'float64'];
        const rtol = tol === undefined || tol === null ? dflt : toFloat(tol, ctx);
        const k = s.shape[0];
        const cutoff = o.mul(new Scalar(rtol, m.dtype), o.slice(s, [0], [Math.min(1, k)]));
        const kept = o.select(o.gt(s, o.broadcastTo(cutoff, [k])), s, o.full([k], Infinity, m.dtype));
        return wrap(matmul(o, transposed(o, vh), o.div(transposed(o, u), o.broadcastTo(o.reshape(kept, [k, 1]), [k, m.shape[0]]))));
      });
    },
    matrix_rank: (args, kwargs, ctx) => {
      const a = bindArgs('matrix_rank', ['M', 'rtol?', '*', 'tol?'], args, kwargs, ctx);
      const m = oneMatrix(floatMatrices(rt, a.required('M'), `${prefix}.matrix_rank`, ctx, numpy), 'matrix_rank');
      const given = a.opt('rtol') ?? a.opt('tol');
      const o = rt.o;
      return L.op(rt, () => {
        const s = singularValues(rt, m.v);
        const rtol = given === undefined || given === null ? Math.max(...m.shape) * EPSILON[m.dtype as 'float32' | 'float64'] : toFloat(given, ctx);
        const k = s.shape[0];
        const cutoff = o.mul(new Scalar(rtol, m.dtype), o.reduceMax(s, [0]));
        return L.wrap(rt, o.reduceSum(o.convert(o.gt(s, o.broadcastTo(cutoff, [k])), rt.intDtype(numpy)), [0]), false, numpy);
      });
    },
    ...(numpy ? {} : { lstsq: (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => lstsq(rt, args, kwargs, ctx) }),
  };
}

/**
 * jnp.linalg.lstsq as linalg.py's _lstsq: x from the reduced SVD with singular values below
 * rcond * s[0] dropped; the residuals always computed (numpy_resid=False), rank, and s.
 */
function lstsq(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('lstsq', ['a', 'b', 'rcond?', '*', 'numpy_resid?'], args, kwargs, ctx);
  if (a.bool('numpy_resid', false)) throw pyError('NotImplementedError', 'jnp.linalg.lstsq(numpy_resid=True) is not supported by Gradlens; leave it out (the residuals are then always computed)');
  const m = floatMatrices(rt, a.required('a'), 'jnp.linalg.lstsq', ctx, false);
  if (m.shape.length !== 2) throw pyError('TypeError', `${m.shape.length}-dimensional array given. Array must be two-dimensional`);
  const b0 = L.arrayArgument(rt, a.required('b'), ctx, false);
  if (b0.shape[0] !== m.shape[0]) throw pyError('ValueError', 'Leading dimensions of input arrays must match');
  if (b0.shape.length > 2) throw pyError('TypeError', `${b0.shape.length}-dimensional array given. Array must be one or two-dimensional`);
  const o = rt.o;
  const [rows, cols] = m.shape;
  const vector = b0.shape.length === 1;
  const b = o.reshape(L.cast(rt, b0.v, m.dtype), vector ? [rows, 1] : b0.shape);
  const given = a.opt('rcond');
  const eps = EPSILON[m.dtype as 'float32' | 'float64'];
  const rcond = given === undefined || given === null ? eps * Math.max(rows, cols) : toFloat(given, ctx) < 0 ? eps : toFloat(given, ctx);
  const { u, s, vh } = reducedSvd(rt, m.v);
  const k = s.shape[0];
  const cutoff = o.broadcastTo(o.mul(new Scalar(rcond, m.dtype), o.slice(s, [0], [1])), [k]);
  const mask = o.select(o.gt(s, new Scalar(0, m.dtype)), o.ge(s, cutoff), o.full([k], 0, 'bool'));
  const sInv = o.select(mask, o.div(new Scalar(1, m.dtype), o.select(mask, s, o.full([k], 1, m.dtype))), o.full([k], 0, m.dtype));
  const uTb = matmul(o, transposed(o, u), b);
  const x = matmul(o, transposed(o, vh), o.mul(o.broadcastTo(o.reshape(sInv, [k, 1]), uTb.shape), uTb));
  const residual = o.sub(b, matmul(o, m.v, x));
  // NB: norm(b - a x, axis=0) ** 2, as JAX writes it: a square root, then its square.
  const resid = o.integerPow(o.sqrt(o.reduceSum(o.mul(residual, residual), [0])), 2);
  const rank = o.reduceSum(o.convert(mask, rt.intDtype(false)), [0]);
  return rt.run(() => new PyTuple([vector ? o.reshape(x, [cols]) : x, resid, rank, s].map((v) => L.wrap(rt, v, false, false))), (r) => (r as PyTuple).items.map((x) => (x as PyArray).v));
}

/** Matrix norms from singular values: ord 2 (largest), -2 (smallest) and 'nuc' (their sum). */
export function singularValueNorm(rt: JaxRuntime, x: PyArray, ord: PyValue): Val {
  const s = singularValues(rt, x.v);
  if (ord === 'nuc') return rt.o.reduceSum(s, [0]);
  return ord === 2n ? rt.o.reduceMax(s, [0]) : rt.o.reduceMin(s, [0]);
}
