/**
 * `torch.func` (PyTorch 2.x) and `functorch` (its 1.13 name): grad, grad_and_value, vjp, jvp,
 * jacrev, jacfwd, hessian, vmap, and functional_call. Each transform runs the script's function on
 * the eager tape: a transform's inputs become new nodes of their own (PyTorch's `view_as` for an
 * input an outer level tracks, else a fresh leaf), so transforms nest (`grad(grad(f))`,
 * `vmap(grad(f))`) without confusing their levels. jvp is forward mode, as functorch computes it: the
 * inputs become dual tensors at a forward-AD level of the engine, whose ops carry their tangents
 * (a tape node's saved tensors keep theirs, so a backward inside the level is differentiated too:
 * hessian = jacfwd(jacrev(f)) is forward over reverse); jacfwd pushes the standard basis through
 * it; a jvp inside a jvp opens a forward level inside the open one (forward over forward). A result
 * is cut from the tape unless it depends on a tensor an outer level or the script tracks, as
 * functorch's unwrapping does.
 * vmap runs the function once per batch entry and stacks the results: the numbers of a batched
 * run; its random draws are batched as functorch's randomness= batches them (vmap_randomness.ts),
 * but `.item()` and Python control flow on the entries run where functorch refuses them.
 */
import { AccumulateGrad, enterDualLevel, enterNestedDualLevel, exitDualLevel, type GradNode, makeDual, setTangent, tangentAt, type Tensor, unpackDual } from '../../../runtime/eager';
import {
  bindArgs,
  type HostContext,
  type Kwargs,
  PyBuiltin,
  PyDict,
  pyError,
  PyInstance,
  PyList,
  PyTuple,
  type PyValue,
  truthy,
  typeOf,
} from '../interpreter';
import { isFloating } from './dtype';
import { moduleState, namedModules } from './nn/module';
import { inTransform, type TransformModule } from './running_transforms';
import { PyTensor, type TorchRuntime } from './tensor';
import { BatchedRandomness, type Randomness, withBatchedRandomness } from './vmap_randomness';

export const FUNC_NAMES = ['grad', 'grad_and_value', 'vjp', 'jvp', 'jacrev', 'jacfwd', 'hessian', 'vmap', 'functional_call'] as const;
export const FUNCTORCH_NAMES = ['grad', 'grad_and_value', 'vjp', 'jvp', 'jacrev', 'jacfwd', 'hessian', 'vmap'] as const;

// ---- pytrees of tensors (tuples, lists, dicts), as torch.utils._pytree flattens them

interface Tree {
  leaves: PyValue[];
  rebuild(leaves: readonly PyValue[]): PyValue;
}

function flatten(v: PyValue): Tree {
  if (v instanceof PyTuple || v instanceof PyList) {
    const kids = v.items.map(flatten);
    return {
      leaves: kids.flatMap((k) => k.leaves),
      rebuild: (leaves) => {
        let at = 0;
        const items = kids.map((k) => k.rebuild(leaves.slice(at, (at += k.leaves.length))));
        return v instanceof PyTuple ? new PyTuple(items) : new PyList(items);
      },
    };
  }
  if (v instanceof PyDict && v.subclass === null) {
    const entries = [...v.map.entries()];
    const kids = entries.map(([, [, x]]) => flatten(x));
    return {
      leaves: kids.flatMap((k) => k.leaves),
      rebuild: (leaves) => {
        let at = 0;
        const d = new PyDict();
        entries.forEach(([hash, [key]], i) => d.setByKey(hash, key, kids[i].rebuild(leaves.slice(at, (at += kids[i].leaves.length)))));
        return d;
      },
    };
  }
  return { leaves: [v], rebuild: (leaves) => leaves[0] };
}

// ---- levels

/** A tensor of this level: the input of the function being transformed, tracked on the tape. */
function enter(rt: TorchRuntime, x: PyValue, ctx: HostContext, fresh: Set<Tensor>): PyTensor {
  if (!(x instanceof PyTensor)) throw pyError('ValueError', `Thing passed to transform API must be Tensor, got ${ctx.repr(typeOf(x))}`);
  return rt.run(() => {
    // NB: an input an outer level tracks gets a node of its own (view_as), so this level's gradient is with respect to it alone.
    const t = x.t.requiresGrad ? rt.ops.reshape(rt.ops.mul(x.t, rt.ops.scalarLike(1, x.t)), x.t.shape) : x.t.detach();
    if (!x.t.requiresGrad) {
      t.requiresGrad = true;
      // An input an enclosing jvp made dual keeps its tangent (jacfwd(jacrev(f)): forward over reverse).
      t.shareTangentOf(x.t);
    }
    fresh.add(t);
    return rt.wrap(t, x.dtype);
  });
}

/** Whether the tape behind `t` reaches a leaf other than this level's own inputs: then an outer level or the script tracks it. */
function tracedOutside(t: Tensor, fresh: ReadonlySet<Tensor>): boolean {
  if (!t.requiresGrad) return false;
  if (t.isLeaf) return !fresh.has(t);
  const seen = new Set<GradNode>();
  const stack: GradNode[] = [t.gradFn as GradNode];
  while (stack.length > 0) {
    const node = stack.pop() as GradNode;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node instanceof AccumulateGrad && ![...fresh].some((f) => f.isLeaf && f.accumulator() === node)) return true;
    for (const n of node.next) if (n) stack.push(n);
  }
  return false;
}

/** functorch's unwrapping: a result of this level, cut from its tape unless something outside tracks it. */
function leave(rt: TorchRuntime, v: PyValue, fresh: ReadonlySet<Tensor>): PyValue {
  const tree = flatten(v);
  return tree.rebuild(tree.leaves.map((x) => {
    if (!(x instanceof PyTensor) || tracedOutside(x.t, fresh)) return x;
    return rt.run(() => {
      const cut = x.t.detach();
      // An enclosing jvp's tangents stay, cut from this level's tape as its primal is.
      for (const level of rt.engine.forwardLevels) {
        const tangent = tangentAt(x.t, level);
        if (tangent === null) continue;
        const kept = tracedOutside(tangent, fresh) ? tangent.aliasForSave(true) : tangent.detach();
        kept.shareTangentOf(tangent);
        setTangent(rt.engine, cut, level, kept);
      }
      return rt.wrap(cut, x.dtype);
    });
  }));
}

function gradOf(rt: TorchRuntime, outputs: readonly Tensor[], inputs: readonly Tensor[], cotangents?: readonly Tensor[]): Tensor[] {
  return rt.run(() => {
    const live = outputs.map((o, i) => ({ o, c: cotangents?.[i] })).filter((e) => e.o.requiresGrad);
    if (live.length === 0) return inputs.map((x) => rt.ops.zerosLike(x));
    const grads = rt.engine.withGradMode(true, () =>
      rt.engine.grad(live.map((e) => e.o), inputs, cotangents ? live.map((e) => e.c as Tensor) : undefined, { createGraph: true, retainGraph: true, allowUnused: true }));
    return grads.map((g, i) => g ?? rt.ops.zerosLike(inputs[i]));
  });
}

// ---- argnums

function argnumsOf(v: PyValue | undefined, nargs: number, ctx: HostContext): { list: number[]; tuple: boolean } {
  const one = (a: PyValue): number => {
    if (typeof a !== 'bigint') throw pyError('RuntimeError', `argnum must be int, got: ${ctx.repr(typeOf(a))}`);
    const n = Number(a);
    if (n < -nargs || n >= nargs) throw pyError('RuntimeError', `Got argnum=${n}, but only ${nargs} positional inputs`);
    return n < 0 ? n + nargs : n;
  };
  if (v === undefined || typeof v === 'bigint') return { list: [one(v ?? 0n)], tuple: false };
  if (v instanceof PyTuple) {
    if (v.items.length === 0) throw pyError('RuntimeError', 'argnums must be non-empty');
    const list = v.items.map(one);
    if (new Set(list).size !== list.length) throw pyError('RuntimeError', `argnums elements must be unique, got ${ctx.repr(v)}`);
    return { list, tuple: true };
  }
  throw pyError('RuntimeError', `argnums must be int or Tuple[int, ...], got: ${ctx.repr(typeOf(v))}`);
}

interface Level {
  args: PyValue[];
  /** Per argnum: the tree of its tensors, entered into this level. */
  diff: { tree: Tree; leaves: PyTensor[] }[];
  fresh: Set<Tensor>;
}

function enterArgs(rt: TorchRuntime, args: readonly PyValue[], argnums: readonly number[], ctx: HostContext): Level {
  const fresh = new Set<Tensor>();
  const out = [...args];
  const diff = argnums.map((i) => {
    const tree = flatten(args[i]);
    const leaves = tree.leaves.map((x) => enter(rt, x, ctx, fresh));
    out[i] = tree.rebuild(leaves);
    return { tree, leaves };
  });
  return { args: out, diff, fresh };
}

function splitAux(output: PyValue, hasAux: boolean, api: string): { out: PyValue; aux: PyValue } {
  if (!hasAux) return { out: output, aux: null };
  if (!(output instanceof PyTuple && output.items.length === 2)) {
    throw pyError('RuntimeError', `${api}: output of function f should be a tuple: (output, aux) if has_aux is True`);
  }
  return { out: output.items[0], aux: output.items[1] };
}

// ---- grad, grad_and_value

function gradAndValue(rt: TorchRuntime, fn: PyValue, argnumsV: PyValue | undefined, hasAux: boolean, args: PyValue[], kwargs: Kwargs, ctx: HostContext): { grads: PyValue; value: PyValue; aux: PyValue } {
  const argnums = argnumsOf(argnumsV, args.length, ctx);
  return rt.engine.withGradMode(true, () => {
    const level = enterArgs(rt, args, argnums.list, ctx);
    const { out, aux } = splitAux(ctx.call(fn, level.args, kwargs), hasAux, 'grad_and_value(f)(*args)');
    if (!(out instanceof PyTensor)) throw pyError('RuntimeError', `grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got ${ctx.repr(typeOf(out))}`);
    if (out.shape.length !== 0) {
      throw pyError('RuntimeError', `grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with ${out.shape.length} dims. Maybe you wanted to use the vjp or jacrev APIs instead?`);
    }
    const flat = level.diff.flatMap((d) => d.leaves);
    const grads = gradOf(rt, [out.t], flat.map((x) => x.t));
    let at = 0;
    const perArg = level.diff.map((d) => d.tree.rebuild(d.leaves.map((x) => rt.wrap(grads[at++], x.dtype))));
    const g = argnums.tuple ? new PyTuple(perArg) : perArg[0];
    return { grads: leave(rt, g, level.fresh), value: leave(rt, out, level.fresh), aux: hasAux ? leave(rt, aux, level.fresh) : null };
  });
}

/** A transform's options, then `transform(f, ...)(*args)`, its body running as a transform of `module`. */
function transform(rt: TorchRuntime, module: TransformModule, name: string, spec: string[],
  make: (fn: PyValue, a: ReturnType<typeof bindArgs>, ctx: HostContext) => (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue): PyBuiltin {
  return new PyBuiltin(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, ['func', ...spec], args, kwargs, ctx);
    const fn = a.required('func');
    const body = make(fn, a, ctx);
    return new PyBuiltin(`${name}_wrapper`, (callArgs, callKwargs, callCtx) => inTransform(rt, module, () => body(callArgs, callKwargs, callCtx)));
  });
}

// ---- vjp, jvp

function tupleOfTensors(v: PyValue, api: string, argname: string, ctx: HostContext): PyTensor[] {
  if (!(v instanceof PyTuple)) throw pyError('RuntimeError', `${api}: Expected ${argname} to be a tuple of Tensors, got ${ctx.repr(typeOf(v))}`);
  if (v.items.length === 0) throw pyError('RuntimeError', `${api}: Expected ${argname} to be a non-empty tuple of Tensors.`);
  return v.items.map((x) => {
    if (!(x instanceof PyTensor)) throw pyError('RuntimeError', `${api}: Expected ${argname} to be a tuple of Tensors, got a tuple with an element of type ${ctx.repr(typeOf(x))}`);
    return x;
  });
}

function vjp(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('vjp', ['func', '*primals', '*', 'has_aux?'], args, kwargs, ctx);
  const fn = a.required('func');
  const hasAux = truthy(a.opt('has_aux') ?? false, ctx);
  return rt.engine.withGradMode(true, () => {
    const level = enterArgs(rt, a.rest, a.rest.map((_, i) => i), ctx);
    const { out, aux } = splitAux(ctx.call(fn, level.args), hasAux, 'vjp(f, *primals)');
    const outTree = flatten(out);
    for (const o of outTree.leaves) {
      if (!(o instanceof PyTensor)) throw pyError('RuntimeError', `vjp(f, *primals): Expected f to be a function that has non-empty output (got output = ${ctx.repr(out)})`);
    }
    const outs = outTree.leaves as PyTensor[];
    const primals = level.diff.flatMap((d) => d.leaves);
    const vjpFn = new PyBuiltin('vjp_fn', (cargs, _kw, c) => {
      const cot = flatten(cargs.length === 1 ? cargs[0] : new PyTuple(cargs));
      if (cot.leaves.length !== outs.length) {
        throw pyError('RuntimeError', `Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. cotangents: ${c.repr(cargs[0] ?? null)}, primal output: ${c.repr(out)}`);
      }
      const cts = cot.leaves.map((x, i) => {
        if (!(x instanceof PyTensor)) throw pyError('RuntimeError', `vjp(f, ...): Expected cotangents to be tensors, got ${c.repr(typeOf(x))}`);
        if (x.shape.join() !== outs[i].shape.join()) {
          throw pyError('RuntimeError', `Mismatch in shape: grad_output[${i}] has a shape of torch.Size([${x.shape.join(', ')}]) and output[${i}] has a shape of torch.Size([${outs[i].shape.join(', ')}]).`);
        }
        return x.t;
      });
      const grads = gradOf(rt, outs.map((o) => o.t), primals.map((p) => p.t), cts);
      let at = 0;
      const perArg = level.diff.map((d) => d.tree.rebuild(d.leaves.map((x) => rt.wrap(grads[at++], x.dtype))));
      return leave(rt, new PyTuple(perArg), level.fresh);
    });
    const result = [leave(rt, out, level.fresh), vjpFn];
    if (hasAux) result.push(leave(rt, aux, level.fresh));
    return new PyTuple(result);
  });
}

/** A forward-mode pass: the function's output (pytree), its tensors, their tangents, and the aux output. */
interface Pushed {
  out: PyValue;
  tree: Tree;
  primals: PyTensor[];
  tangents: Tensor[];
  aux: PyValue;
}

const JVP_API = 'jvp(f, primals, tangents)';

/**
 * functorch's `_jvp_with_argnums`: the differentiated arguments (`argnums`; all when null) made
 * dual with `tangents` at a new forward-AD level, the function run once, each output's tangent
 * read off it (zeros where none reached it, as safe_unpack_dual gives). The outermost jvp enters
 * `fwAD.dual_level()` (refused inside the script's own, as PyTorch 1.13 refuses it); a jvp inside
 * a jvp opens a level inside the open one (functorch's JVP_NESTING), the nested derivative.
 */
function pushForward(rt: TorchRuntime, fn: PyValue, args: readonly PyValue[], argnums: readonly number[] | null, tangents: readonly Tensor[], hasAux: boolean, strict: boolean,
  kwargs: Kwargs, ctx: HostContext): Pushed {
  const diff = argnums ?? args.map((_, i) => i);
  for (const i of diff) {
    for (const p of flatten(args[i]).leaves) {
      if (p instanceof PyTensor && !isFloating(p.dtype)) throw pyError('ValueError', `Expected primal to be floating point or complex, but got: torch.${p.dtype}`);
    }
  }
  const nesting = jvpNesting.get(rt) ?? 0;
  rt.run(() => (nesting > 0 ? enterNestedDualLevel(rt.engine) : enterDualLevel(rt.engine)));
  jvpNesting.set(rt, nesting + 1);
  try {
    let at = 0;
    const dualArgs = [...args];
    for (const i of diff) {
      const tree = flatten(args[i]);
      dualArgs[i] = tree.rebuild(tree.leaves.map((p) => {
        if (!(p instanceof PyTensor)) throw pyError('ValueError', `Thing passed to transform API must be Tensor, got ${ctx.repr(typeOf(p))}`);
        const tangent = tangents[at++];
        return rt.run(() => rt.wrap(makeDual(rt.engine, p.t, tangent), p.dtype));
      }));
    }
    const { out, aux } = splitAux(ctx.call(fn, dualArgs, kwargs), hasAux, JVP_API);
    const { tree, primals } = tensorOutputs(out, ctx);
    const unpacked = rt.run(() => primals.map((o) => {
      const { primal, tangent } = unpackDual(rt.engine, o.t);
      if (tangent === null && strict) {
        throw pyError('RuntimeError', 'jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is not allowed with strict=True.');
      }
      return { primal: rt.wrap(primal, o.dtype), tangent: tangent ?? rt.ops.zerosLike(primal) };
    }));
    checkAux(aux, hasAux, ctx);
    return { out: tree.rebuild(unpacked.map((u) => u.primal)), tree, primals: unpacked.map((u) => u.primal), tangents: unpacked.map((u) => u.tangent), aux };
  } finally {
    jvpNesting.set(rt, nesting);
    exitDualLevel(rt.engine);
  }
}

/** How many jvps are running (functorch's JVP_NESTING): the outermost one enters a dual_level. */
const jvpNesting = new WeakMap<TorchRuntime, number>();

function tensorOutputs(out: PyValue, ctx: HostContext): { tree: Tree; primals: PyTensor[] } {
  const tree = flatten(out);
  for (const o of tree.leaves) if (!(o instanceof PyTensor)) throw pyError('RuntimeError', `${JVP_API}: expected f(*primals) to return only tensors, got unsupported type ${ctx.repr(typeOf(o))}`);
  if (tree.leaves.length === 0) throw pyError('RuntimeError', `${JVP_API}: Expected f to be a function that has non-empty output (got output = ${ctx.repr(out)})`);
  return { tree, primals: tree.leaves as PyTensor[] };
}

/** functorch unwraps an aux output tensor by tensor, refusing anything else. */
function checkAux(aux: PyValue, hasAux: boolean, ctx: HostContext): void {
  if (!hasAux) return;
  for (const x of flatten(aux).leaves) if (!(x instanceof PyTensor)) throw pyError('RuntimeError', `Expected tensors, got unsupported type ${ctx.repr(typeOf(x))}`);
}

function jvp(rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('jvp', ['func', 'primals', 'tangents', '*', 'strict?', 'has_aux?'], args, kwargs, ctx);
  const primalsV = a.required('primals');
  if (!(primalsV instanceof PyTuple)) throw pyError('RuntimeError', `${JVP_API}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).`);
  const primals = tupleOfTensors(primalsV, JVP_API, 'primals', ctx);
  const tangents = tupleOfTensors(a.required('tangents'), JVP_API, 'tangents', ctx);
  if (primals.length !== tangents.length) {
    throw pyError('RuntimeError', `${JVP_API}: Expected primals and tangents to have the same python structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure ${ctx.repr(primalsV)} and tangents with structure ${ctx.repr(a.required('tangents'))}`);
  }
  const hasAux = truthy(a.opt('has_aux') ?? false, ctx);
  const pushed = pushForward(rt, a.required('func'), primals, null, tangents.map((t) => t.t), hasAux, truthy(a.opt('strict') ?? false, ctx), new Map(), ctx);
  const result = [pushed.out, pushed.tree.rebuild(pushed.tangents.map((t, i) => rt.run(() => rt.wrap(t, pushed.primals[i].dtype))))];
  if (hasAux) result.push(pushed.aux);
  return new PyTuple(result);
}

// ---- jacrev, jacfwd, hessian

function flatElement(rt: TorchRuntime, t: Tensor, j: number): Tensor {
  return rt.ops.reshape(rt.ops.slice(rt.ops.reshape(t, [t.size]), [j], [j + 1]), []);
}

function oneHot(rt: TorchRuntime, like: Tensor, j: number): Tensor {
  const values = new Array<number>(like.size).fill(0);
  values[j] = 1;
  return rt.engine.fromValues(values, like.shape, like.dtype);
}

/** jacrev's Jacobian: `block(out, input)` of shape out.shape + input.shape, per output leaf and argnum leaf, row by row in reverse mode. */
function jacrevTransform(rt: TorchRuntime, fn: PyValue, argnumsV: PyValue | undefined, hasAux: boolean, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const argnums = argnumsOf(argnumsV, args.length, ctx);
  const api = 'jacrev(f, ...)(*args)';
  return rt.engine.withGradMode(true, () => {
    const level = enterArgs(rt, args, argnums.list, ctx);
    const { out, aux } = splitAux(ctx.call(fn, level.args, kwargs), hasAux, api);
    const tree = flatten(out);
    for (const o of tree.leaves) if (!(o instanceof PyTensor)) throw pyError('RuntimeError', `${api}: Expected f to return only tensors, got unsupported type ${ctx.repr(typeOf(o))}`);
    const outs = tree.leaves as PyTensor[];
    const ins = level.diff.flatMap((d) => d.leaves);
    // blocks[o][i]
    const blocks: Tensor[][] = rt.run(() => outs.map((o) => {
      const rows = Array.from({ length: o.t.size }, (_, j) => gradOf(rt, [flatElement(rt, o.t, j)], ins.map((x) => x.t)));
      return ins.map((x, k) => stackRows(rt, rows.map((r) => r[k]), [...o.shape, ...x.shape], 0));
    }));
    const jac = leave(rt, tree.rebuild(blocks.map((row, oi) => packArgs(rt, row, level.diff.map((d) => d.tree), argnums.tuple, outs[oi]))), level.fresh);
    return hasAux ? new PyTuple([jac, leave(rt, aux, level.fresh)]) : jac;
  });
}

/** One output's blocks, one per differentiated leaf, in the structure of argnums and their pytrees. */
function packArgs(rt: TorchRuntime, row: readonly Tensor[], trees: readonly Tree[], tuple: boolean, out: PyTensor): PyValue {
  let at = 0;
  const perArg = trees.map((t) => t.rebuild(t.leaves.map(() => rt.run(() => rt.wrap(row[at++], out.dtype)))));
  return tuple ? new PyTuple(perArg) : perArg[0];
}

/**
 * jacfwd, as functorch writes it: vmap over the standard basis of the differentiated inputs of a
 * forward-mode jvp, columns stacked last. The basis is pushed one vector at a time, its random
 * draws batched over the columns as `randomness` says (vmap_randomness.ts).
 */
function jacfwdTransform(rt: TorchRuntime, fn: PyValue, argnumsV: PyValue | undefined, hasAux: boolean, randomness: PyValue | Randomness, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const argnums = argnumsOf(argnumsV, args.length, ctx);
  checkRandomness(randomness, ctx);
  const trees = argnums.list.map((i) => flatten(args[i]));
  const primals = trees.flatMap((t) => t.leaves).map((p) => {
    if (!(p instanceof PyTensor)) throw pyError('AttributeError', `'${typeOf(p).name}' object has no attribute 'numel'`);
    return p;
  });
  const total = primals.reduce((n, p) => n + p.t.size, 0);
  const batched = new BatchedRandomness('jacfwd', randomness, total);
  const columns: Pushed[] = withBatchedRandomness(rt, batched, () => Array.from({ length: total }, (_, j) => {
    let offset = j;
    const basis = rt.run(() => primals.map((p) => {
      const here = offset >= 0 && offset < p.t.size ? offset : -1;
      offset -= p.t.size;
      return here < 0 ? rt.ops.zerosLike(p.t) : oneHot(rt, p.t, here);
    }));
    return entry(rt, batched, j, () => pushForward(rt, fn, args, argnums.list, basis, hasAux, false, kwargs, ctx));
  }));
  if (columns.length === 0) throw pyError('RuntimeError', 'jacfwd(f, ...)(*args): the differentiated inputs have no elements');
  const first = columns[0];
  const blocks = rt.run(() => first.primals.map((o, oi) => {
    let at = 0;
    return primals.map((p) => {
      const cols = columns.slice(at, (at += p.t.size)).map((c) => c.tangents[oi]);
      return stackRows(rt, cols, [...o.shape, ...p.shape], o.shape.length);
    });
  }));
  const jac = first.tree.rebuild(blocks.map((row, oi) => packArgs(rt, row, trees, argnums.tuple, first.primals[oi])));
  return hasAux ? new PyTuple([jac, first.aux]) : jac;
}

/** Rows (reverse mode) or columns (forward mode, `axis` = rank of the output) stacked into one block. */
function stackRows(rt: TorchRuntime, parts: readonly Tensor[], shape: number[], axis: number): Tensor {
  if (parts.length === 0) return rt.ops.full(shape, 0, 'float32');
  const flat = parts.map((p) => rt.ops.reshape(p, [p.size]));
  const stacked = rt.ops.concatenate(flat.map((p) => rt.ops.expandDims(p, [axis === 0 ? 0 : 1])), axis === 0 ? 0 : 1);
  return rt.ops.reshape(stacked, shape);
}

// ---- vmap

type Dim = number | null;

function dimsOf(v: PyValue, n: number, what: string, ctx: HostContext): PyValue[] {
  if (v === null || typeof v === 'bigint') return Array.from({ length: n }, () => v);
  if (v instanceof PyTuple || v instanceof PyList) {
    if (v.items.length !== n) {
      throw pyError('ValueError', `vmap(${what}): ${what === 'in_dims' ? 'in_dims is not compatible with the structure of `inputs`' : 'out_dims is not compatible with the structure of `outputs`'}. `
        + `${what} has structure ${ctx.repr(v)} but ${what === 'in_dims' ? 'inputs' : 'outputs'} has ${n} entries.`);
    }
    return [...v.items];
  }
  throw pyError('ValueError', `vmap(f, ${what}=${ctx.repr(v)}, ...): expected ${what} to be int or a (potentially nested) tuple matching the structure of ${what === 'in_dims' ? 'inputs' : 'outputs'}, got: ${ctx.repr(typeOf(v))}.`);
}

function leafDims(dim: PyValue, tree: Tree, ctx: HostContext): Dim[] {
  if (dim === null || typeof dim === 'bigint') return tree.leaves.map(() => (dim === null ? null : Number(dim)));
  const dt = flatten(dim);
  if (dt.leaves.length !== tree.leaves.length) throw pyError('ValueError', `vmap: in_dims ${ctx.repr(dim)} is not compatible with the structure of its input`);
  return dt.leaves.map((d) => (d === null ? null : Number(d as bigint)));
}

/** Where the default generator stands: a function that drew from it moves it. */
function rngMark(rt: TorchRuntime): string {
  const s = rt.rng.state();
  return JSON.stringify([s.seed.toString(), s.engine.position, s.engine.words.slice(0, 4), s.nextDoubleNormal, s.fresh]);
}

/** functorch's _check_randomness_arg. */
function checkRandomness(v: PyValue, ctx: HostContext): asserts v is Randomness {
  if (v !== 'error' && v !== 'same' && v !== 'different') {
    throw pyError('RuntimeError', `Only allowed values for randomness are 'error', 'different', or 'same'. Got ${typeof v === 'string' ? v : ctx.repr(v)}`);
  }
}

/**
 * Entry `b` of a batched run. Its draws go through `batched`; one that bypassed it (moving the
 * default generator in an entry after the first, or in any entry where randomness is 'error')
 * would not be batched as PyTorch batches it, and is refused.
 */
function entry<R>(rt: TorchRuntime, batched: BatchedRandomness, b: number, run: () => R): R {
  batched.startEntry(b);
  const mark = rngMark(rt);
  const result = run();
  batched.endEntry();
  if ((b > 0 || batched.randomness === 'error') && rngMark(rt) !== mark) {
    throw pyError('RuntimeError', batched.randomness === 'error'
      ? "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap"
      : `${batched.api}(randomness='${batched.randomness}'): the function drew from the generator in a way Gradlens cannot batch as PyTorch does; draw the random values outside and pass them in`);
  }
  return result;
}

function vmap(rt: TorchRuntime, fn: PyValue, inDimsV: PyValue, outDimsV: PyValue, randomness: Randomness, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const inDims = dimsOf(inDimsV, args.length, 'in_dims', ctx);
  const trees = args.map(flatten);
  const dims = trees.map((t, i) => leafDims(inDims[i], t, ctx));
  let size: number | null = null;
  const sizes: number[] = [];
  trees.forEach((t, i) => t.leaves.forEach((x, k) => {
    const d = dims[i][k];
    if (d === null) return;
    if (!(x instanceof PyTensor)) {
      throw pyError('ValueError', `vmap(f, in_dims=${ctx.repr(inDimsV)}, ...)(<inputs>): Got in_dim=${d} for an input but the input is of type ${ctx.repr(typeOf(x))}. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim`);
    }
    const rank = x.shape.length;
    if (d < -rank || d >= rank) {
      throw pyError('ValueError', `vmap(f, in_dims=${ctx.repr(inDimsV)}, ...)(<inputs>): Got in_dim=${d} for some input, but that input is a Tensor of dimensionality ${rank} so expected in_dim to satisfy -${rank} <= in_dim < ${rank}.`);
    }
    dims[i][k] = d < 0 ? d + rank : d;
    sizes.push(x.shape[dims[i][k] as number]);
    size ??= x.shape[dims[i][k] as number];
  }));
  if (size === null) throw pyError('ValueError', `vmap(f, in_dims=${ctx.repr(inDimsV)}, ...)(<inputs>): at least one input must be a Tensor mapped over a dimension (in_dims not all None)`);
  if (sizes.some((s) => s !== size)) {
    throw pyError('ValueError', `vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${sizes.join(', ')}] for the mapped dimension`);
  }
  const batched = new BatchedRandomness('vmap', randomness, size, dims.every((ds) => ds.every((d) => d === null || d === 0)));
  const results: Tree[] = [];
  for (let b = 0; b < size; b++) {
    const sliced = trees.map((t, i) => t.rebuild(t.leaves.map((x, k) => {
      const d = dims[i][k];
      if (d === null || !(x instanceof PyTensor)) return x;
      return rt.run(() => {
        const starts = x.shape.map((_, j) => (j === d ? b : 0));
        const limits = x.shape.map((s, j) => (j === d ? b + 1 : s));
        return rt.wrap(rt.ops.squeeze(rt.ops.slice(x.t, starts, limits), [d]), x.dtype);
      });
    })));
    results.push(withBatchedRandomness(rt, batched, () => entry(rt, batched, b, () => flatten(ctx.call(fn, sliced, kwargs)))));
  }
  const first = results[0];
  const outDims = first.leaves.length === 1 && (outDimsV === null || typeof outDimsV === 'bigint') ? [outDimsV] : dimsOf(outDimsV, first.leaves.length, 'out_dims', ctx);
  const stacked = first.leaves.map((o, k) => {
    if (!(o instanceof PyTensor)) throw pyError('ValueError', `vmap(f, ...): \`f\` must only return Tensors, got type ${ctx.repr(typeOf(o))}. Did you mean to set out_dims= to None for output?`);
    const od = outDims[k];
    if (od === null) return o;
    const rank = o.shape.length + 1;
    let d = Number(od as bigint);
    if (d < -rank || d >= rank) throw pyError('IndexError', `Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${d})`);
    if (d < 0) d += rank;
    return rt.run(() => rt.wrap(rt.ops.concatenate(results.map((r) => rt.ops.expandDims((r.leaves[k] as PyTensor).t, [d])), d), o.dtype));
  });
  return first.rebuild(stacked);
}

// ---- functional_call

/** `functional_call(module, parameters_and_buffers, args, kwargs=None)`: the module run with these tensors in place of its own. */
function functionalCall(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('functional_call', ['module', 'parameter_and_buffer_dicts', 'args', 'kwargs?', '*', 'tie_weights?', 'strict?'], args, kwargs, ctx);
  const module = a.required('module');
  if (!(module instanceof PyInstance) || !moduleState(module)) throw pyError('TypeError', `functional_call expects an nn.Module, got ${ctx.repr(typeOf(module))}`);
  const dicts = a.required('parameter_and_buffer_dicts');
  const merged = new Map<string, PyValue>();
  for (const d of dicts instanceof PyTuple || dicts instanceof PyList ? dicts.items : [dicts]) {
    if (!(d instanceof PyDict)) throw pyError('TypeError', `Expected all elements of parameter_and_buffer_dicts to be dictionaries, got ${ctx.repr(typeOf(d))}`);
    for (const [key, value] of d.map.values()) {
      if (typeof key !== 'string') throw pyError('TypeError', `parameter names must be strings, got ${ctx.repr(typeOf(key))}`);
      if (merged.has(key)) throw pyError('ValueError', `${key} appeared in multiple dictionaries; behavior of functional call is ambiguous`);
      merged.set(key, value);
    }
  }
  const callArgs = a.required('args');
  const positional = callArgs instanceof PyTuple ? [...callArgs.items] : [callArgs];
  const kw = a.opt('kwargs');
  const callKwargs: Kwargs = new Map();
  if (kw instanceof PyDict) for (const [key, value] of kw.map.values()) callKwargs.set(String(key), value);
  return callWithTensors(module, merged, ctx, () => ctx.call(module, positional, callKwargs));
}

/** Runs `fn` with the module's parameters and buffers named in `tensors` swapped for those values, restored after. */
export function callWithTensors(module: PyInstance, tensors: ReadonlyMap<string, PyValue>, ctx: HostContext, fn: () => PyValue): PyValue {
  const modules = new Map(namedModules(module));
  const restore: (() => void)[] = [];
  try {
    for (const [name, value] of tensors) {
      const dot = name.lastIndexOf('.');
      const owner = modules.get(dot < 0 ? '' : name.slice(0, dot));
      const leaf = name.slice(dot + 1);
      const state = owner ? moduleState(owner) : undefined;
      const table = state?.params.has(leaf) ? state.params : state?.buffers.has(leaf) ? state.buffers : undefined;
      if (!table) throw pyError('AttributeError', `'${module.cls.name}' object has no attribute '${name}'`);
      if (!(value instanceof PyTensor) && value !== null) throw pyError('TypeError', `functional_call: '${name}' must be a Tensor, got ${ctx.repr(typeOf(value))}`);
      const before = table.get(leaf) ?? null;
      table.set(leaf, value);
      restore.push(() => table.set(leaf, before));
    }
    return fn();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}

// ---- the modules

/** The transforms as `module` exports them (each module's own objects: a custom Function inside says which PyTorch refuses it). */
export function funcAttrs(rt: TorchRuntime, module: TransformModule): Record<(typeof FUNC_NAMES)[number], PyValue> {
  const flag = (a: ReturnType<typeof bindArgs>, name: string, ctx: HostContext) => truthy(a.opt(name) ?? false, ctx);
  const jacrev = transform(rt, module, 'jacrev', ['argnums?', '*', 'has_aux?', 'chunk_size?', '_preallocate_and_copy?'], (fn, a, ctx) => {
    const hasAux = flag(a, 'has_aux', ctx);
    return (args, kwargs, c) => jacrevTransform(rt, fn, a.opt('argnums'), hasAux, args, kwargs, c);
  });
  const jacfwd = transform(rt, module, 'jacfwd', ['argnums?', 'has_aux?', '*', 'randomness?'], (fn, a, ctx) => {
    const hasAux = flag(a, 'has_aux', ctx);
    const randomness = a.opt('randomness') ?? 'error';
    return (args, kwargs, c) => jacfwdTransform(rt, fn, a.opt('argnums'), hasAux, randomness, args, kwargs, c);
  });
  return {
    grad: transform(rt, module, 'grad', ['argnums?', 'has_aux?'], (fn, a, ctx) => {
      const hasAux = flag(a, 'has_aux', ctx);
      return (args, kwargs, c) => {
        const r = gradAndValue(rt, fn, a.opt('argnums'), hasAux, args, kwargs, c);
        return hasAux ? new PyTuple([r.grads, r.aux]) : r.grads;
      };
    }),
    grad_and_value: transform(rt, module, 'grad_and_value', ['argnums?', 'has_aux?'], (fn, a, ctx) => {
      const hasAux = flag(a, 'has_aux', ctx);
      return (args, kwargs, c) => {
        const r = gradAndValue(rt, fn, a.opt('argnums'), hasAux, args, kwargs, c);
        return new PyTuple([r.grads, hasAux ? new PyTuple([r.value, r.aux]) : r.value]);
      };
    }),
    vjp: new PyBuiltin('vjp', (args, kwargs, ctx) => inTransform(rt, module, () => vjp(rt, args, kwargs, ctx))),
    jvp: new PyBuiltin('jvp', (args, kwargs, ctx) => inTransform(rt, module, () => jvp(rt, args, kwargs, ctx))),
    jacrev,
    jacfwd,
    hessian: transform(rt, module, 'hessian', ['argnums?'], (fn, a, ctx) => {
      // jacfwd(jacrev(f, argnums), argnums), as functorch defines it.
      const argnums = a.opt('argnums') ?? 0n;
      const kw: Kwargs = new Map([['argnums', argnums]]);
      const inner = ctx.call(jacrev, [fn], kw);
      const outer = ctx.call(jacfwd, [inner], kw);
      return (args, kwargs, c) => c.call(outer, args, kwargs);
    }),
    vmap: transform(rt, module, 'vmap', ['in_dims?', 'out_dims?', 'randomness?', '*', 'chunk_size?'], (fn, a, ctx) => {
      const inDims = a.opt('in_dims') ?? 0n;
      const outDims = a.opt('out_dims') ?? 0n;
      const randomness = a.opt('randomness') ?? 'error';
      checkRandomness(randomness, ctx);
      return (args, kwargs, c) => vmap(rt, fn, inDims, outDims, randomness, args, kwargs, c);
    }),
    functional_call: new PyBuiltin('functional_call', functionalCall),
  };
}
