/**
 * stax's combinators and stateful-looking layers as jax/example_libraries/stax.py writes them:
 * FanOut, FanInSum, FanInConcat and parallel (the residual blocks of JAX's resnet50 example),
 * Dropout (whose `rate` is the probability of keeping a unit, as stax's is) and BatchNorm.
 */
import { bindArgs, getitem, type HostContext, iterate, pyError, pyFunction, PyList, PySlice, PyTuple, type PyValue, toIndex, truthy } from '../../interpreter';

type Attrs = Readonly<Record<string, PyValue>>;
type Args = ReturnType<typeof bindArgs>;

const layer = (initFun: PyValue, applyFun: PyValue) => new PyTuple([initFun, applyFun]);
const noParams = () => new PyTuple([]);

/** A layer from its init and apply bodies, each given its bound arguments. */
function makeLayer(init: (a: Args, ctx: HostContext) => PyValue, apply: (a: Args, ctx: HostContext) => PyValue): PyTuple {
  return layer(
    pyFunction('init_fun', (args, kwargs, ctx) => init(bindArgs('init_fun', ['rng', 'input_shape'], args, kwargs, ctx), ctx)),
    pyFunction('apply_fun', (args, kwargs, ctx) => apply(bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], args, kwargs, ctx), ctx)),
  );
}

export function staxCombinatorAttrs(jnp: Attrs, nn: Attrs, random: Attrs, init: Attrs): Record<string, PyValue> {
  const fanInSum = makeLayer(
    (a, ctx) => new PyTuple([[...iterate(a.required('input_shape'), ctx)][0], noParams()]),
    (a, ctx) => {
      // Python's sum(inputs): 0 + x0 + x1 + ...
      let total: PyValue = 0n;
      for (const x of iterate(a.required('inputs'), ctx)) total = ctx.call(jnp.add, [total, x]);
      return total;
    },
  );

  const parallel = pyFunction('parallel', (layers, _kw, ctx0) => {
    const pairs = layers.map((l) => [...iterate(l, ctx0)]);
    const n = BigInt(pairs.length);
    return layer(
      pyFunction('init_fun', (args, kwargs, ctx) => {
        const a = bindArgs('init_fun', ['rng', 'input_shape'], args, kwargs, ctx);
        const rngs = [...iterate(ctx.call(random.split, [a.required('rng'), n]), ctx)];
        const shapes = [...iterate(a.required('input_shape'), ctx)];
        const outs = pairs.map(([initFun], i) => [...iterate(ctx.call(initFun, [rngs[i], shapes[i]]), ctx)]);
        // NB: stax returns zip(*[...]): the output shapes, then the params, each a tuple.
        return new PyTuple([new PyTuple(outs.map((o) => o[0])), new PyTuple(outs.map((o) => o[1]))]);
      }),
      pyFunction('apply_fun', (args, kwargs, ctx) => {
        const a = bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], args, kwargs, ctx);
        const extra = new Map(a.extraKwargs);
        const rng = extra.get('rng') ?? null;
        extra.delete('rng');
        const rngs = rng === null ? pairs.map(() => null) : [...iterate(ctx.call(random.split, [rng, n]), ctx)];
        const params = [...iterate(a.required('params'), ctx)];
        const inputs = [...iterate(a.required('inputs'), ctx)];
        return new PyList(pairs.map(([, applyFun], i) => ctx.call(applyFun, [params[i], inputs[i]], new Map([...extra, ['rng', rngs[i]]]))));
      }),
    );
  });

  return {
    FanOut: pyFunction('FanOut', (args, kwargs, ctx0) => {
      const num = Number(toIndex(bindArgs('FanOut', ['num'], args, kwargs, ctx0).required('num'), ctx0));
      return makeLayer(
        (a) => new PyTuple([new PyList(Array.from({ length: num }, () => a.required('input_shape'))), noParams()]),
        (a) => new PyList(Array.from({ length: num }, () => a.required('inputs'))),
      );
    }),
    FanInSum: fanInSum,
    FanInConcat: pyFunction('FanInConcat', (args, kwargs, ctx0) => {
      const axis = Number(toIndex(bindArgs('FanInConcat', ['axis?'], args, kwargs, ctx0).get('axis') ?? -1n, ctx0));
      return makeLayer((a, ctx) => {
        const shapes = [...iterate(a.required('input_shape'), ctx)].map((s) => [...iterate(s, ctx)]);
        const ax = ((axis % shapes[0].length) + shapes[0].length) % shapes[0].length;
        const size = shapes.reduce((n, s) => n + toIndex(s[ax], ctx), 0n);
        return new PyTuple([new PyTuple([...shapes[0].slice(0, ax), size, ...shapes[0].slice(ax + 1)]), noParams()]);
      }, (a, ctx) => ctx.call(jnp.concatenate, [a.required('inputs'), BigInt(axis)]));
    }),
    parallel,
    Dropout: pyFunction('Dropout', (args, kwargs, ctx0) => {
      const d = bindArgs('Dropout', ['rate', 'mode?'], args, kwargs, ctx0);
      const rate = d.required('rate');
      const train = (d.get('mode') ?? 'train') === 'train';
      return makeLayer((a) => new PyTuple([a.required('input_shape'), noParams()]), (a, ctx) => {
        const rng = a.extraKwargs.get('rng') ?? null;
        if (rng === null) {
          throw pyError('ValueError', 'Dropout layer requires apply_fun to be called with a PRNG key argument. That is, instead of `apply_fun(params, inputs)`, '
            + 'call it like `apply_fun(params, inputs, rng)` where `rng` is a PRNG key (e.g. from `jax.random.key`).');
        }
        const inputs = a.required('inputs');
        if (!train) return inputs;
        const keep = ctx.call(random.bernoulli, [rng, rate, ctx.getattr(inputs, 'shape')]);
        return ctx.call(jnp.where, [keep, ctx.call(jnp.divide, [inputs, rate]), 0n]);
      });
    }),
    BatchNorm: pyFunction('BatchNorm', (args, kwargs, ctx0) => {
      const b = bindArgs('BatchNorm', ['axis?', 'epsilon?', 'center?', 'scale?', 'beta_init?', 'gamma_init?'], args, kwargs, ctx0);
      const axisArg = b.get('axis') ?? new PyTuple([0n, 1n, 2n]);
      const axes = typeof axisArg === 'bigint' ? [axisArg] : [...iterate(axisArg, ctx0)].map((x) => toIndex(x, ctx0));
      const epsilon = b.get('epsilon') ?? 1e-5;
      const center = truthy(b.get('center') ?? true, ctx0);
      const scale = truthy(b.get('scale') ?? true, ctx0);
      const betaInit = b.get('beta_init') ?? init.zeros;
      const gammaInit = b.get('gamma_init') ?? init.ones;
      const inAxes = (i: number) => axes.some((x) => Number(x) === i);
      return makeLayer((a, ctx) => {
        const inShape = [...iterate(a.required('input_shape'), ctx)];
        const shape = new PyTuple(inShape.filter((_, i) => !inAxes(i)));
        const [k1, k2] = [...iterate(ctx.call(random.split, [a.required('rng')]), ctx)];
        const beta = center ? ctx.call(betaInit, [k1, shape]) : noParams();
        const gamma = scale ? ctx.call(gammaInit, [k2, shape]) : noParams();
        return new PyTuple([a.required('input_shape'), new PyTuple([beta, gamma])]);
      }, (a, ctx) => {
        const [beta, gamma] = [...iterate(a.required('params'), ctx)];
        const x = a.required('inputs');
        const rank = Number(toIndex(ctx.call(jnp.ndim, [x]), ctx));
        const ed = new PyTuple(Array.from({ length: rank }, (_, i) => (inAxes(i) ? null : new PySlice(null, null, null))));
        const z = ctx.call(nn.standardize, [x, new PyTuple(axes)], new Map([['epsilon', epsilon]]));
        const at = (p: PyValue) => getitem(p, ed, ctx);
        if (center && scale) return ctx.call(jnp.add, [ctx.call(jnp.multiply, [at(gamma), z]), at(beta)]);
        if (center) return ctx.call(jnp.add, [z, at(beta)]);
        if (scale) return ctx.call(jnp.multiply, [at(gamma), z]);
        return z;
      });
    }),
  };
}
