/**
 * The per-run state of the jax and numpy shims: the backend that concrete arrays live on, and the
 * one place every op goes through. An op on concrete arrays runs at once on the backend (JAX's
 * op-by-op mode); an op touching a tracer records into that tracer's trace, with the Python span.
 */
import { sizeOf, type AbstractValue, type DType } from '../../../runtime/core';
import type { Backend, DeviceArray } from '../../../runtime/backends';
import { Tracer } from '../../../runtime/jit';
import { Ops, type Emitter } from '../../../runtime/ops';
import { abstractEval, type ParamsOf, type Primitive } from '../../../runtime/primitives';
import { HaltError, PyError, pyError } from '../exceptions';
import type { HostContext } from '../host';

/** A 0-d constant not yet placed anywhere: a literal in a trace, an upload on the backend. */
export class Scalar implements AbstractValue {
  readonly shape: readonly number[] = [];
  constructor(readonly value: number, readonly dtype: DType) {}
}

export type Val = Tracer | DeviceArray | Scalar;

export const isTracer = (v: Val): v is Tracer => v instanceof Tracer;

const ITEM_BYTES: { [D in DType]: number } = { float32: 4, float64: 8, int32: 4, bool: 1 };

export class JaxRuntime implements Emitter<Val> {
  readonly o: Ops<Val>;
  /** Concrete arrays alive in this run: freed when the run ends (see `dispose`). */
  private readonly live = new Set<DeviceArray>();
  /** Arrays made since the outermost `run` began, in order. */
  private readonly log: DeviceArray[] = [];
  private depth = 0;
  private readonly pinned = new Set<DeviceArray>();
  /** Names of the transformations whose Python function is running, outermost first (for messages). */
  readonly transforming: string[] = [];
  /** The script's source, when the runner gave it: messages quote the code they point at. */
  source: string | null = null;

  constructor(readonly backend: Backend, readonly ctx: HostContext) {
    this.o = new Ops<Val>(this);
  }

  get floatDtype(): DType { return 'float32'; }
  get supportsFloat64(): boolean { return this.backend.dtypes.includes('float64'); }

  bind<P extends Primitive>(prim: P, inputs: readonly Val[], params: ParamsOf<P>): Val {
    const tracer = inputs.find(isTracer);
    if (tracer) {
      const span = this.ctx.span;
      const src = { file: this.ctx.file, line: span.line, column: span.col, endLine: span.endLine, endColumn: span.endCol };
      for (const x of inputs) {
        if (isTracer(x)) x.trace.span = src;
        else if (!(x instanceof Scalar)) this.pin(x);
      }
      return tracer.trace.bind(prim, inputs.map((x) => (x instanceof Scalar ? tracer.trace.scalar(x.value, x.dtype) : x)), params);
    }
    const temps: DeviceArray[] = [];
    const arrays = inputs.map((x) => {
      if (!(x instanceof Scalar)) return x as DeviceArray;
      const a = this.backend.upload([x.value], { shape: [], dtype: x.dtype });
      temps.push(a);
      return a;
    });
    try {
      return this.track(this.backend.run(prim, arrays, params, abstractEval(prim, arrays, params)));
    } finally {
      for (const a of temps) this.backend.dispose(a);
    }
  }

  aval(x: Val): AbstractValue { return { shape: x.shape, dtype: x.dtype }; }
  scalar(value: number, dtype: DType): Val { return new Scalar(value, dtype); }

  upload(values: ArrayLike<number>, shape: readonly number[], dtype: DType): DeviceArray {
    this.checkDtype(dtype);
    return this.track(this.backend.upload(values, { shape, dtype }));
  }

  /**
   * Keeps `a` until the run ends: a trace captured it as a constant, and the jaxpr may run after
   * the op that made it returns.
   */
  pin(a: DeviceArray): void {
    this.pinned.add(a);
  }

  /** Takes ownership of an array someone else made (a jitted call's result). */
  adopt(a: DeviceArray): DeviceArray {
    return this.track(a);
  }

  /** A value placed on the backend (a Scalar is uploaded); tracers pass through. */
  place(v: Val): Tracer | DeviceArray {
    return v instanceof Scalar ? this.upload([v.value], [], v.dtype) : v;
  }

  read(v: Val): ArrayLike<number> {
    if (v instanceof Scalar) return [v.value];
    if (isTracer(v)) throw new Error('read: a tracer has no value');
    return this.backend.readSync(v);
  }

  checkDtype(dtype: DType): void {
    if (!this.backend.dtypes.includes(dtype)) {
      throw pyError('TypeError', `dtype ${dtype} is not supported on the ${this.backend.name} backend; use float32, or run Gradlens with the reference backend`);
    }
  }

  /**
   * Runs one Python-level op: intermediates it made are freed at once, only `keep(result)` lives
   * on; runtime errors become Python exceptions.
   */
  run<R>(fn: () => R, keep: (r: R) => readonly Val[]): R {
    if (this.depth === 0) this.log.length = 0;
    const mark = this.log.length;
    let result: R;
    this.depth++;
    try {
      result = fn();
    } catch (e) {
      throw translate(e);
    } finally {
      this.depth--;
    }
    const kept = new Set(keep(result));
    const made = this.log.splice(mark);
    for (const a of made) {
      if (kept.has(a) || this.pinned.has(a)) this.log.push(a);
      else if (this.live.delete(a)) this.free(a);
    }
    return result;
  }

  /** Frees every concrete array of the run. */
  dispose(): void {
    for (const a of this.live) this.free(a);
    this.live.clear();
    this.pinned.clear();
  }

  private free(a: DeviceArray): void {
    this.backend.dispose(a);
    this.ctx.release(sizeOf(a.shape) * ITEM_BYTES[a.dtype]);
  }

  private track(a: DeviceArray): DeviceArray {
    this.ctx.allocate(sizeOf(a.shape) * ITEM_BYTES[a.dtype]);
    this.live.add(a);
    this.log.push(a);
    return a;
  }
}

/** What the runtime throws, as the Python exception a script can catch. */
export function translate(e: unknown): unknown {
  if (e instanceof PyError || e instanceof HaltError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return e;
  if (e instanceof Error) return pyError(e instanceof RangeError || e.name === 'ShapeError' ? 'ValueError' : 'TypeError', e.message);
  return e;
}
