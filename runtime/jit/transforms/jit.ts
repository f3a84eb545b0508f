import { formatAval } from '../../core';
import type { Backend, DeviceArray } from '../../backends';
import type { Jaxpr } from '../../ir';
import { compile as compileFused, type CompileOptions, type Plan } from '../compile';
import { evalJaxpr } from '../evaluate';
import { simplify } from '../simplify';
import { TraceOps } from '../trace';
import { treeKey, unflatten, type TreeDef } from './pytree';
import { avalOf, flattenArgs, stage, type Fn } from './stage';

/** What compilation makes of a traced jaxpr: something that runs it on arrays of the backend. */
export interface Executable<A extends DeviceArray> {
  /** The jaxpr it runs, after the compile passes (for the graph viewer). */
  readonly jaxpr: Jaxpr;
  /** Which equations went into which kernel; null where the jaxpr runs op by op. */
  readonly plan: Plan | null;
  /** Where the latest run went on a GPU backend: a tiny program runs on the host (see compile/executable.ts); null elsewhere. */
  readonly ranOn: 'gpu' | 'host' | null;
  run(args: readonly A[]): A[];
}

/** The compile stage: a hook so tests and benchmarks can swap the pipeline. */
export type Compile = <A extends DeviceArray>(jaxpr: Jaxpr, backend: Backend<A>) => Executable<A>;

/** Simplification, then op-by-op evaluation: the reference the fused pipeline is tested against. */
export const simplifyAndEvaluate: Compile = (jaxpr, backend) => {
  const simplified = simplify(jaxpr, { backend });
  return { jaxpr: simplified, plan: null, ranOn: null, run: (args) => evalJaxpr(simplified, backend, args) };
};

/** Simplification, then fusion into few kernels with generated code, compiled with `options`. */
export function simplifyAndFuseWith(options: CompileOptions): Compile {
  return (jaxpr, backend) => {
    const simplified = simplify(jaxpr, { backend });
    const fused = compileFused(simplified, backend, options);
    return {
      jaxpr: simplified,
      plan: fused.plan,
      get ranOn() {
        return fused.ranOn;
      },
      run: (args) => fused.run(args),
    };
  };
}

/** Simplification, then fusion into few kernels with generated code (the default). */
export const simplifyAndFuse: Compile = simplifyAndFuseWith({});

export interface JitOptions<A extends DeviceArray> {
  readonly backend: Backend<A>;
  readonly compile?: Compile;
}

/** Counters since the function was made, and milliseconds spent, in total and on the latest call. */
export interface JitStats {
  calls: number;
  traces: number;
  compiles: number;
  cacheHits: number;
  traceMs: number;
  compileMs: number;
  runMs: number;
  last: { traceMs: number; compileMs: number; runMs: number };
}

export interface Jitted<A extends DeviceArray> {
  /** On concrete arrays: runs the cached executable (tracing and compiling on a new signature). */
  (...args: unknown[]): unknown;
  readonly stats: JitStats;
  /** The compiled jaxpr of each signature seen, by cache key. */
  readonly compiled: ReadonlyMap<string, Executable<A>>;
  readonly fn: Fn;
}

/**
 * `jax.jit`. Called with a TraceOps first (inside another transformation or trace), it simply
 * runs `fn` there: the enclosing trace records it and is compiled as a whole. Called on concrete
 * arrays it looks up an executable by the argument tree and each leaf's shape and dtype.
 */
export function jit<A extends DeviceArray>(fn: Fn, opts: JitOptions<A>): Jitted<A> {
  const compile = opts.compile ?? simplifyAndFuse;
  const cache = new Map<string, { exe: Executable<A>; outDef: TreeDef }>();
  const compiled = new Map<string, Executable<A>>();
  const stats: JitStats = { calls: 0, traces: 0, compiles: 0, cacheHits: 0, traceMs: 0, compileMs: 0, runMs: 0, last: { traceMs: 0, compileMs: 0, runMs: 0 } };
  const jitted = (...args: unknown[]): unknown => {
    if (args[0] instanceof TraceOps) return fn(args[0], ...args.slice(1));
    stats.calls++;
    const { leaves, def } = flattenArgs(args);
    const arrays = leaves.map((x) => {
      if (typeof x === 'number' || !('backend' in x) || x.backend !== opts.backend.name) {
        throw new TypeError(`jit: arguments must be arrays on the ${opts.backend.name} backend`);
      }
      return x as A;
    });
    const key = `${treeKey(def)}|${arrays.map(formatAval).join(',')}`;
    let entry = cache.get(key);
    stats.last = { traceMs: 0, compileMs: 0, runMs: 0 };
    if (entry) {
      stats.cacheHits++;
    } else {
      let t0 = performance.now();
      const { jaxpr, outDef, closed } = stage(fn, def, arrays.map(avalOf));
      if (closed.length > 0) throw new Error('jit: the function closes over a tracer; call the jitted function inside that trace instead');
      stats.last.traceMs = performance.now() - t0;
      stats.traces++;
      t0 = performance.now();
      const exe = compile(jaxpr, opts.backend);
      stats.last.compileMs = performance.now() - t0;
      stats.compiles++;
      entry = { exe, outDef };
      cache.set(key, entry);
      compiled.set(key, exe);
    }
    const t0 = performance.now();
    const outs = entry.exe.run(arrays);
    stats.last.runMs = performance.now() - t0;
    stats.traceMs += stats.last.traceMs;
    stats.compileMs += stats.last.compileMs;
    stats.runMs += stats.last.runMs;
    return unflatten(entry.outDef, outs);
  };
  return Object.assign(jitted, { stats, compiled, fn });
}
