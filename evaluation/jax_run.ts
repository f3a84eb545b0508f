/**
 * Both engines on a function that traces to a jaxpr (jax or numpy code): eager is its
 * value-and-gradient jaxpr run op by op, as JAX runs outside jit; jit is the same jaxpr
 * simplified, fused into kernels and run as one executable.
 */
import { nest, type FunctionAt, type Outcome } from '../lang/python/staging';
import type { ScriptError } from '../lang/python';
import type { Backend, DeviceArray } from '../runtime/backends';
import type { SourceSpan } from '../runtime/core';
import type { Jaxpr } from '../runtime/ir';
import { isFloat, sizeOf } from '../runtime/core';
import { kernelSources, planJaxpr, simplifyAndFuse, vjpJaxpr, type Executable, type Plan } from '../runtime/jit';
import { JACOBIAN_SHOWN, type EagerRun, type GraphGroup, type GraphView, type Jacobian, type JitRun, type NonFinite, type Numbers, type PlotData, type SourceRange } from '../protocol/results';
import { jaxprGraph } from './graph_view';
import { samplePlot } from './plot';
import { scriptFailure } from './failure';
import { lineTimings, roundMs, steadyMs } from './measure';
import { runOpByOp } from './op_by_op';

export function unwrap<T>(outcome: Outcome<T> | { readonly ok: false; readonly error: ScriptError }): T {
  if (!outcome.ok) throw scriptFailure(outcome.error);
  return (outcome as { value: T }).value;
}

/** Value and gradients from a value-and-grad jaxpr's outputs: the value first, then one per `wrt`. */
function valueAndGrad(outputs: readonly { values: ArrayLike<number>; shape: readonly number[] }[], wrt: readonly string[]) {
  const read = outputs.map((o) => nest(o.values, o.shape));
  return { value: read[0], grad: Object.fromEntries(wrt.map((n, k) => [n, read[1 + k]])) as Record<string, Numbers> };
}

/** The traced value-and-grad jaxpr with its argument arrays, freed by `release`. */
export interface Staged {
  readonly jaxpr: Jaxpr;
  readonly traceMs: number;
  readonly arrays: readonly DeviceArray[];
  release(): void;
}

export function stageValueAndGrad(at: FunctionAt): Staged {
  const t0 = performance.now();
  const jaxpr = unwrap(at.valueAndGradJaxpr());
  const traceMs = performance.now() - t0;
  const { arrays, release } = unwrap(at.argumentArrays(jaxpr.invars));
  return { jaxpr, traceMs, arrays, release };
}

/** The source line an equation's span stands for; null where it has none of its own. */
export type LineOf = (span: SourceSpan | null) => number | null;

export async function jaxEager(staged: Staged, wrt: readonly string[], backend: Backend, lineOf: LineOf): Promise<EagerRun> {
  // NB: the first run warms the backend's kernels up; the second is the one whose lines are shown.
  await runOpByOp(staged.jaxpr, backend, staged.arrays);
  const first = await runOpByOp(staged.jaxpr, backend, staged.arrays);
  // Timed as the jit run is: until the value and the gradients are read back.
  const ms = await steadyMs(async () => {
    const t0 = performance.now();
    await runOpByOp(staged.jaxpr, backend, staged.arrays);
    return performance.now() - t0;
  });
  const ops = staged.jaxpr.eqns.map((e, i) => ({ ms: first.eqnMs[i], line: lineOf(e.span) }));
  return { ...valueAndGrad(first.outputs, wrt), runMs: roundMs(ms), ops: ops.length, lines: lineTimings(ops) };
}

export async function jaxJit(staged: Staged, wrt: readonly string[], backend: Backend, lineOf: LineOf): Promise<JitRun & { readonly executable: Executable<DeviceArray> }> {
  const t0 = performance.now();
  const exe = simplifyAndFuse(staged.jaxpr, backend);
  const compileMs = performance.now() - t0;
  const first = await runCompiled(exe, backend, staged.arrays);
  const ms = await steadyMs(async () => (await runCompiled(exe, backend, staged.arrays)).ms);
  return {
    ...valueAndGrad(first.outputs, wrt),
    traceMs: roundMs(staged.traceMs),
    compileMs: roundMs(compileMs),
    runMs: roundMs(ms),
    kernels: exe.plan ? exe.plan.kernels.length : exe.jaxpr.eqns.length,
    ...(exe.ranOn ? { ranOn: exe.ranOn } : {}),
    lineKernels: lineKernels(exe, lineOf),
    executable: exe,
  };
}

/** One run of a compiled executable, timed until its results are read back: on webgpu, `run` only queues the kernels. */
export async function runCompiled(exe: Executable<DeviceArray>, backend: Backend, args: readonly DeviceArray[]) {
  const started = performance.now();
  const outs = exe.run(args);
  try {
    const values = await backend.readMany(outs);
    return { ms: performance.now() - started, outputs: outs.map((o, i) => ({ values: values[i], shape: o.shape })) };
  } finally {
    for (const o of new Set(outs)) backend.dispose(o);
  }
}

/** For each source line, the kernels its equations went into, from the fusion plan. */
function lineKernels(exe: Executable<DeviceArray>, lineOf: LineOf): JitRun['lineKernels'] {
  const byLine = new Map<number, Set<number>>();
  const note = (eqn: number, kernel: number) => {
    const line = lineOf(exe.jaxpr.eqns[eqn].span);
    if (line === null) return;
    const set = byLine.get(line) ?? new Set<number>();
    set.add(kernel);
    byLine.set(line, set);
  };
  if (exe.plan) exe.plan.kernels.forEach((k, index) => k.eqns.forEach((e) => note(e, index)));
  else exe.jaxpr.eqns.forEach((_, i) => note(i, i));
  return [...byLine].sort(([a], [b]) => a - b).map(([line, ks]) => ({ line, kernels: [...ks].sort((a, b) => a - b) }));
}

/**
 * The first equation whose result is NaN or Inf: the function's own jaxpr run op by op, then its
 * gradient's. `rangeOf` places an equation's span (the function's name where it has none).
 */
export async function jaxNonFinite(at: FunctionAt, backend: Backend, rangeOf: (span: SourceSpan | null) => SourceRange): Promise<NonFinite | null> {
  for (const where of ['value', 'gradient'] as const) {
    const jaxpr = unwrap(at.jaxpr(where === 'gradient'));
    const { arrays, release } = unwrap(at.argumentArrays(jaxpr.invars));
    try {
      const found = (await runOpByOp(jaxpr, backend, arrays, true)).nonFinite;
      if (found) {
        const e = jaxpr.eqns[found.eqn];
        return { range: rangeOf(e.span), in: where, op: e.primitive, value: found.value };
      }
    } finally {
      release();
    }
  }
  return null;
}

/**
 * The forward and gradient jaxprs of the function `name` as graphs, each with its fusion plan and
 * each equation's op-by-op time; constants by the global names they were read from.
 */
export async function jaxGraphs(at: FunctionAt, backend: Backend, name: string): Promise<GraphView[]> {
  const names = at.invarNames;
  const graphs: GraphView[] = [];
  for (const kind of ['forward', 'gradient'] as const) {
    const jaxpr = unwrap(at.jaxpr(kind === 'gradient'));
    const { arrays, release } = unwrap(at.argumentArrays(jaxpr.invars));
    try {
      await runOpByOp(jaxpr, backend, arrays);
      const { eqnMs } = await runOpByOp(jaxpr, backend, arrays);
      const plan = planJaxpr(jaxpr);
      graphs.push(jaxprGraph(jaxpr, plan, {
        kind, eqnMs, kernelSource: kernelSourcesFor(jaxpr, plan, backend),
        ...(names.length === jaxpr.invars.length ? { inputNames: names } : {}),
        constNames: at.constantNames(jaxpr),
        ...(kind === 'gradient' ? { outputNames: at.wrt.map((w) => `∂${name}/∂${w}`) } : {}),
      }));
    } finally {
      release();
    }
  }
  return graphs;
}

/**
 * Each fused kernel's generated code as the backend runs it: WGSL on webgpu; on the CPU the
 * WebAssembly (as text) where the kernel is eligible, else the JS loop.
 */
function kernelSourcesFor(jaxpr: Jaxpr, plan: Plan, backend: Backend): (kernel: number) => Pick<GraphGroup, 'source' | 'language'> | null {
  const gpu = backend.name === 'webgpu';
  const primary = kernelSources(jaxpr, plan, gpu ? 'wgsl' : 'wat');
  const js = gpu ? null : kernelSources(jaxpr, plan, 'js');
  return (k) => {
    const source = primary[k];
    if (source !== undefined) return { source, language: gpu ? 'wgsl' : 'wat' };
    const fallback = js?.[k];
    return fallback !== undefined ? { source: fallback, language: 'js' } : null;
  };
}

/** f and f' through the compiled value-and-grad, for a function of exactly one scalar float. */
export async function jaxPlot(at: FunctionAt, staged: Staged, backend: Backend, exe: Executable<DeviceArray>): Promise<PlotData | null> {
  const params = Object.entries(at.inputs);
  if (params.length !== 1 || at.wrt.length !== 1 || staged.jaxpr.invars.length !== 1) return null;
  const [[param, v]] = params;
  const aval = staged.jaxpr.invars[0].aval;
  if (typeof v !== 'number' || aval.shape.length !== 0 || staged.jaxpr.outvars[0].aval.shape.length !== 0) return null;
  // Every sample's f and f' are read back together: one round trip, not two a sample.
  return samplePlot(param, v, async (xs) => {
    const made = new Set<DeviceArray>();
    try {
      const outs = xs.flatMap((x) => {
        const arg = backend.upload([x], aval);
        const [y, dy] = exe.run([arg]);
        for (const a of [arg, y, dy]) made.add(a);
        return [y, dy];
      });
      const values = await backend.readMany(outs);
      return xs.map((_, i) => [values[2 * i][0], values[2 * i + 1][0]] as const);
    } finally {
      for (const a of made) backend.dispose(a);
    }
  });
}

/**
 * The Jacobian of a function whose value is not a scalar, as jax.jacrev computes it: the vjp of
 * each of the value's elements (a one-hot cotangent), one compiled vjp run each. Past
 * JACOBIAN_SHOWN numbers, only its size: the result then shows the summed gradient alone.
 */
export async function jaxJacobian(at: FunctionAt, backend: Backend): Promise<Jacobian | null> {
  const f = unwrap(at.jaxpr(false));
  const y = f.outvars[0]?.aval;
  if (!y || f.outvars.length !== 1 || y.shape.length === 0 || !isFloat(y.dtype)) return null;
  const rows = sizeOf(y.shape);
  const inShapes = at.wrtInvars.map((k) => f.invars[k].aval.shape);
  const size = rows * inShapes.reduce((n, s) => n + sizeOf(s), 0);
  if (size > JACOBIAN_SHOWN || inShapes.length === 0) return { valueShape: y.shape, size };
  const exe = simplifyAndFuse(vjpJaxpr(f, at.wrtInvars), backend);
  const { arrays, release } = unwrap(at.argumentArrays(f.invars));
  const made = new Set<DeviceArray>();
  try {
    const outs = Array.from({ length: rows }, (_, i) => {
      const ct = backend.upload(Array.from({ length: rows }, (_, j) => (i === j ? 1 : 0)), y);
      const [value, ...cts] = exe.run([...arrays, ct]);
      for (const a of [ct, value, ...cts]) made.add(a);
      return cts;
    });
    const read = await backend.readMany(outs.flat());
    // NB: fromEntries, not assignment: a parameter named `__proto__` must be a key like any other.
    const of: Record<string, Numbers> = Object.fromEntries(at.wrt.map((name, k) => {
      const flat = Array.from({ length: rows }, (_, i) => Array.from(read[i * inShapes.length + k])).flat();
      return [name, nest(flat, [...y.shape, ...inShapes[k]])];
    }));
    return { valueShape: y.shape, size, of };
  } finally {
    for (const a of made) backend.dispose(a);
    release();
  }
}
