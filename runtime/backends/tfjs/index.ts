import * as tf from '@tensorflow/tfjs-core';
import { sizeOf, typedArrayFrom, type AbstractValue, type AnyTypedArray, type DType } from '../../core';
import type { Backend } from '../backend';
import { withSmallOnHost } from '../host';
import { withHostDtypes } from '../host_dtypes';
import type { ReferenceArray } from '../reference';
import type { SmallArray } from '../host';
import { TfjsArray, type TfjsBackendName } from './array';
import { ensureInitialised, liveDataIds, pinEngine } from './engine';
import { tfjsKernels, unwrap } from './kernels';

export { TfjsArray, type TfjsBackendName } from './array';
export { NO_INT32_BITWISE_ON_WEBGPU } from './elementwise';

const DTYPES = ['float32', 'int32', 'bool'] as const satisfies readonly DType[];

/**
 * A tfjs backend with float64 on the host (see host_dtypes.ts), and on wasm its small float32
 * arrays too (see host/small_on_host.ts): what the editor, the server and the CLI compute on.
 */
export async function createTfjsBackend(name: Exclude<TfjsBackendName, 'webgpu'>): Promise<Backend<TfjsArray | SmallArray | ReferenceArray>> {
  const device = await createTfjsDevice(name);
  return withHostDtypes(name === 'wasm' ? withSmallOnHost(device) : device);
}

/**
 * A Backend over tfjs's `cpu` (plain JS), `wasm` (XNNPACK) or `webgpu` kernels. All share tfjs's one
 * global engine, which each call points at its own backend first; arrays of one are refused by another.
 * NB: `webgpu` needs '@tensorflow/tfjs-backend-webgpu' imported first (runtime/backends/webgpu does).
 */
export async function createTfjsDevice(name: TfjsBackendName): Promise<Backend<TfjsArray>> {
  await ensureInitialised(name);
  const kernels = tfjsKernels(name);
  const copy = (data: tf.DataTypeMap[tf.NumericDataType]): AnyTypedArray => (data as AnyTypedArray).slice();
  return {
    name,
    dtypes: DTYPES,
    upload(values: ArrayLike<number>, aval: AbstractValue): TfjsArray {
      if (!DTYPES.includes(aval.dtype as (typeof DTYPES)[number])) {
        throw new Error(`upload: tfjs's ${name} backend has no ${aval.dtype}; wrap it in withHostDtypes`);
      }
      if (values.length !== sizeOf(aval.shape)) {
        throw new RangeError(`upload: ${values.length} values do not fill shape [${aval.shape.join(',')}]`);
      }
      pinEngine(name);
      const tensor = tf.tensor(typedArrayFrom(aval.dtype, values) as tf.TypedArray, [...aval.shape], aval.dtype as tf.DataType);
      return new TfjsArray(name, tensor, aval.shape, aval.dtype);
    },
    run(prim, inputs, params, out) {
      pinEngine(name);
      return kernels[prim](inputs, params, out);
    },
    // tfjs-backend-cpu hands out its own storage: copy, so a caller's writes cannot corrupt the array.
    readSync: (x) => copy(unwrap(name, x, 'readSync').dataSync()),
    read: async (x) => copy(await unwrap(name, x, 'read').data()),
    readMany: async (xs) => (await Promise.all(xs.map((x) => unwrap(name, x, 'readMany').data()))).map(copy),
    dispose(x) {
      unwrap(name, x, 'dispose').dispose();
    },
    liveCount: () => liveDataIds(name),
  };
}
