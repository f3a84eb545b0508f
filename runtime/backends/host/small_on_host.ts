import { sizeOf, typedArrayFrom, type AbstractValue, type AnyTypedArray, type DType, type Shape } from '../../core';
import type { Primitive } from '../../primitives';
import type { Backend, BackendName, DeviceArray } from '../backend';
import { hostKernels, type HostKernel } from './kernels';
import { recycle } from './loops';

/**
 * Float32 arrays of at most this many elements live on the host: below it, tfjs's per-op
 * bookkeeping (engine scopes, tensor tracking, kernel lookup: ~10 µs an op) costs more than a JS
 * loop over the values (measured in BENCHMARKS.md's dispatch rows).
 */
export const SMALL_ON_HOST_ELEMENTS = 1 << 15;

/** A small float32 array of a device backend, held on the host (see withSmallOnHost). */
export class SmallArray implements DeviceArray {
  private values: AnyTypedArray | null;
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    data: AnyTypedArray,
    readonly backend: BackendName,
    /** The withSmallOnHost backend that made it (a token: a Set of live arrays cost more than a small op). */
    readonly owner: object,
  ) {
    this.values = data;
  }

  get data(): AnyTypedArray {
    if (this.values === null) throw new Error(`${this.backend} backend: this host array (${this.dtype}[${this.shape.join(',')}]) was disposed and cannot be used`);
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
 * `device` (tfjs's wasm backend, whose memory is the host's) with its small float32 arrays on the
 * host: the primitives that runtime/backends/host computes exactly as the device does (its `wasm`
 * flavour: the same float32 roundings in the same order) run there as JS loops, without the
 * device's per-op cost; the others run on the device, small operands uploaded for the op and a
 * small result read back. The numbers are the device's, bit for bit (test/unit/backends/host_kernels.test.ts).
 */
export function withSmallOnHost<A extends DeviceArray>(device: Backend<A>, limit = SMALL_ON_HOST_ELEMENTS): Backend<A | SmallArray> {
  const kernels = hostKernels('wasm');
  const token = {};
  let live = 0;
  const name = device.name;
  const isSmall = (x: DeviceArray): x is SmallArray => x instanceof SmallArray;
  const own = (x: SmallArray, op: string): SmallArray => {
    if (x.disposed) throw new Error(`${op}: an operand on the ${name} backend was already disposed`);
    if (x.owner !== token) throw new Error(`${op}: the ${name} backend got a host array (${x.dtype}[${x.shape.join(',')}]) that another backend made`);
    return x;
  };
  const keep = (aval: AbstractValue, data: AnyTypedArray): SmallArray => {
    live++;
    return new SmallArray(aval.shape, aval.dtype, data, name, token);
  };
  const staysOnHost = (aval: AbstractValue): boolean => aval.dtype === 'float32' && sizeOf(aval.shape) <= limit;
  /** A device array's values, for a host kernel: tfjs-backend-wasm's memory is the host's, so this is one copy. */
  const hostView = (x: A | SmallArray, op: string) => (isSmall(x) ? own(x, op) : { shape: x.shape, dtype: x.dtype, data: device.readSync(x) });

  return {
    ...device,
    upload(values: ArrayLike<number>, aval: AbstractValue): A | SmallArray {
      if (!staysOnHost(aval)) return device.upload(values, aval);
      if (values.length !== sizeOf(aval.shape)) {
        throw new RangeError(`upload: ${values.length} values do not fill shape [${aval.shape.join(',')}]`);
      }
      return keep(aval, typedArrayFrom(aval.dtype, values));
    },
    run(prim, inputs, params, out) {
      // NB: another backend's array goes to the device, which refuses it with the usual message.
      const kernel = kernels[prim] as HostKernel<Primitive> | undefined;
      if (kernel !== undefined && staysOnHost(out)) {
        // NB: loops, not every/map: this runs once per eager op, and where every operand is a host
        // array (the usual case) they are the kernel's inputs as they are.
        let onHost = true;
        let allSmall = true;
        for (const x of inputs) {
          if (isSmall(x)) own(x, prim);
          else {
            allSmall = false;
            if (x.backend !== name || sizeOf(x.shape) > limit) onHost = false;
          }
        }
        const data = onHost ? kernel(allSmall ? inputs as readonly SmallArray[] : inputs.map((x) => hostView(x, prim)), params, out) : null;
        if (data) return keep(out, data);
      }
      const uploaded: A[] = [];
      const onDevice = inputs.map((x) => {
        if (!isSmall(x)) return x;
        const a = device.upload(own(x, prim).data, x);
        uploaded.push(a);
        return a;
      });
      try {
        const result = device.run(prim, onDevice, params, out);
        if (!staysOnHost(out)) return result;
        const data = device.readSync(result);
        device.dispose(result);
        return keep(out, data);
      } finally {
        for (const a of uploaded) device.dispose(a);
      }
    },
    readSync: (x) => (isSmall(x) ? own(x, 'readSync').data.slice() : device.readSync(x)),
    peek: (x) => (isSmall(x) ? own(x, 'peek').data : (device.peek?.(x) ?? null)),
    read: async (x) => (isSmall(x) ? own(x, 'read').data.slice() : device.read(x)),
    async readMany(xs) {
      const fromDevice = await device.readMany(xs.filter((x): x is A => !isSmall(x)));
      let k = 0;
      return xs.map((x) => (isSmall(x) ? own(x, 'readMany').data.slice() : fromDevice[k++]));
    },
    dispose(x) {
      if (!isSmall(x)) return device.dispose(x);
      recycle(own(x, 'dispose').data);
      x.free();
      live--;
    },
    liveCount: () => device.liveCount() + live,
  };
}
