import type { AbstractValue, AnyTypedArray, DType } from '../core';
import type { ParamsOf, Primitive } from '../primitives';

import type { BackendName } from '../../protocol/backends';

export type { BackendName };

/** An array living on a backend. Opaque outside the backend that made it. */
export interface DeviceArray extends AbstractValue {
  readonly backend: BackendName;
}

/** Runs one primitive; `out` is the result's abstract value, already checked by the shape rule. */
export type Kernel<P extends Primitive, A extends DeviceArray> =
  (inputs: readonly A[], params: ParamsOf<P>, out: AbstractValue) => A;

/** One kernel for each primitive: a backend that misses one fails the type check. */
export type KernelTable<A extends DeviceArray> = { readonly [P in Primitive]: Kernel<P, A> };

export interface Backend<A extends DeviceArray = DeviceArray> {
  readonly name: BackendName;
  /** Dtypes this backend stores; others are refused at upload with a message naming the backend. */
  readonly dtypes: readonly DType[];
  /** Copies host values in (cast as `dtype` requires). */
  upload(values: ArrayLike<number>, aval: AbstractValue): A;
  run<P extends Primitive>(prim: P, inputs: readonly A[], params: ParamsOf<P>, out: AbstractValue): A;
  readSync(x: A): AnyTypedArray;
  /**
   * Present on a backend that keeps some arrays' values on the host: those values themselves, not
   * a copy, for a caller that reads them at once and neither writes nor keeps them (NumPy's sums:
   * a copy of each operand was most of W6's garbage); null where `x`'s values are not on the host.
   */
  peek?(x: A): AnyTypedArray | null;
  read(x: A): Promise<AnyTypedArray>;
  /** Reads several arrays in one round trip where the backend can batch (webgpu: one copy pass, one map). */
  readMany(xs: readonly A[]): Promise<AnyTypedArray[]>;
  /** Frees `x` at once; using it afterwards is an error. */
  dispose(x: A): void;
  /** Arrays allocated and not yet disposed: tests use it to prove that nothing leaks. */
  liveCount(): number;
  /**
   * Present on a GPU backend that cannot read the GPU synchronously: the synchronous reads it
   * answered by computing values on the CPU (see webgpu/host_values.ts), since it was made.
   */
  readonly hostReads?: () => HostReadStats;
  /** Present on a backend that holds some dtypes (float64) on the host: how many ops it computed there. */
  readonly hostDtypes?: () => { readonly ops: number };
  /** Present on a backend over a GPU: runs compute shaders on its own arrays (the jit's fused kernels). */
  readonly shaders?: ShaderRunner<A>;
}

/** Synchronous reads answered on the CPU: arrays read, and the ops computed again for them. */
export interface HostReadStats {
  readonly reads: number;
  readonly ops: number;
}

/**
 * A WGSL compute shader over a backend's arrays. Bindings 0..k-1 are the inputs (read-only
 * storage), k.. the outputs (read-write storage), in order; the entry point is `main`.
 * Bool arrays are stored as i32 0/1, as tfjs-backend-webgpu stores them.
 */
export interface ShaderProgram {
  /** Pipelines are cached by key: equal keys must mean equal source. */
  readonly key: string;
  readonly source: string;
  readonly workgroups: readonly [number, number, number];
  readonly outputs: readonly AbstractValue[];
  /**
   * The same computation on host arrays (fills the preallocated `outs`): a GPU that cannot be read
   * synchronously computes a result here when Python needs its value at once (`.item()`).
   */
  readonly onHost?: (ins: readonly AnyTypedArray[], outs: readonly AnyTypedArray[]) => void;
}

export interface ShaderRunner<A extends DeviceArray> {
  /** Storage buffers one shader may bind (the device's limit); a wider fused kernel is cut into parts that fit. */
  readonly maxBindings: number;
  /** Most workgroups along one dispatch dimension. */
  readonly maxWorkgroupsPerDimension: number;
  /** Records the dispatch after the work already issued on the same device; the outputs are fresh arrays. */
  run(program: ShaderProgram, inputs: readonly A[]): A[];
  /** Pipeline compilations and cache hits since the backend was made. */
  cacheStats(): { readonly compiled: number; readonly hits: number };
}
