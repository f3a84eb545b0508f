/**
 * `jax.example_libraries.optimizers` as JAX writes it: each optimizer is an (init, update,
 * get_params) triple on one parameter array, lifted to pytrees of parameters; the state is an
 * `OptimizerState`, a pytree, so it passes through `jit`. Arithmetic is JAX's, through the
 * run's jnp and Python operators (so it traces under jit as JAX's does).
 */
import { binary, bindArgs, compare, type HostContext, HostObject, hostType, isCallable, type Kwargs, pyError, pyFunction, PyList, PyTuple, type PyValue } from '../../interpreter';
import { flattenPy, HostTreeNode, sameTree, treeDefRepr, unflattenPy, type KeyEntry, type PyTreeDef } from '../pytree';
import { PyTreeDefObject } from '../tree_util';
import type { OpMaker } from './optax';

type Attrs = Readonly<Record<string, PyValue>>;

/** One parameter's optimizer: its state from the parameter, the state after a step, the parameter from the state. */
interface LeafOptimizer {
  init(x: PyValue, ctx: HostContext): PyValue;
  update(i: PyValue, g: PyValue, state: PyValue, ctx: HostContext): PyValue;
  getParams(state: PyValue, ctx: HostContext): PyValue;
}

/** `OptimizerState(packed_state, tree_def, subtree_defs)`, a pytree node whose leaves are every state array. */
class OptimizerState extends HostTreeNode {
  static readonly type = hostType('OptimizerState', 'jax.example_libraries.optimizers');
  constructor(readonly packed: readonly (readonly PyValue[])[], readonly tree: PyTreeDef, readonly subtrees: readonly PyTreeDef[], private readonly name: string) {
    super();
  }
  get pyType() { return OptimizerState.type; }
  private packedList(): PyList { return new PyList(this.packed.map((l) => new PyList([...l]))); }
  override getattr(name: string): PyValue | undefined {
    if (name === 'packed_state') return this.packedList();
    if (name === 'tree_def') return new PyTreeDefObject(this.tree);
    if (name === 'subtree_defs') return new PyTuple(this.subtrees.map((d) => new PyTreeDefObject(d)));
    return undefined;
  }
  override iter(): Iterable<PyValue> { return ['packed_state', 'tree_def', 'subtree_defs'].map((n) => this.getattr(n)!); }
  override len(): number { return 3; }
  override repr(ctx: HostContext): string {
    return `OptimizerState(packed_state=${ctx.repr(this.packedList())}, tree_def=${treeDefRepr(this.tree, ctx)}, subtree_defs=(${this.subtrees.map((d) => treeDefRepr(d, ctx)).join(', ')}${this.subtrees.length === 1 ? ',' : ''}))`;
  }
  treeChildren(): readonly PyValue[] { return [this.packedList()]; }
  treeKeys(): readonly KeyEntry[] { return [{ kind: 'flat', idx: 0 }]; }
  treeRebuild(children: readonly PyValue[]): PyValue {
    const lists = (children[0] as PyList).items.map((l) => [...(l as PyList).items]);
    return new OptimizerState(lists, this.tree, this.subtrees, this.name);
  }
  treeNodeName(): string { return this.name; }
}

/** The `@optimizer` decorator's lifting of a leaf optimizer to pytrees of parameters. */
function treeOptimizer(leaf: LeafOptimizer, op: OpMaker): PyValue {
  const init = op('tree_init', (args, kwargs, ctx) => {
    const x0 = bindArgs('init_fn', ['x0_tree'], args, kwargs, ctx).required('x0_tree');
    const [leaves, tree] = flattenPy(x0, ctx);
    const flat = leaves.map((x) => flattenPy(leaf.init(x, ctx), ctx));
    return new OptimizerState(flat.map(([l]) => l), tree, flat.map(([, d]) => d), stateName(tree, flat.map(([, d]) => d), ctx));
  });
  const update = op('tree_update', (args, kwargs, ctx) => {
    const a = bindArgs('update_fn', ['i', 'grad_tree', 'opt_state'], args, kwargs, ctx);
    const state = stateArg(a.required('opt_state'));
    const [grads, tree2] = flattenPy(a.required('grad_tree'), ctx);
    if (!sameTree(tree2, state.tree, ctx)) {
      throw pyError('TypeError', `optimizer update function was passed a gradient tree that did not match the parameter tree structure with which it was initialized: parameter tree ${treeDefRepr(state.tree, ctx)} and grad tree ${treeDefRepr(tree2, ctx)}.`);
    }
    const next = grads.map((g, k) => flattenPy(leaf.update(a.required('i'), g, unflattenPy(state.subtrees[k], state.packed[k], ctx), ctx), ctx));
    next.forEach(([, d], k) => {
      if (!sameTree(d, state.subtrees[k], ctx)) {
        throw pyError('TypeError', `optimizer update function produced an output structure that did not match its input structure: input ${treeDefRepr(state.subtrees[k], ctx)} and output ${treeDefRepr(d, ctx)}.`);
      }
    });
    return new OptimizerState(next.map(([l]) => l), state.tree, state.subtrees, state.treeNodeName());
  });
  const getParams = op('tree_get_params', (args, kwargs, ctx) => {
    const state = stateArg(bindArgs('params_fn', ['opt_state'], args, kwargs, ctx).required('opt_state'));
    return unflattenPy(state.tree, state.packed.map((l, k) => leaf.getParams(unflattenPy(state.subtrees[k], l, ctx), ctx)), ctx);
  });
  return new PyTuple([init, update, getParams]);
}

function stateName(tree: PyTreeDef, subtrees: readonly PyTreeDef[], ctx: HostContext): string {
  return `OptimizerState[(${treeDefRepr(tree, ctx)}, [${subtrees.map((d) => treeDefRepr(d, ctx)).join(', ')}])]`;
}

function stateArg(v: PyValue): OptimizerState {
  if (v instanceof OptimizerState) return v;
  throw pyError('TypeError', 'expected an OptimizerState, as the init function of the optimizer returns');
}

/** The leaf optimizers, over the run's jnp. */
function leafOptimizers(jnp: Attrs) {
  const call = (ctx: HostContext, f: string, ...args: PyValue[]) => ctx.call(jnp[f], args);
  const op = (ctx: HostContext) => ({
    add: (a: PyValue, b: PyValue) => binary('+', a, b, ctx),
    sub: (a: PyValue, b: PyValue) => binary('-', a, b, ctx),
    mul: (a: PyValue, b: PyValue) => binary('*', a, b, ctx),
    div: (a: PyValue, b: PyValue) => binary('/', a, b, ctx),
    pow: (a: PyValue, b: PyValue) => binary('**', a, b, ctx),
  });
  const items = (s: PyValue) => (s as PyTuple).items;
  const first = (s: PyValue) => items(s)[0];
  return {
    sgd: (step: Schedule): LeafOptimizer => ({
      init: (x) => x,
      update: (i, g, x, ctx) => op(ctx).sub(x, op(ctx).mul(step(i, ctx), g)),
      getParams: (x) => x,
    }),
    momentum: (step: Schedule, mass: PyValue, nesterov: boolean): LeafOptimizer => ({
      init: (x, ctx) => new PyTuple([x, call(ctx, 'zeros_like', x)]),
      update: (i, g, s, ctx) => {
        const o = op(ctx);
        const [x, v0] = items(s);
        const v = o.add(o.mul(mass, v0), g);
        return new PyTuple([o.sub(x, o.mul(step(i, ctx), nesterov ? o.add(o.mul(mass, v), g) : v)), v]);
      },
      getParams: first,
    }),
    rmsprop: (step: Schedule, gamma: PyValue, eps: PyValue): LeafOptimizer => ({
      init: (x, ctx) => new PyTuple([x, call(ctx, 'zeros_like', x)]),
      update: (i, g, s, ctx) => {
        const o = op(ctx);
        const [x, avg0] = items(s);
        const avg = o.add(o.mul(avg0, gamma), o.mul(call(ctx, 'square', g), o.sub(1.0, gamma)));
        return new PyTuple([o.sub(x, o.div(o.mul(step(i, ctx), g), call(ctx, 'sqrt', o.add(avg, eps)))), avg]);
      },
      getParams: first,
    }),
    adam: (step: Schedule, b1: PyValue, b2: PyValue, eps: PyValue): LeafOptimizer => ({
      init: (x, ctx) => new PyTuple([x, call(ctx, 'zeros_like', x), call(ctx, 'zeros_like', x)]),
      update: (i, g, s, ctx) => {
        const o = op(ctx);
        const [x, m0, v0] = items(s);
        const m = o.add(o.mul(o.sub(1, b1), g), o.mul(b1, m0));
        const v = o.add(o.mul(o.sub(1, b2), call(ctx, 'square', g)), o.mul(b2, v0));
        const dtype = ctx.getattr(m, 'dtype');
        const asarray = (b: PyValue) => ctx.call(jnp.asarray, [b], new Map([['dtype', dtype]]));
        const mhat = o.div(m, o.sub(1, o.pow(asarray(b1), o.add(i, 1n))));
        const vhat = o.div(v, o.sub(1, o.pow(asarray(b2), o.add(i, 1n))));
        return new PyTuple([o.sub(x, o.div(o.mul(step(i, ctx), mhat), o.add(call(ctx, 'sqrt', vhat), eps))), m, v]);
      },
      getParams: first,
    }),
  };
}

type Schedule = (i: PyValue, ctx: HostContext) => PyValue;

function makeSchedule(v: PyValue, ctx: HostContext): Schedule {
  if (isCallable(v, ctx)) return (i, c) => c.call(v, [i]);
  if (typeof v === 'number' || typeof v === 'bigint') return () => v;
  throw pyError('TypeError', `step_size must be a number or a schedule (a function of the step), got ${ctx.repr(v)}`);
}

/** `jax.example_libraries.optimizers`' attributes. */
export function optimizersAttrs(jnp: Attrs, op: OpMaker = pyFunction): Record<string, PyValue> {
  const leaf = leafOptimizers(jnp);
  // NB: an optimizer's or a schedule's factory keeps its arguments in what it makes: no op; what it makes is.
  const maker = (name: string, spec: string[], build: (a: ReturnType<typeof bindArgs>, ctx: HostContext) => LeafOptimizer) =>
    pyFunction(name, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => treeOptimizer(build(bindArgs(name, spec, args, kwargs, ctx), ctx), op));
  const schedule = (name: string, spec: string[], body: (a: ReturnType<typeof bindArgs>, i: PyValue, ctx: HostContext) => PyValue) =>
    pyFunction(name, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => {
      const a = bindArgs(name, spec, args, kwargs, ctx);
      return op('schedule', (xs, kw, c) => body(a, bindArgs('schedule', ['i'], xs, kw, c).required('i'), c));
    });
  return {
    sgd: maker('sgd', ['step_size'], (a, ctx) => leaf.sgd(makeSchedule(a.required('step_size'), ctx))),
    momentum: maker('momentum', ['step_size', 'mass'], (a, ctx) => leaf.momentum(makeSchedule(a.required('step_size'), ctx), a.required('mass'), false)),
    nesterov: maker('nesterov', ['step_size', 'mass'], (a, ctx) => leaf.momentum(makeSchedule(a.required('step_size'), ctx), a.required('mass'), true)),
    rmsprop: maker('rmsprop', ['step_size', 'gamma?', 'eps?'], (a, ctx) => leaf.rmsprop(makeSchedule(a.required('step_size'), ctx), a.get('gamma') ?? 0.9, a.get('eps') ?? 1e-8)),
    adam: maker('adam', ['step_size', 'b1?', 'b2?', 'eps?'], (a, ctx) => leaf.adam(makeSchedule(a.required('step_size'), ctx), a.get('b1') ?? 0.9, a.get('b2') ?? 0.999, a.get('eps') ?? 1e-8)),
    constant: schedule('constant', ['step_size'], (a) => a.required('step_size')),
    exponential_decay: schedule('exponential_decay', ['step_size', 'decay_steps', 'decay_rate'], (a, i, ctx) =>
      binary('*', a.required('step_size'), binary('**', a.required('decay_rate'), binary('/', i, a.required('decay_steps'), ctx), ctx), ctx)),
    inverse_time_decay: schedule('inverse_time_decay', ['step_size', 'decay_steps', 'decay_rate', 'staircase?'], (a, i, ctx) => {
      const ratio = binary('/', i, a.required('decay_steps'), ctx);
      const t = a.bool('staircase', false) ? ctx.call(jnp.floor, [ratio]) : ratio;
      return binary('/', a.required('step_size'), binary('+', 1, binary('*', a.required('decay_rate'), t, ctx), ctx), ctx);
    }),
    l2_norm: op('l2_norm', (args, kwargs, ctx) => l2Norm(jnp, bindArgs('l2_norm', ['tree'], args, kwargs, ctx).required('tree'), ctx)),
    clip_grads: op('clip_grads', (args, kwargs, ctx) => {
      const a = bindArgs('clip_grads', ['grad_tree', 'max_norm'], args, kwargs, ctx);
      const tree = a.required('grad_tree'), maxNorm = a.required('max_norm');
      const norm = l2Norm(jnp, tree, ctx);
      const [leaves, def] = flattenPy(tree, ctx);
      const less = compare('<', norm, maxNorm, ctx);
      return unflattenPy(def, leaves.map((g) => ctx.call(jnp.where, [less, g, binary('*', g, binary('/', maxNorm, norm, ctx), ctx)])), ctx);
    }),
    OptimizerState: OptimizerState.type,
    ...serializationAttrs(),
  };
}

/** `JoinPoint(subtree)`: a leaf of `unpack_optimizer_state`'s tree holding one parameter's state. */
class JoinPoint extends HostObject {
  static readonly type = hostType('JoinPoint', 'jax.example_libraries.optimizers', (args, kwargs, ctx) => new JoinPoint(bindArgs('JoinPoint', ['subtree'], args, kwargs, ctx).required('subtree')));
  constructor(readonly subtree: PyValue) {
    super();
  }
  get pyType() { return JoinPoint.type; }
  override held(): readonly PyValue[] { return [this.subtree]; }
  override getattr(name: string): PyValue | undefined { return name === 'subtree' ? this.subtree : undefined; }
  override iter(): Iterable<PyValue> { return [this.subtree]; }
}

/** The serialization pair: an OptimizerState as its parameter tree with a JoinPoint of each parameter's state at its leaves, and back. */
function serializationAttrs(): Record<string, PyValue> {
  return {
    JoinPoint: JoinPoint.type,
    unpack_optimizer_state: pyFunction('unpack_optimizer_state', (args, kwargs, ctx) => {
      const state = stateArg(bindArgs('unpack_optimizer_state', ['opt_state'], args, kwargs, ctx).required('opt_state'));
      return unflattenPy(state.tree, state.packed.map((l, k) => new JoinPoint(unflattenPy(state.subtrees[k], l, ctx))), ctx);
    }),
    pack_optimizer_state: pyFunction('pack_optimizer_state', (args, kwargs, ctx) => {
      const [sentinels, tree] = flattenPy(bindArgs('pack_optimizer_state', ['marked_pytree'], args, kwargs, ctx).required('marked_pytree'), ctx);
      // NB: optimizers.py asserts it with a bare assert: an AssertionError with no message.
      if (!sentinels.every((s) => s instanceof JoinPoint)) throw pyError('AssertionError', '');
      const flat = sentinels.map((s) => flattenPy((s as JoinPoint).subtree, ctx));
      const subtrees = flat.map(([, d]) => d);
      return new OptimizerState(flat.map(([l]) => l), tree, subtrees, stateName(tree, subtrees, ctx));
    }),
  };
}

/** `l2_norm(tree)`: sqrt of the sum over leaves of each leaf's sum of squares (`jnp.vdot(x, x)`). */
function l2Norm(jnp: Attrs, tree: PyValue, ctx: HostContext): PyValue {
  const [leaves] = flattenPy(tree, ctx);
  let total: PyValue = 0;
  for (const x of leaves) total = binary('+', total, ctx.call(jnp.sum, [binary('*', x, x, ctx)]), ctx);
  return ctx.call(jnp.sqrt, [total]);
}

export const OPTIMIZERS_NAMES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'constant', 'exponential_decay', 'inverse_time_decay', 'l2_norm', 'clip_grads', 'OptimizerState', 'JoinPoint', 'unpack_optimizer_state', 'pack_optimizer_state'];
