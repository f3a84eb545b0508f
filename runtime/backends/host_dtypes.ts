import { DTYPES, sizeOf, typedArrayFrom, wordsPerElement, type AbstractValue, type AnyTypedArray, type DType } from '../core';
import type { Backend, DeviceArray } from './backend';
import { recycle, runReferenceKernel } from './host';
import { ReferenceArray } from './reference';

/** What a backend that holds some dtypes on the host adds: how much it computed there. */
export interface HostDtypeStats {
  /** Primitives run on the CPU in JS doubles because an operand or the result has a dtype the device lacks. */
  readonly ops: number;
}

/** What withHostDtypes makes of `B`: its own extras kept, the array methods over host arrays too. */
export type WithHostDtypes<A extends DeviceArray, B extends Backend<A>> =
  Omit<B, 'dtypes' | 'upload' | 'run' | 'readSync' | 'peek' | 'read' | 'readMany' | 'dispose' | 'liveCount' | 'shaders'>
  & Backend<A | ReferenceArray> & { readonly hostDtypes: () => HostDtypeStats };

/**
 * `device` with every dtype: arrays of a dtype the device stores (tfjs: float32, int32, bool) live
 * there; the others (float64) live on the host as ReferenceArrays tagged with the device's name,
 * and every primitive that touches one runs the reference backend's kernel in JS doubles (device
 * operands are read, a device-dtype result is uploaded back). NB: never rounded to float32: tfjs
 * has no float64, and WGSL has no f64.
 */
export function withHostDtypes<A extends DeviceArray, B extends Backend<A>>(device: B): WithHostDtypes<A, B> {
  const onDevice = new Set<DType>(device.dtypes);
  const live = new Set<ReferenceArray>();
  let ops = 0;
  const name = device.name;
  // NB: another backend's array goes to the device, which refuses it with the usual message.
  const isHost = (x: DeviceArray): x is ReferenceArray => x instanceof ReferenceArray && x.backend === name;
  const own = (x: ReferenceArray, op: string): ReferenceArray => {
    if (!live.has(x)) throw new Error(`${name} backend: ${op} got a host array (${x.dtype}[${x.shape.join(',')}]) that it did not make or that was disposed`);
    return x;
  };
  const keep = (shape: readonly number[], dtype: DType, data: AnyTypedArray): ReferenceArray => {
    const a = new ReferenceArray(shape, dtype, data, name);
    live.add(a);
    return a;
  };
  // NB: the jit asks a GPU's shader runner for host copies (to run tiny programs on the CPU): a host array is its own.
  const runner = device.shaders as (NonNullable<B['shaders']> & { hostCopy?: (x: A) => AnyTypedArray | null }) | undefined;
  const shaders = runner?.hostCopy && {
    ...runner,
    hostCopy: (x: A | ReferenceArray) => (isHost(x) ? x.data : runner.hostCopy!(x)),
  };
  return {
    ...device,
    ...(shaders ? { shaders } : {}),
    dtypes: DTYPES,
    upload(values: ArrayLike<number>, aval: AbstractValue): A | ReferenceArray {
      if (onDevice.has(aval.dtype)) return device.upload(values, aval);
      if (values.length !== sizeOf(aval.shape) * wordsPerElement(aval.dtype)) {
        throw new RangeError(`upload: ${values.length} values do not fill shape [${aval.shape.join(',')}]`);
      }
      return keep(aval.shape, aval.dtype, typedArrayFrom(aval.dtype, values));
    },
    run(prim, inputs, params, out) {
      if (onDevice.has(out.dtype) && !inputs.some(isHost)) return device.run(prim, inputs as readonly A[], params, out);
      ops++;
      // NB: device operands are copied once for this op; the kernel reads them as host arrays.
      const hostInputs = inputs.map((x) => (isHost(x) ? own(x, prim) : new ReferenceArray(x.shape, x.dtype, device.readSync(x as A))));
      const result = runReferenceKernel(prim, hostInputs, params, out);
      return onDevice.has(out.dtype) ? device.upload(result.data, out) : keep(result.shape, result.dtype, result.data);
    },
    readSync: (x) => (isHost(x) ? own(x, 'readSync').data.slice() : device.readSync(x)),
    peek: (x) => (isHost(x) ? own(x, 'peek').data : (device.peek?.(x as A) ?? null)),
    read: async (x) => (isHost(x) ? own(x, 'read').data.slice() : device.read(x)),
    async readMany(xs) {
      const fromDevice = await device.readMany(xs.filter((x): x is A => !isHost(x)));
      let k = 0;
      return xs.map((x) => (isHost(x) ? own(x, 'readMany').data.slice() : fromDevice[k++]));
    },
    dispose(x) {
      if (!isHost(x)) return device.dispose(x);
      // NB: a float64 array's memory serves a later kernel's output (host/loops.ts); nothing else holds it.
      if (own(x, 'dispose').dtype === 'float64') recycle(x.data);
      x.free();
      live.delete(x);
    },
    liveCount: () => device.liveCount() + live.size,
    hostDtypes: () => ({ ops }),
  } as WithHostDtypes<A, B>;
}
