import type { AbstractValue } from '../../core';
import type { Jaxpr } from '../../ir';
import type { Emitter } from '../../ops';
import type { ParamsOf, Primitive } from '../../primitives';
import { interpretJaxpr } from '../evaluate';
import { JaxprTrace, TraceOps, Tracer, type Traceable } from '../trace';
import { flatten, unflatten, type Leaf, type Pytree, type TreeDef } from './pytree';

/**
 * A function the transformations take and give: it receives the ops of the trace it runs in and
 * pytrees of tracers, and returns a pytree of tracers (or numbers, or concrete arrays).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fn = (o: TraceOps, ...args: any[]) => unknown;

export const avalOf = (x: Leaf): AbstractValue =>
  (typeof x === 'number' ? { shape: [], dtype: 'float32' } : { shape: [...x.shape], dtype: x.dtype });

export interface Staged {
  readonly jaxpr: Jaxpr;
  readonly outDef: TreeDef;
  /** Tracers of enclosing traces that `fn` closed over: the jaxpr's invars after the arguments. */
  readonly closed: readonly Tracer[];
}

/** Traces `fn` on fresh tracers of `avals`, the leaves of the argument list `argsDef`. */
export function stage(fn: Fn, argsDef: TreeDef, avals: readonly AbstractValue[]): Staged {
  const trace = new JaxprTrace();
  const flat = avals.map((a) => trace.arg(a));
  let outDef: TreeDef = { kind: 'none' };
  const outs = trace.run(() => {
    const [leaves, def] = flatten<Traceable>(fn(new TraceOps(trace), ...(unflatten(argsDef, flat) as unknown[])));
    outDef = def;
    return leaves;
  });
  const jaxpr = trace.build(outs);
  return { jaxpr, outDef, closed: [...trace.closedOver] };
}

/**
 * Records `jaxpr` applied to `args` into the trace of `o`: how a transformed function runs inside
 * another trace. Each equation keeps its own span (the current one where it has none), so a
 * transformed function's equations keep their lines.
 */
export function inline(o: TraceOps, jaxpr: Jaxpr, args: readonly Traceable[]): Tracer[] {
  const trace = o.trace;
  const tracers = args.map((x): Tracer => (x instanceof Tracer ? x : typeof x === 'number' ? trace.scalar(x, 'float32') : trace.capture(x)));
  // NB: interpretJaxpr binds each equation once, in order: the k-th bind is eqns[k].
  let k = 0;
  const spanned: Emitter<Tracer> = {
    bind<P extends Primitive>(prim: P, inputs: readonly Tracer[], params: ParamsOf<P>): Tracer {
      return trace.withSpan(jaxpr.eqns[k++].span ?? trace.span, () => trace.bind(prim, inputs, params));
    },
    bindCall(prim, inputs, params) {
      return trace.withSpan(jaxpr.eqns[k++].span ?? trace.span, () => trace.bindCall(prim, inputs, params));
    },
    aval: (x) => trace.aval(x),
    scalar: (value, dtype) => trace.scalar(value, dtype),
  };
  return interpretJaxpr<Tracer>(jaxpr, spanned, tracers, (c) => trace.constant(c));
}

/** Flattens the argument list, keeping where each positional argument's leaves start. */
export function flattenArgs(args: readonly unknown[]): { leaves: Leaf[]; def: TreeDef; starts: number[] } {
  const [leaves, def] = flatten(args as Pytree);
  const starts: number[] = [];
  let n = 0;
  for (const a of args) {
    starts.push(n);
    n += flatten(a as Pytree)[0].length;
  }
  starts.push(n);
  return { leaves, def, starts };
}
