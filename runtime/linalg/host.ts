import { sizeOf, type AbstractValue } from '../core';
import type { CallParamsOf } from '../ir/types';
import type { LinalgPrimitive } from './family';
import { choleskyFactor, householderQr, singularValueDecomposition, symmetricEigen, triangularSolve } from './kernels';
import { LINALG_SHAPE_RULES } from './shapes';

/** What a host run needs of a backend: an operand's elements, and arrays made from values (rounded to their dtype there). */
export interface LinalgHost<A> {
  readAll(x: A): ArrayLike<number>;
  upload(values: ArrayLike<number>, aval: AbstractValue): A;
}

/** One matrix's results from its operands' matrices (float64), in the primitive's result order. */
type MatrixKernel<C extends LinalgPrimitive> = (operands: readonly Float64Array[], shapes: readonly (readonly number[])[], params: CallParamsOf<C>) => Float64Array[];

const lastTwo = (shape: readonly number[]) => [shape[shape.length - 2], shape[shape.length - 1]] as const;

const KERNELS: { readonly [C in LinalgPrimitive]: MatrixKernel<C> } = {
  eigh: ([a], [shape], { lower, sortEigenvalues, subsetByIndex }) => {
    const [n] = lastTwo(shape);
    const { w, v } = symmetricEigen(a, n, lower, sortEigenvalues);
    if (subsetByIndex === null) return [v, w];
    const [lo, hi] = subsetByIndex;
    const d = hi - lo;
    const vs = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) vs[i * d + j] = v[i * n + lo + j];
    return [vs, w.slice(lo, hi)];
  },
  svd: ([a], [shape], { fullMatrices, computeUv }) => {
    const [m, n] = lastTwo(shape);
    const { s, u, vt } = singularValueDecomposition(a, m, n, fullMatrices);
    return computeUv ? [s, u, vt] : [s];
  },
  qr: ([a], [shape], { fullMatrices }) => {
    const [m, n] = lastTwo(shape);
    const { q, r } = householderQr(a, m, n, fullMatrices);
    return [q, r];
  },
  cholesky: ([a], [shape]) => [choleskyFactor(a, lastTwo(shape)[0])],
  triangular_solve: ([a, b], [aShape, bShape], p) => {
    const [rows, cols] = lastTwo(bShape);
    return [triangularSolve(a, b, lastTwo(aShape)[0], rows, cols, p)];
  },
};

/**
 * Runs a linalg primitive on concrete arrays, as JAX's CPU lowering calls LAPACK on each matrix of
 * the batch: the operands read to the host, each matrix factored in float64, the results uploaded
 * in the operand's dtype (one rounding). Every backend runs it so (WebGPU too: its host values).
 */
export function runLinalg<C extends LinalgPrimitive, A extends AbstractValue>(h: LinalgHost<A>, prim: C, inputs: readonly A[], params: CallParamsOf<C>): A[] {
  const outAvals = (LINALG_SHAPE_RULES[prim] as (i: readonly AbstractValue[], p: CallParamsOf<C>) => AbstractValue[])(inputs, params);
  const batchShape = inputs[0].shape.slice(0, -2);
  const batch = sizeOf(batchShape);
  const values = inputs.map((x) => h.readAll(x));
  const matrixShapes = inputs.map((x) => x.shape.slice(-2));
  const matrixSizes = matrixShapes.map(sizeOf);
  const outSizes = outAvals.map((a) => sizeOf(a.shape.slice(batchShape.length)));
  const outs = outSizes.map((n) => new Float64Array(batch * n));
  const kernel = KERNELS[prim] as MatrixKernel<C>;
  for (let b = 0; b < batch; b++) {
    const operands = values.map((v, k) => Float64Array.from({ length: matrixSizes[k] }, (_, i) => v[b * matrixSizes[k] + i]));
    kernel(operands, matrixShapes, params).forEach((r, k) => outs[k].set(r, b * outSizes[k]));
  }
  return outs.map((v, k) => h.upload(v, outAvals[k]));
}
