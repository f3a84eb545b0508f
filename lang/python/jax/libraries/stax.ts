/**
 * `jax.nn.initializers` and `jax.example_libraries.stax` as JAX writes them: initializers draw
 * from jax.random (so parameters are JAX's, bit for bit where the sampler is), layers are
 * (init_fun, apply_fun) pairs, `serial` composes them splitting the key once per layer.
 */
import { bindArgs, type HostContext, iterate, type Kwargs, pyError, pyFunction, PyList, PyTuple, type PyValue, toIndex } from '../../interpreter';

type Attrs = Readonly<Record<string, PyValue>>;

const tupleOf = (xs: readonly PyValue[]) => new PyTuple([...xs]);

/** `jax.nn.initializers`' attributes, over the run's jnp and jax.random. */
export function initializersAttrs(jnp: Attrs, random: Attrs): Record<string, PyValue> {
  const kw = (dtype: PyValue) => new Map([['dtype', dtype]]);
  const initializer = (name: string, body: (key: PyValue, shape: PyValue, dtype: PyValue, ctx: HostContext) => PyValue) =>
    pyFunction('init', (args, kwargs, ctx) => {
      const a = bindArgs(name, ['key', 'shape', 'dtype?'], args, kwargs, ctx);
      return body(a.required('key'), a.required('shape'), a.opt('dtype') ?? jnp.float32, ctx);
    });
  const varianceScaling = (scale: number, mode: string, distribution: string, inAxis: number, outAxis: number) =>
    initializer('variance_scaling', (key, shapeV, dtype, ctx) => {
      const shape = shapeArg(shapeV, ctx);
      if (shape.length < 2) throw pyError('ValueError', `Can't compute input and output sizes of a ${shape.length}-dimensional weights tensor. Must be at least 2D.`);
      const at = (i: number) => shape[i < 0 ? i + shape.length : i];
      const receptive = shape.reduce((n, d) => n * d, 1) / at(inAxis) / at(outAxis);
      const fanIn = at(inAxis) * receptive, fanOut = at(outAxis) * receptive;
      const denominator = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
      const variance = ctx.call(jnp.array, [scale / denominator], kw(dtype));
      const shapeT = tupleOf(shape.map((d) => BigInt(d)));
      if (distribution === 'truncated_normal') {
        const stddev = ctx.call(jnp.divide, [ctx.call(jnp.sqrt, [variance]), ctx.call(jnp.array, [0.87962566103423978], kw(dtype))]);
        return ctx.call(jnp.multiply, [ctx.call(random.truncated_normal, [key, -2n, 2n, shapeT, dtype]), stddev]);
      }
      if (distribution === 'normal') return ctx.call(jnp.multiply, [ctx.call(random.normal, [key, shapeT, dtype]), ctx.call(jnp.sqrt, [variance])]);
      return ctx.call(jnp.multiply, [ctx.call(random.uniform, [key, shapeT, dtype, -1n]), ctx.call(jnp.sqrt, [ctx.call(jnp.multiply, [3n, variance])])]);
    });
  const maker = (name: string, spec: string[], build: (a: ReturnType<typeof bindArgs>) => PyValue) =>
    pyFunction(name, (args: PyValue[], kwargs: Kwargs, ctx: HostContext) => build(bindArgs(name, spec, args, kwargs, ctx)));
  const fans = (scale: number, mode: string, distribution: string) => maker(`init`, ['in_axis?', 'out_axis?', 'batch_axis?', 'dtype?'], (a) =>
    varianceScaling(scale, mode, distribution, Number(a.get('in_axis') ?? -2n), Number(a.get('out_axis') ?? -1n)));
  return {
    variance_scaling: maker('variance_scaling', ['scale', 'mode', 'distribution', 'in_axis?', 'out_axis?', 'batch_axis?', 'dtype?'], (a) =>
      varianceScaling(Number(a.required('scale')), String(a.required('mode')), String(a.required('distribution')), Number(a.get('in_axis') ?? -2n), Number(a.get('out_axis') ?? -1n))),
    glorot_normal: fans(1.0, 'fan_avg', 'truncated_normal'),
    xavier_normal: fans(1.0, 'fan_avg', 'truncated_normal'),
    glorot_uniform: fans(1.0, 'fan_avg', 'uniform'),
    xavier_uniform: fans(1.0, 'fan_avg', 'uniform'),
    he_normal: fans(2.0, 'fan_in', 'truncated_normal'),
    kaiming_normal: fans(2.0, 'fan_in', 'truncated_normal'),
    he_uniform: fans(2.0, 'fan_in', 'uniform'),
    lecun_normal: fans(1.0, 'fan_in', 'truncated_normal'),
    lecun_uniform: fans(1.0, 'fan_in', 'uniform'),
    normal: maker('normal', ['stddev?', 'dtype?'], (a) => initializer('normal', (key, shape, dtype, ctx) =>
      ctx.call(jnp.multiply, [ctx.call(random.normal, [key, shape, dtype]), ctx.call(jnp.array, [a.get('stddev') ?? 1e-2], kw(dtype))]))),
    uniform: maker('uniform', ['scale?', 'dtype?'], (a) => initializer('uniform', (key, shape, dtype, ctx) =>
      ctx.call(jnp.multiply, [ctx.call(random.uniform, [key, shape, dtype]), ctx.call(jnp.array, [a.get('scale') ?? 1e-2], kw(dtype))]))),
    zeros: initializer('zeros', (_k, shape, dtype, ctx) => ctx.call(jnp.zeros, [shape], kw(dtype))),
    ones: initializer('ones', (_k, shape, dtype, ctx) => ctx.call(jnp.ones, [shape], kw(dtype))),
  };
}

function shapeArg(v: PyValue, ctx: HostContext): number[] {
  if (!(v instanceof PyTuple)) throw pyError('TypeError', `Shapes must be 1D sequences of concrete values of integer type, got ${ctx.repr(v)}.`);
  return v.items.map((d) => Number(toIndex(d, ctx)));
}

/** `jax.example_libraries.stax`' attributes. */
export function staxAttrs(jnp: Attrs, nn: Attrs, random: Attrs, init: Attrs): Record<string, PyValue> {
  const layer = (initFun: PyValue, applyFun: PyValue) => new PyTuple([initFun, applyFun]);
  const elementwise = (fun: PyValue, funKwargs: Kwargs = new Map()) => layer(
    pyFunction('init_fun', (args, kwargs, ctx) => {
      const a = bindArgs('init_fun', ['rng', 'input_shape'], args, kwargs, ctx);
      return new PyTuple([a.required('input_shape'), new PyTuple([])]);
    }),
    pyFunction('apply_fun', (args, kwargs, ctx) => {
      const a = bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], args, kwargs, ctx);
      return ctx.call(fun, [a.required('inputs')], funKwargs);
    }),
  );
  const axisLast = new Map<string, PyValue>([['axis', -1n]]);
  const dense = pyFunction('Dense', (args, kwargs, ctx0) => {
    const a = bindArgs('Dense', ['out_dim', 'W_init?', 'b_init?'], args, kwargs, ctx0);
    const outDim = a.required('out_dim');
    const wInit = a.opt('W_init') ?? ctx0.call(init.glorot_normal, []);
    const bInit = a.opt('b_init') ?? ctx0.call(init.normal, []);
    return layer(
      pyFunction('init_fun', (xs, kw, ctx) => {
        const b = bindArgs('init_fun', ['rng', 'input_shape'], xs, kw, ctx);
        const inShape = b.required('input_shape');
        if (!(inShape instanceof PyTuple)) throw pyError('TypeError', `input_shape must be a tuple, got ${ctx.repr(inShape)}`);
        const [k1, k2] = iterate(ctx.call(random.split, [b.required('rng')]), ctx);
        const w = ctx.call(wInit, [k1, new PyTuple([inShape.items[inShape.items.length - 1], outDim])]);
        const bias = ctx.call(bInit, [k2, new PyTuple([outDim])]);
        return new PyTuple([new PyTuple([...inShape.items.slice(0, -1), outDim]), new PyTuple([w, bias])]);
      }),
      pyFunction('apply_fun', (xs, kw, ctx) => {
        const b = bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], xs, kw, ctx);
        const [w, bias] = [...(b.required('params') as PyTuple).items];
        return ctx.call(jnp.add, [ctx.call(jnp.dot, [b.required('inputs'), w]), bias]);
      }),
    );
  });
  const flatten = layer(
    pyFunction('init_fun', (args, kwargs, ctx) => {
      const s = bindArgs('init_fun', ['rng', 'input_shape'], args, kwargs, ctx).required('input_shape') as PyTuple;
      const rest = s.items.slice(1).reduce<bigint>((n, d) => n * (d as bigint), 1n);
      return new PyTuple([new PyTuple([s.items[0], rest]), new PyTuple([])]);
    }),
    pyFunction('apply_fun', (args, kwargs, ctx) => {
      const x = bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], args, kwargs, ctx).required('inputs');
      const shape = ctx.getattr(x, 'shape') as PyTuple;
      return ctx.call(jnp.reshape, [x, new PyTuple([shape.items[0], -1n])]);
    }),
  );
  const serial = pyFunction('serial', (layers) => {
    const pairs = layers.map((l) => {
      if (!(l instanceof PyTuple) || l.items.length !== 2) throw pyError('TypeError', 'stax.serial takes layers, each an (init_fun, apply_fun) pair');
      return l.items;
    });
    return layer(
      pyFunction('init_fun', (args, kwargs, ctx) => {
        const a = bindArgs('init_fun', ['rng', 'input_shape'], args, kwargs, ctx);
        let rng = a.required('rng');
        let shape = a.required('input_shape');
        const params: PyValue[] = [];
        for (const [initFun] of pairs) {
          const [next, layerRng] = [...iterate(ctx.call(random.split, [rng]), ctx)];
          rng = next;
          const r = ctx.call(initFun, [layerRng, shape]) as PyTuple;
          shape = r.items[0];
          params.push(r.items[1]);
        }
        return new PyTuple([shape, new PyList(params)]);
      }),
      pyFunction('apply_fun', (args, kwargs, ctx) => {
        const a = bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], args, kwargs, ctx);
        const extra = new Map(a.extraKwargs);
        const rng = extra.get('rng') ?? null;
        extra.delete('rng');
        const params = [...iterate(a.required('params'), ctx)];
        const rngs: PyValue[] = rng === null ? pairs.map(() => null) : [...iterate(ctx.call(random.split, [rng, BigInt(pairs.length)]), ctx)];
        let x = a.required('inputs');
        pairs.forEach(([, applyFun], i) => {
          x = ctx.call(applyFun, [params[i], x], new Map([...extra, ['rng', rngs[i]]]));
        });
        return x;
      }),
    );
  });
  const identity = layer(
    pyFunction('init_fun', (args, kwargs, ctx) => new PyTuple([bindArgs('init_fun', ['rng', 'input_shape'], args, kwargs, ctx).required('input_shape'), new PyTuple([])])),
    pyFunction('apply_fun', (args, kwargs, ctx) => bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], args, kwargs, ctx).required('inputs')),
  );
  return {
    Dense: dense,
    serial,
    Identity: identity,
    Flatten: flatten,
    Relu: elementwise(nn.relu),
    Tanh: elementwise(jnp.tanh),
    Exp: elementwise(jnp.exp),
    Sigmoid: elementwise(nn.sigmoid),
    Softplus: elementwise(nn.softplus),
    Gelu: elementwise(nn.gelu),
    LogSoftmax: elementwise(nn.log_softmax, axisLast),
    Softmax: elementwise(nn.softmax, axisLast),
    elementwise: pyFunction('elementwise', (args, kwargs) => elementwise(args[0], kwargs)),
  };
}
