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
  const data = new Float64Array(sizeOf(out.shape));
  const tables: OffsetTables = { batchA, batchB, freeA, freeB, kA, kB };
  // NB: int64 and uint64 are exact only below 2**53 (INT64_EXACT_LIMIT): every product and partial sum is checked, not just the total.
  if (out.dtype === 'int64' || out.dtype === 'uint64') exactProducts(a.data, b.data, tables, data);
  else floatProducts(asDoubles(a.data), asDoubles(b.data), tables, data);
  return fromDoubles(out, data);
}

/** Where each batch, free row or column, and contracted index starts in the operands' values. */
interface OffsetTables {
  readonly batchA: Int32Array;
  readonly batchB: Int32Array;
  readonly freeA: Int32Array;
  readonly freeB: Int32Array;
  readonly kA: Int32Array;
  readonly kB: Int32Array;
}

/** Rows between checks of the caller's clock: a huge product stops at its time budget. */
const rowsPerCheck = (K: number, J: number) => Math.max(1, Math.floor(2 ** 22 / Math.max(1, K * J)));

/**
 * The values as a Float64Array (a copy only for another element type): the product loops then see
 * one array type, and V8 keeps them monomorphic and fast whatever dtypes the program mixes.
 */
function asDoubles(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * Float products. Each output sums its products over k in order from 0 in a double, whichever loop
 * runs: i-k-j into a row when the rhs has many columns (its [K, N] rows walk contiguously), i-j-k
 * when it has few (a matrix-vector product, N = 1..3 classes), where the row loop would be all overhead.
 */
function floatProducts(da: Float64Array, db: Float64Array, t: OffsetTables, data: Float64Array): void {
  const { batchA, batchB, freeA, freeB, kA, kB } = t;
  const K = kA.length;
  const J = freeB.length;
  const every = rowsPerCheck(K, J);
  // NB: the common [K, N] rhs walks its free dims contiguously; skipping the offset table there halves matmul time.
  const contiguousB = freeB.every((off, j) => off === j);
  const row = new Float64Array(J);
  let o = 0;
  for (let bi = 0; bi < batchA.length; bi++) {
    for (let i = 0; i < freeA.length; i++) {
      if (i % every === 0) checkInterrupt();
      const baseA = batchA[bi] + freeA[i];
      if (J < FEW_COLUMNS) {
        for (let j = 0; j < J; j++) {
          const baseB = batchB[bi] + freeB[j];
          let sum = 0;
          for (let k = 0; k < K; k++) sum += da[baseA + kA[k]] * db[baseB + kB[k]];
          data[o++] = sum;
        }
        continue;
      }
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const av = da[baseA + kA[k]];
        const baseB = batchB[bi] + kB[k];
        if (contiguousB) for (let j = 0; j < J; j++) row[j] += av * db[baseB + j];
        else for (let j = 0; j < J; j++) row[j] += av * db[baseB + freeB[j]];
      }
      for (let j = 0; j < J; j++) data[o++] = row[j];
    }
  }
}

/** Below this many rhs columns floatProducts sums each output on its own (i-j-k). */
const FEW_COLUMNS = 8;

/** int64 products, each product and partial sum checked against 2**53, in floatProducts's order. */
function exactProducts(da: ArrayLike<number>, db: ArrayLike<number>, t: OffsetTables, data: Float64Array): void {
  const { batchA, batchB, freeA, freeB, kA, kB } = t;
  const K = kA.length;
  const J = freeB.length;
  const every = rowsPerCheck(K, J);
  let o = 0;
  for (let bi = 0; bi < batchA.length; bi++) {
    for (let i = 0; i < freeA.length; i++) {
      if (i % every === 0) checkInterrupt();
      const baseA = batchA[bi] + freeA[i];
      for (let j = 0; j < J; j++) {
        const baseB = batchB[bi] + freeB[j];
        let sum = 0;
        for (let k = 0; k < K; k++) sum = exactSum(sum, exactProduct(da[baseA + kA[k]], db[baseB + kB[k]]));
        data[o++] = sum;
      }
    }
  }
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
