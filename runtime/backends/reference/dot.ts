import { checkInterrupt, Int64RangeError, INT64_EXACT_LIMIT, sizeOf, stridesOf, type AbstractValue } from '../../core';
import type { ParamsOf } from '../../primitives';
import { fromDoubles, type ReferenceArray } from './array';
import { mapIndex } from './indexing';

/**
 * dot_general as a batch of (free_lhs x contract) @ (contract x free_rhs) products over offset
 * tables. The loop runs i-k-j into a Float64Array row, so each output still sums over k in
 * order in a double while the inner loop walks the rhs row-major when it is laid out [K, N].
 */
export function dotGeneral(a: ReferenceArray, b: ReferenceArray, { dimensionNumbers: dn }: ParamsOf<'dot_general'>, out: AbstractValue): ReferenceArray {
  const sa = stridesOf(a.shape);
  const sb = stridesOf(b.shape);
  const aFree = a.shape.map((_, i) => i).filter((i) => !dn.lhsBatch.includes(i) && !dn.lhsContracting.includes(i));
  const bFree = b.shape.map((_, i) => i).filter((i) => !dn.rhsBatch.includes(i) && !dn.rhsContracting.includes(i));
  const batchShape = dn.lhsBatch.map((d) => a.shape[d]);
  const batchA = mapIndex(batchShape, dn.lhsBatch.map((d) => sa[d]), 0);
  const batchB = mapIndex(batchShape, dn.rhsBatch.map((d) => sb[d]), 0);
  const freeA = mapIndex(aFree.map((d) => a.shape[d]), aFree.map((d) => sa[d]), 0);
  const freeB = mapIndex(bFree.map((d) => b.shape[d]), bFree.map((d) => sb[d]), 0);
  const contractShape = dn.lhsContracting.map((d) => a.shape[d]);
  const kA = mapIndex(contractShape, dn.lhsContracting.map((d) => sa[d]), 0);
  const kB = mapIndex(contractShape, dn.rhsContracting.map((d) => sb[d]), 0);
  const da = a.data;
  const db = b.data;
  const data = new Float64Array(sizeOf(out.shape));
  const K = kA.length;
  const J = freeB.length;
  const row = new Float64Array(J);
  // NB: the common [K, N] rhs walks its free dims contiguously; skipping the offset table there halves matmul time.
  const contiguousB = freeB.every((off, j) => off === j);
  // NB: int64 is exact only below 2**53 (INT64_EXACT_LIMIT): every product and partial sum is checked, not just the total.
  const exact = out.dtype === 'int64';
  let o = 0;
  // Rows between checks of the caller's clock: a huge product stops at its time budget.
  const rowsPerCheck = Math.max(1, Math.floor(2 ** 22 / Math.max(1, K * J)));
  for (let bi = 0; bi < batchA.length; bi++) {
    for (let i = 0; i < freeA.length; i++) {
      if (i % rowsPerCheck === 0) checkInterrupt();
      const baseA = batchA[bi] + freeA[i];
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const av = da[baseA + kA[k]];
        const baseB = batchB[bi] + kB[k];
        if (exact) for (let j = 0; j < J; j++) row[j] = exactSum(row[j], exactProduct(av, db[baseB + freeB[j]]));
        else if (contiguousB) for (let j = 0; j < J; j++) row[j] += av * db[baseB + j];
        else for (let j = 0; j < J; j++) row[j] += av * db[baseB + freeB[j]];
      }
      for (let j = 0; j < J; j++) data[o++] = row[j];
    }
  }
  return fromDoubles(out, data);
}

function exactProduct(a: number, b: number): number {
  const p = a * b;
  if (!(Math.abs(p) < INT64_EXACT_LIMIT)) throw new Int64RangeError(p);
  return p;
}

function exactSum(a: number, b: number): number {
  const s = a + b;
  if (!(Math.abs(s) < INT64_EXACT_LIMIT)) throw new Int64RangeError(s);
  return s;
}
