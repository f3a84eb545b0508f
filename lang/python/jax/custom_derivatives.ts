/**
 * `jax.custom_jvp` and `jax.custom_vjp`, as JAX 0.4.35's custom_derivatives.py: calling the
 * decorated function on concrete values runs it; on tracers it binds `custom_jvp_call` (or
 * `custom_vjp_call`) holding the function's closed jaxpr and the user's rules, traced when a
 * transformation first needs them (a rule calling its own function would otherwise trace itself
 * forever). JVP then runs the user's jvp, reverse mode transposes it (custom_jvp) or runs
 * fwd then bwd (custom_vjp); `nondiff_argnums` arguments are static, passed to the rules first.
 */
import { formatAval, isFloat, type AbstractValue } from '../../../runtime/core';
import { OUT_TREES_THUNK, pyFunctionRepr, type CustomRule, type Jaxpr } from '../../../runtime/ir';
import { withUnusedInvars } from '../../../runtime/jit';
import { bindArgs, HostObject, hostType, isCallable, pyError, pyFunction, PyFunction, PyList, PyTuple, toIndex, type HostContext, type Kwargs, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { flattenPy, sameTree, treeDefRepr, unflattenPy, type PyTreeDef } from './pytree';
import { flattenArgs, stagePy, transformOp, type FlatArgs } from './transforms';
import * as L from './lax';
import { isTracer, Scalar, type Val } from './values';

/** The decorated function's call split into its static (nondiff) and traced arguments. */
interface SplitCall {
  readonly statics: ReadonlyMap<number, PyValue>;
  readonly diff: readonly PyValue[];
  readonly all: (diff: readonly PyValue[]) => PyValue[];
}

function splitCall(fun: PyValue, nondiff: readonly number[], args: readonly PyValue[], kwargs: Kwargs): SplitCall {
  let positional = [...args];
  if (kwargs.size > 0) {
    // JAX resolves keyword arguments to positions through the function's signature.
    if (!(fun instanceof PyFunction)) throw pyError('TypeError', 'keyword arguments to a custom_jvp/custom_vjp function need a Python function to resolve them');
    const names = fun.node.params.filter((p) => p.kind === 'positional').map((p) => p.name);
    for (const [k, v] of kwargs) {
      const i = names.indexOf(k);
      if (i < 0) throw pyError('TypeError', `${fun.name}() got an unexpected keyword argument '${k}'`);
      while (positional.length < i) positional.push(fun.defaults[positional.length] ?? null);
      positional[i] = v;
    }
    positional = positional.map((x, i) => x ?? fun.defaults[i] ?? null);
  }
  const statics = new Map<number, PyValue>();
  for (const i of nondiff) if (i < positional.length) statics.set(i, positional[i]);
  const diff = positional.filter((_, i) => !statics.has(i));
  const all = (d: readonly PyValue[]) => {
    const out: PyValue[] = [];
    let k = 0;
    for (let i = 0; i < positional.length; i++) out.push(statics.has(i) ? statics.get(i)! : d[k++]);
    return out;
  };
  return { statics, diff, all };
}

/** symbolic_zeros=True changes what the rules are called with: refused rather than run as if False. */
function refuseSymbolicZeros(what: string, on: boolean, why: string): void {
  if (on) throw pyError('NotImplementedError', `${what}(symbolic_zeros=True) is not supported by Gradlens yet (${why}); leave symbolic_zeros out: the rules then get zero arrays`);
}

const staticArgs = (s: SplitCall) => [...s.statics.keys()].sort((a, b) => a - b).map((i) => s.statics.get(i)!);

function nameOf(fun: PyValue): string {
  return fun instanceof PyFunction ? fun.name : 'fun';
}

interface TracedFun {
  readonly jaxpr: Jaxpr;
  readonly consts: readonly Val[];
  readonly outDef: PyTreeDef;
  readonly outWeak: readonly boolean[];
  readonly leaves: readonly Val[];
  readonly weak: readonly boolean[];
  readonly argsDef: PyTreeDef;
}

/** The function over its differentiable arguments as a closed jaxpr (consts and closed-over tracers first). */
function traceFun(rt: JaxRuntime, ctx: HostContext, fun: PyValue, call: SplitCall): TracedFun {
  const flat = flattenArgs(rt, call.diff, ctx);
  const wrapper = pyFunction(nameOf(fun), (dargs) => ctx.call(fun, call.all(dargs)));
  const { jaxpr, out, closed } = stagePy(rt, ctx, nameOf(fun), wrapper, flat);
  const n = flat.leaves.length;
  const consts = jaxpr.consts.map((c): Val => (c.kind === 'device' ? c.array : rt.upload(c.values, c.aval.shape, c.aval.dtype)));
  return {
    jaxpr: { constvars: [], consts: [], eqns: jaxpr.eqns, outvars: jaxpr.outvars, invars: [...jaxpr.constvars, ...jaxpr.invars.slice(n), ...jaxpr.invars.slice(0, n)] },
    consts: [...consts, ...closed], outDef: out.def, outWeak: out.weak, leaves: flat.leaves.map((l) => l.v), weak: flat.leaves.map((l) => l.weak), argsDef: flat.def,
  };
}

/**
 * A rule traced from Python on demand (once): `body` gets the flat leaves as tracers and returns
 * the flat outputs. Its jaxpr takes the call's consts first (unused), as every rule of the equation does.
 */
function lazyRule(rt: JaxRuntime, ctx: HostContext, name: string, inputs: () => readonly RuleInput[], constAvals: readonly AbstractValue[],
  body: (leaves: readonly PyValue[]) => PyValue[], residuals: () => number = () => 0): CustomRule {
  let traced: Jaxpr | null = null;
  return {
    name,
    get numResiduals() { return residuals(); },
    jaxpr() {
      if (traced) return traced;
      const ins = inputs();
      // The rule takes one tuple of the flat leaves; only their types and weak types matter here.
      const flat: FlatArgs = {
        def: { kind: 'tuple', children: [{ kind: 'tuple', children: ins.map(() => ({ kind: 'leaf' as const })) }] },
        leaves: ins.map((x) => ({ v: new Scalar(0, x.aval.dtype), weak: x.weak })),
        starts: [0, ins.length], statics: new Map(), kwNames: [], staticKw: new Map(),
      };
      const fn = pyFunction(name, (args) => new PyTuple(body((args[0] as PyTuple).items)));
      const { jaxpr, closed } = stagePy(rt, ctx, name, fn, flat, ins.map((x) => x.aval));
      if (closed.length > 0) {
        throw pyError('NotImplementedError', `the custom rule ${name} uses a traced value from outside its arguments, which Gradlens does not support yet; pass it as an argument`);
      }
      traced = withUnusedInvars(jaxpr, 0, constAvals);
      return traced;
    },
  };
}

/**
 * How JAX 0.4.35 prints custom_vjp's bwd param: the bound `call_wrapped` of linear_util's
 * WrappedFun around the user's bwd, its repr listing the transformations (`_flatten_bwd` with its
 * static args; `_add_args_` holding the nondiff arguments) over the core function's name.
 */
function wrappedBwdRepr(f: TracedFun, call: SplitCall, bwdName: string, ctx: HostContext): string {
  const shaped = (a: AbstractValue, weak: boolean) => `ShapedArray(${shortAval(a)}${weak ? ', weak_type=True' : ''})`;
  const avals = `[${f.leaves.map((v, i) => shaped(avalOf(v), f.weak[i])).join(', ')}]`;
  const transforms = [`_flatten_bwd   (${treeDefRepr(f.argsDef, ctx)}, ${avals}, ${pyFunctionRepr(OUT_TREES_THUNK)})`];
  if (call.statics.size > 0) {
    const unhashable = staticArgs(call).map(() => '<jax._src.custom_derivatives.Unhashable object at 0x7f0000000000>');
    transforms.push(`_add_args_   ((${unhashable.join(', ')}${unhashable.length === 1 ? ',' : ''}),)`);
  }
  return `<bound method WrappedFun.call_wrapped of Wrapped function:\n${transforms.map((t, i) => `${i}   : ${t}`).join('\n')}\nCore: ${bwdName}\n>`;
}

/** A rule's flat input: its type, and whether it is weakly typed (a Python scalar). */
interface RuleInput { readonly aval: AbstractValue; readonly weak: boolean }

const avalOf = (v: Val): AbstractValue => ({ shape: [...v.shape], dtype: v.dtype });
const shortAval = (a: AbstractValue) => `${a.dtype}[${a.shape.join(',')}]`;

/**
 * What custom_jvp and custom_vjp functions share: the wrapped function and its nondiff_argnums as
 * attributes, and a call that runs the function itself on concrete arguments (JAX's rules apply
 * only under a transformation) and otherwise binds the subclass's call primitive over its trace.
 */
abstract class CustomRuleFunction extends HostObject {
  constructor(protected readonly rt: JaxRuntime, readonly fun: PyValue, protected readonly nondiff: readonly number[]) {
    super();
  }

  /** The subclass's attributes beyond `fun`, `__name__` and `nondiff_argnums` (its def* methods). */
  protected abstract ruleAttribute(name: string): PyValue | undefined;

  /**
   * Checks the rules are defined (JAX's AttributeError otherwise, raised before any tracing) and
   * returns what binds the call primitive over the traced function.
   */
  protected abstract prepareBind(name: string, call: SplitCall, ctx: HostContext): (f: TracedFun) => Val[];

  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'fun': return this.fun;
      case '__name__': return nameOf(this.fun);
      case 'nondiff_argnums': return new PyTuple(this.nondiff.map(BigInt));
    }
    return this.ruleAttribute(name);
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    const rt = this.rt;
    const call = splitCall(this.fun, this.nondiff, args, kwargs);
    const leaves = flattenArgs(rt, call.diff, ctx).leaves;
    if (!leaves.some((l) => isTracer(l.v)) && !rt.stagingTrace()) return ctx.call(this.fun, call.all(call.diff));
    const bind = this.prepareBind(nameOf(this.fun), call, ctx);
    return transformOp(rt, ctx, () => {
      const f = traceFun(rt, ctx, this.fun, call);
      const outs = bind(f);
      return unflattenPy(f.outDef, outs.map((v, i) => new PyArray(rt, rt.place(v), f.outWeak[i] ?? false, false)), ctx);
    });
  }
}

/** `jax.custom_jvp(fun, nondiff_argnums=())`: the function, whose derivative is the rule given with `defjvp`. */
export class CustomJvpFunction extends CustomRuleFunction {
  static readonly type = hostType('custom_jvp', 'jax');
  private rule: PyValue | null = null;
  get pyType() { return CustomJvpFunction.type; }

  /** A custom_jvp function Gradlens defines itself (jax.scipy.special's xlogy, logit): `fun` with `defjvp(rule)` applied. */
  static withRule(rt: JaxRuntime, fun: PyValue, rule: PyValue, nondiff: readonly number[] = []): CustomJvpFunction {
    const f = new CustomJvpFunction(rt, fun, nondiff);
    f.rule = rule;
    return f;
  }

  protected ruleAttribute(name: string): PyValue | undefined {
    switch (name) {
      case 'defjvp': return pyFunction('defjvp', (args, kwargs, ctx) => {
        const a = bindArgs('defjvp', ['jvp', 'symbolic_zeros?'], args, kwargs, ctx);
        refuseSymbolicZeros('custom_jvp.defjvp', a.bool('symbolic_zeros', false), 'its rule would get SymbolicZero tangents');
        this.rule = a.required('jvp');
        return this.rule;
      });
      case 'defjvps': return pyFunction('defjvps', (args) => {
        if (this.nondiff.length > 0) throw pyError('TypeError', "Can't use ``defjvps`` with ``nondiff_argnums``.");
        this.rule = defjvpsRule(this.rt, this, args);
        return null;
      });
    }
    return undefined;
  }

  protected prepareBind(name: string, call: SplitCall, ctx: HostContext): (f: TracedFun) => Val[] {
    const rt = this.rt;
    if (this.rule === null) throw pyError('AttributeError', `No JVP defined for custom_jvp function ${name} using defjvp.`);
    const rule = this.rule;
    return (f) => {
      const n = f.leaves.length;
      const args = f.leaves.map((v, i) => ({ aval: avalOf(v), weak: f.weak[i] }));
      const jvp = lazyRule(rt, ctx, nameOf(rule), () => [...args, ...args], f.consts.map(avalOf), (xs) => {
        const primals = unflattenPy(f.argsDef, xs.slice(0, n), ctx);
        const tangents = unflattenPy(f.argsDef, xs.slice(n), ctx);
        const r = ctx.call(rule, [...staticArgs(call), primals, tangents]);
        return jvpOutputs(r, f, name, nameOf(rule), ctx);
      });
      return rt.bindCall('custom_jvp_call', [...f.consts, ...f.leaves], { callJaxpr: f.jaxpr, jvp, numConsts: f.consts.length, symbolicZeros: false });
    };
  }
}

/** The rule's (primal_out, tangent_out), checked against the function's outputs as JAX checks it. */
function jvpOutputs(r: PyValue, f: TracedFun, name: string, ruleName: string, ctx: HostContext): PyValue[] {
  if (!((r instanceof PyTuple || r instanceof PyList) && r.items.length === 2)) {
    throw pyError('TypeError', `Custom JVP rule must produce a pair (list or tuple of length two) representing primal and tangent outputs, but got ${ctx.repr(r)}.`);
  }
  const [p, t] = r.items;
  const [pl, pdef] = flattenPy(p, ctx);
  const [tl, tdef] = flattenPy(t, ctx);
  const want = f.jaxpr.outvars.map((v) => v.aval);
  if (!sameTree(pdef, f.outDef, ctx)) {
    throw pyError('TypeError', `Custom JVP rule ${ruleName} for function ${name} must produce a pair (list or tuple of length two) where the first element represents the primal output `
      + `(equal in value to the output of the custom_jvp-decorated function ${name}, and in particular of the same container/pytree structure), but instead the JVP rule output's first element had container/pytree structure:\n`
      + `    ${treeDefRepr(pdef, ctx)}\nwhile the custom_jvp-decorated function ${name} had output container/pytree structure:\n    ${treeDefRepr(f.outDef, ctx)}.`);
  }
  if (!sameTree(tdef, pdef, ctx)) {
    throw pyError('TypeError', `Custom JVP rule must produce primal and tangent outputs with equal container (pytree) structures, but got ${treeDefRepr(pdef, ctx)} and ${treeDefRepr(tdef, ctx)} respectively.`);
  }
  tl.forEach((x, i) => {
    const a = leafAval(x);
    if (isFloat(want[i].dtype) && formatAval(a) !== formatAval(want[i]) && !(a.shape.length === want[i].shape.length && a.shape.every((d, k) => d === want[i].shape[k]) && isFloat(a.dtype))) {
      throw pyError('TypeError', `Custom JVP rule must produce primal and tangent outputs with corresponding shapes and dtypes. Expected ${shortAval(want[i])} (tangent type of ${shortAval(want[i])}) but got ${shortAval(a)}.`);
    }
  });
  return [...pl, ...tl];
}

function leafAval(x: PyValue): AbstractValue {
  if (x instanceof PyArray) return { shape: x.shape, dtype: x.dtype };
  return { shape: [], dtype: typeof x === 'bigint' ? 'int32' : typeof x === 'boolean' ? 'bool' : 'float32' };
}

/** `defjvps(*jvps)`: one rule per argument, `jvp(g_dot, primal_out, *primals)`, their tangents summed (None: no contribution). */
function defjvpsRule(rt: JaxRuntime, self: CustomJvpFunction, jvps: readonly PyValue[]): PyValue {
  return pyFunction('jvp', (args, _kw, ctx) => {
    const [primals, tangents] = args as [PyTuple, PyTuple];
    const primalOut = ctx.call(self, primals.items);
    let total: PyValue | null = null;
    jvps.forEach((j, i) => {
      if (j === null) return;
      const t = ctx.call(j, [tangents.items[i], primalOut, ...primals.items]);
      total = total === null ? t : addTrees(rt, total, t, ctx);
    });
    return new PyTuple([primalOut, total ?? zerosLikeTree(rt, primalOut, ctx)]);
  });
}

function addTrees(rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext): PyValue {
  const [al, def] = flattenPy(a, ctx);
  const [bl] = flattenPy(b, ctx);
  return unflattenPy(def, al.map((x, i) => L.binary(rt, 'add', x, bl[i], ctx)), ctx);
}

function zerosLikeTree(rt: JaxRuntime, x: PyValue, ctx: HostContext): PyValue {
  const [l, def] = flattenPy(x, ctx);
  return unflattenPy(def, l.map((v) => L.binary(rt, 'mul', v, 0.0, ctx)), ctx);
}

/** `jax.custom_vjp(fun, nondiff_argnums=())`: the function, whose reverse-mode derivative is `defvjp`'s fwd then bwd. */
export class CustomVjpFunction extends CustomRuleFunction {
  static readonly type = hostType('custom_vjp', 'jax');
  private fwd: PyValue | null = null;
  private bwd: PyValue | null = null;
  get pyType() { return CustomVjpFunction.type; }

  protected ruleAttribute(name: string): PyValue | undefined {
    switch (name) {
      case 'defvjp': return pyFunction('defvjp', (args, kwargs, ctx) => {
        const a = bindArgs('defvjp', ['fwd', 'bwd', 'symbolic_zeros?', 'optimize_remat?'], args, kwargs, ctx);
        refuseSymbolicZeros('custom_vjp.defvjp', a.bool('symbolic_zeros', false), 'fwd would get CustomVJPPrimal arguments and bwd could return None for zero cotangents');
        this.fwd = a.required('fwd');
        this.bwd = a.required('bwd');
        return null;
      });
    }
    return undefined;
  }

  protected prepareBind(name: string, call: SplitCall, ctx: HostContext): (f: TracedFun) => Val[] {
    const rt = this.rt;
    if (this.fwd === null || this.bwd === null) throw pyError('AttributeError', `No VJP defined for custom_vjp function ${name} using defvjp.`);
    const [fwdFn, bwdFn] = [this.fwd, this.bwd];
    return (f) => {
      const args = f.leaves.map((v, i) => ({ aval: avalOf(v), weak: f.weak[i] }));
      const outs0 = f.jaxpr.outvars.map((v, i) => ({ aval: v.aval, weak: f.outWeak[i] ?? false }));
      let resDef: PyTreeDef | null = null;
      let resAvals: RuleInput[] = [];
      const fwd = lazyRule(rt, ctx, nameOf(fwdFn), () => args, f.consts.map(avalOf), (xs) => {
        const r = ctx.call(fwdFn, call.all(argsOf(f, xs, ctx)));
        if (!((r instanceof PyTuple || r instanceof PyList) && r.items.length === 2)) {
          throw pyError('TypeError', `Custom VJP fwd rule ${nameOf(fwdFn)} for function ${name} must produce a pair (list or tuple of length two) where the first element represents the primal output `
            + `(equal to the output of the custom_vjp-decorated function ${name}) and the second element represents residuals (i.e. values stored from the forward pass for use on the backward pass), but instead the fwd rule output was:\n    ${ctx.repr(r)}.`);
        }
        const [out, res] = r.items;
        const [ol, odef] = flattenPy(out, ctx);
        if (!sameTree(odef, f.outDef, ctx)) {
          throw pyError('TypeError', `Custom VJP fwd rule ${nameOf(fwdFn)} for function ${name} must produce a pair (list or tuple of length two) where the first element represents the primal output `
            + `(equal to the output of the custom_vjp-decorated function ${name}) and the second element represents residuals, but the primal output had container/pytree structure\n    ${treeDefRepr(odef, ctx)}\nwhile the custom_vjp-decorated function ${name} had output container/pytree structure\n    ${treeDefRepr(f.outDef, ctx)}.`);
        }
        const [rl, rdef] = flattenPy(res, ctx);
        resDef = rdef;
        resAvals = rl.map((x) => ({ aval: leafAval(x), weak: !(x instanceof PyArray) || x.weak }));
        return [...ol, ...rl];
      }, () => {
        fwd.jaxpr();
        return resAvals.length;
      });
      const bwd = lazyRule(rt, ctx, nameOf(bwdFn), () => {
        fwd.jaxpr();
        return [...resAvals, ...outs0];
      }, [], (xs) => {
        const nres = resAvals.length;
        const res = unflattenPy(resDef!, xs.slice(0, nres), ctx);
        const ct = unflattenPy(f.outDef, xs.slice(nres), ctx);
        const r = ctx.call(bwdFn, [...staticArgs(call), res, ct]);
        return bwdCotangents(this.rt, r, f, call, ctx);
      });
      return rt.bindCall('custom_vjp_call', [...f.consts, ...f.leaves], {
        callJaxpr: f.jaxpr, fwd, bwd: Object.assign(bwd, { repr: wrappedBwdRepr(f, call, nameOf(bwdFn), ctx) }), numConsts: f.consts.length, symbolicZeros: false,
      });
    };
  }
}

function argsOf(f: TracedFun, leaves: readonly PyValue[], ctx: HostContext): PyValue[] {
  return [...(unflattenPy(f.argsDef, leaves, ctx) as PyTuple).items];
}

/** bwd's cotangents, one pytree per differentiable argument (None: zeros), flattened; JAX's errors when they do not match. */
function bwdCotangents(rt: JaxRuntime, r: PyValue, f: TracedFun, call: SplitCall, ctx: HostContext): PyValue[] {
  const argDefs = f.argsDef.kind === 'tuple' ? f.argsDef.children : [];
  if (!(r instanceof PyTuple) || r.items.length !== argDefs.length) {
    const [, got] = flattenPy(r, ctx);
    throw pyError('TypeError', 'Custom VJP bwd rule must produce an output with the same container (pytree) structure as the args tuple of the primal function, '
      + 'and in particular must produce a tuple of length equal to the number of arguments to the primal function, '
      + `but got bwd output structure ${treeDefRepr(got, ctx)} for primal input structure ${treeDefRepr(f.argsDef, ctx)}.`);
  }
  const out: PyValue[] = [];
  let k = 0;
  r.items.forEach((ct, i) => {
    const argLeaves = countLeaves(argDefs[i]);
    if (ct === null) {
      for (let j = 0; j < argLeaves; j++) out.push(L.wrap(rt, rt.o.full(f.leaves[k + j].shape, 0, f.leaves[k + j].dtype), false, false));
    } else {
      const [cl, cdef] = flattenPy(ct, ctx);
      if (!sameTree(cdef, argDefs[i], ctx)) {
        throw pyError('TypeError', 'Custom VJP bwd rule must produce an output with the same container (pytree) structure as the args tuple of the primal function, '
          + 'and in particular must produce a tuple of length equal to the number of arguments to the primal function, '
          + `but got bwd output structure ${treeDefRepr(flattenPy(r, ctx)[1], ctx)} for primal input structure ${treeDefRepr(f.argsDef, ctx)}.`);
      }
      cl.forEach((c, j) => {
        const a = leafAval(c);
        const want = f.leaves[k + j];
        if (a.shape.length !== want.shape.length || a.shape.some((d, q) => d !== want.shape[q])) {
          throw pyError('ValueError', `Custom VJP bwd rule must produce an output with the same shape/dtypes as the args tuple of the primal function, but at output[${i}] the bwd rule produced an output of shape/dtype ${shortAval(a)} corresponding to an input of shape/dtype ${shortAval(want)}.`);
        }
        out.push(c);
      });
    }
    k += argLeaves;
  });
  void call;
  return out;
}

function countLeaves(def: PyTreeDef): number {
  switch (def.kind) {
    case 'leaf': return 1;
    case 'none': return 0;
    default: return def.children.reduce((n, c) => n + countLeaves(c), 0);
  }
}

function nondiffOf(v: PyValue | undefined, ctx: HostContext): number[] {
  if (v === undefined || v === null) return [];
  const items = v instanceof PyTuple || v instanceof PyList ? v.items : [v];
  return items.map((x) => Number(toIndex(x, ctx)));
}

/** `jax.custom_jvp` and `jax.custom_vjp`, as decorators and through `functools.partial(..., nondiff_argnums=...)`. */
export function customDerivativeAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const make = (name: 'custom_jvp' | 'custom_vjp') => pyFunction(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, ['fun', 'nondiff_argnums?', 'nondiff_argnames?'], args, kwargs, ctx);
    const fun = a.required('fun');
    if (!isCallable(fun, ctx)) throw pyError('TypeError', `Expected a callable value, got ${ctx.repr(fun)}`);
    const nondiff = nondiffOf(a.get('nondiff_argnums'), ctx);
    return name === 'custom_jvp' ? new CustomJvpFunction(rt, fun, nondiff) : new CustomVjpFunction(rt, fun, nondiff);
  });
  return { custom_jvp: make('custom_jvp'), custom_vjp: make('custom_vjp') };
}
