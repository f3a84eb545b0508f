/**
 * optax's learning-rate schedules (optax/schedules/_schedule.py, _join.py) and the losses training
 * loops call (optax/losses/_classification.py, _regression.py), written with jnp and jax.nn as
 * optax writes them, so a schedule's values and a loss's gradients are optax's.
 */
import { binary, bindArgs, compare, type HostContext, iterate, type NativeFn, pyError, pyFunction, type PyValue, truthy } from '../../interpreter';

type Attrs = Readonly<Record<string, PyValue>>;
type Args = ReturnType<typeof bindArgs>;
type OpMaker = (name: string, fn: NativeFn) => PyValue;

export function optaxScheduleAttrs(jnp: Attrs, nn: Attrs, op: OpMaker = pyFunction): Record<string, PyValue> {
  const call = (ctx: HostContext, f: string, args: PyValue[]) => ctx.call(jnp[f], args);
  const def = (name: string, spec: string[], body: (a: Args, ctx: HostContext) => PyValue, make: OpMaker = pyFunction) =>
    make(name, (args, kwargs, ctx) => body(bindArgs(name, spec, args, kwargs, ctx), ctx));
  /** A schedule: a function of the step count (its arrays freed but the value it returns). */
  const schedule = (name: string, fn: (count: PyValue, ctx: HostContext) => PyValue) =>
    op(name, (args, kwargs, ctx) => fn(bindArgs(name, ['count'], args, kwargs, ctx).required('count'), ctx));
  const constant = (value: PyValue) => schedule('<lambda>', () => value);
  const le0 = (x: PyValue, ctx: HostContext) => truthy(compare('<=', x, 0n, ctx), ctx);
  const lt0 = (x: PyValue, ctx: HostContext) => truthy(compare('<', x, 0n, ctx), ctx);

  const polynomial = (init: PyValue, end: PyValue, power: PyValue, steps: PyValue, begin: PyValue, ctx0: HostContext) => {
    if (le0(steps, ctx0)) return constant(init);
    const from = lt0(begin, ctx0) ? 0n : begin;
    return schedule('schedule', (count, ctx) => {
      const c = call(ctx, 'clip', [binary('-', count, from, ctx), 0n, steps]);
      const frac = binary('-', 1n, binary('/', c, steps, ctx), ctx);
      return binary('+', binary('*', binary('-', init, end, ctx), binary('**', frac, power, ctx), ctx), end, ctx);
    });
  };

  const cosine = (init: PyValue, decaySteps: PyValue, alpha: PyValue, exponent: PyValue, ctx0: HostContext) => {
    if (!truthy(compare('>', decaySteps, 0n, ctx0), ctx0)) throw pyError('ValueError', `The cosine_decay_schedule requires positive decay_steps, got decay_steps=${ctx0.repr(decaySteps)}.`);
    // optax makes Python ints floats first (jax.tree.map(lambda x: float(x) if isinstance(x, int) else x, ...)).
    const asFloat = (x: PyValue) => (typeof x === 'bigint' ? Number(x) : x);
    const steps = asFloat(decaySteps);
    return schedule('schedule', (count, ctx) => {
      const c = call(ctx, 'minimum', [asFloat(count), steps]);
      const cosineDecay = binary('*', 0.5, binary('+', 1n, call(ctx, 'cos', [binary('/', binary('*', Math.PI, c, ctx), steps, ctx)]), ctx), ctx);
      const decayed = binary('+', binary('*', binary('-', 1n, alpha, ctx), binary('**', cosineDecay, exponent, ctx), ctx), alpha, ctx);
      return binary('*', init, decayed, ctx);
    });
  };

  const join = (schedules: readonly PyValue[], boundaries: readonly PyValue[]) => schedule('schedule', (step, ctx) => {
    let output = ctx.call(schedules[0], [step]);
    boundaries.forEach((b, i) => {
      output = call(ctx, 'where', [compare('<', step, b, ctx), output, ctx.call(schedules[i + 1], [binary('-', step, b, ctx)])]);
    });
    return output;
  });

  return {
    constant_schedule: def('constant_schedule', ['value'], (a) => constant(a.required('value'))),
    polynomial_schedule: def('polynomial_schedule', ['init_value', 'end_value', 'power', 'transition_steps', 'transition_begin?'], (a, ctx) =>
      polynomial(a.required('init_value'), a.required('end_value'), a.required('power'), a.required('transition_steps'), a.get('transition_begin') ?? 0n, ctx)),
    linear_schedule: def('linear_schedule', ['init_value', 'end_value', 'transition_steps', 'transition_begin?'], (a, ctx) =>
      polynomial(a.required('init_value'), a.required('end_value'), 1n, a.required('transition_steps'), a.get('transition_begin') ?? 0n, ctx)),
    exponential_decay: def('exponential_decay', ['init_value', 'transition_steps', 'decay_rate', 'transition_begin?', 'staircase?', 'end_value?'], (a, ctx0) => {
      const init = a.required('init_value');
      const steps = a.required('transition_steps');
      const rate = a.required('decay_rate');
      if (le0(steps, ctx0) || !truthy(compare('!=', rate, 0n, ctx0), ctx0)) return constant(init);
      const begin = lt0(a.get('transition_begin') ?? 0n, ctx0) ? 0n : a.get('transition_begin') ?? 0n;
      const end = a.get('end_value') ?? null;
      const clip = truthy(compare('<', rate, 1.0, ctx0), ctx0) ? 'maximum' : 'minimum';
      const staircase = a.bool('staircase', false);
      return schedule('schedule', (count, ctx) => {
        const decreased = binary('-', count, begin, ctx);
        let p = binary('/', decreased, steps, ctx);
        if (staircase) p = call(ctx, 'floor', [p]);
        const decayed = call(ctx, 'where', [compare('<=', decreased, 0n, ctx), init, binary('*', init, call(ctx, 'power', [rate, p]), ctx)]);
        return end === null ? decayed : call(ctx, clip, [decayed, end]);
      });
    }),
    cosine_decay_schedule: def('cosine_decay_schedule', ['init_value', 'decay_steps', 'alpha?', 'exponent?'], (a, ctx) =>
      cosine(a.required('init_value'), a.required('decay_steps'), a.get('alpha') ?? 0.0, a.get('exponent') ?? 1.0, ctx)),
    piecewise_constant_schedule: def('piecewise_constant_schedule', ['init_value', 'boundaries_and_scales?'], (a, ctx0) => {
      const init = a.required('init_value');
      const given = a.get('boundaries_and_scales') ?? null;
      const pairs = given === null ? [] : [...iterate(ctx0.call(ctx0.getattr(given, 'items'), []), ctx0)].map((kv) => [...iterate(kv, ctx0)]);
      if (pairs.some(([, scale]) => truthy(compare('<', scale, 0.0, ctx0), ctx0))) {
        throw pyError('ValueError', '`piecewise_constant_schedule` expects non-negative scale factors');
      }
      const sorted = pairs.sort(([p], [q]) => (truthy(compare('<', p, q, ctx0), ctx0) ? -1 : truthy(compare('<', q, p, ctx0), ctx0) ? 1 : 0));
      return schedule('schedule', (count, ctx) => sorted.reduce((v, [threshold, scale]) => {
        const indicator = call(ctx, 'maximum', [0.0, call(ctx, 'sign', [binary('-', threshold, count, ctx)])]);
        return binary('+', binary('*', v, indicator, ctx), binary('*', binary('*', binary('-', 1n, indicator, ctx), scale, ctx), v, ctx), ctx);
      }, init));
    }),
    join_schedules: def('join_schedules', ['schedules', 'boundaries'], (a, ctx) =>
      join([...iterate(a.required('schedules'), ctx)], [...iterate(a.required('boundaries'), ctx)])),
    warmup_cosine_decay_schedule: def('warmup_cosine_decay_schedule', ['init_value', 'peak_value', 'warmup_steps', 'decay_steps', 'end_value?', 'exponent?'], (a, ctx) => {
      const peak = a.required('peak_value');
      const end = a.get('end_value') ?? 0.0;
      const warmup = a.required('warmup_steps');
      const alpha = truthy(compare('==', peak, 0.0, ctx), ctx) ? 0.0 : binary('/', end, peak, ctx);
      return join([
        polynomial(a.required('init_value'), peak, 1n, warmup, 0n, ctx),
        cosine(peak, binary('-', a.required('decay_steps'), warmup, ctx), alpha, a.get('exponent') ?? 1.0, ctx),
      ], [warmup]);
    }),
    softmax_cross_entropy: def('softmax_cross_entropy', ['logits', 'labels', 'axis?', 'where?'], (a, ctx) => {
      refuseWhere(a, 'softmax_cross_entropy');
      const axis = a.get('axis') ?? -1n;
      const logProbs = ctx.call(nn.log_softmax, [a.required('logits'), axis]);
      const product = binary('*', a.required('labels'), logProbs, ctx);
      return ctx.call(jnp.negative, [ctx.call(ctx.getattr(product, 'sum'), [axis])]);
    }, op),
    softmax_cross_entropy_with_integer_labels: def('softmax_cross_entropy_with_integer_labels', ['logits', 'labels', 'axis?', 'where?'], (a, ctx) => {
      refuseWhere(a, 'softmax_cross_entropy_with_integer_labels');
      const logits = a.required('logits');
      const axis = a.get('axis') ?? -1n;
      if (typeof axis !== 'bigint') throw pyError('NotImplementedError', 'optax.softmax_cross_entropy_with_integer_labels with a tuple axis is not supported by Gradlens; pass one axis');
      const labels = ctx.call(jnp.expand_dims, [a.required('labels'), axis]);
      const picked = ctx.call(jnp.take_along_axis, [logits, labels], new Map([['axis', axis]]));
      const labelLogits = ctx.call(jnp.take, [picked, 0n], new Map([['axis', axis]]));
      const logNormalizers = ctx.call(nn.logsumexp, [logits], new Map([['axis', axis]]));
      return binary('-', logNormalizers, labelLogits, ctx);
    }, op),
    squared_error: def('squared_error', ['predictions', 'targets?'], (a, ctx) => squaredError(a, ctx), op),
    l2_loss: def('l2_loss', ['predictions', 'targets?'], (a, ctx) => binary('*', 0.5, squaredError(a, ctx), ctx), op),
    sigmoid_binary_cross_entropy: def('sigmoid_binary_cross_entropy', ['logits', 'labels'], (a, ctx) => {
      const logits = a.required('logits');
      const labels = ctx.call(ctx.getattr(call(ctx, 'asarray', [a.required('labels')]), 'astype'), [ctx.getattr(call(ctx, 'asarray', [logits]), 'dtype')]);
      const logP = ctx.call(nn.log_sigmoid, [logits]);
      const logNotP = ctx.call(nn.log_sigmoid, [ctx.call(jnp.negative, [logits])]);
      return binary('-', binary('*', ctx.call(jnp.negative, [labels]), logP, ctx), binary('*', binary('-', 1.0, labels, ctx), logNotP, ctx), ctx);
    }, op),
  };

  function squaredError(a: Args, ctx: HostContext): PyValue {
    const predictions = call(ctx, 'asarray', [a.required('predictions')]);
    const targets = a.get('targets') ?? null;
    const errors = targets === null ? predictions : binary('-', predictions, targets, ctx);
    return binary('**', errors, 2n, ctx);
  }
}

function refuseWhere(a: Args, name: string): void {
  if (a.opt('where') !== undefined && a.opt('where') !== null) throw pyError('NotImplementedError', `optax.${name}(where=...) is not supported by Gradlens; mask the loss with jnp.where afterwards`);
}
