import { formatAval, type AbstractValue, type DType, type SourceSpan } from '../core';
import type { DeviceArray } from '../backends';
import { callEquation, callOutAvals, equation, isCall, isVar, Literal, Var, type AnyEquation, type Atom, type CallParamsOf, type CallPrimitive, type ConstValue, type Jaxpr } from '../ir';
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

/** Traces whose function is running, outermost first: a tracer of one of them may enter a deeper trace. */
const active: JaxprTrace[] = [];

/** Records each primitive applied to its tracers as an equation, checking it with the shape rule. */
export class JaxprTrace implements Emitter<Tracer> {
  /** The source span being traced; each equation records it. */
  span: SourceSpan | null = null;
  private readonly invars: Var[] = [];
  private readonly eqns: AnyEquation[] = [];
  private readonly constvars: Var[] = [];
  private readonly consts: ConstValue[] = [];
  private readonly captured = new Map<DeviceArray, Tracer>();
  private readonly closureVars: Var[] = [];
  private readonly closure = new Map<Atom, Tracer>();
  private readonly closed: Tracer[] = [];

  arg(aval: AbstractValue): Tracer {
    const v = new Var({ shape: [...aval.shape], dtype: aval.dtype });
    this.invars.push(v);
    return new Tracer(this, v);
  }

  bind<P extends Primitive>(prim: P, inputs: readonly Traceable[], params: ParamsOf<P>): Tracer {
    // NB: an op mixing tracers of nested traces belongs to the innermost one (JAX's find_top_trace).
    const top = inputs.reduce<JaxprTrace>((t, x) => (x instanceof Tracer && active.indexOf(x.trace) > active.indexOf(t) ? x.trace : t), this);
    if (top !== this) return top.bind(prim, inputs, params);
    const like = inputs.find((x): x is Tracer | DeviceArray => typeof x !== 'number' && x.dtype !== 'bool')
      ?? inputs.find((x): x is Tracer | DeviceArray => typeof x !== 'number');
    const atoms = inputs.map((x) => this.lift(x, like?.dtype ?? 'float32', prim).atom);
    const out = new Var(abstractEval(prim, atoms.map((a) => a.aval), params));
    this.eqns.push(equation(prim, params, atoms, out, this.span));
    return new Tracer(this, out);
  }

  /** Records a call primitive's equation (its several results checked by its shape rule). */
  bindCall<C extends CallPrimitive>(prim: C, inputs: readonly Traceable[], params: CallParamsOf<C>): Tracer[] {
    const top = inputs.reduce<JaxprTrace>((t, x) => (x instanceof Tracer && active.indexOf(x.trace) > active.indexOf(t) ? x.trace : t), this);
    if (top !== this) return top.bindCall(prim, inputs, params);
    const atoms = inputs.map((x) => this.lift(x, 'float32', prim).atom);
    const outs = callOutAvals(prim, atoms.map((a) => a.aval), params).map((a) => new Var(a));
    this.eqns.push(callEquation(prim, params, atoms, outs, this.span));
    return outs.map((v) => new Tracer(this, v));
  }

  aval(x: Tracer): AbstractValue { return x.atom.aval; }

  /**
   * The positions of the arguments `t`'s value was computed from, in order (JAX's
   * JaxprStackFrame.find_progenitors): what an error names as what the value depends on.
   */
  argumentsOf(t: Tracer): number[] {
    if (t.trace !== this || !isVar(t.atom)) return [];
    const needed = new Set<Var>([t.atom]);
    for (let k = this.eqns.length - 1; k >= 0; k--) {
      const e = this.eqns[k];
      const outs = isCall(e) ? e.outs : [e.out];
      if (!outs.some((v) => needed.delete(v))) continue;
      for (const a of e.inputs) if (isVar(a)) needed.add(a);
    }
    return this.invars.flatMap((v, i) => (needed.has(v) ? [i] : []));
  }

  /** Equations recorded so far: a caller bounds a trace's size with it. */
  get equationCount(): number { return this.eqns.length; }

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

  /** A constvar holding `c` (a device array is captured once, as by `capture`). */
  constant(c: ConstValue): Tracer {
    if (c.kind === 'device') return this.capture(c.array);
    const v = new Var({ shape: [...c.aval.shape], dtype: c.aval.dtype });
    this.constvars.push(v);
    this.consts.push(c);
    return new Tracer(this, v);
  }

  /** Runs `fn` with this trace active, so tracers of enclosing active traces may enter it. */
  run<R>(fn: () => R): R {
    active.push(this);
    try {
      return fn();
    } finally {
      active.splice(active.lastIndexOf(this), 1);
    }
  }

  /**
   * Tracers of enclosing traces that this one used, in the order of the extra invars `build`
   * appends for them after the arguments: whoever inlines the jaxpr passes these there.
   */
  get closedOver(): readonly Tracer[] { return this.closed; }

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
    return {
      constvars: [...this.constvars], consts: [...this.consts], invars: [...this.invars, ...this.closureVars], eqns: [...this.eqns], outvars,
    };
  }

  private lift(x: Traceable, numberDtype: DType, where: string): Tracer {
    if (x instanceof Tracer) {
      if (x.trace !== this && !isVar(x.atom)) return this.scalar(x.atom.value, x.atom.dtype);
      if (x.trace !== this && this.encloses(x.trace)) return this.closeOver(x);
      if (x.trace !== this) throw new Error(`${where}: a tracer from another trace leaked in (${x}); pass it as an argument instead`);
      return x;
    }
    // NB: a JS number takes the dtype of the array beside it, as JAX's weakly typed Python scalars do.
    if (typeof x === 'number') return this.scalar(x, numberDtype);
    if (isDeviceArray(x)) return this.capture(x);
    throw new TypeError(`${where}: cannot trace a value of type ${typeof x}`);
  }

  private encloses(outer: JaxprTrace): boolean {
    const i = active.indexOf(outer);
    const self = active.indexOf(this);
    return i >= 0 && (self < 0 || i < self);
  }

  /** An enclosing trace's tracer becomes an extra input of this trace (a closure), one per var. */
  private closeOver(x: Tracer): Tracer {
    let t = this.closure.get(x.atom);
    if (!t) {
      const v = new Var({ shape: [...x.shape], dtype: x.dtype });
      this.closureVars.push(v);
      this.closed.push(x);
      t = new Tracer(this, v);
      this.closure.set(x.atom, t);
    }
    return t;
  }
}

/** Ops over tracers, plus what only tracing has: literals and captured constants. */
export class TraceOps extends Ops<Tracer> {
  constructor(readonly trace: JaxprTrace) {
    super(trace);
  }
  /** A literal (`3.0`); its dtype defaults to float32, as JAX's. */
  lit(value: number, dtype: DType = 'float32'): Tracer { return this.trace.scalar(value, dtype); }
  /** A concrete array closed over by the traced function. */
  const(array: DeviceArray): Tracer { return this.trace.capture(array); }
  /** Applies a primitive to tracers, numbers and concrete arrays alike. */
  apply<P extends Primitive>(prim: P, inputs: readonly Traceable[], params: ParamsOf<P>): Tracer {
    return this.trace.bind(prim, inputs, params);
  }
  /** Records a call primitive into the trace. */
  call<C extends CallPrimitive>(prim: C, inputs: readonly Traceable[], params: CallParamsOf<C>): Tracer[] {
    return this.trace.bindCall(prim, inputs, params);
  }
}

export type TracedFunction = (o: TraceOps, ...args: Tracer[]) => Traceable | readonly Traceable[];

/**
 * Traces `fn` on tracers of `inputAvals` into a jaxpr, as `jax.make_jaxpr` does. A single
 * result becomes one outvar, an array of results one each. Tracers of an enclosing trace that
 * `fn` closes over become extra invars after the arguments (see `JaxprTrace.closedOver`).
 */
export function makeJaxpr(fn: TracedFunction, inputAvals: readonly AbstractValue[]): Jaxpr {
  const trace = new JaxprTrace();
  const args = inputAvals.map((a) => trace.arg(a));
  const out = trace.run(() => fn(new TraceOps(trace), ...args));
  return trace.build(Array.isArray(out) ? out : [out as Traceable]);
}
