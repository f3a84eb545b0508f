/**
 * How one torch shim serves both engines: the eager engine runs over this backend, which passes
 * ops on concrete arrays through to the real backend and records ops touching a traced array
 * into that array's jaxpr trace. A torch function called on tensors over traced arrays is thus
 * traced op by op, as torch.compile's graph capture sees it, with no second op table.
 */
import type { AbstractValue, AnyTypedArray, DType } from '../../../runtime/core';
import type { Backend, BackendName, DeviceArray } from '../../../runtime/backends';
import type { SourceSpan } from '../../../runtime/eager';
import type { Tracer } from '../../../runtime/jit';
import type { ParamsOf, Primitive } from '../../../runtime/primitives';
import type { TracingSite } from '../jax';
import type { Span } from '../syntax';

/** An array standing for a tracer: the storage of a tensor inside a traced function. */
export class TracedArray implements DeviceArray {
  readonly backend: BackendName;
  constructor(readonly tracer: Tracer, readonly owner: TracingBackend) {
    this.backend = owner.name;
  }
  get shape(): readonly number[] { return this.tracer.shape; }
  get dtype(): DType { return this.tracer.dtype; }
}

export class TracingBackend implements Backend {
  readonly name: BackendName;
  readonly dtypes: readonly DType[];
  /** The span each recorded equation carries: the engine's, which the torch shim sets per op. */
  span: () => SourceSpan | null = () => null;
  /** Whether the script's grad mode (not a torch op's own internal no_grad) is on. */
  userGradEnabled: () => boolean = () => true;
  /** The Python span being evaluated. */
  pySpan: () => Span | null = () => null;
  /**
   * Where the traced function first stopped a gradient (no_grad, detach, .data): the jit's
   * gradient flows through every equation, so such a function differentiates differently.
   */
  firstStop: Span | null = null;
  /** Concrete arrays alive that this backend made, freed by `disposeAll`. */
  private readonly made = new Set<DeviceArray>();
  /** Concrete arrays a trace captured as constants: its jaxpr may run after the op that made them freed them. */
  private readonly pinned = new Set<DeviceArray>();
  /** The value of each 0-d upload, so a Python number meeting a tracer becomes a literal (`mul a 3.0`), not a constvar. */
  private readonly scalars = new WeakMap<DeviceArray, number>();

  constructor(readonly inner: Backend, readonly site: TracingSite) {
    this.name = inner.name;
    this.dtypes = inner.dtypes;
  }

  upload(values: ArrayLike<number>, aval: AbstractValue): DeviceArray {
    const a = this.keep(this.inner.upload(values, aval));
    if (aval.shape.length === 0) this.scalars.set(a, Number(values[0]));
    return a;
  }

  run<P extends Primitive>(prim: P, inputs: readonly DeviceArray[], params: ParamsOf<P>, out: AbstractValue): DeviceArray {
    const traced = inputs.find((x): x is TracedArray => x instanceof TracedArray);
    if (!traced) return this.keep(this.inner.run(prim, inputs, params, out));
    if (!this.userGradEnabled()) this.noteStop(this.pySpan());
    const trace = traced.tracer.trace;
    const operands = inputs.map((x) => {
      if (x instanceof TracedArray) return x.tracer;
      const value = this.scalars.get(x);
      if (value !== undefined) return trace.scalar(value, x.dtype);
      this.pinned.add(x);
      return x;
    });
    return new TracedArray(trace.withSpan(this.span(), () => trace.bind(prim, operands, params)), this);
  }

  readSync(x: DeviceArray): AnyTypedArray {
    return this.inner.readSync(concrete(x));
  }

  read(x: DeviceArray): Promise<AnyTypedArray> {
    return this.inner.read(concrete(x));
  }

  readMany(xs: readonly DeviceArray[]): Promise<AnyTypedArray[]> {
    return this.inner.readMany(xs.map(concrete));
  }

  dispose(x: DeviceArray): void {
    if (x instanceof TracedArray || this.pinned.has(x)) return;
    this.made.delete(x);
    this.inner.dispose(x);
  }

  liveCount(): number {
    return this.inner.liveCount();
  }

  noteStop(span: Span | null): void {
    this.firstStop ??= span;
  }

  /** Frees every concrete array this backend made, captured constants included. */
  disposeAll(): void {
    for (const a of this.made) this.inner.dispose(a);
    this.made.clear();
    this.pinned.clear();
  }

  private keep(a: DeviceArray): DeviceArray {
    this.made.add(a);
    return a;
  }
}

/** The torch shim asks before reading, with the user's line; this is the backstop. */
function concrete(x: DeviceArray): DeviceArray {
  if (x instanceof TracedArray) throw new Error(`a traced value (${x.tracer}) has no value while the function is being traced for jit`);
  return x;
}
