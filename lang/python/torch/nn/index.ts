/**
 * `torch.nn`, `torch.nn.init` and `nn.Parameter` for one run: Module and its native subclasses
 * (layers, convolution and pooling, activations, losses, containers).
 */
import { bindArgs, createModule, type PyModule, type PyValue } from '../../interpreter';
import { asTensor } from '../arith';
import type { TorchRuntime } from '../tensor';
import { activationTypes, lossTypes } from './activations';
import { ATTENTION_NAMES, attentionTypes } from './attention';
import { TRANSFORMER_NAMES, transformerTypes } from './transformer';
import { containerTypes } from './containers';
import { CONV_LAYER_NAMES, convLayerTypes } from './conv_layers';
import { INIT_NAMES, initAttrs } from './init';
import { layerTypes } from './layers';
import { packedSequences } from './packed_sequence';
import { RECURRENT_NAMES, recurrentTypes } from './recurrent';
import { RECURRENT_CELL_NAMES, recurrentCellTypes } from './recurrent_cells';
import { rnnUtils, RNN_UTILS_NAMES } from './rnn_utils';
import { nnUtils, NN_UTILS_NAMES } from './utils';
import { LAZY_NAMES, lazyTypes } from './lazy';
import { makeParameter, moduleType } from './module';
import { uninitializedTypes } from './uninitialized_params';

export interface NNModules {
  readonly nn: Record<string, PyValue>;
  readonly init: PyModule;
  readonly utils: PyModule;
  readonly rnnUtils: PyModule;
}

export function nnAttrs(rt: TorchRuntime, functional: PyModule): NNModules {
  const Module = moduleType(rt);
  rt.parameterType.construct = (args, kwargs, ctx) => {
    const a = bindArgs('Parameter', ['data?', 'requires_grad?'], args, kwargs, ctx);
    const data = a.opt('data');
    const t = data === undefined ? rt.fromValues([], [0], 'float32') : asTensor(rt, data, ctx, 'data');
    return makeParameter(rt, t, a.bool('requires_grad', true));
  };
  // `nn.Parameter(torch.randn(4, 8))` shares the data's memory, not the tensor: a temporary goes with its statement.
  rt.parameterType.keepsNoArguments = true;
  const init = createModule('torch.nn.init', initAttrs(rt));
  const packed = packedSequences(rt);
  const rnn = rnnUtils(rt, packed);
  const utils = nnUtils(rt, rnn);
  const layers = layerTypes(rt, Module);
  const convLayers = convLayerTypes(rt, Module);
  const uninitialized = uninitializedTypes(rt);
  const attention = attentionTypes(rt, Module, layers.Linear);
  const activations = activationTypes(rt, Module);
  const containers = containerTypes(Module);
  const transformers = transformerTypes(rt, {
    Module, Linear: layers.Linear, Dropout: layers.Dropout, LayerNorm: layers.LayerNorm, ReLU: activations.ReLU, GELU: activations.GELU,
    ModuleList: containers.ModuleList, MultiheadAttention: attention.MultiheadAttention, functional,
  });
  return {
    nn: {
      Module,
      Parameter: rt.parameterType,
      ...layers,
      ...attention,
      ...transformers,
      ...recurrentTypes(rt, Module, packed),
      ...recurrentCellTypes(rt, Module),
      ...convLayers,
      ...lazyTypes(rt, uninitialized, { ...layers, ...convLayers }),
      ...uninitialized,
      ...activations,
      ...lossTypes(rt, Module),
      ...containers,
      init,
      utils,
    },
    init,
    utils,
    rnnUtils: rnn,
  };
}

/** The names `torch.nn` defines, for the analyzer. */
export const NN_NAMES = [
  'Module', 'Parameter', 'UninitializedParameter', 'UninitializedBuffer', 'Linear', 'Bilinear', 'Identity', 'Flatten', 'Unflatten', 'Embedding', 'EmbeddingBag', 'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout', 'BatchNorm1d', 'BatchNorm2d', 'LayerNorm',
  ...CONV_LAYER_NAMES, ...LAZY_NAMES, ...RECURRENT_NAMES, ...ATTENTION_NAMES, ...TRANSFORMER_NAMES, ...RECURRENT_CELL_NAMES,
  'ReLU', 'LeakyReLU', 'GELU', 'ELU', 'SiLU', 'Tanh', 'Sigmoid', 'Softmax', 'LogSoftmax', 'Softplus',
  'ReLU6', 'Hardtanh', 'SELU', 'CELU', 'Mish', 'Hardswish', 'Hardsigmoid', 'LogSigmoid', 'Softsign', 'Tanhshrink', 'Softshrink', 'Hardshrink', 'Threshold', 'GLU', 'RReLU', 'PReLU',
  'MSELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'CrossEntropyLoss', 'NLLLoss', 'BCELoss', 'BCEWithLogitsLoss', 'KLDivLoss',
  'Sequential', 'ModuleList', 'ModuleDict', 'init', 'functional', 'utils',
];

export { INIT_NAMES, NN_UTILS_NAMES, RNN_UTILS_NAMES };
