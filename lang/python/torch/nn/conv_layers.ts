/**
 * nn.Conv1d/2d/3d, ConvTranspose1d/2d and the pooling layers (MaxPool1d/2d, AvgPool1d/2d,
 * AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d):
 * their attributes as PyTorch 1.13 stores them, its default initialisation drawn from the run's
 * generator, and its extra_repr.
 */
import { type Args, type HostContext, type Kwargs, pyError, PyInstance, PyList, PySlice, PyTuple, PyType, type PyValue, iterate, toIndex } from '../../interpreter';
import { asTensor } from '../arith';
import { FUNCTIONS } from '../functional';
import type { PyTensor, TorchRuntime } from '../tensor';
import { fillUniform } from './draws';
import { kaimingUniformBound } from './init';
import { attr, layerType, newParameter, setPlain, tensorAttr } from './layer';

const int = (v: number) => BigInt(v);
const tuple = (xs: readonly number[]) => new PyTuple(xs.map(int));

function callF(rt: TorchRuntime, name: string, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  return FUNCTIONS[name](rt, args, kwargs, ctx);
}

/** An int or an n-tuple argument as PyTorch's _single/_pair store it (always a tuple). */
function nTupleArg(a: Args, name: string, n: number, dflt: number): number[] {
  const v = a.ints(name);
  if (v === undefined) return Array.from({ length: n }, () => dflt);
  return v.length === 1 ? Array.from({ length: n }, () => v[0]) : v;
}

const show = (self: PyInstance, name: string, ctx: HostContext): string => ctx.str(attr(self, name, ctx));

/**
 * Conv1d/2d/3d and ConvTranspose1d/2d: _ConvNd's attributes, its reset_parameters (a transposed
 * weight is [in, out/groups, k...], so its fan-in is out/groups·k), its extra_repr.
 */
function convType(rt: TorchRuntime, Module: PyType, spatial: 1 | 2 | 3, transposed: boolean): PyType {
  const name = `Conv${transposed ? 'Transpose' : ''}${spatial}d`;
  const init = transposed
    ? ['in_channels', 'out_channels', 'kernel_size', 'stride?', 'padding?', 'output_padding?', 'groups?', 'bias?', 'dilation?', 'padding_mode?', 'device?', 'dtype?']
    : ['in_channels', 'out_channels', 'kernel_size', 'stride?', 'padding?', 'dilation?', 'groups?', 'bias?', 'padding_mode?', 'device?', 'dtype?'];
  return layerType(Module, name, 'torch.nn.modules.conv', {
    init,
    setup(self, a, ctx) {
      const cin = a.int('in_channels');
      const cout = a.int('out_channels');
      const groups = a.int('groups', 1);
      if (groups <= 0) throw pyError('ValueError', 'groups must be a positive integer');
      if (cin % groups !== 0) throw pyError('ValueError', 'in_channels must be divisible by groups');
      if (cout % groups !== 0) throw pyError('ValueError', 'out_channels must be divisible by groups');
      const kernel = nTupleArg(a, 'kernel_size', spatial, 1);
      const stride = nTupleArg(a, 'stride', spatial, 1);
      const dilation = nTupleArg(a, 'dilation', spatial, 1);
      const padding = a.opt('padding');
      if (typeof padding === 'string') {
        if (transposed) throw pyError('NotImplementedError', `${name}(padding='${padding}') is not supported by Gradlens: a transposed convolution's padding is an int or a tuple`);
        if (padding !== 'same' && padding !== 'valid') {
          throw pyError('ValueError', `Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
        }
        if (padding === 'same' && stride.some((s) => s !== 1)) throw pyError('ValueError', "padding='same' is not supported for strided convolutions");
      }
      const mode = a.str('padding_mode', 'zeros');
      if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
        throw pyError('ValueError', `padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${mode}'`);
      }
      if (transposed && mode !== 'zeros') throw pyError('ValueError', `Only "zeros" padding mode is supported for ${name}`);
      if (mode !== 'zeros') {
        throw pyError('NotImplementedError', `${name}(padding_mode='${mode}') is not supported by Gradlens yet; pad the input yourself and use padding_mode='zeros'`);
      }
      setPlain(self, 'in_channels', int(cin));
      setPlain(self, 'out_channels', int(cout));
      setPlain(self, 'kernel_size', tuple(kernel));
      setPlain(self, 'stride', tuple(stride));
      setPlain(self, 'padding', typeof padding === 'string' ? padding : tuple(nTupleArg(a, 'padding', spatial, 0)));
      setPlain(self, 'dilation', tuple(dilation));
      setPlain(self, 'transposed', transposed);
      setPlain(self, 'output_padding', tuple(transposed ? nTupleArg(a, 'output_padding', spatial, 0) : kernel.map(() => 0)));
      setPlain(self, 'groups', int(groups));
      setPlain(self, 'padding_mode', mode);
      const shape = transposed ? [cin, cout / groups, ...kernel] : [cout, cin / groups, ...kernel];
      newParameter(rt, self, 'weight', shape, ctx);
      if (a.bool('bias', true)) newParameter(rt, self, 'bias', [cout], ctx);
      else ctx.call(ctx.getattr(self, 'register_parameter'), ['bias', null]);
      // As _ConvNd.__init__, through self: a subclass's (LazyConv2d's) reset_parameters runs in its place.
      ctx.call(ctx.getattr(self, 'reset_parameters'), []);
    },
    methods: {
      // _ConvNd.reset_parameters: kaiming_uniform_(a=sqrt(5)), then the bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
      reset_parameters(self, _args, _kwargs, ctx) {
        const w = tensorAttr(self, 'weight', ctx)!;
        const b = tensorAttr(self, 'bias', ctx);
        const fanIn = w.shape.slice(1).reduce((p, k) => p * k, 1);
        fillUniform(w, -kaimingUniformBound(fanIn, Math.sqrt(5)), kaimingUniformBound(fanIn, Math.sqrt(5)));
        if (b && fanIn !== 0) fillUniform(b, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
        return null;
      },
    },
    forward(self, args, kwargs, ctx) {
      const x = asTensor(rt, args[0] ?? kwargs.get('input') ?? null, ctx, 'input');
      const options = new Map<string, PyValue>([
        ['stride', attr(self, 'stride', ctx)], ['padding', attr(self, 'padding', ctx)],
        ['dilation', attr(self, 'dilation', ctx)], ['groups', attr(self, 'groups', ctx)],
      ]);
      const params = [x, tensorAttr(self, 'weight', ctx), tensorAttr(self, 'bias', ctx)];
      if (!transposed) return callF(rt, `conv${spatial}d`, params, options, ctx);
      const outputSize = args[1] ?? kwargs.get('output_size') ?? null;
      options.set('output_padding', outputSize === null ? attr(self, 'output_padding', ctx) : outputPaddingFor(self, x, outputSize, spatial, ctx));
      return callF(rt, `conv_transpose${spatial}d`, params, options, ctx);
    },
    extraRepr(self, ctx) {
      let s = `${show(self, 'in_channels', ctx)}, ${show(self, 'out_channels', ctx)}, kernel_size=${show(self, 'kernel_size', ctx)}, stride=${show(self, 'stride', ctx)}`;
      const padding = attr(self, 'padding', ctx);
      const allAre = (v: PyValue, n: number) => v instanceof PyTuple && v.items.every((x) => Number(x) === n);
      if (!allAre(padding, 0)) s += `, padding=${ctx.str(padding)}`;
      if (!allAre(attr(self, 'dilation', ctx), 1)) s += `, dilation=${show(self, 'dilation', ctx)}`;
      if (!allAre(attr(self, 'output_padding', ctx), 0)) s += `, output_padding=${show(self, 'output_padding', ctx)}`;
      if (Number(attr(self, 'groups', ctx)) !== 1) s += `, groups=${show(self, 'groups', ctx)}`;
      if (tensorAttr(self, 'bias', ctx) === null) s += ', bias=False';
      return s;
    },
  });
}

/** _ConvTransposeNd._output_padding: the output_padding that makes the requested output_size, or PyTorch's ValueError. */
function outputPaddingFor(self: PyInstance, x: PyTensor, outputSize: PyValue, spatial: number, ctx: HostContext): PyValue {
  const ints = (name: string) => (attr(self, name, ctx) as PyTuple).items.map(Number);
  const [stride, padding, kernel, dilation] = ['stride', 'padding', 'kernel_size', 'dilation'].map(ints);
  const nonSpatial = x.shape.length === spatial + 2 ? 2 : 1;
  let requested = [...iterate(outputSize, ctx)];
  let shown = outputSize;
  if (requested.length === nonSpatial + spatial) {
    shown = ctx.getitem(outputSize, new PySlice(BigInt(nonSpatial), null, null));
    requested = requested.slice(nonSpatial);
  }
  if (requested.length !== spatial) {
    throw pyError('ValueError', `ConvTranspose${spatial}D: for ${x.shape.length}D input, output_size must have ${spatial} or ${nonSpatial + spatial} elements (got ${requested.length})`);
  }
  const sizes = requested.map((v) => Number(toIndex(v, ctx)));
  const lo = x.shape.slice(nonSpatial).map((n, d) => (n - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + 1);
  const hi = lo.map((m, d) => m + stride[d] - 1);
  if (sizes.some((n, d) => n < lo[d] || n > hi[d])) {
    throw pyError('ValueError', `requested an output size of ${ctx.repr(shown)}, but valid sizes range from [${lo.join(', ')}] to [${hi.join(', ')}] (for an input of torch.Size([${x.shape.slice(2).join(', ')}]))`);
  }
  return new PyList(sizes.map((n, d) => BigInt(n - lo[d])));
}

/** A pooling layer: its init arguments stored as given (stride defaults to kernel_size), forward to its F twin. */
function poolType(rt: TorchRuntime, Module: PyType, name: string, fname: string, init: readonly string[], repr: readonly string[], defaults: Readonly<Record<string, PyValue>>, single: boolean): PyType {
  const names = init.map((p) => p.replace('?', ''));
  return layerType(Module, name, 'torch.nn.modules.pooling', {
    init,
    setup(self, a) {
      for (const n of names) {
        let v: PyValue = a.get(n) ?? defaults[n] ?? null;
        if (n === 'stride' && (v === null)) v = a.get('kernel_size') ?? null;
        // AvgPool1d keeps its sizes as 1-tuples (_single); the others as given.
        if (single && ['kernel_size', 'stride', 'padding'].includes(n) && typeof v === 'bigint') v = new PyTuple([v]);
        setPlain(self, n, v);
      }
    },
    forward(self, args, kwargs, ctx) {
      const x = asTensor(rt, args[0] ?? kwargs.get('input') ?? null, ctx, 'input');
      const options = new Map<string, PyValue>(names.map((n) => [n, attr(self, n, ctx)]));
      return callF(rt, fname, [x], options, ctx);
    },
    extraRepr: (self, ctx) => repr.map((n) => `${n}=${show(self, n, ctx)}`).join(', '),
  });
}

export function convLayerTypes(rt: TorchRuntime, Module: PyType): Record<string, PyType> {
  const maxInit = ['kernel_size', 'stride?', 'padding?', 'dilation?', 'return_indices?', 'ceil_mode?'];
  const maxRepr = ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'];
  const maxDefaults = { padding: 0n, dilation: 1n, return_indices: false, ceil_mode: false };
  const avgDefaults = { padding: 0n, ceil_mode: false, count_include_pad: true, divisor_override: null };
  return {
    Conv1d: convType(rt, Module, 1, false),
    Conv2d: convType(rt, Module, 2, false),
    Conv3d: convType(rt, Module, 3, false),
    ConvTranspose1d: convType(rt, Module, 1, true),
    ConvTranspose2d: convType(rt, Module, 2, true),
    ConvTranspose3d: convType(rt, Module, 3, true),
    MaxPool1d: poolType(rt, Module, 'MaxPool1d', 'max_pool1d', maxInit, maxRepr, maxDefaults, false),
    MaxPool2d: poolType(rt, Module, 'MaxPool2d', 'max_pool2d', maxInit, maxRepr, maxDefaults, false),
    MaxPool3d: poolType(rt, Module, 'MaxPool3d', 'max_pool3d', maxInit, maxRepr, maxDefaults, false),
    AvgPool1d: poolType(rt, Module, 'AvgPool1d', 'avg_pool1d', ['kernel_size', 'stride?', 'padding?', 'ceil_mode?', 'count_include_pad?'],
      ['kernel_size', 'stride', 'padding'], avgDefaults, true),
    AvgPool2d: poolType(rt, Module, 'AvgPool2d', 'avg_pool2d', ['kernel_size', 'stride?', 'padding?', 'ceil_mode?', 'count_include_pad?', 'divisor_override?'],
      ['kernel_size', 'stride', 'padding'], avgDefaults, false),
    AvgPool3d: poolType(rt, Module, 'AvgPool3d', 'avg_pool3d', ['kernel_size', 'stride?', 'padding?', 'ceil_mode?', 'count_include_pad?', 'divisor_override?'],
      ['kernel_size', 'stride', 'padding'], avgDefaults, false),
    AdaptiveAvgPool1d: poolType(rt, Module, 'AdaptiveAvgPool1d', 'adaptive_avg_pool1d', ['output_size'], ['output_size'], {}, false),
    AdaptiveAvgPool2d: poolType(rt, Module, 'AdaptiveAvgPool2d', 'adaptive_avg_pool2d', ['output_size'], ['output_size'], {}, false),
    AdaptiveAvgPool3d: poolType(rt, Module, 'AdaptiveAvgPool3d', 'adaptive_avg_pool3d', ['output_size'], ['output_size'], {}, false),
    AdaptiveMaxPool1d: poolType(rt, Module, 'AdaptiveMaxPool1d', 'adaptive_max_pool1d', ['output_size', 'return_indices?'], ['output_size'], { return_indices: false }, false),
    AdaptiveMaxPool2d: poolType(rt, Module, 'AdaptiveMaxPool2d', 'adaptive_max_pool2d', ['output_size', 'return_indices?'], ['output_size'], { return_indices: false }, false),
  };
}

export const CONV_LAYER_NAMES = [
  'Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d', 'MaxPool1d', 'MaxPool2d', 'MaxPool3d',
  'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d',
];
