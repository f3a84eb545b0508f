import { allocate, sizeOf, stridesOf, type AbstractValue } from '../../core';
import type { ParamsOf } from '../../primitives';
import { ReferenceArray } from './array';
import { mapIndex } from './indexing';

/**
 * dot_general as a batch of (free_lhs x contract) @ (contract x free_rhs) products over
 * offset tables, accumulating each output in a double; the k-loop is innermost over both
 * operands' offsets so any axis order works.
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
  const data = allocate(out.dtype, sizeOf(out.shape));
  const K = kA.length;
  let o = 0;
  for (let bi = 0; bi < batchA.length; bi++) {
    for (let i = 0; i < freeA.length; i++) {
      const baseA = batchA[bi] + freeA[i];
      for (let j = 0; j < freeB.length; j++) {
        const baseB = batchB[bi] + freeB[j];
        let acc = 0;
        for (let k = 0; k < K; k++) acc += da[baseA + kA[k]] * db[baseB + kB[k]];
        data[o++] = acc;
      }
    }
  }
  return new ReferenceArray(out.shape, out.dtype, data);
}
