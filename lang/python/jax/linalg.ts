/**
 * `jnp.linalg`'s factorizations beyond cholesky, det, inv and solve: `eigh`, `eigvalsh`, `svd`,
 * `qr`, `slogdet`, `pinv`, `matrix_power`, `matrix_rank`, and the matrix norms that need singular
 * values; `eig` is refused (its results are complex). The numerics are the runtime's
 * (runtime/ops/linalg.ts: cyclic Jacobi, one-sided Jacobi, Householder QR as LAPACK's dgeqr2 and
 * dorg2r), written as primitives, so grad, jit and vmap apply and the derivative is the
 * factorization's (JAX's eigh_jvp_rule, svd_jvp_rule and qr_jvp_rule where those are defined).
 *
 * Sign freedom: an eigenvector or a pair of singular vectors is unique only up to sign, and
 * LAPACK's choice (syevd's, gesdd's: what JAX returns) follows from its reductions, with no rule
 * we could match (measured on NumPy over 300 random matrices of each size from 2 to 10: the first,
 * last, largest and sum-of-entries signs are each positive in 23% to 62% of columns). Gradlens
 * makes each vector's largest-magnitude entry positive and says so with a warning at the line.
 *
 * Eagerly (and under grad outside jit) the Jacobi sweeps stop when the off-diagonal part is below
 * the dtype's epsilon; traced under jit or vmap they run a fixed count that converges for the
 * matrix sizes allowed here.
 */
import type { DType } from '../../../runtime/core';
import { gaussJordan, householderQr, identity, jacobiEigen, matmul, oneSidedJacobi, transposed } from '../../../runtime/ops';
import { bindArgs, pyError, PyTuple, toFloat, toIndex, warn, type HostContext, type Kwargs, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { isTracer, Scalar, type Val } from './values';

/** Matrices past this size would unroll the sweeps into too many traced operations. */
const MAX_ORDER = 32;
const EPSILON = { float32: 2 ** -23, float64: 2 ** -52 } as const;
/** Sweeps run when the values cannot be read (jit, vmap): cyclic Jacobi converges quadratically, well within these for n <= 32. */
const TRACED_SWEEPS = { float32: 8, float64: 12 } as const;

type O = JaxRuntime['o'];

function floatMatrix(rt: JaxRuntime, x: PyValue, name: string, ctx: HostContext, numpy: boolean): PyArray {
  const a = L.arrayArgument(rt, x, ctx, numpy);
  if (a.shape.length !== 2) throw pyError('NotImplementedError', `${name} of shape (${a.shape.join(', ')}): Gradlens factors one matrix; use jax.vmap over a batch`);
  if (Math.max(...a.shape) > MAX_ORDER) throw pyError('NotImplementedError', `${name} on matrices larger than ${MAX_ORDER}x${MAX_ORDER} is not supported by Gradlens`);
  if (a.dtype !== 'float32' && a.dtype !== 'float64') {
    if (a.dtype.startsWith('complex')) throw pyError('NotImplementedError', `${name} of a complex matrix is not supported by Gradlens`);
    return L.op(rt, () => L.wrap(rt, L.cast(rt, a.v, numpy ? 'float64' : rt.floatDtype), false, numpy));
  }
  return a;
}

/** The values of `v` where they can be read (concrete, or a trace over concrete primals), else null. */
function readable(rt: JaxRuntime, v: Val): ArrayLike<number> | null {
  if (!isTracer(v)) return rt.read(v);
  const known = rt.knownValue(v);
  return known ? rt.read(known) : null;
}

/** A Jacobi stopping rule: the `small` test on values that can be read, else a fixed sweep count. */
function stopping(rt: JaxRuntime, dtype: 'float32' | 'float64', small: (values: ArrayLike<number>) => boolean): (m: Val) => boolean {
  let sweeps = 0;
  return (m) => {
    const values = readable(rt, m);
    return values ? small(values) : sweeps++ >= TRACED_SWEEPS[dtype];
  };
}

/** Columns of v reordered by `keys` (ascending or descending), the keys with them. */
function sortedBy(o: O, keys: Val, columns: Val | null, descending: boolean): { keys: Val; columns: Val | null } {
  const order = o.bind('argsort', [keys], { dimension: 0, descending, indexDtype: 'int32' });
  return { keys: o.gather(keys, order, 0), columns: columns === null ? null : o.gather(columns, order, 1) };
}

/** +1 or -1 per column: the sign of its largest-magnitude entry (the first such where several tie). */
function columnSigns(o: O, v: Val): Val {
  const [rows, cols] = v.shape;
  const largest = o.argmax(o.abs(v), 0);
  const pick = o.eq(o.iota('int32', [rows, cols], 0), o.broadcastTo(o.reshape(largest, [1, cols]), [rows, cols]));
  const entry = o.reduceSum(o.select(pick, v, o.full([rows, cols], 0, v.dtype)), [0]);
  return o.select(o.lt(entry, new Scalar(0, v.dtype)), o.full([cols], -1, v.dtype), o.full([cols], 1, v.dtype));
}

function signWarning(ctx: HostContext, name: string, what: string): void {
  warn(ctx, `${name}: the sign of each ${what} is arbitrary, and LAPACK's (which JAX and NumPy return) follows no rule Gradlens can match; Gradlens makes each one's largest-magnitude entry positive. Compare sign-invariant results (reconstructions, projections squared, |v|) with JAX's.`);
}

/** Ascending eigenvalues and unit eigenvectors (columns) of a symmetric matrix s. */
function eigh(rt: JaxRuntime, s: Val, vectors: boolean): { w: Val; v: Val | null } {
  const o = rt.o;
  const dtype = s.dtype as 'float32' | 'float64';
  const [n] = s.shape;
  const eps = EPSILON[dtype];
  const { values, vectors: v } = jacobiEigen(o, s, stopping(rt, dtype, (a) => {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n * n; i++) {
      total += a[i] * a[i];
      if (i % (n + 1) !== 0) off += a[i] * a[i];
    }
    return off <= eps * eps * total;
  }));
  const sorted = sortedBy(o, values, vectors ? v : null, false);
  return { w: sorted.keys, v: sorted.columns === null ? null : o.mul(sorted.columns, o.broadcastTo(o.reshape(columnSigns(o, sorted.columns), [1, n]), [n, n])) };
}

/** The reduced SVD (U m x k, S descending, Vh k x n); U's columns of a zero singular value are `zeroColumn` (0 or NaN). */
function svd(rt: JaxRuntime, a: Val, zeroColumn: number): { u: Val; s: Val; vh: Val } {
  const o = rt.o;
  const [rows, cols] = a.shape;
  if (rows < cols) {
    const t = svd(rt, transposed(o, a), zeroColumn);
    return { u: transposed(o, t.vh), s: t.s, vh: transposed(o, t.u) };
  }
  const dtype = a.dtype as 'float32' | 'float64';
  const eps = EPSILON[dtype];
  const { columns, v } = oneSidedJacobi(o, a, stopping(rt, dtype, (g) => {
    for (let p = 0; p < cols; p++) {
      for (let q = p + 1; q < cols; q++) {
        if (Math.abs(g[p * cols + q]) > eps * Math.sqrt(g[p * cols + p] * g[q * cols + q])) return false;
      }
    }
    return true;
  }));
  const squares = o.reduceSum(o.mul(columns, columns), [0]);
  const zero = o.eq(squares, new Scalar(0, dtype));
  const sigma = o.select(zero, o.full([cols], 0, dtype), o.sqrt(o.select(zero, o.full([cols], 1, dtype), squares)));
  const unit = o.div(columns, o.broadcastTo(o.reshape(o.select(zero, o.full([cols], 1, dtype), sigma), [1, cols]), [rows, cols]));
  const u0 = o.select(o.broadcastTo(o.reshape(zero, [1, cols]), [rows, cols]), o.full([rows, cols], zeroColumn, dtype), unit);
  const order = o.bind('argsort', [sigma], { dimension: 0, descending: true, indexDtype: 'int32' });
  const u = o.gather(u0, order, 1);
  const vs = o.gather(v, order, 1);
  const signs = o.broadcastTo(o.reshape(columnSigns(o, u), [1, cols]), [rows, cols]);
  return { u: o.mul(u, signs), s: o.gather(sigma, order, 0), vh: transposed(o, o.mul(vs, o.broadcastTo(o.reshape(columnSigns(o, u), [1, cols]), [cols, cols]))) };
}

/** Q's columns past the first k of a complete QR of `m` (m x k, orthonormal columns): an orthonormal completion. */
function completion(o: O, m: Val): Val {
  const [rows, k] = m.shape;
  const { q } = householderQr(o, m, true);
  return o.slice(q, [0, k], [rows, rows]);
}

const eye = (o: O, n: number, dtype: DType) => identity(o, n, n, dtype);

/** `jnp.linalg`'s functions of this file, for jax.numpy (numpy false) or numpy.linalg. */
export function factorizations(rt: JaxRuntime, numpy: boolean): Record<string, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue> {
  const prefix = numpy ? 'numpy.linalg' : 'jnp.linalg';
  const wrap = (v: Val) => L.wrap(rt, v, false, numpy);
  const squareMatrix = (x: PyValue, name: string, ctx: HostContext) => {
    const a = floatMatrix(rt, x, `${prefix}.${name}`, ctx, numpy);
    if (a.shape[0] !== a.shape[1]) throw pyError('ValueError', `Argument to ${name} must be a square matrix, got shape (${a.shape.join(', ')})`);
    return a;
  };
  // jnp symmetrizes its input, (a + a^T) / 2; NumPy (and jnp with symmetrize_input=False) reads one triangle, UPLO's.
  const symmetric = (a: PyArray, args: { bool: (k: string, d: boolean) => boolean; opt: (k: string) => PyValue | undefined }) => {
    const o = rt.o;
    if (!numpy && args.bool('symmetrize_input', true)) return o.div(o.add(a.v, transposed(o, a.v)), new Scalar(2, a.dtype));
    const uplo = args.opt('UPLO') ?? 'L';
    if (uplo !== 'L' && uplo !== 'U') throw pyError('ValueError', "UPLO argument must be 'L' or 'U'");
    const [n] = a.shape;
    const rows = o.iota('int32', [n, n], 0);
    const cols = o.iota('int32', [n, n], 1);
    return o.select(uplo === 'L' ? o.ge(rows, cols) : o.le(rows, cols), a.v, transposed(o, a.v));
  };
  const results = (vals: Val[]) => rt.run(() => new PyTuple(vals.map(wrap)), (r) => (r as PyTuple).items.map((x) => (x as PyArray).v));
  const singularValues = (a: PyArray) => svd(rt, a.v, 0).s;

  return {
    eig: () => {
      throw pyError('NotImplementedError', `${prefix}.eig returns complex eigenvalues and eigenvectors, which Gradlens does not support; for a symmetric matrix use ${prefix}.eigh`);
    },
    eigvals: () => {
      throw pyError('NotImplementedError', `${prefix}.eigvals returns complex eigenvalues, which Gradlens does not support; for a symmetric matrix use ${prefix}.eigvalsh`);
    },
    eigh: (args, kwargs, ctx) => {
      const a = bindArgs('eigh', ['a', 'UPLO?', 'symmetrize_input?'], args, kwargs, ctx);
      const m = squareMatrix(a.required('a'), 'eigh', ctx);
      signWarning(ctx, `${prefix}.eigh`, 'eigenvector');
      return results((() => {
        const r = eigh(rt, symmetric(m, a), true);
        return [r.w, r.v!];
      })());
    },
    eigvalsh: (args, kwargs, ctx) => {
      const a = bindArgs('eigvalsh', ['a', 'UPLO?', 'symmetrize_input?'], args, kwargs, ctx);
      const m = squareMatrix(a.required('a'), 'eigvalsh', ctx);
      return L.op(rt, () => wrap(eigh(rt, symmetric(m, a), false).w));
    },
    svd: (args, kwargs, ctx) => {
      const a = bindArgs('svd', ['a', 'full_matrices?', 'compute_uv?', 'hermitian?', 'subset_by_index?'], args, kwargs, ctx);
      const m = floatMatrix(rt, a.required('a'), `${prefix}.svd`, ctx, numpy);
      if (a.bool('hermitian', false)) throw pyError('NotImplementedError', `${prefix}.svd(hermitian=True) is not supported by Gradlens; leave hermitian out`);
      if (a.opt('subset_by_index') !== undefined && a.opt('subset_by_index') !== null) throw pyError('NotImplementedError', `${prefix}.svd(subset_by_index=...) is not supported by Gradlens; slice the result`);
      if (!a.bool('compute_uv', true)) return L.op(rt, () => wrap(singularValues(m)));
      signWarning(ctx, `${prefix}.svd`, 'pair of singular vectors');
      // NB: a zero singular value's U column is LAPACK's arbitrary completion: refused where it can be read, NaN where traced.
      const r = svd(rt, m.v, NaN);
      const s = readable(rt, r.s);
      if (s && Array.from(s).some((v) => v === 0)) {
        throw pyError('NotImplementedError', `${prefix}.svd: a zero singular value's singular vectors (an arbitrary orthonormal completion in LAPACK) are not supported by Gradlens; use compute_uv=False, pinv or lstsq`);
      }
      const [rows, cols] = m.shape;
      let { u, vh } = r;
      if (a.bool('full_matrices', true) && rows !== cols) {
        if (rows > cols) u = rt.o.concatenate([u, completion(rt.o, u)], 1);
        else vh = rt.o.concatenate([vh, transposed(rt.o, completion(rt.o, transposed(rt.o, vh)))], 0);
      }
      return results([u, r.s, vh]);
    },
    qr: (args, kwargs, ctx) => {
      const a = bindArgs('qr', ['a', 'mode?'], args, kwargs, ctx);
      const m = floatMatrix(rt, a.required('a'), `${prefix}.qr`, ctx, numpy);
      const mode = a.opt('mode') ?? 'reduced';
      if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') throw pyError(mode === 'raw' ? 'NotImplementedError' : 'ValueError', mode === 'raw' ? `${prefix}.qr(mode='raw') is not supported by Gradlens; use mode='reduced'` : `Unsupported QR decomposition mode '${String(mode)}'`);
      const { q, r } = householderQr(rt.o, m.v, mode === 'complete');
      return mode === 'r' ? L.op(rt, () => wrap(r)) : results([q, r]);
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
      const m = floatMatrix(rt, a.required('a'), `${prefix}.pinv`, ctx, numpy);
      if (a.bool('hermitian', false)) throw pyError('NotImplementedError', `${prefix}.pinv(hermitian=True) is not supported by Gradlens; leave hermitian out`);
      const tol = a.opt('rtol') ?? a.opt('rcond');
      const o = rt.o;
      return L.op(rt, () => {
        const { u, s, vh } = svd(rt, m.v, 0);
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
      const m = floatMatrix(rt, a.required('M'), `${prefix}.matrix_rank`, ctx, numpy);
      const given = a.opt('rtol') ?? a.opt('tol');
      const o = rt.o;
      return L.op(rt, () => {
        const s = singularValues(m);
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
  const m = floatMatrix(rt, a.required('a'), 'jnp.linalg.lstsq', ctx, false);
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
  const { u, s, vh } = svd(rt, m.v, 0);
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
  const s = svd(rt, x.v, 0).s;
  if (ord === 'nuc') return rt.o.reduceSum(s, [0]);
  return ord === 2n ? rt.o.reduceMax(s, [0]) : rt.o.reduceMin(s, [0]);
}
