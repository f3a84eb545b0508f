import type { AbstractValue, AnyTypedArray, DType } from '../core';
import type { ParamsOf, Primitive } from '../primitives';

export const BACKEND_NAMES = ['reference', 'cpu', 'wasm', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

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
  read(x: A): Promise<AnyTypedArray>;
  /** Frees `x` at once; using it afterwards is an error. */
  dispose(x: A): void;
  /** Arrays allocated and not yet disposed: tests use it to prove that nothing leaks. */
  liveCount(): number;
}
