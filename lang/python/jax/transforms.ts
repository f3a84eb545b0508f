/**
 * `jax.grad`, `value_and_grad`, `jit`, `vmap`, `jvp`, `vjp` and `make_jaxpr` for Python
 * functions. Each traces the Python function (through `ctx.call`, on Arrays backed by tracers)
 * into a jaxpr with the runtime's `stage`, transforms that jaxpr with the runtime's
 * transformations, and applies the result to the arguments through the jax runtime: at once on
 * concrete arrays, or recorded into the enclosing trace when the arguments are tracers, which is
 * what makes the transformations compose (`grad(grad(f))`, `jit(vmap(f))`).
 */
import { formatAval, isComplex, isInexact, type AbstractValue } from '../../../runtime/core';
import type { DeviceArray } from '../../../runtime/backends';
import type { SourceSpan } from '../../../runtime/core';
import type { Jaxpr } from '../../../runtime/ir';
import type { Emitter } from '../../../runtime/ops';
import { interpretJaxpr, jit as runtimeJit, jvpJaxpr, stage, valueAndGradJaxpr, vjpJaxpr, vmapJaxpr, type Fn, type Jitted, type TraceOps, type Tracer, type TreeDef } from '../../../runtime/jit';
import { dictKey, iterate, PyComplex, pyError, HostObject, hostType, pyFunction, PyFunction, type HostContext, PyList, PyTuple, type Kwargs, type PyValue, toIndex, typeName, typeOf } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { cast, jaxDtypeOf, operand } from './lax';
import { broadcastPrefixPy, flattenPy, flattenWithPathPy, keyEntryStr, leafCount, treeKey, unflattenPy, type PyTreeDef } from './pytree';
import { threefryPartitionable } from './random';
import { stagingOrigin } from './staging_origin';
import { Scalar, isTracer, type Val } from './values';

interface LeafVal { readonly v: Val; readonly weak: boolean }

export function leafVal(rt: JaxRuntime, x: PyValue, ctx?: HostContext): LeafVal {
  // NB: a NumPy array enters a transformation with its canonical dtype (dtypes.canonicalize_dtype: float64 as float32 without x64).
  if (x instanceof PyArray) return x.numpy && !rt.tracesNumpyCode ? { v: cast(rt, x.v, jaxDtypeOf(rt, x.dtype)), weak: false } : { v: x.v, weak: x.weak };
  if (typeof x === 'boolean') return { v: new Scalar(x ? 1 : 0, 'bool'), weak: true };
  if (typeof x === 'bigint') return { v: new Scalar(Number(x), rt.intDtype(false)), weak: true };
  if (typeof x === 'number') return { v: new Scalar(x, rt.floatDtype), weak: true };
  if (x instanceof PyComplex) return { v: operand(rt, x, ctx!).v, weak: true };
  throw pyError('TypeError', `expected an array or a Python scalar, got ${typeName(x)}`);
}

const isArrayLeaf = (x: PyValue) => x instanceof PyArray || typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyComplex;

const avalOf = (v: Val): AbstractValue => ({ shape: [...v.shape], dtype: v.dtype });

/** The flattened arguments of a call, with static ones (jit's static_argnums/argnames) held out. */
export interface FlatArgs {
  readonly def: PyTreeDef;
  readonly leaves: LeafVal[];
  /** Leaf index where each positional argument starts; one more entry for the end. */
  readonly starts: number[];
  readonly statics: ReadonlyMap<number, PyValue>;
  /** Keyword arguments traced as arguments: the last `kwNames.length` entries of the flattened tuple. */
  readonly kwNames: readonly string[];
  readonly staticKw: ReadonlyMap<string, PyValue>;
}

export function flattenArgs(
  rt: JaxRuntime, args: readonly PyValue[], ctx: HostContext, statics: ReadonlySet<number> = new Set(),
  kwargs: Kwargs = new Map(), staticNames: ReadonlySet<string> = new Set(),
): FlatArgs {
  const held = new Map<number, PyValue>();
  const traced = args.map((a, i) => {
    if (!statics.has(i)) return a;
    held.set(i, a);
    return null;
  });
  const kwNames: string[] = [];
  const staticKw = new Map<string, PyValue>();
  for (const [k, v] of kwargs) {
    if (staticNames.has(k)) staticKw.set(k, v);
    else {
      kwNames.push(k);
      traced.push(v);
    }
  }
  const [leaves, def] = flattenPy(new PyTuple(traced), ctx);
  const starts: number[] = [0];
  if (def.kind === 'tuple') for (const c of def.children) starts.push(starts[starts.length - 1] + leafCount(c));
  return { def, leaves: leaves.map((x) => leafVal(rt, x, ctx)), starts, statics: held, kwNames, staticKw };
}

/** The Python arguments a flattened call's leaves stand for: statics put back, keywords split off. */
function rebuildArgs(flat: FlatArgs, leaves: readonly PyValue[], ctx: HostContext): [PyValue[], Kwargs] {
  const items = (unflattenPy(flat.def, leaves, ctx) as PyTuple).items;
  const npos = items.length - flat.kwNames.length;
  const args = items.slice(0, npos).map((a, i) => (flat.statics.has(i) ? flat.statics.get(i)! : a));
  const kwargs: Kwargs = new Map(flat.kwNames.map((k, i) => [k, items[npos + i]]));
  for (const [k, v] of flat.staticKw) kwargs.set(k, v);
  return [args, kwargs];
}

export interface OutInfo { def: PyTreeDef; weak: boolean[] }

/**
 * Which argument leaves lend their concrete value to the tracer standing for them: all of them
 * under grad, jvp and vjp (JAX traces those over concrete primals, so Python control flow on them
 * runs), the unbatched ones under vmap, none under jit and make_jaxpr (they stage).
 */
export type KnownArgs = (leaf: number) => boolean;
const NONE_KNOWN: KnownArgs = () => false;
export const ALL_KNOWN: KnownArgs = () => true;

/** The transformations whose staged function JAX's tracer errors name (their debug info's traced_for). */
const NAMED_IN_ERRORS = new Set(['jit', 'make_jaxpr']);

/**
 * The Python function as a runtime `Fn` over flat tracers: it rebuilds the Python arguments
 * (statics put back), calls the function, and returns the flat output leaves; `info` receives the
 * output's structure and weak types each time it runs.
 */
function pythonFn(rt: JaxRuntime, ctx: HostContext, name: string, fun: PyValue, flat: FlatArgs, info: OutInfo, known: KnownArgs = NONE_KNOWN): Fn {
  return (o: TraceOps, ...tracers: Tracer[]) => {
    tracers.forEach((t, i) => {
      if (!known(i)) return;
      const v = flat.leaves[i].v;
      const k = isTracer(v) ? rt.knownValue(v) : v;
      if (k) rt.setKnown(t, k);
    });
    const pyLeaves = tracers.map((t, i) => new PyArray(rt, t, flat.leaves[i].weak, false));
    const [args, kwargs] = rebuildArgs(flat, pyLeaves, ctx);
    rt.transforming.push(name);
    let result: PyValue;
    try {
      const origin = NAMED_IN_ERRORS.has(name)
        ? stagingOrigin(fun, name, { def: flat.def, positional: flat.starts.length - 1 - flat.kwNames.length, statics: new Set(flat.statics.keys()), kwNames: flat.kwNames }, ctx)
        : null;
      result = rt.withStaging(o.trace, known === NONE_KNOWN, () => ctx.callScopingCalls(fun, args, kwargs), origin);
    } finally {
      rt.transforming.pop();
    }
    const [outs, def] = flattenPy(result, ctx);
    const vals = outs.map((x) => leafVal(rt, x));
    info.def = def;
    info.weak = vals.map((x) => x.weak);
    return vals.map(({ v }) => (v instanceof Scalar ? o.lit(v.value, v.dtype) : v));
  };
}

const flatDef = (n: number): TreeDef => ({ kind: 'list', children: Array.from({ length: n }, () => ({ kind: 'leaf' as const })) });

export interface StagedPy { jaxpr: Jaxpr; out: OutInfo; closed: readonly Tracer[] }

/** The jaxpr of a Python function. */
export function stagePy(rt: JaxRuntime, ctx: HostContext, name: string, fun: PyValue, flat: FlatArgs, avals?: readonly AbstractValue[], known: KnownArgs = NONE_KNOWN): StagedPy {
  const out: OutInfo = { def: { kind: 'none' }, weak: [] };
  const fn = pythonFn(rt, ctx, name, fun, flat, out, known);
  const { jaxpr, closed } = stage(fn, flatDef(flat.leaves.length), avals ?? flat.leaves.map((l) => avalOf(l.v)));
  return { jaxpr, out, closed };
}

/** Runs a jaxpr on values: concretely on the backend, or into the trace of any tracer among them. */
export function apply(rt: JaxRuntime, jaxpr: Jaxpr, args: readonly Val[]): Val[] {
  const tracer = args.find(isTracer);
  if (!tracer) return interpretJaxpr<Val>(jaxpr, rt, args, (c) => (c.kind === 'device' ? c.array : rt.upload(c.values, c.aval.shape, c.aval.dtype)));
  // NB: while tracing, every equation (even one of literals only) is recorded, never run, so no
  // concrete array made here can be captured and then freed with this op.
  const trace = tracer.trace;
  trace.span = rt.sourceSpan();
  const ins = args.map((x): Tracer => {
    if (isTracer(x)) return x;
    if (x instanceof Scalar) return trace.scalar(x.value, x.dtype);
    rt.pin(x);
    const t = trace.capture(x);
    rt.setKnown(t, x);
    return t;
  });
  const callSpan = trace.span;
  // Each equation keeps the line it was traced at inside the transformed function (the editor
  // times lines and maps them to kernels); one without a span takes the call's.
  let next = 0;
  const spanned: Emitter<Tracer> = {
    bind: (prim, inputs, params) => {
      trace.span = jaxpr.eqns[next++]?.span ?? callSpan;
      const out = trace.bind(prim, inputs, params);
      rt.computeKnown(out, prim, inputs, params);
      return out;
    },
    bindCall: (prim, inputs, params) => {
      trace.span = jaxpr.eqns[next++]?.span ?? callSpan;
      return rt.recordCall(trace, prim, inputs, params, true);
    },
    aval: (x) => trace.aval(x),
    scalar: (value, dtype) => trace.scalar(value, dtype),
  };
  try {
    return interpretJaxpr<Tracer>(jaxpr, spanned, ins, (c) => {
      if (c.kind === 'device') rt.pin(c.array);
      const t = trace.constant(c);
      rt.setKnown(t, c.kind === 'device' ? c.array : rt.upload(c.values, c.aval.shape, c.aval.dtype));
      return t;
    });
  } finally {
    trace.span = callSpan;
  }
}

/**
 * The derived jaxpr with the spans of the forward equations it replays: a transformation replays
 * each forward equation with its very params object, which is how they are recognized here.
 */
function withForwardSpans(derived: Jaxpr, forward: Jaxpr): Jaxpr {
  const spans = new Map<object, SourceSpan>();
  for (const e of forward.eqns) if (e.span && typeof e.params === 'object' && e.params !== null) spans.set(e.params, e.span);
  return { ...derived, eqns: derived.eqns.map((e) => (e.span === null && spans.has(e.params) ? { ...e, span: spans.get(e.params)! } : e)) };
}

/** The arrays anywhere in a result (any pytree), which must outlive the op that made them. */
function keepArrays(v: PyValue, ctx: HostContext): Val[] {
  return flattenPy(v, ctx)[0].flatMap((x) => (x instanceof PyArray ? [x.v] : []));
}

/** Runs a transformation's work as one op: what it made and does not return is freed. */
export function transformOp(rt: JaxRuntime, ctx: HostContext, fn: () => PyValue, extra: () => Val[] = () => []): PyValue {
  return rt.run(fn, (r) => [...keepArrays(r, ctx), ...extra()]);
}

const wrapVal = (rt: JaxRuntime, v: Val, weak: boolean) => new PyArray(rt, rt.place(v), weak, false);

export function argnumsOf(v: PyValue | undefined, nargs: number, ctx: HostContext): { list: number[]; tuple: boolean } {
  const tuple = v instanceof PyTuple || v instanceof PyList;
  const raw = v === undefined || v === null ? [0n] : tuple ? (v as PyTuple).items : [v];
  const list = raw.map((a) => {
    const i = Number(toIndex(a, ctx));
    const j = i < 0 ? i + nargs : i;
    if (j < 0 || j >= nargs) throw pyError('ValueError', `argnums ${i} is out of bounds for a function of ${nargs} positional argument(s)`);
    return j;
  });
  return { list, tuple };
}

/** A Python-callable transformed function; `name` is what JAX shows in its repr. */
export class Transformed extends HostObject {
  static readonly type = hostType('PjitFunction', 'jaxlib.xla_extension');
  constructor(
    readonly label: string,
    private readonly fn: (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue,
    attrs: Record<string, PyValue> = {},
    /** The positions a jit holds static (its static_argnums, and its static_argnames' positions in the signature). */
    readonly staticPositions: readonly number[] = [],
  ) {
    super();
    this.attrs = new Map(Object.entries(attrs));
  }
  private readonly attrs: ReadonlyMap<string, PyValue>;
  get pyType() { return Transformed.type; }
  /** A transformed function computes new arrays from its arguments' values and holds none of them (JAX's arrays are immutable). */
  override get keepsNoArguments(): boolean { return true; }
  /** Transformed functions are Python functions to JAX (jit's PjitFunction has `__get__`): in a class, methods. */
  override get bindsAsMethod(): boolean { return true; }
  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue { return this.fn(args, kwargs, ctx); }
  override getattr(name: string): PyValue | undefined { return this.attrs.get(name); }
  override repr(): string { return `<function ${this.label}>`; }
}

export function funName(fun: PyValue): string {
  return typeof fun === 'object' && fun !== null && 'name' in fun && typeof (fun as { name: unknown }).name === 'string' ? (fun as { name: string }).name : 'fun';
}

export function noKwargs(kwargs: Kwargs, what: string): void {
  if (kwargs.size > 0) throw pyError('NotImplementedError', `keyword arguments to a ${what}-transformed function are not supported by Gradlens`);
}

interface GradOpts { argnums?: PyValue; hasAux: boolean; holomorphic?: boolean; withValue: boolean }

export function gradTransform(rt: JaxRuntime, fun: PyValue, opts: GradOpts): Transformed {
  const name = opts.withValue ? 'value_and_grad' : 'grad';
  return new Transformed(`${name}(${funName(fun)})`, (args, kwargs, ctx) => {
    noKwargs(kwargs, name);
    return transformOp(rt, ctx, () => {
      const { list: argnums, tuple } = argnumsOf(opts.argnums, args.length, ctx);
      // An argument not differentiated that is no array (a function) is closed over, as JAX's argnums_partial does.
      const passed = new Set(args.flatMap((x, i) => (!argnums.includes(i) && flattenPy(x, ctx)[0].some((l) => !isArrayLeaf(l)) ? [i] : [])));
      const flat = flattenArgs(rt, args, ctx, passed);
      for (const a of argnums) {
        for (let k = flat.starts[a]; k < flat.starts[a + 1]; k++) {
          const d = flat.leaves[k].v.dtype;
          if (opts.holomorphic && !isComplex(d)) throw pyError('TypeError', `grad with holomorphic=True requires inputs with complex dtype, but got ${d}.`);
          if (!isInexact(d)) {
            throw pyError('TypeError', `grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of np.inexact), but got ${d}. If you want to use Boolean- or integer-valued inputs, use vjp or set allow_int to True.`);
          }
        }
      }
      const { jaxpr, out, closed } = stagePy(rt, ctx, name, fun, flat, undefined, ALL_KNOWN);
      let valueDef = out.def;
      let auxDef: PyTreeDef = { kind: 'none' };
      if (opts.hasAux) {
        if ((out.def.kind !== 'tuple' && out.def.kind !== 'list') || out.def.children.length !== 2) {
          throw pyError('TypeError', 'has_aux=True requires the function to return a (value, aux) pair');
        }
        [valueDef, auxDef] = out.def.children;
      }
      const y = jaxpr.outvars[0]?.aval;
      if (valueDef.kind !== 'leaf' || !y || y.shape.length !== 0) {
        const shape = y ? `(${y.shape.join(', ')}${y.shape.length === 1 ? ',' : ''})` : '()';
        throw pyError('TypeError', `Gradient only defined for scalar-output functions. Output had shape: ${shape}.`);
      }
      // JAX's _check_output_dtype_revderiv: holomorphic asks for a complex output, a real-valued grad for a floating one.
      if (opts.holomorphic && !isComplex(y.dtype)) throw pyError('TypeError', `grad with holomorphic=True requires outputs with complex dtype, but got ${y.dtype}.`);
      if (!opts.holomorphic && isComplex(y.dtype)) {
        throw pyError('TypeError', `grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got ${y.dtype}. For holomorphic differentiation, pass holomorphic=True. For differentiation of non-holomorphic functions involving complex outputs, use jax.vjp directly.`);
      }
      if (!isInexact(y.dtype)) throw pyError('TypeError', `grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got ${y.dtype}.`);
      const wrt = argnums.flatMap((a) => Array.from({ length: flat.starts[a + 1] - flat.starts[a] }, (_, k) => flat.starts[a] + k));
      const outs = apply(rt, withForwardSpans(valueAndGradJaxpr(jaxpr, wrt), jaxpr), [...flat.leaves.map((l) => l.v), ...closed]);
      const n = jaxpr.outvars.length;
      const grads = outs.slice(n);
      const argDefs = flat.def.kind === 'tuple' ? flat.def.children : [];
      const perArg = argnums.map((a) => {
        const leaves = grads.splice(0, flat.starts[a + 1] - flat.starts[a]).map((g, k) => wrapVal(rt, g, flat.leaves[flat.starts[a] + k].weak));
        return unflattenPy(argDefs[a], leaves, ctx);
      });
      const g = tuple ? new PyTuple(perArg) : perArg[0];
      const value = wrapVal(rt, outs[0], out.weak[0]);
      const aux = opts.hasAux ? unflattenPy(auxDef, outs.slice(1, n).map((v, i) => wrapVal(rt, v, out.weak[i + 1])), ctx) : null;
      if (!opts.withValue) return opts.hasAux ? new PyTuple([g, aux]) : g;
      return new PyTuple([opts.hasAux ? new PyTuple([value, aux]) : value, g]);
    });
  });
}

function outputs(rt: JaxRuntime, info: OutInfo, vals: readonly Val[]): PyValue {
  return unflattenPy(info.def, vals.map((v, i) => wrapVal(rt, v, info.weak[i] ?? false)), rt.ctx);
}

export function vmapTransform(rt: JaxRuntime, fun: PyValue, inAxes: PyValue, outAxes: PyValue, axisSize: number | null = null): Transformed {
  return new Transformed(`vmap(${funName(fun)})`, (args, kwargs, ctx) => {
    noKwargs(kwargs, 'vmap');
    return transformOp(rt, ctx, () => {
      const flat = flattenArgs(rt, args, ctx);
      const axisOf = (x: PyValue) => (x === null ? null : Number(toIndex(x, ctx)));
      const axes = broadcastPrefixPy(inAxes instanceof PyList ? new PyTuple(inAxes.items) : inAxes, flat.def, axisOf, ctx);
      const sizes = flat.leaves.map((l, i) => {
        const a = axes[i];
        if (a === null) return null;
        const rank = l.v.shape.length;
        const d = a < 0 ? a + rank : a;
        if (d < 0 || d >= rank) throw pyError('ValueError', `vmap was requested to map its argument along axis ${a}, which implies that its rank should be at least ${a + 1}, but is only ${rank} (its shape is (${l.v.shape.join(', ')}${rank === 1 ? ',' : ''}))`);
        return l.v.shape[d];
      });
      const distinct = new Set([...sizes, axisSize].filter((n) => n !== null));
      if (distinct.size === 0) throw pyError('ValueError', 'vmap must have at least one non-None value in in_axes or axis_size must be specified');
      if (distinct.size > 1) throw pyError('ValueError', inconsistentSizes(fun, args, flat, axes, sizes, axisSize, ctx));
      const [size] = distinct as Set<number>;
      const avals = flat.leaves.map((l, i) => {
        const a = axes[i];
        if (a === null) return avalOf(l.v);
        const d = a < 0 ? a + l.v.shape.length : a;
        return { shape: l.v.shape.filter((_, k) => k !== d), dtype: l.v.dtype };
      });
      const { jaxpr, out, closed } = stagePy(rt, ctx, 'vmap', fun, flat, avals, (i) => axes[i] === null);
      const outs = broadcastPrefixPy(outAxes, out.def, axisOf, ctx);
      const batched = vmapJaxpr(jaxpr, size, [...axes, ...closed.map(() => null)], outs);
      return outputs(rt, out, apply(rt, batched, [...flat.leaves.map((l) => l.v), ...closed]));
    });
  });
}

/**
 * vmap's error for mapped axes of different sizes, as jax/_src/api.py _mapped_axis_size writes it:
 * each size with its count (the most common first, ties in argument order) and one argument
 * having it, named by the function's parameter and its key path.
 */
function inconsistentSizes(
  fun: PyValue, args: readonly PyValue[], flat: FlatArgs, axes: readonly (number | null)[], sizes: readonly (number | null)[], axisSize: number | null, ctx: HostContext,
): string {
  const [paths] = flattenWithPathPy(new PyTuple([...args]), ctx);
  const params = positionalNames(fun);
  const where = (i: number) => {
    const [head, ...rest] = paths[i];
    const keys = rest.map((k) => keyEntryStr(k, ctx)).join('');
    const idx = head.kind === 'sequence' ? head.idx : -1;
    const arg = params !== null && idx >= 0 && idx < params.length ? `argument ${params[idx]}${keys}` : `args${keyEntryStr(head, ctx)}${keys}`;
    const v = flat.leaves[i].v;
    return `${arg} of type ${v.dtype}[${v.shape.join(',')}]`;
  };
  const counts = new Map<number, number>();
  for (const n of sizes) if (n !== null) counts.set(n, (counts.get(n) ?? 0) + 1);
  const ordered = [...counts].sort((p, q) => q[1] - p[1]);
  const lines = ['vmap got inconsistent sizes for array axes to be mapped:'];
  if (axisSize !== null) lines.push(`  * the \`axis_size\` argument was ${axisSize};`);
  ordered.forEach(([n, count], k) => {
    const i = sizes.indexOf(n);
    lines.push(count === 1 ? `  * one axis had size ${n}: axis ${axes[i]} of ${where(i)};` : `  * ${k === 0 ? 'most axes' : 'some axes'} (${count} of them) had size ${n}, e.g. axis ${axes[i]} of ${where(i)};`);
  });
  return lines.join('\n').slice(0, -1);
}

function sequenceItems(v: PyValue, what: string): readonly PyValue[] {
  if (v instanceof PyTuple || v instanceof PyList) return v.items;
  throw pyError('TypeError', `${what} must be a tuple or list, got ${typeName(v)}`);
}

export function jvpCall(rt: JaxRuntime, fun: PyValue, primals: PyValue, tangents: PyValue, ctx: HostContext): PyValue {
  return transformOp(rt, ctx, () => {
    const flat = flattenArgs(rt, sequenceItems(primals, 'primal arguments'), ctx);
    const tflat = flattenArgs(rt, sequenceItems(tangents, 'tangent arguments'), ctx);
    if (tflat.leaves.length !== flat.leaves.length) throw pyError('ValueError', 'jvp: primal and tangent arguments must have the same tree structure');
    flat.leaves.forEach((l, i) => {
      const t = tflat.leaves[i].v;
      if (formatAval(t) !== formatAval(l.v) && !(t instanceof Scalar && l.v.shape.length === 0)) {
        throw pyError('ValueError', `jvp called with different primal and tangent shapes;Got primal shape (${l.v.shape.join(', ')}) and tangent shape as (${t.shape.join(', ')})`);
      }
    });
    const { jaxpr, out, closed } = stagePy(rt, ctx, 'jvp', fun, flat, undefined, ALL_KNOWN);
    const t = jvpJaxpr(jaxpr, jaxpr.invars.map((_, i) => i < flat.leaves.length));
    const tangentVals = tflat.leaves.map((l, i) => (l.v instanceof Scalar ? new Scalar(l.v.value, flat.leaves[i].v.dtype) : l.v));
    const outs = apply(rt, t, [...flat.leaves.map((l) => l.v), ...closed, ...tangentVals]);
    const n = jaxpr.outvars.length;
    return new PyTuple([outputs(rt, out, outs.slice(0, n)), outputs(rt, out, outs.slice(n))]);
  });
}

export function vjpCall(rt: JaxRuntime, fun: PyValue, primals: PyValue[], hasAux: boolean, ctx: HostContext): PyValue {
  let consts: Val[] = [];
  return transformOp(rt, ctx, () => {
    const flat = flattenArgs(rt, primals, ctx);
    const { jaxpr, out, closed } = stagePy(rt, ctx, 'vjp', fun, flat, undefined, ALL_KNOWN);
    const inputs = [...flat.leaves.map((l) => l.v), ...closed];
    const forward = apply(rt, jaxpr, inputs);
    const n = jaxpr.outvars.length;
    const nMain = hasAux && out.def.kind !== 'leaf' && out.def.kind !== 'none' ? leafCount(out.def.children[0]) : n;
    const mainDef = hasAux && out.def.kind !== 'leaf' && out.def.kind !== 'none' ? out.def.children[0] : out.def;
    const main = { ...jaxpr, outvars: jaxpr.outvars.slice(0, nMain) };
    const back = vjpJaxpr(main, flat.leaves.map((_, i) => i));
    // The pullback keeps its inputs and constants alive past this call.
    consts = [...inputs.filter((v) => !isTracer(v)), ...back.consts.flatMap((c) => (c.kind === 'device' ? [c.array as DeviceArray] : []))];
    const pullback = new Transformed(`vjp(${funName(fun)})`, (cargs, ckw, c2) => {
      noKwargs(ckw, 'vjp');
      if (cargs.length !== 1) throw pyError('TypeError', `The function returned by \`jax.vjp\` takes exactly one argument, got ${cargs.length}`);
      return transformOp(rt, c2, () => {
        const [cts, cdef] = flattenPy(cargs[0], c2);
        if (treeKey(cdef, c2) !== treeKey(mainDef, c2)) throw pyError('ValueError', 'vjp: the cotangent must have the same tree structure as the primal output');
        const ctVals = cts.map((x, i) => {
          const v = leafVal(rt, x).v;
          return v instanceof Scalar ? new Scalar(v.value, main.outvars[i].aval.dtype) : v;
        });
        const res = apply(rt, back, [...inputs, ...ctVals]).slice(nMain);
        const argDefs = flat.def.kind === 'tuple' ? flat.def.children : [];
        return new PyTuple(argDefs.map((d, a) => unflattenPy(d, res.slice(flat.starts[a], flat.starts[a + 1]).map((v, k) => wrapVal(rt, v, flat.leaves[flat.starts[a] + k].weak)), c2)));
      });
    });
    const primalOut = unflattenPy(mainDef, forward.slice(0, nMain).map((v, i) => wrapVal(rt, v, out.weak[i])), ctx);
    if (!hasAux) return new PyTuple([primalOut, pullback]);
    const auxDef = out.def.kind !== 'leaf' && out.def.kind !== 'none' ? out.def.children[1] : { kind: 'none' as const };
    const aux = unflattenPy(auxDef, forward.slice(nMain).map((v, i) => wrapVal(rt, v, out.weak[nMain + i])), ctx);
    return new PyTuple([primalOut, pullback, aux]);
  }, () => consts);
}

/** What `jax.make_jaxpr(f)(*args)` returns: prints as JAX prints a ClosedJaxpr. */
export class ClosedJaxprObject extends HostObject {
  static readonly type = hostType('ClosedJaxpr', 'jax.core');
  constructor(readonly jaxpr: Jaxpr, private readonly text: string) {
    super();
  }
  get pyType() { return ClosedJaxprObject.type; }
  override str(): string { return this.text; }
  override repr(): string { return this.text; }
  override getattr(name: string): PyValue | undefined {
    if (name === 'eqns') return new PyList(this.jaxpr.eqns.map((e) => e.primitive));
    if (name === 'in_avals') return new PyList(this.jaxpr.invars.map((v) => formatAval(v.aval)));
    if (name === 'out_avals') return new PyList(this.jaxpr.outvars.map((v) => formatAval(v.aval)));
    return undefined;
  }
}

function indexList(v: PyValue | undefined, ctx: HostContext): number[] {
  if (v === undefined || v === null) return [];
  const items = v instanceof PyTuple || v instanceof PyList ? v.items : [v];
  return items.map((x) => Number(toIndex(x, ctx)));
}

function staticSet(v: PyValue | undefined, ctx: HostContext): Set<number> {
  return new Set(indexList(v, ctx));
}

function nameList(v: PyValue | undefined, ctx: HostContext): string[] {
  if (v === undefined || v === null) return [];
  const items = typeof v === 'string' ? [v] : [...iterate(v, ctx)];
  return items.map((x) => {
    if (typeof x !== 'string') throw pyError('TypeError', `static_argnames must be a string or a sequence of strings, got ${typeName(x)}`);
    return x;
  });
}

export function makeJaxprTransform(rt: JaxRuntime, fun: PyValue, staticArgnums: PyValue | undefined, print: (j: Jaxpr) => string): Transformed {
  return new Transformed(`make_jaxpr(${funName(fun)})`, (args, kwargs, ctx) => {
    noKwargs(kwargs, 'make_jaxpr');
    return transformOp(rt, ctx, () => {
      const flat = flattenArgs(rt, args, ctx, staticSet(staticArgnums, ctx));
      const { jaxpr } = stagePy(rt, ctx, 'make_jaxpr', fun, flat);
      return new ClosedJaxprObject(jaxpr, print(jaxpr));
    }, () => []);
  });
}

/** What `jax.jit` takes beside the function. */
export interface JitOptions {
  readonly staticArgnums?: PyValue;
  readonly staticArgnames?: PyValue;
  readonly donateArgnums?: PyValue;
  readonly donateArgnames?: PyValue;
}

/**
 * JAX's error (pjit.py _infer_input_type) for a jitted function's argument leaf that is not an
 * array or a Python scalar, naming it by its parameter and pytree path (`self`, `x.name`).
 */
function refuseNonArrayArgs(fun: PyValue, args: readonly PyValue[], kwargs: Kwargs, statics: ReadonlySet<number>, staticNames: ReadonlySet<string>, ctx: HostContext): void {
  const names = positionalNames(fun) ?? [];
  const rest = fun instanceof PyFunction ? fun.node.params.find((p) => p.kind === 'varargs')?.name ?? 'args' : 'args';
  const nameOf = (i: number) => (i < names.length ? names[i] : `${rest}[${i - names.length}]`);
  const named: [string, PyValue][] = [
    ...args.flatMap((a, i): [string, PyValue][] => (statics.has(i) ? [] : [[nameOf(i), a]])),
    ...[...kwargs].filter(([k]) => !staticNames.has(k)),
  ];
  for (const [name, arg] of named) {
    const [paths, leaves] = flattenWithPathPy(arg, ctx);
    const bad = leaves.findIndex((l) => !isArrayLeaf(l));
    if (bad < 0) continue;
    const path = name + paths[bad].map((k) => keyEntryStr(k, ctx)).join('');
    throw pyError('TypeError', `Error interpreting argument to ${ctx.repr(fun)} as an abstract array. The problematic value is of type ${ctx.repr(typeOf(leaves[bad]))} and was passed to the function at path ${path}.\n`
      + 'This typically means that a jit-wrapped function was called with a non-array argument, and this argument was not marked as static using the static_argnums or static_argnames parameters of jax.jit.');
  }
}

/** The names of a Python function's positional parameters, in order (null when it has no signature to read). */
function positionalNames(fun: PyValue): string[] | null {
  if (!(fun instanceof PyFunction)) return null;
  return fun.node.params.filter((p) => p.kind === 'positional').map((p) => p.name);
}

/**
 * Static positions and names, each completed from the other through the signature as JAX does
 * (`inspect.signature`) when only one of them is given.
 */
function staticsOf(fun: PyValue, opts: JitOptions, ctx: HostContext): { nums: number[]; names: Set<string> } {
  const nums = indexList(opts.staticArgnums, ctx);
  const names = nameList(opts.staticArgnames, ctx);
  const params = positionalNames(fun);
  if (params) {
    const given = { nums: opts.staticArgnums !== undefined && opts.staticArgnums !== null, names: opts.staticArgnames !== undefined && opts.staticArgnames !== null };
    if (given.nums && !given.names) for (const i of nums) if (params[i < 0 ? i + params.length : i] !== undefined) names.push(params[i < 0 ? i + params.length : i]);
    if (given.names && !given.nums) for (const n of names) if (params.includes(n)) nums.push(params.indexOf(n));
  }
  return { nums, names: new Set(names) };
}

/**
 * A static argument's cache key: its type and hash key (equal values of one type share it, as
 * JAX's strict-type hashing does), or JAX's error for one it cannot hash (jaxlib's C++ jit's text).
 */
function staticKey(v: PyValue, ctx: HostContext): string {
  let why: string | null = null;
  if (v instanceof PyArray) why = `unhashable type: '${v.numpy ? 'numpy.ndarray' : 'ArrayImpl'}'`;
  else {
    try {
      return `${ctx.repr(typeOf(v))}:${dictKey(v, ctx)}`;
    } catch (e) {
      why = e instanceof Error && 'exc' in e ? ctx.str((e as { exc: PyValue }).exc) : String(e);
    }
  }
  if (why !== null) {
    throw pyError('ValueError', `Non-hashable static arguments are not supported. An error occurred while trying to hash an object of type ${ctx.repr(typeOf(v))}, ${ctx.str(v)}. The error was:\nTypeError: ${why}`);
  }
  return '';
}

/**
 * `jax.jit`: concrete calls go through the runtime's `jit` (one cache per argument structure and
 * static values; per shapes and dtypes inside it), so a second call with the same signature neither
 * traces nor compiles; a call on tracers traces the function into the enclosing trace. Donation
 * is accepted and has no effect: arrays here are never updated in place.
 */
export function jitTransform(rt: JaxRuntime, fun: PyValue, opts: JitOptions, ctx0: HostContext): Transformed {
  const statics = staticsOf(fun, opts, ctx0);
  indexList(opts.donateArgnums, ctx0);
  nameList(opts.donateArgnames, ctx0);
  const caches = sharedJitCaches(rt, fun, `${statics.nums.join(',')}|${[...statics.names].sort().join(',')}|${indexList(opts.donateArgnums, ctx0).join(',')}|${nameList(opts.donateArgnames, ctx0).join(',')}`);
  const keep = () => [...caches.values()].flatMap((c) => [...c.jitted.compiled.values()].flatMap((e) => e.jaxpr.consts.flatMap((k) => (k.kind === 'device' ? [k.array] : []))));
  const stats = () => {
    const all = [...caches.values()].map((c) => c.jitted.stats);
    return { traces: all.reduce((n, s) => n + s.traces, 0), calls: all.reduce((n, s) => n + s.calls, 0), hits: all.reduce((n, s) => n + s.cacheHits, 0) };
  };
  const attrs: Record<string, PyValue> = {
    _cache_size: pyFunction('_cache_size', () => BigInt([...caches.values()].reduce((n, c) => n + c.jitted.compiled.size, 0))),
    _trace_count: pyFunction('_trace_count', () => BigInt(stats().traces)),
    // NB: Gradlens compiles a jaxpr to its own kernels: there is no StableHLO module to lower to.
    lower: pyFunction('lower', () => {
      throw pyError('NotImplementedError', 'jax.jit(f).lower(...) is not supported by Gradlens: it compiles jaxprs to its own kernels, not to StableHLO; print jax.make_jaxpr(f)(...) to see the traced program');
    }),
  };
  return new Transformed(`jit(${funName(fun)})`, (args, kwargs, ctx) => {
    const nums = new Set(statics.nums.map((i) => (i < 0 ? i + args.length : i)));
    const keys = [
      ...args.flatMap((a, i) => (nums.has(i) ? [`${i}=${staticKey(a, ctx)}`] : [])),
      ...[...kwargs].filter(([k]) => statics.names.has(k)).sort(([p], [q]) => (p < q ? -1 : 1)).map(([k, v]) => `${k}=${staticKey(v, ctx)}`),
    ];
    // jax.disable_jit(): the function runs op by op, its Python side effects on every call.
    if (rt.jitDisabled) return ctx.call(fun, args, kwargs);
    return transformOp(rt, ctx, () => {
      refuseNonArrayArgs(fun, args, kwargs, nums, statics.names, ctx);
      const flat = flattenArgs(rt, args, ctx, nums, kwargs, statics.names);
      if (flat.leaves.some((l) => isTracer(l.v)) || rt.stagingTrace()) {
        const { jaxpr, out, closed } = stagePy(rt, ctx, 'jit', fun, flat);
        return outputs(rt, out, apply(rt, jaxpr, [...flat.leaves.map((l) => l.v), ...closed]));
      }
      // NB: the config options JAX keys its jit cache on (include_in_jit_key) that change what a trace computes.
      const config = `x64=${rt.x64},partitionable=${threefryPartitionable(ctx)}`;
      const key = `${treeKey(flat.def, ctx)}|${flat.kwNames.join(',')}|${keys.join(',')}|${flat.leaves.map((l) => (l.weak ? 'w' : '')).join('')}|${config}`;
      let cache = caches.get(key);
      if (!cache) {
        const holder = { current: flat };
        const info = new Map<string, OutInfo>();
        const fn: Fn = (o, ...tracers) => {
          const out: OutInfo = { def: { kind: 'none' }, weak: [] };
          const result = pythonFn(rt, ctx, 'jit', fun, holder.current, out)(o, ...tracers);
          info.set(avalKey(holder.current), out);
          return result;
        };
        cache = { jitted: runtimeJit<DeviceArray>(fn, { backend: rt.backend }), flat: holder, info };
        caches.set(key, cache);
      }
      cache.flat.current = flat;
      const arrays = flat.leaves.map((l) => rt.place(l.v) as DeviceArray);
      const outs = (cache.jitted(...arrays) as DeviceArray[]).map((a) => rt.adopt(a));
      return outputs(rt, cache.info.get(avalKey(flat))!, outs);
    }, keep);
  }, attrs, staticPositionsOf(fun, statics));
}

type JitCache = { jitted: Jitted<DeviceArray>; flat: { current: FlatArgs }; info: Map<string, OutInfo> };

/** The traces of every `jax.jit` of `fun` with these options (a function that is no object has its own). */
function sharedJitCaches(rt: JaxRuntime, fun: PyValue, optsKey: string): Map<string, JitCache> {
  if (typeof fun !== 'object' || fun === null) return new Map();
  let byOpts = rt.jitCaches.get(fun);
  if (!byOpts) rt.jitCaches.set(fun, (byOpts = new Map()));
  let caches = byOpts.get(optsKey);
  if (!caches) byOpts.set(optsKey, (caches = new Map()));
  return caches as Map<string, JitCache>;
}

/** The positions of a jit's static arguments where the signature says (negative ones counted from its end). */
function staticPositionsOf(fun: PyValue, statics: { nums: readonly number[]; names: ReadonlySet<string> }): number[] {
  const params = positionalNames(fun) ?? [];
  const nums = statics.nums.map((i) => (i < 0 ? i + params.length : i)).filter((i) => i >= 0);
  const named = params.flatMap((p, i) => (statics.names.has(p) ? [i] : []));
  return [...new Set([...nums, ...named])].sort((a, b) => a - b);
}

const avalKey = (flat: FlatArgs) => flat.leaves.map((l) => formatAval(l.v)).join(',');
