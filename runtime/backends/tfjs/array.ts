import type * as tf from '@tensorflow/tfjs-core';
import type { DType, Shape } from '../../core';
import type { DeviceArray } from '../backend';

export type TfjsBackendName = 'cpu' | 'wasm' | 'webgpu';

/** An array held by one of tfjs's backends: a tf.Tensor plus the abstract value the runtime sees. */
export class TfjsArray implements DeviceArray {
  readonly shape: Shape;
  constructor(
    readonly backend: TfjsBackendName,
    readonly tensor: tf.Tensor,
    shape: Shape,
    readonly dtype: DType,
  ) {
    this.shape = [...shape];
  }
}
