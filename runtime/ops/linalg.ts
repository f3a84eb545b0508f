/**
 * Dense factorizations of one matrix, written as the runtime's primitives so that every
 * transformation applies to them: the derivative of each composition is the derivative of the
 * factorization (to every order), with no hand-written rule. Each follows the LAPACK routine
 * PyTorch's CPU build calls where the result is not unique (QR's signs: dgeqr2 and dorg2r).
 *
 * The iterative ones (Jacobi) ask the caller after each sweep whether the off-diagonal part is
 * small enough: an eager caller reads it, a tracing caller would fix a count.
 */
import type { DType } from '../core';
import type { DotDimensionNumbers } from '../primitives';
import type { Ops } from './ops';

const MATMUL: DotDimensionNumbers = { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] };

export function matmul<T>(o: Ops<T>, a: T, b: T): T {
  return o.dotGeneral(a, b, MATMUL);
}

export function transposed<T>(o: Ops<T>, a: T): T {
  return o.transpose(a, [1, 0]);
}

export function identity<T>(o: Ops<T>, rows: number, cols: number, dtype: DType): T {
  return o.convert(o.eq(o.iota('int32', [rows, cols], 0), o.iota('int32', [rows, cols], 1)), dtype);
}

/** Element (i, j) of a matrix, as a 0-d value. */
export function entry<T>(o: Ops<T>, m: T, i: number, j: number): T {
  return o.reshape(o.slice(m, [i, j], [i + 1, j + 1]), []);
}

/** Column j of a matrix, as a vector. */
function column<T>(o: Ops<T>, m: T, j: number): T {
  const [rows] = o.shape(m);
  return o.reshape(o.slice(m, [0, j], [rows, j + 1]), [rows]);
}

/** `x` where it is nonzero, 1 where it is zero: a divisor whose zero case the caller discards (no 0/0 in a gradient). */
function nonzero<T>(o: Ops<T>, x: T): T {
  return o.select(o.eq(x, o.scalarLike(0, x)), o.scalarLike(1, x), x);
}

function both<T>(o: Ops<T>, a: T, b: T): T {
  return o.select(a, b, o.scalar(0, 'bool'));
}

/** sqrt, with gradient 0 (not 0 * inf) where s is 0. */
function safeSqrt<T>(o: Ops<T>, s: T): T {
  const zero = o.eq(s, o.scalarLike(0, s));
  return o.select(zero, o.scalarLike(0, s), o.sqrt(nonzero(o, s)));
}

export interface Elimination<T> {
  /** a^-1 b, when b was given. */
  readonly solution: T | null;
  readonly det: T;
  /** The sign of the row permutation (1 or -1): with the pivots' signs, the determinant's sign, which det may lose to underflow. */
  readonly parity: T;
  /** The pivots in order: LU's diagonal under the same partial pivoting (an exact zero means singular). */
  readonly pivots: readonly T[];
}

/**
 * Gauss-Jordan elimination with partial pivoting on [a | b]: the pivot of each column is the
 * largest |entry| at or below the diagonal, as getrf chooses, so the pivots are LU's and the
 * determinant is theirs times the permutation's sign (a singular matrix's is -0 or 0 as LAPACK's).
 */
export function gaussJordan<T>(o: Ops<T>, a: T, b: T | null): Elimination<T> {
  const [n] = o.shape(a);
  const dtype = o.dtype(a);
  const width = n + (b === null ? 0 : o.shape(b)[1]);
  let m = b === null ? a : o.concatenate([a, b], 1);
  let det = o.scalar(1, dtype);
  let parity = o.scalar(1, dtype);
  const pivots: T[] = [];
  const rows = o.iota('int32', [n], 0);
  const index = (i: number) => o.scalar(i, 'int32');
  for (let c = 0; c < n; c++) {
    const below = o.slice(m, [c, c], [n, c + 1]);
    const p = o.add(o.argmax(o.reshape(o.abs(below), [n - c]), 0), index(c));
    const isC = o.eq(rows, index(c));
    const swap = o.select(isC, o.broadcastTo(p, [n]), o.select(o.eq(rows, p), o.broadcastTo(index(c), [n]), rows));
    m = o.gather(m, swap, 0);
    const swapSign = o.select(o.eq(p, index(c)), o.scalar(1, dtype), o.scalar(-1, dtype));
    det = o.mul(det, swapSign);
    parity = o.mul(parity, swapSign);
    const pivot = entry(o, m, c, c);
    pivots.push(pivot);
    det = o.mul(det, pivot);
    const row = o.div(o.slice(m, [c, 0], [c + 1, width]), nonzero(o, pivot));
    const eliminated = o.sub(m, o.mul(o.slice(m, [0, c], [n, c + 1]), row));
    m = o.select(o.broadcastTo(o.reshape(isC, [n, 1]), [n, width]), o.broadcastTo(row, [n, width]), eliminated);
  }
  return { solution: b === null ? null : o.slice(m, [0, n], [n, width]), det, parity, pivots };
}

/**
 * The lower Cholesky factor of a symmetric matrix s (its lower triangle read), column by column
 * (Cholesky-Crout, as potrf's unblocked loop), with the pivots (the squares of the diagonal
 * before their square roots: one <= 0 means not positive-definite; the factor is then NaN there).
 */
export function choleskyLower<T>(o: Ops<T>, s: T): { factor: T; pivots: readonly T[] } {
  const [n] = o.shape(s);
  const rows = o.iota('int32', [n], 0);
  const columns: T[] = [];
  const pivots: T[] = [];
  for (let j = 0; j < n; j++) {
    let col = column(o, s, j);
    if (j > 0) {
      const done = o.concatenate(columns, 1);
      col = o.sub(col, o.reshape(matmul(o, done, o.reshape(o.slice(done, [j, 0], [j + 1, j]), [j, 1])), [n]));
    }
    const pivot = o.reshape(o.slice(col, [j], [j + 1]), []);
    pivots.push(pivot);
    const d = o.sqrt(pivot);
    const value = o.select(o.gt(rows, o.scalar(j, 'int32')), o.div(col, d), o.select(o.eq(rows, o.scalar(j, 'int32')), o.broadcastTo(d, [n]), o.zerosLike(col)));
    columns.push(o.reshape(value, [n, 1]));
  }
  return { factor: o.concatenate(columns, 1), pivots };
}

/** One Householder reflector as dlarfg makes it: H = I - tau v v^T with v[k] = 1, and beta, the new a[k][k]. */
interface Reflector<T> {
  readonly v: T;
  readonly tau: T;
  readonly beta: T;
}

/**
 * dlarfg on column k of r below row k-1: no reflection (tau 0, x kept) where x below row k is
 * all zero; otherwise beta = -sign(alpha) |x|, tau = (beta - alpha) / beta, and v's tail x scaled
 * by 1 / (alpha - beta).
 */
function reflector<T>(o: Ops<T>, r: T, k: number): Reflector<T> {
  const [m] = o.shape(r);
  const rows = o.iota('int32', [m], 0);
  const x = column(o, r, k);
  const tailMask = o.gt(rows, o.scalar(k, 'int32'));
  const tail = o.select(tailMask, x, o.zerosLike(x));
  const alpha = entry(o, r, k, k);
  const tailSquares = o.reduceSum(o.mul(tail, tail), [0]);
  const keep = o.eq(tailSquares, o.scalarLike(0, alpha));
  const norm = safeSqrt(o, o.add(o.mul(alpha, alpha), tailSquares));
  const beta = o.select(keep, alpha, o.select(o.ge(alpha, o.scalarLike(0, alpha)), o.neg(norm), norm));
  const tau = o.select(keep, o.scalarLike(0, alpha), o.div(o.sub(beta, alpha), nonzero(o, beta)));
  const scale = o.div(o.scalarLike(1, alpha), nonzero(o, o.sub(alpha, beta)));
  const scaledTail = o.select(keep, tail, o.mul(tail, scale));
  const v = o.select(o.eq(rows, o.scalar(k, 'int32')), o.onesLike(x), scaledTail);
  return { v, tau, beta };
}

/** H a on the columns of a after `after` (dlarf from the left on a(k:m, after+1:n)); a itself where tau is 0, as dlarf skips. */
function reflectColumnsAfter<T>(o: Ops<T>, a: T, h: Reflector<T>, after: number): T {
  const [m, n] = o.shape(a);
  const v = o.reshape(h.v, [m, 1]);
  const reflected = o.sub(a, o.mul(o.mul(h.tau, v), matmul(o, transposed(o, v), a)));
  const later = o.gt(o.iota('int32', [m, n], 1), o.scalar(after, 'int32'));
  const apply = both(o, later, o.broadcastTo(o.ne(h.tau, o.scalarLike(0, h.tau)), [m, n]));
  return o.select(apply, reflected, a);
}

/**
 * QR by Householder reflections, as dgeqr2 then dorg2r build it (so R's diagonal has LAPACK's
 * signs and Q's untouched entries LAPACK's -0): R is m x n (`complete`) or k x n, Q is m x m or m x k,
 * k = min(m, n).
 */
export function householderQr<T>(o: Ops<T>, a: T, complete: boolean): { q: T; r: T } {
  const [m, n] = o.shape(a);
  const k = Math.min(m, n);
  const dtype = o.dtype(a);
  const reflectors: Reflector<T>[] = [];
  let r = a;
  for (let j = 0; j < k; j++) {
    const h = reflector(o, r, j);
    reflectors.push(h);
    r = reflectColumnsAfter(o, r, h, j);
    // Column j becomes beta on the diagonal and zeros below it (the reflector's v is stored there in LAPACK).
    const rows = o.iota('int32', [m, n], 0);
    const cols = o.iota('int32', [m, n], 1);
    const isJ = o.eq(cols, o.scalar(j, 'int32'));
    r = o.select(both(o, isJ, o.eq(rows, o.scalar(j, 'int32'))), o.broadcastTo(h.beta, [m, n]), r);
    r = o.select(both(o, isJ, o.gt(rows, o.scalar(j, 'int32'))), o.zerosLike(r), r);
  }
  const qCols = complete ? m : k;
  // dorg2r: from the last reflector back, column i is (0.., 1 - tau, -tau v's tail), then H_i applies to the columns after it.
  let q = o.full([m, qCols], 0, dtype);
  const qRows = o.iota('int32', [m, qCols], 0);
  const qColumns = o.iota('int32', [m, qCols], 1);
  for (let j = qCols - 1; j >= 0; j--) {
    const isJ = o.eq(qColumns, o.scalar(j, 'int32'));
    if (j >= k) {
      q = o.select(both(o, isJ, o.eq(qRows, o.scalar(j, 'int32'))), o.onesLike(q), q);
      continue;
    }
    const h = reflectors[j];
    q = reflectColumnsAfter(o, q, h, j);
    const scaledTail = o.mul(o.neg(h.tau), h.v);
    const diagonal = o.sub(o.scalarLike(1, h.tau), h.tau);
    const rowsVec = o.iota('int32', [m], 0);
    const col = o.select(o.eq(rowsVec, o.scalar(j, 'int32')), o.broadcastTo(diagonal, [m]), o.select(o.gt(rowsVec, o.scalar(j, 'int32')), scaledTail, o.full([m], 0, dtype)));
    q = o.select(isJ, o.broadcastTo(o.reshape(col, [m, 1]), [m, qCols]), q);
  }
  return { q, r: complete ? r : o.slice(r, [0, 0], [k, n]) };
}

/** The sum of squares of a square matrix's off-diagonal entries and of all its entries. */
export function offDiagonal<T>(o: Ops<T>, s: T): { off: T; total: T } {
  const [n] = o.shape(s);
  const squares = o.mul(s, s);
  const total = o.reduceSum(squares, [0, 1]);
  const diagonal = o.reduceSum(o.mul(squares, identity(o, n, n, o.dtype(s))), [0, 1]);
  return { off: o.sub(total, diagonal), total };
}

/**
 * The Jacobi rotation J (n x n) that zeroes the (p, q) entry of J^T S J for the symmetric 2 x 2
 * block [[spp, spq], [spq, sqq]] (the stable form: t = sign(theta) / (|theta| + sqrt(theta^2 + 1))).
 */
function rotation<T>(o: Ops<T>, n: number, p: number, q: number, spp: T, sqq: T, spq: T): T {
  const dtype = o.dtype(spp);
  const c = (x: number) => o.scalar(x, dtype);
  const zero = o.eq(spq, c(0));
  const theta = o.div(o.sub(sqq, spp), o.mul(c(2), nonzero(o, spq)));
  const sign = o.select(o.ge(theta, c(0)), c(1), c(-1));
  const t = o.select(zero, c(0), o.div(sign, o.add(o.abs(theta), o.sqrt(o.add(o.mul(theta, theta), c(1))))));
  const cos = o.div(c(1), o.sqrt(o.add(o.mul(t, t), c(1))));
  const sin = o.mul(t, cos);
  const at = (i: number, j: number) => o.convert(both(o, o.eq(o.iota('int32', [n, n], 0), o.scalar(i, 'int32')), o.eq(o.iota('int32', [n, n], 1), o.scalar(j, 'int32'))), dtype);
  const pq = o.sub(at(p, q), at(q, p));
  const diagonal = o.add(at(p, p), at(q, q));
  return o.add(identity(o, n, n, dtype), o.add(o.mul(o.sub(cos, c(1)), diagonal), o.mul(sin, pq)));
}

/** At most this many sweeps: cyclic Jacobi converges quadratically, in under 10 for the sizes here. */
const MAX_SWEEPS = 30;

/**
 * Cyclic Jacobi on a symmetric matrix: rotations J accumulate in v while s becomes J^T s J,
 * until `converged` says the off-diagonal part is negligible. Returns the diagonal (unsorted) and v.
 */
export function jacobiEigen<T>(o: Ops<T>, s: T, converged: (m: T) => boolean): { values: T; vectors: T } {
  const [n] = o.shape(s);
  const dtype = o.dtype(s);
  let a = s;
  let v = identity(o, n, n, dtype);
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged(a); sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const j = rotation(o, n, p, q, entry(o, a, p, p), entry(o, a, q, q), entry(o, a, p, q));
        a = matmul(o, transposed(o, j), matmul(o, a, j));
        v = matmul(o, v, j);
      }
    }
  }
  return { values: o.reduceSum(o.mul(a, identity(o, n, n, dtype)), [1]), vectors: v };
}

/**
 * One-sided Jacobi (Hestenes) on an m x n matrix, m >= n: columns are rotated in pairs until they
 * are orthogonal (`converged` is asked about their Gram matrix). Returns the rotated columns
 * (u_j sigma_j, unsorted) and the accumulated rotations v, so that a = columns v^T.
 */
export function oneSidedJacobi<T>(o: Ops<T>, a: T, converged: (gram: T) => boolean): { columns: T; v: T } {
  const [, n] = o.shape(a);
  const dtype = o.dtype(a);
  let u = a;
  let v = identity(o, n, n, dtype);
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged(matmul(o, transposed(o, u), u)); sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const up = column(o, u, p);
        const uq = column(o, u, q);
        const dot = (x: T, y: T) => o.reduceSum(o.mul(x, y), [0]);
        const j = rotation(o, n, p, q, dot(up, up), dot(uq, uq), dot(up, uq));
        u = matmul(o, u, j);
        v = matmul(o, v, j);
      }
    }
  }
  return { columns: u, v };
}
