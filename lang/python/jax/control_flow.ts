/**
 * `jax.lax.cond`, `switch`, `while_loop`, `fori_loop`, `scan` and `map`, as JAX 0.4.35's
 * control_flow/{conditionals,loops}.py: each Python function is traced (abstractly, as JAX's
 * `_initial_style_jaxpr`) into a closed sub-jaxpr, its constants and the tracers it closes over
 * hoisted into the operands, and the call primitive is bound through the runtime: recorded into
 * an enclosing trace, or run at once on concrete operands. Type errors are JAX's texts.
 */
import { formatAval, isFloat, type AbstractValue } from '../../../runtime/core';
import { Var, type CallParamsOf, type CallPrimitive, type Jaxpr } from '../../../runtime/ir';
import { bindArgs, isCallable, iterate, opFunction, PyBuiltin, pyError, pyFunction, PyFunction, PyTuple, toIndex, type HostContext, type PyValue, typeName } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { flattenPy, flattenWithPathPy, keyEntryStr, sameTree, treeDefRepr, unflattenPy, type PyTreeDef } from './pytree';
import { flattenArgs, leafVal, stagePy, transformOp } from './transforms';
import { isTracer, Scalar, type Val } from './values';
import * as L from './lax';

/** A Python function traced into a closed jaxpr: its consts and closed-over tracers come first among its invars. */
interface Closed {
  readonly jaxpr: Jaxpr;
  /** The values of the hoisted invars (constants, then closed-over tracers). */
  readonly hoisted: readonly Val[];
  readonly outDef: PyTreeDef;
  readonly outWeak: readonly boolean[];
}

/** Traces `fun(*args)` with each argument leaf of `avals` into a closed jaxpr. */
function traceClosed(rt: JaxRuntime, ctx: HostContext, name: string, fun: PyValue, args: readonly PyValue[], avals?: readonly AbstractValue[]): Closed {
  const flat = flattenArgs(rt, args, ctx);
  const { jaxpr, out, closed } = stagePy(rt, ctx, name, fun, flat, avals);
  const nargs = flat.leaves.length;
  const consts = jaxpr.consts.map((c): Val => (c.kind === 'device' ? c.array : rt.upload(c.values, c.aval.shape, c.aval.dtype)));
  const body: Jaxpr = {
    constvars: [], consts: [], eqns: jaxpr.eqns, outvars: jaxpr.outvars,
    invars: [...jaxpr.constvars, ...jaxpr.invars.slice(nargs), ...jaxpr.invars.slice(0, nargs)],
  };
  return { jaxpr: body, hoisted: [...consts, ...closed], outDef: out.def, outWeak: out.weak };
}

/** Branches taking one another's hoisted values too (JAX's `_initial_style_jaxprs_with_common_consts`). */
function commonConsts(branches: readonly Closed[]): { jaxprs: Jaxpr[]; consts: Val[] } {
  const consts = branches.flatMap((b) => b.hoisted);
  let start = 0;
  const jaxprs = branches.map((b) => {
    const n = b.hoisted.length;
    const mine = b.jaxpr.invars.slice(0, n);
    const others = consts.map((c, i) => (i >= start && i < start + n ? mine[i - start] : freshVar(c)));
    start += n;
    return { ...b.jaxpr, invars: [...others, ...b.jaxpr.invars.slice(n)] };
  });
  return { jaxprs, consts };
}

const freshVar = (x: AbstractValue) => new Var({ shape: [...x.shape], dtype: x.dtype });

const shaped = (a: AbstractValue, weak: boolean) => `ShapedArray(${a.dtype}[${a.shape.join(',')}]${weak ? ', weak_type=True' : ''})`;
const same = (a: AbstractValue, b: AbstractValue) => a.dtype === b.dtype && formatAval(a) === formatAval(b);

/** JAX's `_check_tree_and_avals`: the outputs of branches must agree in structure and types. */
function checkBranchOutputs(what: string, a: Closed, b: Closed, ctx: HostContext): void {
  if (!sameTree(a.outDef, b.outDef, ctx)) {
    throw pyError('TypeError', `${what} must have same type structure, got ${treeDefRepr(a.outDef, ctx)} and ${treeDefRepr(b.outDef, ctx)}.`);
  }
  const av = a.jaxpr.outvars.map((v) => v.aval);
  const bv = b.jaxpr.outvars.map((v) => v.aval);
  if (av.every((x, i) => same(x, bv[i]))) return;
  const diffs = av.map((x, i) => {
    const s1 = shaped(x, a.outWeak[i]);
    return same(x, bv[i]) ? s1 : `DIFFERENT ${s1} vs. ${shaped(bv[i], b.outWeak[i])}`;
  });
  const tree = a.outDef.kind === 'leaf' ? diffs[0] : ctx.str(unflattenPy(a.outDef, diffs, ctx));
  throw pyError('TypeError', `${what} must have identical types, got\n${tree}.`);
}

function wrapOuts(rt: JaxRuntime, vals: readonly Val[], def: PyTreeDef, weak: readonly boolean[], ctx: HostContext): PyValue {
  return unflattenPy(def, vals.map((v, i) => new PyArray(rt, rt.place(v), weak[i] ?? false, false)), ctx);
}

function bind<C extends CallPrimitive>(rt: JaxRuntime, prim: C, inputs: readonly Val[], params: CallParamsOf<C>): Val[] {
  return rt.bindCall(prim, inputs, params);
}

const leavesOf = (rt: JaxRuntime, x: PyValue, ctx: HostContext) => flattenArgs(rt, [x], ctx).leaves;

/** `lax.cond(pred, true_fun, false_fun, *operands)`. */
function cond(rt: JaxRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const a = bindArgs('cond', ['pred', 'true_fun', 'false_fun', '*operands', 'operand?'], args, kwargs, ctx);
  const pred = a.required('pred');
  let operands = a.rest;
  if (a.has('operand')) {
    if (operands.length > 0) throw pyError('TypeError', `if 'operand' keyword is passed then no positional operands can be passed, got operand=${ctx.repr(a.required('operand'))} and positional operands ${ctx.repr(new PyTuple(operands))}`);
    operands = [a.required('operand')];
  }
  const [tf, ff] = [a.required('true_fun'), a.required('false_fun')];
  if (!isCallable(tf, ctx) || !isCallable(ff, ctx)) throw pyError('TypeError', 'lax.cond: true_fun and false_fun arguments should be callable.');
  return transformOp(rt, ctx, () => {
    const index = predicateIndex(rt, pred, ctx);
    const branches = [traceClosed(rt, ctx, 'cond', ff, operands), traceClosed(rt, ctx, 'cond', tf, operands)];
    checkBranchOutputs('true_fun and false_fun output', branches[1], branches[0], ctx);
    return bindCond(rt, index, branches, operands, ctx);
  });
}

function bindCond(rt: JaxRuntime, index: Val, branches: readonly Closed[], operands: readonly PyValue[], ctx: HostContext): PyValue {
  const { jaxprs, consts } = commonConsts(branches);
  const ops = leavesOf(rt, new PyTuple([...operands]), ctx).map((l) => l.v);
  const weak = branches[0].outWeak.map((w, i) => branches.every((b) => b.outWeak[i] ?? w));
  if (jaxprs[0].outvars.length === 0) return unflattenPy(branches[0].outDef, [], ctx);
  const outs = bind(rt, 'cond', [index, ...consts, ...ops], { branches: jaxprs });
  return wrapOuts(rt, outs, branches[0].outDef, weak, ctx);
}

/** A scalar predicate as the int32 index of the branch (false first), with JAX's checks. */
function predicateIndex(rt: JaxRuntime, pred: PyValue, ctx: HostContext): Val {
  if (pred === null) throw pyError('TypeError', 'cond predicate is None');
  // NB: a Python scalar stays a literal (an array made from it would be a constant of the jaxpr).
  const p = L.operand(rt, pred, ctx).v;
  if (p.shape.length !== 0) throw pyError('TypeError', `Pred must be a scalar, got ${ctx.str(pred)} of shape (${p.shape.join(', ')}${p.shape.length === 1 ? ',' : ''}).`);
  const b = p.dtype === 'bool' ? p : L.binary(rt, 'ne', pred, 0n, ctx).v;
  return L.cast(rt, b, 'int32');
}

/** `lax.switch(index, branches, *operands)`. */
function switchFn(rt: JaxRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const a = bindArgs('switch', ['index', 'branches', '*operands', 'operand?'], args, kwargs, ctx);
  const operands = a.has('operand') ? [a.required('operand')] : a.rest;
  const fns = [...iterate(a.required('branches'), ctx)];
  if (fns.length === 0) throw pyError('ValueError', 'Empty branch sequence');
  if (fns.some((f) => !isCallable(f, ctx))) throw pyError('TypeError', 'lax.switch: branches argument should be a sequence of callables.');
  return transformOp(rt, ctx, () => {
    const { v: idx, weak } = L.operand(rt, a.required('index'), ctx);
    if (idx.shape.length !== 0) throw pyError('TypeError', `Branch index must be scalar, got ${ctx.str(a.required('index'))} of shape (${idx.shape.join(', ')}${idx.shape.length === 1 ? ',' : ''}).`);
    if (isFloat(idx.dtype) || idx.dtype === 'bool') throw pyError('TypeError', `Index type must be an integer, got ${ctx.str(a.required('index'))}.`);
    if (fns.length === 1) return ctx.call(fns[0], operands);
    // JAX converts the index to int32 (a weakly typed traced one too: convert_element_type drops the
    // weak type) and clamps it into range: `clamp 0 a 2`.
    const int32 = weak && isTracer(idx) ? rt.o.bind('convert_element_type', [idx], { newDtype: 'int32' }) : L.cast(rt, idx, 'int32');
    const index = rt.o.bind('clamp', [new Scalar(0, 'int32'), int32, new Scalar(fns.length - 1, 'int32')], {});
    const branches = fns.map((f) => traceClosed(rt, ctx, 'switch', f, operands));
    branches.slice(1).forEach((b, i) => checkBranchOutputs(`branch 0 and ${i + 1} outputs`, branches[0], b, ctx));
    return bindCond(rt, index, branches, operands, ctx);
  });
}

/** The first parameter's name of a Python function (JAX names the carry with it in its messages). */
function carryName(fun: PyValue): string | null {
  // NB: fori_loop's body wrappers are JAX's scanned_fun and while_body_fun (loops.py), whose carry parameter is loop_carry.
  if (fun instanceof PyBuiltin && (fun.name === 'scanned_fun' || fun.name === 'while_body_fun')) return 'loop_carry';
  return fun instanceof PyFunction && fun.node.params.length > 0 ? fun.node.params[0].name : null;
}

const pyCapitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

/** JAX's `_check_carry_type`: the body's carry output must match its input in structure and types. */
function checkCarry(name: string, fun: PyValue, init: PyValue, outDef: PyTreeDef, outAvals: readonly AbstractValue[], ctx: HostContext): void {
  const carry = carryName(fun);
  const component = (path: string) => (carry ? (path ? `the input carry component ${carry}${path}` : `the input carry ${carry}`)
    : (path ? `the input carry at path ${path}` : 'the input carry'));
  const [paths, leaves, inDef] = flattenWithPathPy(init, ctx);
  if (!sameTree(inDef, outDef, ctx)) {
    throw pyError('TypeError', `${name} function carry input and carry output must have the same pytree structure, but they differ:\n\n`
      + `the input tree structure is:\n${treeDefRepr(inDef, ctx)}\n\nthe output tree structure is:\n${treeDefRepr(outDef, ctx)}\n\n`
      + 'Revise the function so that the carry output has the same pytree structure as the carry input.');
  }
  const diffs: string[] = [];
  leaves.forEach((l, i) => {
    const x = leafAval(l);
    const y = outAvals[i];
    if (same(x, y)) return;
    const dt = x.dtype !== y.dtype;
    const sh = formatAval(x).replace(/^[a-z0-9]+/, '') !== formatAval(y).replace(/^[a-z0-9]+/, '');
    const extra = (dt || sh ? ', so ' : '') + (dt ? 'the dtypes do not match' : '') + (dt && sh ? ' and also ' : '') + (sh ? 'the shapes do not match' : '');
    const path = paths[i].map((k) => keyEntryStr(k, ctx)).join('');
    diffs.push(`${component(path)} has type ${x.dtype}[${x.shape.join(',')}] but the corresponding output carry component has type ${y.dtype}[${y.shape.join(',')}]${extra}`);
  });
  if (diffs.length === 0) return;
  const differences = diffs.length === 1 ? pyCapitalize(`${diffs[0]}.\n`)
    : diffs.slice(0, -1).map((d) => `  * ${d};\n`).join('\n') + `  * ${diffs[diffs.length - 1]}.\n`;
  throw pyError('TypeError', `${name} function carry input and carry output must have equal types (e.g. shapes and dtypes of arrays), but they differ:\n\n`
    + `${differences}\nRevise the function so that all output types (e.g. shapes and dtypes) match the corresponding input types.`);
}

function leafAval(x: PyValue): AbstractValue {
  if (x instanceof PyArray) return { shape: x.shape, dtype: x.dtype };
  if (typeof x === 'boolean') return { shape: [], dtype: 'bool' };
  if (typeof x === 'bigint') return { shape: [], dtype: 'int32' };
  return { shape: [], dtype: 'float32' };
}

/**
 * JAX's `_promote_weak_typed_input` (jax/_src/lax/control_flow/loops.py): a weakly typed carry
 * leaf (a Python scalar) whose body output has another type becomes a strong array of
 * `result_type(leaf, output)`, and the body is traced again; null when nothing changes. The
 * promotion may not reach the output's dtype (a Python float against an int32 output stays
 * float32), and then _check_carry_type refuses the carry, as JAX does.
 */
function promoteWeak(rt: JaxRuntime, init: PyValue, outAvals: readonly AbstractValue[], outWeak: readonly boolean[], ctx: HostContext): PyValue | null {
  const [leaves, def] = flattenPy(init, ctx);
  let changed = false;
  const next = leaves.map((l, i) => {
    const v = leafVal(rt, l);
    const out = outAvals[i];
    // NB: core.typematch ignores weak types: a weak float32 carry meeting a strong float32 output stays as it is.
    if (!v.weak || !out || formatAval(out) === formatAval(v.v)) return l;
    changed = true;
    const dtype = L.resultDtype(rt, [{ v: v.v, weak: true, numpy: false }, { v: new Scalar(0, out.dtype), weak: outWeak[i] ?? false, numpy: false }]);
    return new PyArray(rt, rt.place(L.cast(rt, v.v, dtype)), false, false);
  });
  return changed ? unflattenPy(def, next, ctx) : null;
}

/** `lax.while_loop(cond_fun, body_fun, init_val)`. */
function whileLoop(rt: JaxRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const a = bindArgs('while_loop', ['cond_fun', 'body_fun', 'init_val'], args, kwargs, ctx);
  const [cf, bf] = [a.required('cond_fun'), a.required('body_fun')];
  if (!isCallable(cf, ctx) || !isCallable(bf, ctx)) throw pyError('TypeError', 'lax.while_loop: body_fun and cond_fun arguments should be callable.');
  return transformOp(rt, ctx, () => whileOf(rt, cf, bf, a.required('init_val'), ctx));
}

function whileOf(rt: JaxRuntime, cf: PyValue, bf: PyValue, init0: PyValue, ctx: HostContext): PyValue {
  let init = init0;
  const make = () => {
    const c = traceClosed(rt, ctx, 'while_cond', cf, [init]);
    const b = traceClosed(rt, ctx, 'while_loop', bf, [init]);
    return { c, b };
  };
  let { c, b } = make();
  const promoted = promoteWeak(rt, init, b.jaxpr.outvars.map((v) => v.aval), b.outWeak, ctx);
  if (promoted !== null) {
    init = promoted;
    ({ c, b } = make());
  }
  const pred = c.jaxpr.outvars.map((v) => v.aval);
  if (c.outDef.kind !== 'leaf') throw pyError('TypeError', `cond_fun must return a boolean scalar, but got pytree ${treeDefRepr(c.outDef, ctx)}.`);
  if (pred[0].dtype !== 'bool' || pred[0].shape.length !== 0) {
    throw pyError('TypeError', `cond_fun must return a boolean scalar, but got output type(s) [${shaped(pred[0], c.outWeak[0])}].`);
  }
  checkCarry('while_loop body', bf, init, b.outDef, b.jaxpr.outvars.map((v) => v.aval), ctx);
  const carry = leavesOf(rt, init, ctx).map((l) => l.v);
  const outs = bind(rt, 'while', [...c.hoisted, ...b.hoisted, ...carry], {
    condJaxpr: c.jaxpr, condNconsts: c.hoisted.length, bodyJaxpr: b.jaxpr, bodyNconsts: b.hoisted.length,
  });
  return wrapOuts(rt, outs, b.outDef, b.outWeak, ctx);
}

/** The leading axis every scanned leaf shares (JAX's messages when they do not). */
function scanLength(xs: readonly Val[], length: PyValue | undefined, ctx: HostContext): number {
  const lengths = xs.map((x) => {
    if (x.shape.length === 0) throw pyError('ValueError', `scan got value with no leading axis to scan over: ${formatAval(x)}.`);
    return x.shape[0];
  });
  if (length !== undefined && length !== null) {
    const n = Number(toIndex(length, ctx));
    if (!lengths.every((l) => l === n)) throw pyError('ValueError', `scan got \`length\` argument of ${n} which disagrees with leading axis sizes [${lengths.join(', ')}].`);
    return n;
  }
  const unique = [...new Set(lengths)];
  if (unique.length > 1) throw pyError('ValueError', `scan got values with different leading axis sizes: ${lengths.join(', ')}.`);
  if (unique.length === 0) throw pyError('ValueError', 'scan got no values to scan over and `length` not provided.');
  return unique[0];
}

/** `lax.scan(f, init, xs=None, length=None, reverse=False, unroll=1)`. */
function scan(rt: JaxRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const a = bindArgs('scan', ['f', 'init', 'xs?', 'length?', 'reverse?', 'unroll?', '_split_transpose?'], args, kwargs, ctx);
  const f = a.required('f');
  if (!isCallable(f, ctx)) throw pyError('TypeError', `scan: f argument should be a callable, got ${typeName(f)}.`);
  return transformOp(rt, ctx, () => scanOf(rt, f, a.required('init'), a.get('xs') ?? null, a.get('length'), a.bool('reverse', false), a.get('unroll') ?? 1n, ctx));
}

function scanOf(rt: JaxRuntime, f: PyValue, init0: PyValue, xs: PyValue, lengthArg: PyValue | undefined, reverse: boolean, unrollArg: PyValue, ctx: HostContext): PyValue {
  const xsLeaves = leavesOf(rt, xs, ctx).map((l) => l.v);
  const length = scanLength(xsLeaves, lengthArg, ctx);
  let init = init0;
  const make = () => {
    const carryAvals = leavesOf(rt, init, ctx).map((l) => ({ shape: [...l.v.shape], dtype: l.v.dtype }));
    const xAvals = xsLeaves.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype }));
    return traceClosed(rt, ctx, 'scan', f, [init, xs], [...carryAvals, ...xAvals]);
  };
  let body = make();
  const pairOf = (b: Closed) => {
    const d = b.outDef;
    if ((d.kind !== 'tuple' && d.kind !== 'list') || d.children.length !== 2) {
      throw pyError('TypeError', `scan body output must be a pair, got ${ctx.str(unflattenPy(d, b.jaxpr.outvars.map((v) => shaped(v.aval, false)), ctx))}.`);
    }
    return d.children;
  };
  const ncarry = flattenPy(init, ctx)[0].length;
  pairOf(body);
  const promoted = promoteWeak(rt, init, body.jaxpr.outvars.slice(0, ncarry).map((v) => v.aval), body.outWeak, ctx);
  if (promoted !== null) {
    init = promoted;
    body = make();
  }
  const [carryDef, yDef] = pairOf(body);
  checkCarry('scan body', f, init, carryDef, body.jaxpr.outvars.slice(0, ncarry).map((v) => v.aval), ctx);
  const unroll = typeof unrollArg === 'boolean' ? (unrollArg ? Math.max(length, 1) : 1) : Number(toIndex(unrollArg, ctx));
  if (unroll < 1) throw pyError('ValueError', '`unroll` must be a `bool` or a positive `int`.');
  const carry = leavesOf(rt, init, ctx).map((l) => l.v);
  const ins = [...body.hoisted, ...carry, ...xsLeaves];
  const outs = bind(rt, 'scan', ins, {
    jaxpr: body.jaxpr, length, reverse, numConsts: body.hoisted.length, numCarry: carry.length, linear: ins.map(() => false), unroll,
  });
  const def: PyTreeDef = { kind: 'tuple', children: [carryDef, yDef] };
  return wrapOuts(rt, outs, def, body.outWeak, ctx);
}

/** `lax.fori_loop(lower, upper, body_fun, init_val)`: a scan when the bounds are concrete (so reverse mode works), else a while loop. */
function foriLoop(rt: JaxRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const a = bindArgs('fori_loop', ['lower', 'upper', 'body_fun', 'init_val', '*', 'unroll?'], args, kwargs, ctx);
  const body = a.required('body_fun');
  if (!isCallable(body, ctx)) throw pyError('TypeError', 'lax.fori_loop: body_fun argument should be callable.');
  const [lower, upper] = [a.required('lower'), a.required('upper')];
  return transformOp(rt, ctx, () => {
    const lo = L.asArray(rt, lower, ctx);
    const hi = L.asArray(rt, upper, ctx);
    if (lo.dtype !== hi.dtype && !(lo.dtype === 'int32' && hi.dtype === 'int32')) {
      throw pyError('TypeError', `lower and upper arguments to fori_loop must have equal types, got ${lo.dtype} and ${hi.dtype}`);
    }
    const concrete = (x: PyArray) => !isTracer(x.v) || rt.knownValue(x.v) !== undefined;
    const unroll = a.get('unroll');
    const step = pyFunction('scanned_fun', (fargs) => {
      const [carry] = fargs;
      const [i, x] = (carry as PyTuple).items;
      return new PyTuple([new PyTuple([L.binary(rt, 'add', i, 1n, ctx), ctx.call(body, [i, x])]), null]);
    });
    if (concrete(lo) && concrete(hi) && !isFloat(lo.dtype)) {
      const l = Math.trunc(Number(lo.values(ctx, 'int')[0]));
      const u = Math.trunc(Number(hi.values(ctx, 'int')[0]));
      const start: PyValue = isTracer(lo.v) || !(typeof lower === 'bigint') ? lo : BigInt(l);
      const r = scanOf(rt, step, new PyTuple([start, a.required('init_val')]), null, BigInt(Math.max(u - l, 0)), false, unroll === undefined || unroll === null ? 1n : unroll, ctx) as PyTuple;
      return ((r.items[0] as PyTuple).items[1]);
    }
    if (unroll !== undefined && unroll !== null) throw pyError('ValueError', 'Can only use `unroll` in `fori_loop` if the loop bounds are statically known.');
    const condF = pyFunction('fori_cond', (fargs) => {
      const [i, u] = (fargs[0] as PyTuple).items;
      return L.binary(rt, 'lt', i, u, ctx);
    });
    const bodyF = pyFunction('while_body_fun', (fargs) => {
      const [i, u, x] = (fargs[0] as PyTuple).items;
      return new PyTuple([L.binary(rt, 'add', i, 1n, ctx), u, ctx.call(body, [i, x])]);
    });
    const r = whileOf(rt, condF, bodyF, new PyTuple([lower, upper, a.required('init_val')]), ctx) as PyTuple;
    return r.items[2];
  });
}

/** `lax.map(f, xs)`: a scan with no carry. */
function mapFn(rt: JaxRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const a = bindArgs('map', ['f', 'xs', '*', 'batch_size?'], args, kwargs, ctx);
  const f = a.required('f');
  const g = pyFunction('map_body', (fargs) => new PyTuple([new PyTuple([]), ctx.call(f, [fargs[1]])]));
  return transformOp(rt, ctx, () => (scanOf(rt, g, new PyTuple([]), a.required('xs'), undefined, false, 1n, ctx) as PyTuple).items[1]);
}

/**
 * NB: ops (they keep none of their arguments but what they return): the functions they are given
 * see tracers, never the arrays, so no Python code inside can keep one; their temporaries go when the
 * statement ends and what they return goes with its last holder (issue 12: a loop of them held all).
 */
export function controlFlowAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const fn = (name: string, f: (rt: JaxRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyValue) =>
    [name, opFunction(name, (args, kwargs, ctx) => f(rt, args, kwargs, ctx))] as const;
  return Object.fromEntries([
    fn('cond', cond), fn('switch', switchFn), fn('while_loop', whileLoop), fn('fori_loop', foriLoop), fn('scan', scan), fn('map', mapFn),
  ]);
}

