import { formatAval, isFloat, type AbstractValue } from '../core';
import type { CallParamsOf } from '../ir/types';
import type { LinalgPrimitive } from './family';

type LinalgShapeRule<C extends LinalgPrimitive> = (inputs: readonly AbstractValue[], params: CallParamsOf<C>) => AbstractValue[];

/** A batch of matrices [..., m, n] of a float dtype (JAX's real LAPACK types), else JAX's error. */
function matrices(prim: string, x: AbstractValue | undefined, what: string): { batch: number[]; m: number; n: number } {
  if (!x || x.shape.length < 2) throw new TypeError(`${what} must have ndims >= 2, got ${x ? formatAval(x) : 'no operand'}`);
  if (!isFloat(x.dtype)) throw new TypeError(`${prim} of ${formatAval(x)}: Gradlens factors float32 and float64 matrices; convert the operand with .astype(jnp.float32)`);
  return { batch: x.shape.slice(0, -2), m: x.shape[x.shape.length - 2], n: x.shape[x.shape.length - 1] };
}

const aval = (shape: readonly number[], like: AbstractValue): AbstractValue => ({ shape: [...shape], dtype: like.dtype });

/** The result types of lax.linalg's primitives (JAX's abstract evaluation rules, their errors' words). */
export const LINALG_SHAPE_RULES: { readonly [C in LinalgPrimitive]: LinalgShapeRule<C> } = {
  eigh: ([x], { subsetByIndex }) => {
    const { batch, m, n } = matrices('eigh', x, 'Argument to symmetric eigendecomposition');
    if (m !== n) throw new TypeError(`Argument to symmetric eigendecomposition must have shape [..., n, n], got shape (${x.shape.join(', ')})`);
    const d = subsetByIndex === null ? n : subsetByIndex[1] - subsetByIndex[0];
    return [aval([...batch, n, d], x), aval([...batch, d], x)];
  },
  svd: ([x], { fullMatrices, computeUv }) => {
    const { batch, m, n } = matrices('svd', x, 'Argument to singular value decomposition');
    const k = Math.min(m, n);
    const s = aval([...batch, k], x);
    if (!computeUv) return [s];
    return [s, aval([...batch, m, fullMatrices ? m : k], x), aval([...batch, fullMatrices ? n : k, n], x)];
  },
  qr: ([x], { fullMatrices }) => {
    const { batch, m, n } = matrices('qr', x, 'Argument to QR decomposition');
    const k = fullMatrices ? m : Math.min(m, n);
    return [aval([...batch, m, k], x), aval([...batch, k, n], x)];
  },
  cholesky: ([x]) => {
    const { m, n } = matrices('cholesky', x, 'Argument to cholesky');
    if (m !== n) throw new TypeError(`cholesky: argument must be a batch of square matrices, got shape (${x.shape.join(', ')})`);
    return [aval(x.shape, x)];
  },
  triangular_solve: ([a, b], { leftSide }) => {
    const { batch, m, n } = matrices('triangular_solve', a, 'triangular_solve: a');
    if (!b || b.shape.length !== a.shape.length || b.dtype !== a.dtype || b.shape.slice(0, -2).some((d, i) => d !== batch[i])) {
      throw new TypeError(`triangular_solve requires both arguments to have the same number of dimensions, dtype and equal batch dimensions, got ${formatAval(a)} and ${b ? formatAval(b) : 'nothing'}`);
    }
    if (m !== n) throw new TypeError(`triangular_solve requires the last two dimensions of a to be equal in size, got a.shape of (${a.shape.join(', ')})`);
    const common = b.shape[b.shape.length - (leftSide ? 2 : 1)];
    if (common !== m) throw new TypeError(`Arguments to triangular_solve must have consistent shapes, got ${formatAval(a)} and ${formatAval(b)} and left_side=${leftSide ? 'True' : 'False'}`);
    return [aval(b.shape, b)];
  },
};
