/**
 * nn.Conv1d/Conv2d and the pooling layers (MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d):
 * their attributes as PyTorch 1.13 stores them, its default initialisation drawn from the run's
 * generator, and its extra_repr.
 */
import { type Args, type HostContext, type Kwargs, pyError, PyInstance, PyTuple, PyType, type PyValue } from '../../interpreter';
import { asTensor } from '../arith';
import { FUNCTIONS } from '../functional';
import type { TorchRuntime } from '../tensor';
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

function convType(rt: TorchRuntime, Module: PyType, spatial: 1 | 2): PyType {
  const name = `Conv${spatial}d`;
  return layerType(Module, name, 'torch.nn.modules.conv', {
    init: ['in_channels', 'out_channels', 'kernel_size', 'stride?', 'padding?', 'dilation?', 'groups?', 'bias?', 'padding_mode?', 'device?', 'dtype?'],
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
        if (padding !== 'same' && padding !== 'valid') {
          throw pyError('ValueError', `Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
        }
        if (padding === 'same' && stride.some((s) => s !== 1)) throw pyError('ValueError', "padding='same' is not supported for strided convolutions");
      }
      const mode = a.str('padding_mode', 'zeros');
      if (!['zeros', 'reflect', 'replicate', 'circular'].includes(mode)) {
        throw pyError('ValueError', `padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${mode}'`);
      }
      if (mode !== 'zeros') {
        throw pyError('NotImplementedError', `${name}(padding_mode='${mode}') is not supported by Gradlens yet; pad the input yourself and use padding_mode='zeros'`);
      }
      setPlain(self, 'in_channels', int(cin));
      setPlain(self, 'out_channels', int(cout));
      setPlain(self, 'kernel_size', tuple(kernel));
      setPlain(self, 'stride', tuple(stride));
      setPlain(self, 'padding', typeof padding === 'string' ? padding : tuple(nTupleArg(a, 'padding', spatial, 0)));
      setPlain(self, 'dilation', tuple(dilation));
      setPlain(self, 'transposed', false);
      setPlain(self, 'output_padding', tuple(kernel.map(() => 0)));
      setPlain(self, 'groups', int(groups));
      setPlain(self, 'padding_mode', mode);
      const w = newParameter(rt, self, 'weight', [cout, cin / groups, ...kernel], ctx);
      const hasBias = a.bool('bias', true);
      const b = hasBias ? newParameter(rt, self, 'bias', [cout], ctx) : null;
      if (!hasBias) ctx.call(ctx.getattr(self, 'register_parameter'), ['bias', null]);
      // _ConvNd.reset_parameters: kaiming_uniform_(a=sqrt(5)), then the bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
      const fanIn = (cin / groups) * kernel.reduce((p, k) => p * k, 1);
      fillUniform(w, -kaimingUniformBound(fanIn, Math.sqrt(5)), kaimingUniformBound(fanIn, Math.sqrt(5)));
      if (b && fanIn !== 0) fillUniform(b, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    },
    forward(self, args, kwargs, ctx) {
      const x = asTensor(rt, args[0] ?? kwargs.get('input') ?? null, ctx, 'input');
      const options = new Map<string, PyValue>([
        ['stride', attr(self, 'stride', ctx)], ['padding', attr(self, 'padding', ctx)],
        ['dilation', attr(self, 'dilation', ctx)], ['groups', attr(self, 'groups', ctx)],
      ]);
      return callF(rt, `conv${spatial}d`, [x, tensorAttr(self, 'weight', ctx), tensorAttr(self, 'bias', ctx)], options, ctx);
    },
    extraRepr(self, ctx) {
      let s = `${show(self, 'in_channels', ctx)}, ${show(self, 'out_channels', ctx)}, kernel_size=${show(self, 'kernel_size', ctx)}, stride=${show(self, 'stride', ctx)}`;
      const padding = attr(self, 'padding', ctx);
      const allAre = (v: PyValue, n: number) => v instanceof PyTuple && v.items.every((x) => Number(x) === n);
      if (!allAre(padding, 0)) s += `, padding=${ctx.str(padding)}`;
      if (!allAre(attr(self, 'dilation', ctx), 1)) s += `, dilation=${show(self, 'dilation', ctx)}`;
      if (Number(attr(self, 'groups', ctx)) !== 1) s += `, groups=${show(self, 'groups', ctx)}`;
      if (tensorAttr(self, 'bias', ctx) === null) s += ', bias=False';
      return s;
    },
  });
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
    Conv1d: convType(rt, Module, 1),
    Conv2d: convType(rt, Module, 2),
    MaxPool1d: poolType(rt, Module, 'MaxPool1d', 'max_pool1d', maxInit, maxRepr, maxDefaults, false),
    MaxPool2d: poolType(rt, Module, 'MaxPool2d', 'max_pool2d', maxInit, maxRepr, maxDefaults, false),
    AvgPool1d: poolType(rt, Module, 'AvgPool1d', 'avg_pool1d', ['kernel_size', 'stride?', 'padding?', 'ceil_mode?', 'count_include_pad?'],
      ['kernel_size', 'stride', 'padding'], avgDefaults, true),
    AvgPool2d: poolType(rt, Module, 'AvgPool2d', 'avg_pool2d', ['kernel_size', 'stride?', 'padding?', 'ceil_mode?', 'count_include_pad?', 'divisor_override?'],
      ['kernel_size', 'stride', 'padding'], avgDefaults, false),
    AdaptiveAvgPool1d: poolType(rt, Module, 'AdaptiveAvgPool1d', 'adaptive_avg_pool1d', ['output_size'], ['output_size'], {}, false),
    AdaptiveAvgPool2d: poolType(rt, Module, 'AdaptiveAvgPool2d', 'adaptive_avg_pool2d', ['output_size'], ['output_size'], {}, false),
  };
}

export const CONV_LAYER_NAMES = ['Conv1d', 'Conv2d', 'MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d'];
