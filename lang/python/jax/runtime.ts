/**
 * The per-run state of the jax and numpy shims: the backend that concrete arrays live on, and the
 * one place every op goes through. An op on concrete arrays runs at once on the backend (JAX's
 * op-by-op mode); an op touching a tracer records into that tracer's trace, with the Python span.
 */
import { bytesOf, formatAval, sizeOf, withInterrupt, type AbstractValue, type DType } from '../../../runtime/core';
import type { Backend, DeviceArray } from '../../../runtime/backends';
import { Tracer } from '../../../runtime/jit';
import { Ops, type Emitter } from '../../../runtime/ops';
import { abstractEval, type ParamsOf, type Primitive } from '../../../runtime/primitives';
import { HaltError, PyError, pyError, type HostContext, hostValues } from '../interpreter';

/** A 0-d constant not yet placed anywhere: a literal in a trace, an upload on the backend. */
export class Scalar implements AbstractValue {
  readonly shape: readonly number[] = [];
  constructor(readonly value: number, readonly dtype: DType) {}
}

export type Val = Tracer | DeviceArray | Scalar;

export const isTracer = (v: Val): v is Tracer => v instanceof Tracer;

/**
 * Equations one trace may record. A Python loop unrolled under jit grows the jaxpr by its body each
 * iteration; past this the compiler's passes would take longer than any time budget allows.
 */
export const MAX_TRACED_EQUATIONS = 50_000;

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
      const out = tracer.trace.bind(prim, inputs.map((x) => (x instanceof Scalar ? tracer.trace.scalar(x.value, x.dtype) : x)), params);
      this.checkTraced(out);
      return out;
    }
    const temps: DeviceArray[] = [];
    const arrays = inputs.map((x) => {
      if (!(x instanceof Scalar)) return x as DeviceArray;
      const a = this.backend.upload([x.value], { shape: [], dtype: x.dtype });
      temps.push(a);
      return a;
    });
    try {
      const out = abstractEval(prim, arrays, params);
      return this.charged(out, prim, () => this.backend.run(prim, arrays, params, out));
    } finally {
      for (const a of temps) this.backend.dispose(a);
    }
  }

  aval(x: Val): AbstractValue { return { shape: x.shape, dtype: x.dtype }; }
  scalar(value: number, dtype: DType): Val { return new Scalar(value, dtype); }

  /** An array of `shape` whose values `at(i)` makes on the host, after the tensor budget allowed it. */
  generate(shape: readonly number[], dtype: DType, at: (i: number) => number): DeviceArray {
    this.checkDtype(dtype);
    const aval = { shape, dtype };
    return this.charged(aval, 'upload', () => this.backend.upload(hostValues(sizeOf(shape), at, this.ctx), aval));
  }

  upload(values: ArrayLike<number>, shape: readonly number[], dtype: DType): DeviceArray {
    this.checkDtype(dtype);
    return this.charged({ shape, dtype }, 'upload', () => this.backend.upload(values, { shape, dtype }));
  }

  /**
   * Charges an array before it is made, so one that does not fit the tensor budget is never
   * allocated; the array keeps the charge until it is freed. Each op also checks the clock.
   */
  private charged(aval: AbstractValue, what: string, make: () => DeviceArray): DeviceArray {
    this.ctx.checkClock();
    const bytes = bytesOf(aval);
    this.ctx.allocate(bytes, what === 'upload' ? formatAval(aval) : `${formatAval(aval)}, the result of ${what}`);
    let a: DeviceArray;
    try {
      a = make();
    } catch (e) {
      this.ctx.release(bytes);
      throw e;
    }
    this.keep(a);
    return a;
  }

  /**
   * A traced equation's result must fit the tensor budget beside the arrays held (the compiled
   * kernel will allocate it), and the jaxpr must stay small enough to compile.
   */
  private checkTraced(out: Tracer): void {
    this.ctx.checkClock();
    const bytes = bytesOf(out);
    this.ctx.allocate(bytes, `${formatAval(out)}, an intermediate of the traced function`);
    this.ctx.release(bytes);
    if (out.trace.equationCount > MAX_TRACED_EQUATIONS) {
      throw new HaltError('budget', `the traced function has more than ${MAX_TRACED_EQUATIONS.toLocaleString('en-US')} operations (a Python loop unrolled under a transformation?); `
        + 'trace fewer iterations, or call the transformed function inside the loop instead of looping inside it', this.ctx.span);
    }
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
      // A long kernel checks the script's clock between its chunks.
      result = this.depth === 1 ? withInterrupt(() => this.ctx.checkClock(), fn) : fn();
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
    this.ctx.release(bytesOf(a));
  }

  /** Takes an array made elsewhere (a jitted call's result) into the run, charging it. */
  private track(a: DeviceArray): DeviceArray {
    this.ctx.allocate(bytesOf(a), formatAval(a));
    return this.keep(a);
  }

  private keep(a: DeviceArray): DeviceArray {
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
