/**
 * An `optax` shim with optax's arithmetic (optax/_src/transform.py, alias.py, clipping.py,
 * update.py): GradientTransformations whose states are the namedtuples optax prints
 * (`ScaleByAdamState(count=..., mu=..., nu=...)`, `EmptyState()`), pytrees that pass through jit.
 */
import { binary, bindArgs, compare, type HostContext, isCallable, type Kwargs, type NativeFn, pyError, pyFunction, PyTuple, type PyValue, hostType, truthy } from '../../interpreter';
import { flattenPy } from '../pytree';
import { treeMapHost } from '../tree_util';
import { make, namedTupleType } from './named_tuple';
import { optaxScheduleAttrs } from './optax_schedules';

type Attrs = Readonly<Record<string, PyValue>>;

const MODULE = 'optax';
const GRADIENT_TRANSFORMATION = namedTupleType('GradientTransformation', MODULE, ['init', 'update']);
const GRADIENT_TRANSFORMATION_EXTRA = namedTupleType('GradientTransformationExtraArgs', MODULE, ['init', 'update']);
const EMPTY_STATE = namedTupleType('EmptyState', MODULE, []);
const SCALE_BY_ADAM_STATE = namedTupleType('ScaleByAdamState', MODULE, ['count', 'mu', 'nu']);
const TRACE_STATE = namedTupleType('TraceState', MODULE, ['trace']);
const SCALE_BY_SCHEDULE_STATE = namedTupleType('ScaleByScheduleState', MODULE, ['count']);
const MASKED_STATE = namedTupleType('MaskedState', MODULE, ['inner_state']);
/** A namedtuple with no fields: a pytree node with no leaves, so the inner transformation's tree maps pass over what it replaces. */
const MASKED_NODE = namedTupleType('MaskedNode', MODULE, []);

const treeMap = treeMapHost;

type Update = (updates: PyValue, state: PyValue, params: PyValue, ctx: HostContext) => [PyValue, PyValue];
type Init = (params: PyValue, ctx: HostContext) => PyValue;
/**
 * Makes a function that keeps none of its arguments but in what it returns, and frees the arrays
 * it made and does not return (the run's arrayOp): init, update, apply_updates; pyFunction to list names.
 */
export type OpMaker = (name: string, fn: NativeFn) => PyValue;

function gradientTransformation(op: OpMaker, init: Init, update: Update): PyValue {
  return make(GRADIENT_TRANSFORMATION_EXTRA, [
    op('init_fn', (args, kwargs, ctx) => init(bindArgs('init_fn', ['params'], args, kwargs, ctx).required('params'), ctx)),
    op('update_fn', (args, kwargs, ctx) => {
      const a = bindArgs('update_fn', ['updates', 'state', 'params?', '**extra_args'], args, kwargs, ctx);
      return new PyTuple(update(a.required('updates'), a.required('state'), a.get('params') ?? null, ctx));
    }),
  ]);
}

const empty = () => make(EMPTY_STATE, []);

function optaxTransforms(jnp: Attrs, op: OpMaker) {
  const transformation = (init: Init, update: Update) => gradientTransformation(op, init, update);
  const call = (ctx: HostContext, f: string, args: PyValue[], kwargs?: Kwargs) => ctx.call(jnp[f], args, kwargs);
  const zerosLike = (ctx: HostContext, tree: PyValue) => treeMap(ctx, (x) => call(ctx, 'zeros_like', [x]), tree);
  const int32Zero = (ctx: HostContext) => call(ctx, 'zeros', [new PyTuple([])], new Map([['dtype', jnp.int32]]));
  /** numerics.safe_increment: count + 1, saturating at int32's max. */
  const safeIncrement = (ctx: HostContext, count: PyValue) => call(ctx, 'where', [compare('<', count, 2147483647n, ctx), binary('+', count, 1n, ctx), 2147483647n]);
  const mul = (ctx: HostContext, a: PyValue, b: PyValue) => binary('*', a, b, ctx);

  const identity = () => transformation(() => empty(), (u, s) => [u, s]);

  /** `scale(step_size)`: every update times step_size. */
  const scale = (step: PyValue) => transformation(() => empty(), (u, s, _p, ctx) => [treeMap(ctx, (g) => mul(ctx, step, g), u), s]);

  /** `scale_by_schedule(step_size_fn)`: every update times the schedule's value at the step count, as an array of the update's dtype. */
  const scaleBySchedule = (stepSize: (count: PyValue, ctx: HostContext) => PyValue) =>
    transformation((_p, ctx) => make(SCALE_BY_SCHEDULE_STATE, [int32Zero(ctx)]), (u, s, _p, ctx) => {
      const count = ctx.getattr(s, 'count');
      const step = stepSize(count, ctx);
      const out = treeMap(ctx, (g) => mul(ctx, call(ctx, 'array', [step], new Map([['dtype', ctx.getattr(g, 'dtype')]])), g), u);
      return [out, make(SCALE_BY_SCHEDULE_STATE, [safeIncrement(ctx, count)])];
    });

  /** `scale_by_learning_rate`: -lr, or a schedule of the step count. */
  const scaleByLearningRate = (lr: PyValue, ctx0: HostContext) => {
    if (!isCallable(lr, ctx0)) return scale(binary('*', -1n, lr, ctx0));
    return scaleBySchedule((count, ctx) => binary('*', -1n, ctx.call(lr, [count]), ctx));
  };

  /** `clip(max_delta)`: each update clipped into [-max_delta, max_delta] (optax.tree_utils.tree_clip). */
  const clip = (maxDelta: PyValue) => transformation(() => empty(), (u, s, _p, ctx) =>
    [treeMap(ctx, (g) => call(ctx, 'clip', [g, binary('*', -1n, maxDelta, ctx), maxDelta]), u), s]);

  const trace = (decay: PyValue, nesterov: boolean) => transformation((p, ctx) => make(TRACE_STATE, [zerosLike(ctx, p)]), (u, s, _p, ctx) => {
    const f = (g: PyValue, t: PyValue) => binary('+', g, mul(ctx, decay, t), ctx);
    const newTrace = treeMap(ctx, f, u, ctx.getattr(s, 'trace'));
    return [nesterov ? treeMap(ctx, f, u, newTrace) : newTrace, make(TRACE_STATE, [newTrace])];
  });

  const scaleByAdam = (b1: PyValue, b2: PyValue, eps: PyValue, epsRoot: PyValue) =>
    transformation((p, ctx) => make(SCALE_BY_ADAM_STATE, [int32Zero(ctx), zerosLike(ctx, p), zerosLike(ctx, p)]), (u, s, _p, ctx) => {
      const moment = (decay: PyValue, order: bigint) => (g: PyValue, t: PyValue) =>
        binary('+', mul(ctx, binary('-', 1, decay, ctx), binary('**', g, order, ctx)), mul(ctx, decay, t), ctx);
      const mu = treeMap(ctx, moment(b1, 1n), u, ctx.getattr(s, 'mu'));
      const nu = treeMap(ctx, moment(b2, 2n), u, ctx.getattr(s, 'nu'));
      const count = safeIncrement(ctx, ctx.getattr(s, 'count'));
      const correct = (tree: PyValue, decay: PyValue) => {
        const bias = binary('-', 1, binary('**', decay, count, ctx), ctx);
        return treeMap(ctx, (t) => binary('/', t, ctx.call(ctx.getattr(bias, 'astype'), [ctx.getattr(t, 'dtype')]), ctx), tree);
      };
      const muHat = correct(mu, b1), nuHat = correct(nu, b2);
      const out = treeMap(ctx, (m, v) => binary('/', m, binary('+', call(ctx, 'sqrt', [binary('+', v, epsRoot, ctx)]), eps, ctx), ctx), muHat, nuHat);
      return [out, make(SCALE_BY_ADAM_STATE, [count, mu, nu])];
    });

  const addDecayedWeights = (wd: PyValue) => transformation(() => empty(), (u, s, p, ctx) => {
    if (p === null) throw pyError('ValueError', 'You are using a transformation that requires the current value of parameters, but you are not passing `params` when calling `update`.');
    return [treeMap(ctx, (g, x) => binary('+', g, mul(ctx, wd, x), ctx), u, p), s];
  });

  const chain = (transforms: readonly PyValue[]) => transformation(
    (p, ctx) => new PyTuple(transforms.map((t) => ctx.call(ctx.getattr(t, 'init'), [p]))),
    (u, s, p, ctx) => {
      const states = [...(s as PyTuple).items];
      if (states.length !== transforms.length) throw pyError('ValueError', 'The number of updates and states has to be the same in chain! Make sure you have called init first!');
      let updates = u;
      const next = transforms.map((t, i) => {
        const r = ctx.call(ctx.getattr(t, 'update'), [updates, states[i], p]) as PyTuple;
        updates = r.items[0];
        return r.items[1];
      });
      return [updates, new PyTuple(next)];
    });

  const globalNorm = (ctx: HostContext, tree: PyValue) => {
    const [leaves] = flattenPy(tree, ctx);
    let total: PyValue = 0;
    for (const x of leaves) total = binary('+', total, call(ctx, 'sum', [call(ctx, 'square', [x])]), ctx);
    return call(ctx, 'sqrt', [total]);
  };

  const clipByGlobalNorm = (maxNorm: PyValue) => transformation(() => empty(), (u, s, _p, ctx) => {
    const norm = globalNorm(ctx, u);
    const trigger = compare('<', norm, maxNorm, ctx);
    return [treeMap(ctx, (t) => call(ctx, 'where', [trigger, t, mul(ctx, binary('/', t, norm, ctx), maxNorm)]), u), s];
  });

  /**
   * `masked(inner, mask)` as optax's wrappers: the inner transformation sees the updates (and
   * params) with every subtree whose mask leaf is false replaced by a MaskedNode, and those
   * subtrees' updates pass through unchanged; `mask` is a pytree of bools (a prefix of the
   * params') or a function of the params (of the updates, in update) that returns one.
   */
  const masked = (inner: PyValue, mask: PyValue) => {
    const maskTree = (tree: PyValue, ctx: HostContext) => (isCallable(mask, ctx) ? ctx.call(mask, [tree]) : mask);
    const maskPytree = (tree: PyValue, m: PyValue, ctx: HostContext) => treeMap(ctx, (keep, p) => (truthy(keep, ctx) ? p : make(MASKED_NODE, [])), m, tree);
    return transformation(
      (p, ctx) => make(MASKED_STATE, [ctx.call(ctx.getattr(inner, 'init'), [maskPytree(p, maskTree(p, ctx), ctx)])]),
      (u, s, p, ctx) => {
        const m = maskTree(u, ctx);
        const r = ctx.call(ctx.getattr(inner, 'update'), [maskPytree(u, m, ctx), ctx.getattr(s, 'inner_state'), p === null ? null : maskPytree(p, m, ctx)]) as PyTuple;
        const updates = treeMap(ctx, (keep, fresh, old) => (truthy(keep, ctx) ? fresh : old), m, r.items[0], u);
        return [updates, make(MASKED_STATE, [r.items[1]])];
      });
  };

  /** add_decayed_weights, masked where a mask is given (optax's `mask=None` means every leaf). */
  const maybeMasked = (t: PyValue, mask: PyValue | undefined) => (mask === undefined || mask === null ? t : masked(t, mask));

  return { identity, scale, scaleBySchedule, scaleByLearningRate, clip, trace, scaleByAdam, addDecayedWeights, chain, globalNorm, clipByGlobalNorm, masked, maybeMasked };
}

/** `optax`'s attributes, over the run's jnp. */
export function optaxAttrs(jnp: Attrs, nn: Attrs, op: OpMaker = pyFunction): Record<string, PyValue> {
  const T = optaxTransforms(jnp, op);
  // NB: a transformation's factory keeps its arguments (a schedule, a learning rate) in what it makes: no op.
  const def = (name: string, spec: string[], body: (a: ReturnType<typeof bindArgs>, ctx: HostContext) => PyValue, make: OpMaker = pyFunction) =>
    make(name, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => body(bindArgs(name, spec, args, kwargs, ctx), ctx));
  const adamLike = (a: ReturnType<typeof bindArgs>) => T.scaleByAdam(a.get('b1') ?? 0.9, a.get('b2') ?? 0.999, a.get('eps') ?? 1e-8, a.get('eps_root') ?? 0.0);
  const noNesterov = (a: ReturnType<typeof bindArgs>, ctx: HostContext) => {
    if (a.bool('nesterov', false)) throw pyError('NotImplementedError', 'optax.adam(nesterov=True) is not supported by Gradlens');
    if (a.opt('mu_dtype') !== undefined) throw pyError('NotImplementedError', 'optax mu_dtype is not supported by Gradlens');
    void ctx;
  };
  return {
    ...optaxScheduleAttrs(jnp, nn, op),
    GradientTransformation: GRADIENT_TRANSFORMATION,
    GradientTransformationExtraArgs: GRADIENT_TRANSFORMATION_EXTRA,
    EmptyState: EMPTY_STATE,
    ScaleByAdamState: SCALE_BY_ADAM_STATE,
    TraceState: TRACE_STATE,
    ScaleByScheduleState: SCALE_BY_SCHEDULE_STATE,
    OptState: hostType('OptState', MODULE),
    Params: hostType('Params', MODULE),
    Updates: hostType('Updates', MODULE),
    identity: def('identity', [], () => T.identity()),
    scale: def('scale', ['step_size'], (a) => T.scale(a.required('step_size'))),
    trace: def('trace', ['decay', 'nesterov?', 'accumulator_dtype?'], (a) => T.trace(a.required('decay'), a.bool('nesterov', false))),
    scale_by_adam: def('scale_by_adam', ['b1?', 'b2?', 'eps?', 'eps_root?', 'mu_dtype?', '*', 'nesterov?'], (a, ctx) => {
      noNesterov(a, ctx);
      return adamLike(a);
    }),
    add_decayed_weights: def('add_decayed_weights', ['weight_decay?', 'mask?'], (a) => T.maybeMasked(T.addDecayedWeights(a.get('weight_decay') ?? 0.0), a.opt('mask'))),
    masked: def('masked', ['inner', 'mask', '*', 'mask_compatible_extra_args?'], (a) => T.masked(a.required('inner'), a.required('mask'))),
    MaskedState: MASKED_STATE,
    MaskedNode: MASKED_NODE,
    chain: def('chain', ['*args'], (a) => T.chain(a.rest)),
    clip_by_global_norm: def('clip_by_global_norm', ['max_norm'], (a) => T.clipByGlobalNorm(a.required('max_norm'))),
    clip: def('clip', ['max_delta'], (a) => T.clip(a.required('max_delta'))),
    scale_by_schedule: def('scale_by_schedule', ['step_size_fn'], (a) => {
      const fn = a.required('step_size_fn');
      return T.scaleBySchedule((count, ctx) => ctx.call(fn, [count]));
    }),
    global_norm: def('global_norm', ['updates'], (a, ctx) => T.globalNorm(ctx, a.required('updates')), op),
    sgd: def('sgd', ['learning_rate', 'momentum?', 'nesterov?', 'accumulator_dtype?'], (a, ctx) =>
      T.chain([a.opt('momentum') !== undefined ? T.trace(a.required('momentum'), a.bool('nesterov', false)) : T.identity(), T.scaleByLearningRate(a.required('learning_rate'), ctx)])),
    adam: def('adam', ['learning_rate', 'b1?', 'b2?', 'eps?', 'eps_root?', 'mu_dtype?', '*', 'nesterov?'], (a, ctx) => {
      noNesterov(a, ctx);
      return T.chain([adamLike(a), T.scaleByLearningRate(a.required('learning_rate'), ctx)]);
    }),
    adamw: def('adamw', ['learning_rate', 'b1?', 'b2?', 'eps?', 'eps_root?', 'mu_dtype?', 'weight_decay?', 'mask?', '*', 'nesterov?'], (a, ctx) => {
      noNesterov(a, ctx);
      return T.chain([adamLike(a), T.maybeMasked(T.addDecayedWeights(a.get('weight_decay') ?? 1e-4), a.opt('mask')), T.scaleByLearningRate(a.required('learning_rate'), ctx)]);
    }),
    apply_updates: def('apply_updates', ['params', 'updates'], (a, ctx) =>
      treeMap(ctx, (p, u) => (p === null ? null : ctx.call(ctx.getattr(ctx.call(jnp.asarray, [binary('+', p, u, ctx)]), 'astype'), [ctx.getattr(ctx.call(jnp.asarray, [p]), 'dtype')])), a.required('params'), a.required('updates')), op),
  };
}

export const OPTAX_NAMES = Object.keys(optaxAttrs({}, {}));
