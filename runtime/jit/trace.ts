import { formatAval, type AbstractValue, type DType } from '../core';
import type { DeviceArray } from '../backends';
import { equation, Literal, Var, type Atom, type ConstValue, type Equation, type Jaxpr, type SourceSpan } from '../ir';
import { Ops, type Emitter } from '../ops';
import { abstractEval, type ParamsOf, type Primitive } from '../primitives';

/** A value seen while tracing: only its type is known, and the atom that will hold it. */
export class Tracer implements AbstractValue {
  constructor(readonly trace: JaxprTrace, readonly atom: Atom) {}
  get shape(): readonly number[] { return this.atom.aval.shape; }
  get dtype(): DType { return this.atom.aval.dtype; }
  toString(): string { return `Traced<${formatAval(this)}>`; }
}

/** What a traced function may hand to an op: a tracer, a JS number (a literal), or a concrete array (a constvar). */
export type Traceable = Tracer | number | DeviceArray;

const isDeviceArray = (x: unknown): x is DeviceArray =>
  typeof x === 'object' && x !== null && 'backend' in x && 'shape' in x && 'dtype' in x;

/** Records each primitive applied to its tracers as an equation, checking it with the shape rule. */
export class JaxprTrace implements Emitter<Tracer> {
  /** The source span being traced; each equation records it. */
  span: SourceSpan | null = null;
  private readonly invars: Var[] = [];
  private readonly eqns: Equation[] = [];
  private readonly constvars: Var[] = [];
  private readonly consts: ConstValue[] = [];
  private readonly captured = new Map<DeviceArray, Tracer>();

  arg(aval: AbstractValue): Tracer {
    const v = new Var({ shape: [...aval.shape], dtype: aval.dtype });
    this.invars.push(v);
    return new Tracer(this, v);
  }

  bind<P extends Primitive>(prim: P, inputs: readonly Traceable[], params: ParamsOf<P>): Tracer {
    const like = inputs.find((x): x is Tracer | DeviceArray => typeof x !== 'number' && x.dtype !== 'bool')
      ?? inputs.find((x): x is Tracer | DeviceArray => typeof x !== 'number');
    const atoms = inputs.map((x) => this.lift(x, like?.dtype ?? 'float32', prim).atom);
    const out = new Var(abstractEval(prim, atoms.map((a) => a.aval), params));
    this.eqns.push(equation(prim, params, atoms, out, this.span));
    return new Tracer(this, out);
  }

  aval(x: Tracer): AbstractValue { return x.atom.aval; }

  scalar(value: number, dtype: DType): Tracer {
    return new Tracer(this, new Literal(value, dtype));
  }

  /** A concrete array used inside the traced function: it becomes a constvar (one per array). */
  capture(array: DeviceArray): Tracer {
    let t = this.captured.get(array);
    if (!t) {
      const v = new Var({ shape: [...array.shape], dtype: array.dtype });
      this.constvars.push(v);
      this.consts.push({ kind: 'device', array });
      t = new Tracer(this, v);
      this.captured.set(array, t);
    }
    return t;
  }

  /** Runs `fn` with `span` as the current source span. */
  withSpan<R>(span: SourceSpan | null, fn: () => R): R {
    const before = this.span;
    this.span = span;
    try {
      return fn();
    } finally {
      this.span = before;
    }
  }

  /** The jaxpr recorded so far, returning `outs`. */
  build(outs: readonly Traceable[]): Jaxpr {
    const outvars = outs.map((x) => this.lift(x, 'float32', 'output').atom);
    return { constvars: [...this.constvars], consts: [...this.consts], invars: [...this.invars], eqns: [...this.eqns], outvars };
  }

  private lift(x: Traceable, numberDtype: DType, where: string): Tracer {
    if (x instanceof Tracer) {
      if (x.trace !== this) throw new Error(`${where}: a tracer from another trace leaked in (${x}); pass it as an argument instead`);
      return x;
    }
    // NB: a JS number takes the dtype of the array beside it, as JAX's weakly typed Python scalars do.
    if (typeof x === 'number') return this.scalar(x, numberDtype);
    if (isDeviceArray(x)) return this.capture(x);
    throw new TypeError(`${where}: cannot trace a value of type ${typeof x}`);
  }
}

/** Ops over tracers, plus what only tracing has: literals and captured constants. */
export class TraceOps extends Ops<Tracer> {
  constructor(readonly trace: JaxprTrace) {
    super(trace);
  }
  /** A literal (`3.0:f32[]`); its dtype defaults to float32, as JAX's. */
  lit(value: number, dtype: DType = 'float32'): Tracer { return this.trace.scalar(value, dtype); }
  /** A concrete array closed over by the traced function. */
  const(array: DeviceArray): Tracer { return this.trace.capture(array); }
  /** Applies a primitive to tracers, numbers and concrete arrays alike. */
  apply<P extends Primitive>(prim: P, inputs: readonly Traceable[], params: ParamsOf<P>): Tracer {
    return this.trace.bind(prim, inputs, params);
  }
}

export type TracedFunction = (o: TraceOps, ...args: Tracer[]) => Traceable | readonly Traceable[];

/**
 * Traces `fn` on tracers of `inputAvals` into a jaxpr, as `jax.make_jaxpr` does. A single
 * result becomes one outvar, an array of results one each.
 */
export function makeJaxpr(fn: TracedFunction, inputAvals: readonly AbstractValue[]): Jaxpr {
  const trace = new JaxprTrace();
  const args = inputAvals.map((a) => trace.arg(a));
  const out = fn(new TraceOps(trace), ...args);
  return trace.build(Array.isArray(out) ? out : [out as Traceable]);
}
