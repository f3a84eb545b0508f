/**
 * The factorizations' numerics on the host, in float64, one matrix at a time (row-major
 * Float64Arrays): what LAPACK computes for JAX's CPU lowering (syevd, gesdd, geqrf + orgqr, potrf,
 * trsm), by methods that converge to working precision whatever the size: cyclic Jacobi for eigh,
 * one-sided (Hestenes) Jacobi for svd, Householder reflections for qr. The caller rounds the
 * results to the operand's dtype.
 *
 * Where the result is not unique the choices are documented here:
 * - eigh's and svd's vectors: each is unique only up to sign, and LAPACK's sign follows from its
 *   reductions with no rule to match; here each eigenvector and each left singular vector has its
 *   largest-magnitude entry positive (the first such where several tie), the right singular vector
 *   flipped with it.
 * - svd's left vectors of a zero singular value and full_matrices' extra columns: an orthonormal
 *   completion (Gram-Schmidt over the unit vectors, the one farthest from the span first).
 * - qr: dgeqr2's reflectors (R's diagonal -sign(alpha) |x|, no reflection where the column below the
 *   diagonal is zero) and dorg2r's Q, so the signs are LAPACK's and NumPy's.
 *
 * Each sweep and each reflector asks whether the run must stop: a large matrix takes seconds.
 */
import { checkInterrupt } from '../core';

const EPSILON = 2 ** -52;
/** Sweeps after which Jacobi stops even if a rotation is still wanted (it converges quadratically: 6 to 11 sweeps, the last rotating nothing, on random matrices of order 10 to 200). */
const MAX_SWEEPS = 60;

export interface Eigen { readonly w: Float64Array; readonly v: Float64Array }

function nanFilled(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

const hasNaN = (a: ArrayLike<number>) => Array.prototype.some.call(a, (x: number) => Number.isNaN(x));

/**
 * The Jacobi rotation (c, s) that zeroes the off-diagonal entry of the symmetric 2 x 2 block
 * [[app, apq], [apq, aqq]] under J^T A J, J = [[c, s], [-s, c]] (the stable form of t = tan).
 */
function rotation(app: number, aqq: number, apq: number): [number, number] {
  const theta = (aqq - app) / (2 * apq);
  const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  return [c, t * c];
}

/**
 * Applies the plane rotation (c, s) to two lines of `a`, `count` entries `step` apart from `first`
 * and `second`: each pair (x, y) becomes (c x - s y, s x + c y). Rows (step 1) or columns (step n).
 */
function rotate(a: Float64Array, first: number, second: number, count: number, step: number, c: number, s: number): void {
  for (let k = 0, i = first, j = second; k < count; k++, i += step, j += step) {
    const x = a[i];
    const y = a[j];
    a[i] = c * x - s * y;
    a[j] = s * x + c * y;
  }
}

/**
 * Eigenvalues and unit eigenvectors (columns of v) of the symmetric n x n matrix whose `lower` (or
 * upper) triangle `a` holds, by cyclic Jacobi: a rotation is skipped where |a_pq| is already below
 * epsilon sqrt(|a_pp a_qq|) (relative accuracy), and the sweeps end when none is wanted. NaN in the
 * triangle gives NaN everywhere, as LAPACK's failure does under JAX.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, lower: boolean, sort: boolean): Eigen {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * n + j] = (lower ? i >= j : i <= j) ? a[i * n + j] : a[j * n + i];
  }
  if (hasNaN(m)) return { w: nanFilled(n), v: nanFilled(n * n) };
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    checkInterrupt();
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0 || Math.abs(apq) <= EPSILON * Math.sqrt(Math.abs(m[p * n + p] * m[q * n + q])) * 0.5) continue;
        rotated = true;
        const [c, s] = rotation(m[p * n + p], m[q * n + q], apq);
        rotate(m, p, q, n, n, c, s);
        rotate(m, p * n, q * n, n, 1, c, s);
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        rotate(v, p, q, n, n, c, s);
      }
    }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (sort) order.sort((i, j) => m[i * n + i] - m[j * n + j] || i - j);
  const w = new Float64Array(n);
  const vs = new Float64Array(n * n);
  order.forEach((from, to) => {
    w[to] = m[from * n + from];
    const sign = largestEntrySign(v, n, n, from);
    for (let k = 0; k < n; k++) vs[k * n + to] = sign * v[k * n + from];
  });
  return { w, v: vs };
}

/** +1 or -1: the sign of column j's largest-magnitude entry (the first such where several tie). */
function largestEntrySign(x: Float64Array, rows: number, cols: number, j: number, columnMajor = false): number {
  let best = 0;
  for (let k = 0; k < rows; k++) {
    const e = columnMajor ? x[j * cols + k] : x[k * cols + j];
    if (Math.abs(e) > Math.abs(best)) best = e;
  }
  return best < 0 ? -1 : 1;
}

export interface Svd {
  /** Descending, min(m, n) of them. */
  readonly s: Float64Array;
  /** m x uCols. */
  readonly u: Float64Array;
  /** vtRows x n. */
  readonly vt: Float64Array;
}

/**
 * The SVD of the m x n matrix a: one-sided Jacobi on the columns of a (of a^T when m < n), the
 * rotations accumulated in V, until every pair of columns is orthogonal to working precision; the
 * singular values are the columns' norms. `full` completes U (and V) to square orthogonal matrices.
 */
export function singularValueDecomposition(a: ArrayLike<number>, m: number, n: number, full: boolean): Svd {
  if (m < n) {
    const t = transpose(Float64Array.from(a), m, n);
    const r = singularValueDecomposition(t, n, m, full);
    // a = t^T = (U S V^T)^T = V S U^T; then the left vectors take the sign rule, the right ones follow.
    const u = transpose(r.vt, m, m);
    const vtRows = full ? n : m;
    const vt = transpose(r.u, n, vtRows);
    for (let j = 0; j < m; j++) {
      if (largestEntrySign(u, m, m, j) > 0) continue;
      for (let i = 0; i < m; i++) u[i * m + j] = -u[i * m + j];
      for (let i = 0; i < n; i++) vt[j * n + i] = -vt[j * n + i];
    }
    return { s: r.s, u, vt };
  }
  const k = n;
  if (hasNaN(a)) return { s: nanFilled(k), u: nanFilled(m * (full ? m : k)), vt: nanFilled((full ? n : k) * n) };
  // Column-major copies: each rotation works on two columns.
  const u = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) u[j * m + i] = a[i * n + j];
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    checkInterrupt();
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = u[p * m + i];
          const y = u[q * m + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= EPSILON * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const [c, s] = rotation(alpha, beta, gamma);
        rotate(u, p * m, q * m, m, 1, c, s);
        rotate(v, p * n, q * n, n, 1, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => columnNorm(u, m, j));
  const order = Array.from({ length: n }, (_, j) => j).sort((i, j) => norms[j] - norms[i] || i - j);
  const uCols = full ? m : k;
  const us = new Float64Array(m * uCols);
  const vt = new Float64Array((full ? n : k) * n);
  const s = new Float64Array(k);
  const missing: number[] = [];
  order.forEach((from, to) => {
    const sigma = norms[from];
    s[to] = sigma;
    if (sigma === 0) {
      missing.push(to);
      for (let i = 0; i < n; i++) vt[to * n + i] = v[from * n + i];
      return;
    }
    const sign = largestEntrySign(u, m, m, from, true);
    for (let i = 0; i < m; i++) us[i * uCols + to] = (sign * u[from * m + i]) / sigma;
    for (let i = 0; i < n; i++) vt[to * n + i] = sign * v[from * n + i];
  });
  for (let j = k; j < uCols; j++) missing.push(j);
  completeColumns(us, m, uCols, missing);
  return { s, u: us, vt };
}

function columnNorm(colMajor: Float64Array, rows: number, j: number): number {
  let scale = 0;
  for (let i = 0; i < rows; i++) scale = Math.max(scale, Math.abs(colMajor[j * rows + i]));
  if (scale === 0) return 0;
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const x = colMajor[j * rows + i] / scale;
    sum += x * x;
  }
  return scale * Math.sqrt(sum);
}

function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
  return t;
}

/**
 * Fills the columns `missing` of the row-major rows x cols matrix x (the others orthonormal) with
 * unit vectors orthogonal to every other column: for each, the unit vector e_i farthest from the
 * span so far, orthogonalized twice (Gram-Schmidt with reorthogonalization).
 */
function completeColumns(x: Float64Array, rows: number, cols: number, missing: readonly number[]): void {
  const filled = new Set(Array.from({ length: cols }, (_, j) => j).filter((j) => !missing.includes(j)));
  for (const target of missing) {
    let best: Float64Array | null = null;
    let bestNorm = -1;
    for (let e = 0; e < rows; e++) {
      const y = new Float64Array(rows);
      y[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const j of filled) {
          let dot = 0;
          for (let i = 0; i < rows; i++) dot += x[i * cols + j] * y[i];
          for (let i = 0; i < rows; i++) y[i] -= dot * x[i * cols + j];
        }
      }
      const norm = Math.hypot(...y);
      if (norm > bestNorm) {
        bestNorm = norm;
        best = y;
      }
    }
    for (let i = 0; i < rows; i++) x[i * cols + target] = best![i] / bestNorm;
    filled.add(target);
  }
}

export interface Qr { readonly q: Float64Array; readonly r: Float64Array }

/**
 * QR of the m x n matrix a by Householder reflections as dgeqr2 then dorg2r: Q is m x m (`full`)
 * or m x k, R is m x n or k x n, k = min(m, n).
 */
export function householderQr(a: ArrayLike<number>, m: number, n: number, full: boolean): Qr {
  const k = Math.min(m, n);
  const r = Float64Array.from(a);
  const taus = new Float64Array(k);
  const vs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    checkInterrupt();
    // dlarfg on r(j:m, j): beta = -sign(alpha) |x|, tau = (beta - alpha) / beta, v = x(j+1:) / (alpha - beta).
    const alpha = r[j * n + j];
    let tail = 0;
    for (let i = j + 1; i < m; i++) tail += r[i * n + j] * r[i * n + j];
    const v = new Float64Array(m);
    v[j] = 1;
    vs.push(v);
    if (tail === 0) continue;
    const norm = Math.sqrt(alpha * alpha + tail);
    const beta = alpha >= 0 ? -norm : norm;
    taus[j] = (beta - alpha) / beta;
    for (let i = j + 1; i < m; i++) v[i] = r[i * n + j] / (alpha - beta);
    reflectColumns(r, m, n, v, taus[j], j, j + 1);
    r[j * n + j] = beta;
    for (let i = j + 1; i < m; i++) r[i * n + j] = 0;
  }
  const qCols = full ? m : k;
  const q = new Float64Array(m * qCols);
  // dorg2r: columns past the reflectors start as unit vectors; from the last reflector back,
  // H_j applies to the columns after j, and column j becomes (0.., 1 - tau, -tau v's tail).
  for (let j = k; j < qCols; j++) q[j * qCols + j] = 1;
  for (let j = k - 1; j >= 0; j--) {
    if (taus[j] !== 0) reflectColumns(q, m, qCols, vs[j], taus[j], j, j + 1);
    for (let i = 0; i < j; i++) q[i * qCols + j] = 0;
    q[j * qCols + j] = 1 - taus[j];
    for (let i = j + 1; i < m; i++) q[i * qCols + j] = -taus[j] * vs[j][i];
  }
  const rRows = full ? m : k;
  return { q, r: r.slice(0, rRows * n) };
}

/** (I - tau v v^T) x on rows `fromRow`.. and columns `fromCol`.. of the row-major rows x cols matrix x (dlarf from the left). */
function reflectColumns(x: Float64Array, rows: number, cols: number, v: Float64Array, tau: number, fromRow: number, fromCol: number): void {
  for (let c = fromCol; c < cols; c++) {
    let dot = 0;
    for (let i = fromRow; i < rows; i++) dot += v[i] * x[i * cols + c];
    if (dot === 0) continue;
    for (let i = fromRow; i < rows; i++) x[i * cols + c] -= tau * v[i] * dot;
  }
}

/**
 * The lower Cholesky factor of the symmetric n x n matrix whose lower triangle `a` holds
 * (potrf's column order), zeros above the diagonal; NaN everywhere where a pivot is not positive
 * (not positive definite, or NaN), as JAX's lowering of a failed potrf.
 */
export function choleskyFactor(a: ArrayLike<number>, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = a[j * n + j];
    for (let k = 0; k < j; k++) pivot -= l[j * n + k] * l[j * n + k];
    if (!(pivot > 0)) return nanFilled(n * n);
    const d = Math.sqrt(pivot);
    l[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let x = a[i * n + j];
      for (let k = 0; k < j; k++) x -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = x / d;
    }
  }
  return l;
}

export interface TriangularSolve {
  readonly leftSide: boolean;
  readonly lower: boolean;
  readonly transposeA: boolean;
  readonly unitDiagonal: boolean;
}

/**
 * x with op(a) x = b (left side; b is m x cols) or x op(a) = b (b is rows x m), op(a) = a or a^T,
 * a an m x m triangular matrix (only its `lower` or upper triangle read, the diagonal taken as
 * ones where `unitDiagonal`), by substitution as trsm: a zero on the diagonal gives inf or NaN.
 */
export function triangularSolve(a: ArrayLike<number>, b: ArrayLike<number>, m: number, bRows: number, bCols: number, p: TriangularSolve): Float64Array {
  // x op(a) = b  <=>  op(a)^T x^T = b^T: both become a left solve with t = op(a) or op(a)^T.
  const transposed = p.transposeA !== !p.leftSide;
  const t = (i: number, j: number) => (transposed ? a[j * m + i] : a[i * m + j]);
  const lowerT = p.lower !== transposed;
  const rhs = p.leftSide ? Float64Array.from(b) : transpose(Float64Array.from(b), bRows, bCols);
  const cols = p.leftSide ? bCols : bRows;
  for (let c = 0; c < cols; c++) {
    for (let step = 0; step < m; step++) {
      const i = lowerT ? step : m - 1 - step;
      let x = rhs[i * cols + c];
      if (lowerT) for (let j = 0; j < i; j++) x -= t(i, j) * rhs[j * cols + c];
      else for (let j = i + 1; j < m; j++) x -= t(i, j) * rhs[j * cols + c];
      rhs[i * cols + c] = p.unitDiagonal ? x : x / t(i, i);
    }
  }
  return p.leftSide ? rhs : transpose(rhs, m, cols);
}
