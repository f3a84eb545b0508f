import { scalarWords, sizeOf, wordsPerElement, type AbstractValue, type DType } from '../core';
import type { Backend, DeviceArray } from '../backends';
import { abstractEval } from '../primitives';
import type { Emitter } from './emitter';
import type { ParamsOf, Primitive } from '../primitives';

/**
 * Applies primitives straight on a backend, checking each with its shape rule first. It keeps
 * every array it made in `created` so a caller can free them all at once.
 */
export class BackendEmitter<A extends DeviceArray> implements Emitter<A> {
  readonly created: A[] = [];
  constructor(readonly backend: Backend<A>) {}

  bind<P extends Primitive>(prim: P, inputs: readonly A[], params: ParamsOf<P>): A {
    const out = abstractEval(prim, inputs, params);
    return this.track(this.backend.run(prim, inputs, params, out));
  }
  aval(x: A): AbstractValue { return { shape: x.shape, dtype: x.dtype }; }
  scalar(value: number, dtype: DType): A { return this.track(this.backend.upload(scalarWords(value, dtype), { shape: [], dtype })); }
  upload(values: ArrayLike<number>, shape: readonly number[], dtype: DType): A {
    if (values.length !== sizeOf(shape) * wordsPerElement(dtype)) throw new RangeError(`upload: ${values.length} values do not fill shape [${shape.join(',')}]`);
    return this.track(this.backend.upload(values, { shape, dtype }));
  }
  /** Frees every array this emitter made except `keep`. */
  disposeAllBut(keep: readonly A[] = []): void {
    const kept = new Set(keep);
    for (const a of this.created) if (!kept.has(a)) this.backend.dispose(a);
    this.created.length = 0;
    this.created.push(...kept);
  }
  private track(a: A): A {
    this.created.push(a);
    return a;
  }
}
