/**
 * Staging eager code for the jit engine: the eager engine runs over a StagingBackend, which passes
 * ops on concrete arrays through to the real backend and records ops touching a staged array
 * into that array's jaxpr trace. A function called on tensors over staged arrays is thus traced
 * op by op, as torch.compile's graph capture sees it, with no second op table.
 */
import type { AbstractValue, AnyTypedArray, DType } from '../core';
import type { Backend, BackendName, DeviceArray } from '../backends';
import type { SourceSpan } from '../core';
import type { ParamsOf, Primitive } from '../primitives';
import type { Tracer } from './trace';

/** An array standing for a tracer: the storage of a tensor inside a staged function. */
export class StagedArray implements DeviceArray {
  readonly backend: BackendName;
  constructor(readonly tracer: Tracer, readonly owner: StagingBackend) {
    this.backend = owner.name;
  }
  get shape(): readonly number[] { return this.tracer.shape; }
  get dtype(): DType { return this.tracer.dtype; }
}

/**
 * `Site` is what the caller staging a function keeps about it (the script, the transformations
 * running), read back from any of its staged arrays to word a refusal.
 */
export class StagingBackend<Site = unknown> implements Backend {
  readonly name: BackendName;
  readonly dtypes: readonly DType[];
  /** The span each recorded equation carries: the engine's, which the shim sets per op. */
  span: () => SourceSpan | null = () => null;
  /** Called before each op on a staged array is recorded: the shim notes what it must (a gradient stopped there). */
  onStagedOp: () => void = () => {};
  /** Concrete arrays alive that this backend made, freed by `disposeAll`. */
  private readonly made = new Set<DeviceArray>();
  /** Concrete arrays a trace captured as constants: its jaxpr may run after the op that made them freed them. */
  private readonly pinned = new Set<DeviceArray>();
  /** The value of each 0-d upload, so a Python number meeting a tracer becomes a literal (`mul a 3.0`), not a constvar. */
  private readonly scalars = new WeakMap<DeviceArray, number>();

  constructor(readonly inner: Backend, readonly site: Site) {
    this.name = inner.name;
    this.dtypes = inner.dtypes;
  }

  /** The array standing for `tracer` on this backend. */
  stage(tracer: Tracer): StagedArray {
    return new StagedArray(tracer, this);
  }

  upload(values: ArrayLike<number>, aval: AbstractValue): DeviceArray {
    const a = this.keep(this.inner.upload(values, aval));
    if (aval.shape.length === 0) this.scalars.set(a, Number(values[0]));
    return a;
  }

  run<P extends Primitive>(prim: P, inputs: readonly DeviceArray[], params: ParamsOf<P>, out: AbstractValue): DeviceArray {
    const staged = inputs.find((x): x is StagedArray => x instanceof StagedArray);
    if (!staged) return this.keep(this.inner.run(prim, inputs, params, out));
    this.onStagedOp();
    const trace = staged.tracer.trace;
    const operands = inputs.map((x) => {
      if (x instanceof StagedArray) return x.tracer;
      const value = this.scalars.get(x);
      if (value !== undefined) return trace.scalar(value, x.dtype);
      this.pinned.add(x);
      return x;
    });
    return this.stage(trace.withSpan(this.span(), () => trace.bind(prim, operands, params)));
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
    if (x instanceof StagedArray || this.pinned.has(x)) return;
    this.made.delete(x);
    this.inner.dispose(x);
  }

  liveCount(): number {
    return this.inner.liveCount();
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

/** The shim asks before reading, with the user's line; this is the backstop. */
function concrete(x: DeviceArray): DeviceArray {
  if (x instanceof StagedArray) throw new Error(`a traced value (${x.tracer}) has no value while the function is being traced for jit`);
  return x;
}
