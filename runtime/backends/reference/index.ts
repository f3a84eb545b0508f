import { DTYPES, sizeOf, typedArrayFrom, wordsPerElement, type AbstractValue } from '../../core';
import type { Backend } from '../backend';
import { ReferenceArray } from './array';
import { REFERENCE_KERNELS } from './kernels';

export { ReferenceArray } from './array';
export { REFERENCE_KERNELS } from './kernels';
export { broadcastIndex, mapIndex } from './indexing';
export { integerPowerInto } from './arithmetic';
export { xlaCbrt } from './along_axis';

function own(x: { backend: string }, op: string): ReferenceArray {
  if (!(x instanceof ReferenceArray)) {
    throw new Error(`reference: ${op} got an array of the ${x.backend} backend; move it to the reference backend first`);
  }
  return x;
}

/** The oracle: every primitive as a plain loop in JS doubles, with float64 support. */
export function createReferenceBackend(): Backend<ReferenceArray> {
  const live = new Set<ReferenceArray>();
  const track = (a: ReferenceArray): ReferenceArray => {
    live.add(a);
    return a;
  };
  return {
    name: 'reference',
    dtypes: DTYPES,
    upload(values: ArrayLike<number>, aval: AbstractValue): ReferenceArray {
      if (values.length !== sizeOf(aval.shape) * wordsPerElement(aval.dtype)) {
        throw new RangeError(`upload: ${values.length} values do not fill shape [${aval.shape.join(',')}]`);
      }
      return track(new ReferenceArray(aval.shape, aval.dtype, typedArrayFrom(aval.dtype, values)));
    },
    run(prim, inputs, params, out) {
      inputs.forEach((x) => own(x, prim));
      return track(REFERENCE_KERNELS[prim](inputs, params, out));
    },
    readSync: (x) => own(x, 'readSync').data.slice(),
    peek: (x) => own(x, 'peek').data,
    read: async (x) => own(x, 'read').data.slice(),
    readMany: async (xs) => xs.map((x) => own(x, 'readMany').data.slice()),
    dispose(x) {
      own(x, 'dispose').free();
      live.delete(x);
    },
    liveCount: () => live.size,
  };
}
