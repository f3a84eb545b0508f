import type { AnyTypedArray, DType, Shape } from '../../core';
import type { DeviceArray } from '../backend';

/** A host array: the values in the dtype's own typed array, row-major. */
export class ReferenceArray implements DeviceArray {
  readonly backend = 'reference' as const;
  readonly shape: Shape;
  private values: AnyTypedArray | null;

  constructor(shape: Shape, readonly dtype: DType, data: AnyTypedArray) {
    this.shape = [...shape];
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
