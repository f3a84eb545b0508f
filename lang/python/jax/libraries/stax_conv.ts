/**
 * `stax.GeneralConv`, `stax.Conv` and the pooling layers (`MaxPool`, `SumPool`, `AvgPool`) as
 * jax/example_libraries/stax.py writes them: (init_fun, apply_fun) pairs over lax.conv_general_dilated
 * and lax.reduce_window, NHWC unless a spec says otherwise.
 */
import { convOutputShape, windowCount } from '../../../../runtime/primitives';
import { bindArgs, type HostContext, iterate, pyError, pyFunction, PyTuple, type PyValue, toIndex } from '../../interpreter';
import { convDimensionNumbers, padtypeToPads } from '../lax_windows';

type Attrs = Readonly<Record<string, PyValue>>;

const ints = (v: PyValue, ctx: HostContext): number[] => [...iterate(v, ctx)].map((x) => Number(toIndex(x, ctx)));
const intTuple = (xs: readonly number[]) => new PyTuple(xs.map((d) => BigInt(d)));
const layer = (initFun: PyValue, applyFun: PyValue) => new PyTuple([initFun, applyFun]);

/** Explicit padding pairs from 'SAME'/'VALID' or pairs. */
function pads(padding: PyValue, inShape: readonly number[], window: readonly number[], strides: readonly number[], ctx: HostContext): [number, number][] {
  if (typeof padding === 'string') return padtypeToPads(inShape, window, strides, padding);
  return [...iterate(padding, ctx)].map((p) => ints(p, ctx) as [number, number]);
}

export function staxConvAttrs(jnp: Attrs, lax: Attrs, random: Attrs, init: Attrs): Record<string, PyValue> {
  const generalConv = (dimensionNumbers: PyValue, args: PyValue[], kwargs: Map<string, PyValue>, ctx0: HostContext): PyValue => {
    const a = bindArgs('GeneralConv', ['out_chan', 'filter_shape', 'strides?', 'padding?', 'W_init?', 'b_init?'], args, kwargs, ctx0);
    const specs = [...iterate(dimensionNumbers, ctx0)];
    if (specs.length !== 3 || specs.some((s) => typeof s !== 'string')) throw pyError('TypeError', 'GeneralConv: dimension_numbers must be three strings, as (\'NHWC\', \'HWIO\', \'NHWC\')');
    const [lhsSpec, rhsSpec, outSpec] = specs as string[];
    const outChan = Number(toIndex(a.required('out_chan'), ctx0));
    const filter = ints(a.required('filter_shape'), ctx0);
    const strides = a.opt('strides') === undefined ? filter.map(() => 1) : ints(a.required('strides'), ctx0);
    const padding = a.opt('padding') ?? 'VALID';
    const wInit = a.opt('W_init') ?? ctx0.call(init.glorot_normal, [BigInt(rhsSpec.indexOf('I')), BigInt(rhsSpec.indexOf('O'))]);
    const bInit = a.opt('b_init') ?? ctx0.call(init.normal, [1e-6]);
    const one = intTuple(filter.map(() => 1));
    return layer(
      pyFunction('init_fun', (xs, kw, ctx) => {
        const b = bindArgs('init_fun', ['rng', 'input_shape'], xs, kw, ctx);
        const inShape = ints(b.required('input_shape'), ctx);
        let f = 0;
        const kernel = [...rhsSpec].map((c) => (c === 'O' ? outChan : c === 'I' ? inShape[lhsSpec.indexOf('C')] : filter[f++]));
        const dn = convDimensionNumbers(inShape.length, dimensionNumbers, ctx);
        const lhsCanon = dn.lhsSpec.map((d) => inShape[d]);
        const rhsCanon = dn.rhsSpec.map((d) => kernel[d]);
        const outShape = convOutputShape(inShape, kernel, {
          windowStrides: strides, padding: pads(padding, lhsCanon.slice(2), rhsCanon.slice(2), strides, ctx),
          lhsDilation: strides.map(() => 1), rhsDilation: strides.map(() => 1), dimensionNumbers: dn, batchGroupCount: 1,
        });
        const biasShape = [...outSpec].map((c) => (c === 'C' ? outChan : 1));
        const [k1, k2] = [...iterate(ctx.call(random.split, [b.required('rng')]), ctx)];
        const w = ctx.call(wInit, [k1, intTuple(kernel)]);
        const bias = ctx.call(bInit, [k2, intTuple(biasShape)]);
        return new PyTuple([intTuple(outShape), new PyTuple([w, bias])]);
      }),
      pyFunction('apply_fun', (xs, kw, ctx) => {
        const b = bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], xs, kw, ctx);
        const [w, bias] = [...iterate(b.required('params'), ctx)];
        const y = ctx.call(lax.conv_general_dilated, [b.required('inputs'), w, intTuple(strides), padding, one, one],
          new Map([['dimension_numbers', dimensionNumbers]]));
        return ctx.call(jnp.add, [y, bias]);
      }),
    );
  };
  const nhwc = new PyTuple(['NHWC', 'HWIO', 'NHWC']);

  /** stax's _pooling_layer: reduce_window with the batch and channel axes given windows of one. */
  const pooling = (name: string, reducer: PyValue, initVal: number, rescale: boolean) => pyFunction(name, (args, kwargs, ctx0) => {
    const a = bindArgs(name, ['window_shape', 'strides?', 'padding?', 'spec?'], args, kwargs, ctx0);
    const dims = ints(a.required('window_shape'), ctx0);
    const strides = a.opt('strides') === undefined ? dims.map(() => 1) : ints(a.required('strides'), ctx0);
    const padding = a.opt('padding') ?? 'VALID';
    const spec = a.opt('spec');
    const nonSpatial = spec === undefined ? [0, dims.length + 1] : [String(spec).indexOf('N'), String(spec).indexOf('C')];
    let window = [...dims];
    let steps = [...strides];
    for (const i of [...nonSpatial].sort((x, y) => x - y)) {
      window = [...window.slice(0, i), 1, ...window.slice(i)];
      steps = [...steps.slice(0, i), 1, ...steps.slice(i)];
    }
    return layer(
      pyFunction('init_fun', (xs, kw, ctx) => {
        const inShape = ints(bindArgs('init_fun', ['rng', 'input_shape'], xs, kw, ctx).required('input_shape'), ctx);
        const p = pads(padding, inShape, window, steps, ctx);
        return new PyTuple([intTuple(inShape.map((n, i) => windowCount(n, window[i], steps[i], p[i], 1, 1))), new PyTuple([])]);
      }),
      pyFunction('apply_fun', (xs, kw, ctx) => {
        const inputs = bindArgs('apply_fun', ['params', 'inputs', '**kwargs'], xs, kw, ctx).required('inputs');
        const out = ctx.call(lax.reduce_window, [inputs, initVal, reducer, intTuple(window), intTuple(steps), padding]);
        if (!rescale) return out;
        // _normalize_by_window_size: each output over how many inputs its window covered.
        const shape = ints(ctx.getattr(inputs, 'shape'), ctx);
        const axes = spec === undefined ? [0, shape.length - 1] : nonSpatial;
        const spatial = shape.filter((_, i) => !axes.includes(i));
        const ones = ctx.call(jnp.ones, [intTuple(spatial)], new Map([['dtype', ctx.getattr(inputs, 'dtype')]]));
        let sizes = ctx.call(lax.reduce_window, [ones, 0.0, lax.add, intTuple(dims), intTuple(strides), padding]);
        for (const i of [...axes].sort((x, y) => x - y)) sizes = ctx.call(jnp.expand_dims, [sizes, BigInt(i)]);
        return ctx.call(jnp.divide, [out, sizes]);
      }),
    );
  });

  return {
    GeneralConv: pyFunction('GeneralConv', (args, kwargs, ctx) => generalConv(args[0] ?? kwargs.get('dimension_numbers') ?? null, args.slice(1), new Map([...kwargs].filter(([k]) => k !== 'dimension_numbers')), ctx)),
    Conv: pyFunction('Conv', (args, kwargs, ctx) => generalConv(nhwc, args, kwargs, ctx)),
    MaxPool: pooling('MaxPool', lax.max, -Infinity, false),
    SumPool: pooling('SumPool', lax.add, 0.0, false),
    AvgPool: pooling('AvgPool', lax.add, 0.0, true),
  };
}
