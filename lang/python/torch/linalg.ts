/**
 * `torch.linalg`'s factorizations and solvers (det, inv, solve, cholesky, qr, svd, svdvals, eigh,
 * eigvalsh, lstsq, pinv, matrix_rank; the norms are linalg_norms.ts), over batches of matrices,
 * with PyTorch 1.13's grad_fn names and errors. Each matrix is factored by the runtime's
 * primitives (runtime/ops/linalg.ts), so gradients of every order come from the composition.
 *
 * Where a factorization is unique only up to signs (the eigenvectors of eigh, the singular
 * vectors of svd) Gradlens's signs may differ from LAPACK's; QR's are LAPACK's. The iterations
 * read their convergence on the host, so these run eagerly.
 */
import type { Tensor } from '../../../runtime/eager';
import { choleskyLower, gaussJordan, householderQr, identity, jacobiEigen, oneSidedJacobi, transposed } from '../../../runtime/ops';
import { bindArgs, type Args, EXCEPTION_TYPES, ExceptionObject, pyError, type HostContext, type NativeFn, PyType, type PyTuple, type PyValue, toFloat } from '../interpreter';
import { asTensor } from './arith';
import { isFloating, SCALAR_TYPE } from './dtype';
import { returnTuple } from './return_types';
import { PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

/** `torch.linalg.LinAlgError` (torch._C._LinAlgError), a RuntimeError: what a singular or indefinite input raises. */
export const LinAlgError: PyType = new PyType('_LinAlgError', {
  module: 'torch._C',
  bases: [EXCEPTION_TYPES.get('RuntimeError')!],
  isException: true,
  construct: (args) => new ExceptionObject(LinAlgError, args),
});

/** Float32's and float64's machine epsilon, as torch.finfo gives them. */
const EPSILON = { float32: 2 ** -23, float64: 2 ** -52 } as const;

type Ops = TorchRuntime['ops'];

/** Checks a batch of matrices as PyTorch's linalg checks its input; returns the batch shape. */
export function matrixInput(name: string, x: PyTensor, square: boolean): number[] {
  if (x.shape.length < 2) throw pyError('RuntimeError', `${name}: The input tensor A must have at least 2 dimensions.`);
  const [r, c] = x.shape.slice(-2);
  if (square && r !== c) throw pyError('RuntimeError', `${name}: A must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (!isFloating(x.dtype)) throw pyError('RuntimeError', `${name}: Expected a floating point or complex tensor as input. Got ${SCALAR_TYPE[x.dtype]}`);
  return x.shape.slice(0, -2);
}

/** f applied to each matrix of t ([..., r, c]), its results stacked back over the batch. */
export function perMatrix(o: Ops, t: Tensor, f: (m: Tensor, index: number) => Tensor[]): Tensor[] {
  const batch = t.shape.slice(0, -2);
  const [r, c] = t.shape.slice(-2);
  if (batch.length === 0) return f(t, 0);
  const count = batch.reduce((p, d) => p * d, 1);
  const flat = o.reshape(t, [count, r, c]);
  const each = Array.from({ length: count }, (_, b) => f(o.reshape(o.slice(flat, [b, 0, 0], [b + 1, r, c]), [r, c]), b));
  return each[0].map((first, i) => {
    const stacked = count === 1 ? o.expandDims(each[0][i], [0]) : o.concatenate(each.map((outs) => o.expandDims(outs[i], [0])), 0);
    return o.reshape(stacked, [...batch, ...first.shape]);
  });
}

function read(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

function batchNote(index: number, batched: boolean): string {
  return batched ? `(Batch element ${index}): ` : '';
}

/** The matrix LAPACK reads when told UPLO: the lower (or upper) triangle mirrored; its gradient is the symmetric part's, as PyTorch's. */
function hermitianPart(o: Ops, m: Tensor, upper: boolean): Tensor {
  const [n] = m.shape;
  const rows = o.iota('int32', [n, n], 0);
  const cols = o.iota('int32', [n, n], 1);
  const kept = o.select(upper ? o.le(rows, cols) : o.ge(rows, cols), m, o.zerosLike(m));
  const strict = o.select(o.eq(rows, cols), o.zerosLike(m), kept);
  const mirrored = o.add(kept, transposed(o, strict));
  const symmetric = o.div(o.add(m, transposed(o, m)), o.scalarLike(2, m));
  return o.add(o.stop_gradient(mirrored), o.sub(symmetric, o.stop_gradient(symmetric)));
}

/** The permutation `order` as a gather along `axis`. */
function reorder(rt: TorchRuntime, t: Tensor, order: readonly number[], axis: number): Tensor {
  return rt.ops.gather(t, rt.engine.fromValues(order, [order.length], 'int32'), axis);
}

function sortedOrder(values: readonly number[], descending: boolean): number[] {
  return values.map((_, i) => i).sort((a, b) => (descending ? values[b] - values[a] : values[a] - values[b]) || a - b);
}

/** Symmetric eigendecomposition of one matrix: ascending eigenvalues, eigenvectors as columns. */
function eigh(rt: TorchRuntime, m: Tensor, upper: boolean): { values: Tensor; vectors: Tensor } {
  const o = rt.ops;
  const s = hermitianPart(o, m, upper);
  const eps = EPSILON[m.dtype as 'float32' | 'float64'];
  const { values, vectors } = jacobiEigen(o, s, (a) => {
    const [n] = a.shape;
    const v = read(a);
    let off = 0;
    let total = 0;
    for (let i = 0; i < n * n; i++) {
      total += v[i] * v[i];
      if (i % (n + 1) !== 0) off += v[i] * v[i];
    }
    return off <= eps * eps * total;
  });
  const order = sortedOrder(read(values), false);
  return { values: reorder(rt, values, order, 0), vectors: reorder(rt, vectors, order, 1) };
}

/** The reduced SVD of one matrix: U (m x k), S descending (k), Vh (k x n). */
function svd(rt: TorchRuntime, m: Tensor): { u: Tensor; s: Tensor; vh: Tensor } {
  const o = rt.ops;
  const [rows, cols] = m.shape;
  if (rows < cols) {
    const t = svd(rt, transposed(o, m));
    return { u: transposed(o, t.vh), s: t.s, vh: transposed(o, t.u) };
  }
  const eps = EPSILON[m.dtype as 'float32' | 'float64'];
  const { columns, v } = oneSidedJacobi(o, m, (gram) => {
    const g = read(gram);
    for (let p = 0; p < cols; p++) {
      for (let q = p + 1; q < cols; q++) {
        if (Math.abs(g[p * cols + q]) > eps * Math.sqrt(g[p * cols + p] * g[q * cols + q])) return false;
      }
    }
    return true;
  });
  const squares = o.reduceSum(o.mul(columns, columns), [0]);
  const zero = o.eq(squares, o.scalarLike(0, squares));
  const sigma = o.select(zero, o.zerosLike(squares), o.sqrt(o.select(zero, o.onesLike(squares), squares)));
  const u = o.div(columns, o.select(zero, o.onesLike(sigma), sigma));
  const order = sortedOrder(read(sigma), true);
  return { u: reorder(rt, u, order, 1), s: reorder(rt, sigma, order, 0), vh: transposed(o, reorder(rt, v, order, 1)) };
}

/** Each matrix's reduced SVD, refusing U's columns PyTorch would complete from a zero singular value. */
function svdOf(x: PyTensor, name: string): { u: Tensor; s: Tensor; vh: Tensor } {
  const rt = x.rt;
  const [u, s, vh] = perMatrix(rt.ops, x.t, (m) => {
    const r = svd(rt, m);
    return [r.u, r.s, r.vh];
  });
  if (name === 'linalg.svd' && read(s).some((v) => v === 0)) {
    throw pyError('NotImplementedError', `${name}: a zero singular value's singular vectors (an arbitrary orthonormal completion in LAPACK) are not supported by Gradlens; use torch.linalg.svdvals or pinv`);
  }
  return { u, s, vh };
}

function inverse(x: PyTensor, solveName: string | null, b: Tensor | null): Tensor {
  const rt = x.rt;
  const o = rt.ops;
  const batched = x.shape.length > 2;
  const [n] = x.shape.slice(-1);
  const [out] = perMatrix(o, b === null ? x.t : o.concatenate([x.t, b], x.shape.length - 1), (m, index) => {
    const a = o.slice(m, [0, 0], [n, n]);
    const rhs = b === null ? identity(o, n, n, m.dtype) : o.slice(m, [0, n], m.shape);
    const e = gaussJordan(o, a, rhs);
    const zero = e.pivots.findIndex((p) => read(p)[0] === 0);
    if (zero >= 0) {
      throw pyError(LinAlgError, solveName === null
        ? `linalg.inv: ${batchNote(index, batched)}The diagonal element ${zero + 1} is zero, the inversion could not be completed because the input matrix is singular.`
        : `${solveName}: ${batchNote(index, batched)}The solver failed because the input matrix is singular.`);
    }
    return [e.solution!];
  });
  return out;
}

function linalgNode(rt: TorchRuntime, name: string, inputs: readonly PyTensor[], f: () => Tensor): PyTensor {
  return rt.run(() => rt.result(rt.engine.composite(name, f), inputs));
}

/** Several results of one PyTorch node, each named as it (PyTorch's one multi-output node). */
function named(name: string, inputs: readonly PyTensor[], outputs: readonly Tensor[]): Tensor[] {
  return outputs.map((t) => T.rename(t, inputs.map((x) => x.t), name));
}

function det(x: PyTensor): PyTensor {
  matrixInput('linalg.det', x, true);
  return linalgNode(x.rt, 'LinalgDetBackward0', [x], () => perMatrix(x.rt.ops, x.t, (m) => [gaussJordan(x.rt.ops, m, null).det])[0]);
}

/**
 * sign(det A) and log|det A| from LU's diagonal, as PyTorch's _linalg_slogdet: the pivots' signs
 * times the permutation's, and the sum of log|pivot| (a singular matrix's sign 0, its log -inf).
 */
function slogdet(x: PyTensor, name: 'slogdet' | 'linalg_slogdet'): PyTuple {
  matrixInput('linalg.slogdet', x, true);
  const rt = x.rt;
  const o = rt.ops;
  return rt.run(() => {
    const [sign, logabsdet] = perMatrix(o, x.t, (m) => {
      const e = gaussJordan(o, m, null);
      const diagonal = o.concatenate(e.pivots.map((p) => o.reshape(p, [1])), 0);
      const sign = o.mul(e.parity, o.reduceProd(o.sign(diagonal), [0]));
      return [sign, o.reduceSum(o.log(o.abs(diagonal)), [0])];
    });
    const outs = named('LinalgSlogdetBackward0', [x], [sign, logabsdet]);
    return returnTuple(name, ['sign', 'logabsdet'], outs.map((t) => rt.result(t, [x])));
  });
}

/** torch.logdet: log|det A| where det A > 0, NaN where it is negative (PyTorch's where(sign == -1, nan, logabsdet)). */
function logdet(x: PyTensor): PyTensor {
  matrixInput('logdet', x, true);
  const [sign, logabsdet] = slogdet(x, 'slogdet').items as PyTensor[];
  const rt = x.rt;
  const o = rt.ops;
  return rt.run(() => {
    const negative = o.eq(sign.t, o.scalarLike(-1, sign.t));
    return rt.result(o.select(negative, o.full(logabsdet.shape, NaN, logabsdet.t.dtype), logabsdet.t), [x]);
  });
}

function inv(x: PyTensor): PyTensor {
  matrixInput('linalg.inv', x, true);
  return linalgNode(x.rt, 'LinalgInvExBackward0', [x], () => inverse(x, null, null));
}

function solve(a: PyTensor, b: PyTensor, left: boolean): PyTensor {
  const rt = a.rt;
  matrixInput('linalg.solve', a, true);
  if (!left) throw pyError('NotImplementedError', 'linalg.solve(left=False) is not supported by Gradlens; solve the transposed system: linalg.solve(A.mT, B.mT).mT');
  const n = a.shape[a.shape.length - 1];
  // B is a vector (or a batch of them) when its shape is A's without the last dim, as PyTorch decides.
  const vector = b.shape.length === 1 || (b.shape.length === a.shape.length - 1 && b.shape.join() === a.shape.slice(0, -1).join());
  const rows = vector ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
  if (rows !== n) {
    const cols = vector ? 1 : b.shape[b.shape.length - 1];
    throw pyError('RuntimeError', `linalg.solve: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${rows}x${cols})`);
  }
  if (b.dtype !== a.dtype) throw pyError('RuntimeError', `linalg.solve: Expected A and B to have the same dtype, but found A of type ${SCALAR_TYPE[a.dtype]} and B of type ${SCALAR_TYPE[b.dtype]} instead`);
  return linalgNode(rt, 'LinalgSolveExBackward0', [a, b], () => {
    const o = rt.ops;
    const rhs = vector ? o.expandDims(b.t, [b.shape.length]) : b.t;
    const batch = [...broadcastBatch(a.shape.slice(0, -2), rhs.shape.slice(0, -2))];
    const x = inverse(new PyTensor(rt, o.broadcastTo(a.t, [...batch, n, n]), a.dtype), 'torch.linalg.solve', o.broadcastTo(rhs, [...batch, ...rhs.shape.slice(-2)]));
    return vector ? o.squeeze(x, [x.shape.length - 1]) : x;
  });
}

function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[i - (rank - a.length)] ?? 1;
    const y = b[i - (rank - b.length)] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw pyError('RuntimeError', `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    return Math.max(x, y);
  });
}

function cholesky(x: PyTensor, upper: boolean): PyTensor {
  const rt = x.rt;
  matrixInput('linalg.cholesky', x, true);
  const batched = x.shape.length > 2;
  return linalgNode(rt, 'LinalgCholeskyExBackward0', [x], () => {
    const o = rt.ops;
    const [l] = perMatrix(o, x.t, (m, index) => {
      const { factor, pivots } = choleskyLower(o, hermitianPart(o, m, false));
      const bad = pivots.findIndex((p) => !(read(p)[0] > 0));
      if (bad >= 0) {
        throw pyError(LinAlgError, `linalg.cholesky: ${batchNote(index, batched)}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${bad + 1} is not positive-definite).`);
      }
      return [upper ? transposed(o, factor) : factor];
    });
    return l;
  });
}

function qr(x: PyTensor, mode: string): PyValue {
  const rt = x.rt;
  matrixInput('linalg.qr', x, false);
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') throw pyError('RuntimeError', `qr received unrecognized mode '${mode}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  return rt.run(() => {
    const o = rt.ops;
    const [q, r] = named('LinalgQrBackward0', [x], perMatrix(o, x.t, (m) => {
      const f = householderQr(o, m, mode === 'complete');
      return [f.q, f.r];
    }));
    const qOut = mode === 'r' ? rt.wrap(rt.engine.fromValues([], [0], q.dtype)) : rt.result(q, [x]);
    return returnTuple('linalg_qr', ['Q', 'R'], [qOut, rt.result(r, [x])]);
  });
}

function svdFunction(x: PyTensor, fullMatrices: boolean): PyValue {
  const rt = x.rt;
  matrixInput('linalg.svd', x, false);
  const [r, c] = x.shape.slice(-2);
  if (fullMatrices && r !== c) {
    throw pyError('NotImplementedError', `linalg.svd(full_matrices=True) of ${r} by ${c} matrices is not supported by Gradlens (the extra singular vectors are an arbitrary completion); use full_matrices=False`);
  }
  return rt.run(() => {
    const { u, s, vh } = svdOf(x, 'linalg.svd');
    const outs = named('LinalgSvdBackward0', [x], [u, s, vh]);
    return returnTuple('linalg_svd', ['U', 'S', 'Vh'], outs.map((t) => rt.result(t, [x])));
  });
}

/** The singular values of each matrix (descending), as svdvals, matrix_norm and matrix_rank use them. */
export function singularValues(x: PyTensor, name: string): Tensor {
  matrixInput(name, x, false);
  return T.rename(svdOf(x, name).s, [x.t], 'LinalgSvdBackward0');
}

function eighFunction(x: PyTensor, uplo: string, valuesOnly: boolean): PyValue {
  const rt = x.rt;
  matrixInput(valuesOnly ? 'linalg.eigvalsh' : 'linalg.eigh', x, true);
  if (uplo !== 'L' && uplo !== 'U') throw pyError('RuntimeError', `Expected UPLO argument to be 'L' or 'U', but got ${uplo}`);
  return rt.run(() => {
    const [values, vectors] = named('LinalgEighBackward0', [x], perMatrix(rt.ops, x.t, (m) => {
      const e = eigh(rt, m, uplo === 'U');
      return [e.values, e.vectors];
    }));
    if (valuesOnly) return rt.result(values, [x]);
    return returnTuple('linalg_eigh', ['eigenvalues', 'eigenvectors'], [rt.result(values, [x]), rt.result(vectors, [x])]);
  });
}

/** The tolerance below which a singular value counts as zero: max(atol, rtol * largest), rtol eps * max(m, n) when neither is given. */
interface Tolerances {
  readonly atol: PyValue | undefined;
  readonly rtol: PyValue | undefined;
}

function tolerancesOf(a: Args): Tolerances {
  return { atol: a.opt('atol') ?? a.opt('tol'), rtol: a.opt('rtol') };
}

function tolerance(x: PyTensor, tol: Tolerances, s: Tensor): Tensor {
  const o = x.rt.ops;
  const [m, n] = x.shape.slice(-2);
  const toValue = (v: PyValue | undefined) => (v === undefined ? null : v instanceof PyTensor ? v.t : o.scalar(toFloat(v, x.rt.ctx), s.dtype));
  const absolute = toValue(tol.atol);
  const rtol = toValue(tol.rtol) ?? (absolute === null ? o.scalar(EPSILON[s.dtype as 'float32' | 'float64'] * Math.max(m, n), s.dtype) : o.scalar(0, s.dtype));
  const largest = s.shape[s.shape.length - 1] === 0 ? o.zerosLike(o.reduceSum(s, [s.shape.length - 1])) : o.reduceMax(s, [s.shape.length - 1]);
  const relative = o.mul(rtol, largest);
  return o.expandDims(absolute === null ? relative : o.max(o.broadcastTo(absolute, relative.shape), relative), [relative.shape.length]);
}

function pinv(x: PyTensor, a: Args): PyTensor {
  const rt = x.rt;
  matrixInput('linalg.pinv', x, false);
  if (a.bool('hermitian', false)) throw pyError('NotImplementedError', 'linalg.pinv(hermitian=True) is not supported by Gradlens; leave hermitian False (the same answer through the SVD)');
  return linalgNode(rt, 'LinalgPinvBackward0', [x], () => pseudoInverse(x, tolerancesOf(a)));
}

function pseudoInverse(x: PyTensor, tol: Tolerances): Tensor {
  const o = x.rt.ops;
  const { u, s, vh } = svdOf(x, 'linalg.pinv');
  const kept = o.gt(s, tolerance(x, tol, s));
  const inverseS = o.select(kept, o.div(o.onesLike(s), o.select(kept, s, o.onesLike(s))), o.zerosLike(s));
  const rank = x.shape.length;
  const scaledV = o.mul(o.transpose(vh, [...x.shape.slice(0, -2).map((_, i) => i), rank - 1, rank - 2]), o.expandDims(inverseS, [rank - 2]));
  const batchDims = x.shape.slice(0, -2).map((_, i) => i);
  const uT = o.transpose(u, [...batchDims, rank - 1, rank - 2]);
  return o.dotGeneral(scaledV, uT, { lhsContracting: [rank - 1], rhsContracting: [rank - 2], lhsBatch: batchDims, rhsBatch: batchDims });
}

function matrixRank(x: PyTensor, a: Args): PyTensor {
  const rt = x.rt;
  if (a.bool('hermitian', false)) throw pyError('NotImplementedError', 'linalg.matrix_rank(hermitian=True) is not supported by Gradlens; leave hermitian False (the same rank through the SVD)');
  return rt.run(() => rt.engine.withGradMode(false, () => {
    const o = rt.ops;
    const s = singularValues(x, 'linalg.matrix_rank');
    const count = o.reduceSum(o.convert(o.gt(s, tolerance(x, tolerancesOf(a), s)), 'int32'), [s.shape.length - 1]);
    return rt.wrap(count, 'int64');
  }));
}

function lstsq(a: PyTensor, b: PyTensor, args: Args): PyValue {
  const rt = a.rt;
  matrixInput('linalg.lstsq', a, false);
  const driver = args.opt('driver');
  if (driver !== undefined && driver !== 'gelsy') throw pyError('NotImplementedError', `linalg.lstsq(driver=${rt.ctx.repr(driver)}) is not supported by Gradlens; its residuals and singular values are not computed: use the default driver ('gelsy')`);
  if (b.dtype !== a.dtype) throw pyError('RuntimeError', `torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype ${SCALAR_TYPE[a.dtype]} and other's dtype ${SCALAR_TYPE[b.dtype]}`);
  const vector = b.shape.length === a.shape.length - 1;
  const m = a.shape[a.shape.length - 2];
  const rows = b.shape[vector ? b.shape.length - 1 : b.shape.length - 2];
  if (rows !== m) throw pyError('RuntimeError', `torch.linalg.lstsq: input.size(-2) should match other.size(-2)`);
  return rt.run(() => {
    const o = rt.ops;
    // gelsy's rcond: eps * max(m, n), relative to the largest singular value.
    const tol: Tolerances = { atol: undefined, rtol: args.opt('rcond') };
    const solution = rt.engine.composite('LinalgLstsqBackward0', () => {
      const p = pseudoInverse(a, tol);
      const rhs = vector ? o.expandDims(b.t, [b.shape.length]) : b.t;
      const r = a.shape.length;
      const batchDims = a.shape.slice(0, -2).map((_, i) => i);
      const x = o.dotGeneral(p, rhs, { lhsContracting: [r - 1], rhsContracting: [r - 2], lhsBatch: batchDims, rhsBatch: batchDims });
      return vector ? o.squeeze(x, [x.shape.length - 1]) : x;
    });
    const rank = rt.engine.withGradMode(false, () => {
      const s = singularValues(a, 'linalg.lstsq');
      return rt.wrap(o.reduceSum(o.convert(o.gt(s, tolerance(a, tol, s)), 'int32'), [s.shape.length - 1]), 'int64');
    });
    const empty = () => rt.wrap(rt.engine.fromValues([], [0], a.t.dtype));
    return returnTuple('linalg_lstsq', ['solution', 'residuals', 'rank', 'singular_values'], [rt.result(solution, [a, b]), empty(), rank, empty()]);
  });
}

function tensorArg(rt: TorchRuntime, v: PyValue, ctx: HostContext, name = 'input'): PyTensor {
  return asTensor(rt, v, ctx, name);
}

/** torch's own names for four of them, also Tensor methods: `torch.det(A)`, `A.inverse()`. */
export const LINALG_FUNCTION_NAMES = ['det', 'inverse', 'logdet', 'slogdet'] as const;
export const LINALG_METHODS: { readonly [name in (typeof LINALG_FUNCTION_NAMES)[number]]: Method } = {
  det: (x, args, kwargs, ctx) => (bindArgs('det', [], args, kwargs, ctx), det(x)),
  inverse: (x, args, kwargs, ctx) => (bindArgs('inverse', [], args, kwargs, ctx), inv(x)),
  logdet: (x, args, kwargs, ctx) => (bindArgs('logdet', [], args, kwargs, ctx), logdet(x)),
  slogdet: (x, args, kwargs, ctx) => (bindArgs('slogdet', [], args, kwargs, ctx), slogdet(x, 'slogdet')),
};

export const LINALG_FACTORIZATION_NAMES = ['det', 'inv', 'slogdet', 'solve', 'cholesky', 'qr', 'svd', 'svdvals', 'eigh', 'eigvalsh', 'lstsq', 'pinv', 'matrix_rank'] as const;

/** The factorization functions of `torch.linalg`, by name. */
export function linalgFactorizations(rt: TorchRuntime): Record<(typeof LINALG_FACTORIZATION_NAMES)[number], NativeFn> {
  const one = (name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): NativeFn => (args, kwargs, ctx) => {
    const a = bindArgs(name, spec, args, kwargs, ctx);
    return body(tensorArg(rt, a.required(spec[0]), ctx, spec[0]), a, ctx);
  };
  return {
    det: one('det', ['A'], (x) => det(x)),
    inv: one('inv', ['A'], (x) => inv(x)),
    slogdet: one('slogdet', ['A'], (x) => slogdet(x, 'linalg_slogdet')),
    solve: one('solve', ['A', 'B', '*', 'left?'], (x, a, ctx) => solve(x, tensorArg(rt, a.required('B'), ctx, 'B'), a.bool('left', true))),
    cholesky: one('cholesky', ['A', '*', 'upper?'], (x, a) => cholesky(x, a.bool('upper', false))),
    qr: one('qr', ['A', 'mode?'], (x, a) => qr(x, a.str('mode', 'reduced'))),
    svd: one('svd', ['A', 'full_matrices?', '*', 'driver?'], (x, a) => svdFunction(x, a.bool('full_matrices', true))),
    svdvals: one('svdvals', ['A', '*', 'driver?'], (x) => rt.run(() => rt.result(singularValues(x, 'linalg.svdvals'), [x]))),
    eigh: one('eigh', ['A', 'UPLO?'], (x, a) => eighFunction(x, a.str('UPLO', 'L'), false)),
    eigvalsh: one('eigvalsh', ['A', 'UPLO?'], (x, a) => eighFunction(x, a.str('UPLO', 'L'), true)),
    lstsq: one('lstsq', ['A', 'B', 'rcond?', '*', 'driver?'], (x, a, ctx) => lstsq(x, tensorArg(rt, a.required('B'), ctx, 'B'), a)),
    pinv: one('pinv', ['A', '*', 'atol?', 'rtol?', 'hermitian?'], (x, a) => pinv(x, a)),
    matrix_rank: one('matrix_rank', ['A', '*', 'atol?', 'rtol?', 'hermitian?', 'tol?'], (x, a) => matrixRank(x, a)),
  };
}
