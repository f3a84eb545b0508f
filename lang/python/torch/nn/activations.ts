/** The activation and loss modules of torch.nn: each keeps its options and calls its functional twin. */
import { type HostContext, type PyInstance, pyError, type PyType, type PyValue } from '../../interpreter';
import { FUNCTIONS } from '../functional';
import type { TorchRuntime } from '../tensor';
import { attr, layerType, newParameter, setPlain } from './layer';

interface Option {
  readonly name: string;
  readonly dflt: PyValue;
}

const opt = (name: string, dflt: PyValue): Option => ({ name, dflt });

/**
 * A module `name(options...)` whose forward is `F.fname(*inputs, **options)`, skipping the options
 * `only` leaves out of the call (`inplace`) and printing `repr(self)` as `extraRepr` writes it.
 */
function functionalModule(
  rt: TorchRuntime,
  Module: PyType,
  module: string,
  name: string,
  fname: string,
  options: readonly Option[],
  inputs: number,
  extraRepr?: (self: PyInstance, ctx: HostContext) => string,
  buffers: readonly string[] = [],
  callOptions: readonly string[] = options.map((o) => o.name),
): PyType {
  return layerType(Module, name, module, {
    init: options.map((o) => `${o.name}?`),
    setup(self, a, ctx) {
      for (const o of options) {
        const v = a.has(o.name) ? a.get(o.name)! : o.dflt;
        if (buffers.includes(o.name)) ctx.call(ctx.getattr(self, 'register_buffer'), [o.name, v]);
        else setPlain(self, o.name, v);
      }
      if (a.has('size_average') || a.has('reduce')) {
        const sa = a.opt('size_average');
        const rd = a.opt('reduce');
        setPlain(self, 'reduction', rd === false ? 'none' : sa === false ? 'sum' : 'mean');
      }
    },
    forward(self, args, kwargs, ctx) {
      if (args.length + kwargs.size !== inputs) {
        throw pyError('TypeError', `forward() takes ${inputs + 1} positional argument${inputs ? 's' : ''} but ${args.length + kwargs.size + 1} were given`);
      }
      const kw = new Map<string, PyValue>();
      for (const o of callOptions) kw.set(o, attr(self, o, ctx));
      return FUNCTIONS[fname](rt, [...args, ...kwargs.values()], kw, ctx);
    },
    extraRepr,
  });
}

const inplaceText = (self: PyInstance, ctx: HostContext) => (attr(self, 'inplace', ctx) === true ? 'inplace=True' : '');
const andInplace = (self: PyInstance, ctx: HostContext) => (attr(self, 'inplace', ctx) === true ? ', inplace=True' : '');

export function activationTypes(rt: TorchRuntime, Module: PyType): Record<string, PyType> {
  const act = (name: string, fname: string, options: readonly Option[], extraRepr?: (self: PyInstance, ctx: HostContext) => string, callOptions?: readonly string[]) =>
    functionalModule(rt, Module, 'torch.nn.modules.activation', name, fname, options, 1, extraRepr, [], callOptions);
  const show = (self: PyInstance, n: string, ctx: HostContext) => ctx.str(attr(self, n, ctx));
  return {
    ReLU: act('ReLU', 'relu', [opt('inplace', false)], inplaceText),
    LeakyReLU: act('LeakyReLU', 'leaky_relu', [opt('negative_slope', 0.01), opt('inplace', false)], (s, c) => `negative_slope=${show(s, 'negative_slope', c)}${andInplace(s, c)}`),
    GELU: act('GELU', 'gelu', [opt('approximate', 'none')], (s, c) => `approximate=${c.repr(attr(s, 'approximate', c))}`),
    ELU: act('ELU', 'elu', [opt('alpha', 1.0), opt('inplace', false)], (s, c) => `alpha=${show(s, 'alpha', c)}${andInplace(s, c)}`),
    SiLU: act('SiLU', 'silu', [opt('inplace', false)], inplaceText),
    Tanh: act('Tanh', 'tanh', []),
    Sigmoid: act('Sigmoid', 'sigmoid', []),
    Softmax: act('Softmax', 'softmax', [opt('dim', null)], (s, c) => `dim=${show(s, 'dim', c)}`),
    LogSoftmax: act('LogSoftmax', 'log_softmax', [opt('dim', null)], (s, c) => `dim=${show(s, 'dim', c)}`),
    Softplus: act('Softplus', 'softplus', [opt('beta', 1n), opt('threshold', 20n)], (s, c) => `beta=${show(s, 'beta', c)}, threshold=${show(s, 'threshold', c)}`),
    ReLU6: act('ReLU6', 'relu6', [opt('inplace', false)], inplaceText),
    Hardtanh: act('Hardtanh', 'hardtanh', [opt('min_val', -1.0), opt('max_val', 1.0), opt('inplace', false)], (s, c) => `min_val=${show(s, 'min_val', c)}, max_val=${show(s, 'max_val', c)}${andInplace(s, c)}`),
    SELU: act('SELU', 'selu', [opt('inplace', false)], inplaceText),
    CELU: act('CELU', 'celu', [opt('alpha', 1.0), opt('inplace', false)], (s, c) => `alpha=${show(s, 'alpha', c)}${andInplace(s, c)}`),
    Mish: act('Mish', 'mish', [opt('inplace', false)], inplaceText),
    Hardswish: act('Hardswish', 'hardswish', [opt('inplace', false)]),
    Hardsigmoid: act('Hardsigmoid', 'hardsigmoid', [opt('inplace', false)]),
    LogSigmoid: act('LogSigmoid', 'logsigmoid', []),
    Softsign: act('Softsign', 'softsign', []),
    Tanhshrink: act('Tanhshrink', 'tanhshrink', []),
    Softshrink: act('Softshrink', 'softshrink', [opt('lambd', 0.5)], (s, c) => show(s, 'lambd', c)),
    Hardshrink: act('Hardshrink', 'hardshrink', [opt('lambd', 0.5)], (s, c) => show(s, 'lambd', c)),
    Threshold: act('Threshold', 'threshold', [opt('threshold', null), opt('value', null), opt('inplace', false)], (s, c) => `threshold=${show(s, 'threshold', c)}, value=${show(s, 'value', c)}${andInplace(s, c)}`),
    GLU: act('GLU', 'glu', [opt('dim', -1n)], (s, c) => `dim=${show(s, 'dim', c)}`),
    // NB: forward passes the module's training flag, so a module left in training mode stops at rrelu's refusal.
    RReLU: act('RReLU', 'rrelu', [opt('lower', 1 / 8), opt('upper', 1 / 3), opt('inplace', false)], (s, c) => `lower=${show(s, 'lower', c)}, upper=${show(s, 'upper', c)}${andInplace(s, c)}`, ['lower', 'upper', 'training', 'inplace']),
    PReLU: layerType(Module, 'PReLU', 'torch.nn.modules.activation', {
      init: ['num_parameters?', 'init?', 'device?', 'dtype?'],
      setup(self, a, ctx) {
        const n = a.int('num_parameters', 1);
        setPlain(self, 'num_parameters', BigInt(n));
        const value = a.float('init', 0.25);
        const w = newParameter(rt, self, 'weight', [n], ctx);
        rt.run(() => rt.engine.withGradMode(false, () => rt.engine.inPlace(w.t, (old) => rt.ops.full(old.shape, value, old.dtype))));
      },
      forward: (self, args, kwargs, ctx) => FUNCTIONS.prelu(rt, [...args, ...kwargs.values(), attr(self, 'weight', ctx)], new Map(), ctx),
      extraRepr: (s, c) => `num_parameters=${show(s, 'num_parameters', c)}`,
    }),
  };
}

export function lossTypes(rt: TorchRuntime, Module: PyType): Record<string, PyType> {
  const legacy = [opt('size_average', null), opt('reduce', null)];
  const loss = (name: string, fname: string, options: readonly Option[], buffers: readonly string[] = []) =>
    functionalModule(rt, Module, 'torch.nn.modules.loss', name, fname, options, 2, undefined, buffers, options.filter((o) => o.name !== 'size_average' && o.name !== 'reduce').map((o) => o.name));
  const reduction = opt('reduction', 'mean');
  return {
    MSELoss: loss('MSELoss', 'mse_loss', [...legacy, reduction]),
    L1Loss: loss('L1Loss', 'l1_loss', [...legacy, reduction]),
    SmoothL1Loss: loss('SmoothL1Loss', 'smooth_l1_loss', [...legacy, reduction, opt('beta', 1.0)]),
    HuberLoss: loss('HuberLoss', 'huber_loss', [reduction, opt('delta', 1.0)]),
    CrossEntropyLoss: loss('CrossEntropyLoss', 'cross_entropy', [opt('weight', null), opt('size_average', null), opt('ignore_index', -100n), opt('reduce', null), reduction, opt('label_smoothing', 0.0)], ['weight']),
    NLLLoss: loss('NLLLoss', 'nll_loss', [opt('weight', null), opt('size_average', null), opt('ignore_index', -100n), opt('reduce', null), reduction], ['weight']),
    BCELoss: loss('BCELoss', 'binary_cross_entropy', [opt('weight', null), ...legacy, reduction], ['weight']),
    BCEWithLogitsLoss: loss('BCEWithLogitsLoss', 'binary_cross_entropy_with_logits', [opt('weight', null), ...legacy, reduction, opt('pos_weight', null)], ['weight', 'pos_weight']),
    KLDivLoss: loss('KLDivLoss', 'kl_div', [...legacy, reduction, opt('log_target', false)]),
  };
}
