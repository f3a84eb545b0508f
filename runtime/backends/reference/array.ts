import { checkInt64, typedArrayFrom, type AbstractValue, type AnyTypedArray, type DType, type Shape } from '../../core';
import type { BackendName, DeviceArray } from '../backend';

/**
 * A host array: the values in the dtype's own typed array, row-major. The reference backend's
 * arrays, and the host-held arrays of a device backend for the dtypes its device lacks (see
 * host_dtypes.ts), which carry that backend's name.
 */
export class ReferenceArray implements DeviceArray {
  readonly shape: Shape;
  private values: AnyTypedArray | null;

  constructor(shape: Shape, readonly dtype: DType, data: AnyTypedArray, readonly backend: BackendName = 'reference') {
    this.shape = [...shape];
    // NB: every int64 array is made here (kernels write doubles into its Float64Array): one pass truncates and range-checks them.
    if (dtype === 'int64' || dtype === 'uint64') checkInt64(data as Float64Array, dtype);
    this.values = data;
  }

  get data(): AnyTypedArray {
    if (this.values === null) {
      throw new Error(`reference: this array (${this.dtype}[${this.shape.join(',')}]) was disposed and cannot be used`);
    }
    return this.values;
  }

  get disposed(): boolean {
    return this.values === null;
  }

  free(): void {
    this.values = null;
  }
}

/**
 * An array of `out` from values accumulated in doubles. NB: storing straight into a Uint8Array
 * would keep a bool sum of 2 as 2 and wrap 256 to 0; the cast stores bools as 0/1.
 */
export function fromDoubles(out: AbstractValue, values: Float64Array | Int32Array): ReferenceArray {
  return new ReferenceArray(out.shape, out.dtype, typedArrayFrom(out.dtype, values));
}
