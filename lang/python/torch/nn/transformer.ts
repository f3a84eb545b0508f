/**
 * nn.TransformerEncoderLayer, TransformerDecoderLayer, their stacks TransformerEncoder and
 * TransformerDecoder, and nn.Transformer, as PyTorch 1.13 builds them (torch/nn/modules/
 * transformer.py): the submodules in its order (so seeded weights are its), the stacks' layers as
 * deep copies in a ModuleList, nn.Transformer's xavier_uniform_ over every matrix, the post-norm
 * and pre-norm (norm_first) blocks calling the submodules as its forward does (a submodule the
 * script replaced runs), and its errors. PyTorch's eval-mode fast paths compute the same values
 * but for rounding (within 2.4e-7 in float32), except where TransformerEncoder packs a padded
 * batch into a nested tensor, whose padded positions come back as zeros: that is done here too.
 */
import { type Args, bindArgs, type HostContext, type Kwargs, pyError, PyInstance, type PyModule, PyList, StaticMethod, type PyType, type PyValue, setattr, toIndex, truthy, typeName, pyFunction } from '../../interpreter';
import { deepCopy } from '../../modules';
import { arith, asTensor } from '../arith';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { requireFloat32 } from './attention';
import { checkPaddingMaskType } from './functional_attention';
import { xavierUniform } from './init';
import { attr, layerType, setPlain } from './layer';
import { namedTensors } from './module';

/** The types the Transformer modules are built from, as this run made them. */
export interface TransformerParts {
  readonly Module: PyType;
  readonly Linear: PyType;
  readonly Dropout: PyType;
  readonly LayerNorm: PyType;
  readonly ReLU: PyType;
  readonly GELU: PyType;
  readonly ModuleList: PyType;
  readonly MultiheadAttention: PyType;
  /** torch.nn.functional, whose relu and gelu are the activations by name (`activation is F.relu`). */
  readonly functional: PyModule;
}

const int = (v: number) => BigInt(v);

/** The layer arguments both layers take, after d_model and nhead. */
const LAYER_INIT = ['d_model', 'nhead', 'dim_feedforward?', 'dropout?', 'activation?', 'layer_norm_eps?', 'batch_first?', 'norm_first?', 'device?', 'dtype?'];

function optionalTensor(rt: TorchRuntime, a: Args, name: string, ctx: HostContext): PyTensor | null {
  const v = a.opt(name);
  return v === undefined || v === null ? null : asTensor(rt, v, ctx, name);
}

/** `self.name(*args, **kwargs)`: the submodule as the script may have replaced it. */
function callSub(self: PyInstance, name: string, args: PyValue[], ctx: HostContext, kwargs: Map<string, PyValue> = new Map()): PyValue {
  return ctx.call(ctx.getattr(self, name), args, kwargs);
}

function tensorOut(v: PyValue, what: string): PyTensor {
  if (v instanceof PyTensor) return v;
  throw pyError('TypeError', `${what} returned ${typeName(v)}, not a Tensor`);
}

/** `F.relu`/`F.gelu` for 'relu'/'gelu', as _get_activation_fn. */
function activationByName(parts: TransformerParts, name: string): PyValue {
  if (name === 'relu' || name === 'gelu') return parts.functional.attrs.get(name)!;
  throw pyError('RuntimeError', `activation should be relu/gelu, not ${name}`);
}

/** The layers' shared __init__ steps: self_attn (and multihead_attn), the feed-forward block, norms and dropouts. */
function setupLayer(parts: TransformerParts, self: PyInstance, a: Args, ctx: HostContext, decoder: boolean): PyValue {
  requireFloat32(decoder ? 'TransformerDecoderLayer' : 'TransformerEncoderLayer', a.opt('dtype'));
  const dModel = int(a.int('d_model'));
  const nhead = int(a.int('nhead'));
  const dropout = a.get('dropout') ?? 0.1;
  const eps = a.get('layer_norm_eps') ?? 1e-5;
  const attention = () => ctx.call(parts.MultiheadAttention, [dModel, nhead], new Map<string, PyValue>([['dropout', dropout], ['batch_first', a.bool('batch_first', false)]]));
  const set = (name: string, v: PyValue) => setattr(self, name, v, ctx);
  set('self_attn', attention());
  if (decoder) set('multihead_attn', attention());
  const ff = int(a.int('dim_feedforward', 2048));
  set('linear1', ctx.call(parts.Linear, [dModel, ff]));
  set('dropout', ctx.call(parts.Dropout, [dropout]));
  set('linear2', ctx.call(parts.Linear, [ff, dModel]));
  setPlain(self, 'norm_first', a.bool('norm_first', false));
  const norms = decoder ? ['norm1', 'norm2', 'norm3'] : ['norm1', 'norm2'];
  for (const n of norms) set(n, ctx.call(parts.LayerNorm, [dModel], new Map([['eps', eps]])));
  for (const n of decoder ? ['dropout1', 'dropout2', 'dropout3'] : ['dropout1', 'dropout2']) set(n, ctx.call(parts.Dropout, [dropout]));
  const given = a.opt('activation');
  return given === undefined ? parts.functional.attrs.get('relu')! : typeof given === 'string' ? activationByName(parts, given) : given;
}

/** dropoutN(self_attn(x, x, x, ...)[0]), the self-attention block (or the decoder's attention over memory). */
function attentionBlock(self: PyInstance, attn: string, drop: string, x: PyTensor, kv: PyTensor, mask: PyTensor | null, padding: PyTensor | null, ctx: HostContext): PyTensor {
  const kwargs = new Map<string, PyValue>([['attn_mask', mask], ['key_padding_mask', padding], ['need_weights', false]]);
  const out = ctx.getitem(callSub(self, attn, [x, kv, kv], ctx, kwargs), 0n);
  return tensorOut(callSub(self, drop, [out], ctx), drop);
}

/** dropoutN(linear2(dropout(activation(linear1(x))))), the feed-forward block. */
function feedForward(self: PyInstance, drop: string, x: PyTensor, ctx: HostContext): PyTensor {
  const hidden = callSub(self, 'activation', [callSub(self, 'linear1', [x], ctx)], ctx);
  return tensorOut(callSub(self, drop, [callSub(self, 'linear2', [callSub(self, 'dropout', [hidden], ctx)], ctx)], ctx), drop);
}

function residual(x: PyTensor, y: PyTensor): PyTensor {
  return arith(x.rt, 'add', x, y);
}

function norm(self: PyInstance, name: string, x: PyTensor, ctx: HostContext): PyTensor {
  return tensorOut(callSub(self, name, [x], ctx), name);
}

function encoderLayerForward(self: PyInstance, src: PyTensor, mask: PyTensor | null, padding: PyTensor | null, ctx: HostContext): PyTensor {
  checkPaddingMaskType(padding);
  let x = src;
  const sa = (y: PyTensor) => attentionBlock(self, 'self_attn', 'dropout1', y, y, mask, padding, ctx);
  if (attr(self, 'norm_first', ctx) === true) {
    x = residual(x, sa(norm(self, 'norm1', x, ctx)));
    return residual(x, feedForward(self, 'dropout2', norm(self, 'norm2', x, ctx), ctx));
  }
  x = norm(self, 'norm1', residual(x, sa(x)), ctx);
  return norm(self, 'norm2', residual(x, feedForward(self, 'dropout2', x, ctx)), ctx);
}

interface DecoderMasks {
  readonly tgtMask: PyTensor | null;
  readonly memoryMask: PyTensor | null;
  readonly tgtPadding: PyTensor | null;
  readonly memoryPadding: PyTensor | null;
}

function decoderLayerForward(self: PyInstance, tgt: PyTensor, memory: PyTensor, m: DecoderMasks, ctx: HostContext): PyTensor {
  let x = tgt;
  const sa = (y: PyTensor) => attentionBlock(self, 'self_attn', 'dropout1', y, y, m.tgtMask, m.tgtPadding, ctx);
  const mha = (y: PyTensor) => attentionBlock(self, 'multihead_attn', 'dropout2', y, memory, m.memoryMask, m.memoryPadding, ctx);
  if (attr(self, 'norm_first', ctx) === true) {
    x = residual(x, sa(norm(self, 'norm1', x, ctx)));
    x = residual(x, mha(norm(self, 'norm2', x, ctx)));
    return residual(x, feedForward(self, 'dropout3', norm(self, 'norm3', x, ctx), ctx));
  }
  x = norm(self, 'norm1', residual(x, sa(x)), ctx);
  x = norm(self, 'norm2', residual(x, mha(x)), ctx);
  return norm(self, 'norm3', residual(x, feedForward(self, 'dropout3', x, ctx)), ctx);
}

const DECODER_FORWARD = ['tgt', 'memory', 'tgt_mask?', 'memory_mask?', 'tgt_key_padding_mask?', 'memory_key_padding_mask?'];

function decoderMasks(rt: TorchRuntime, a: Args, ctx: HostContext): DecoderMasks {
  return {
    tgtMask: optionalTensor(rt, a, 'tgt_mask', ctx),
    memoryMask: optionalTensor(rt, a, 'memory_mask', ctx),
    tgtPadding: optionalTensor(rt, a, 'tgt_key_padding_mask', ctx),
    memoryPadding: optionalTensor(rt, a, 'memory_key_padding_mask', ctx),
  };
}

function decoderMaskKwargs(m: DecoderMasks): Map<string, PyValue> {
  return new Map<string, PyValue>([['tgt_mask', m.tgtMask], ['memory_mask', m.memoryMask], ['tgt_key_padding_mask', m.tgtPadding], ['memory_key_padding_mask', m.memoryPadding]]);
}

function layersOf(self: PyInstance, ctx: HostContext): PyValue[] {
  const layers = ctx.getattr(self, 'layers');
  const n = Number(toIndex(ctx.call(ctx.getattr(layers, '__len__'), []), ctx));
  return Array.from({ length: n }, (_, i) => ctx.getitem(layers, int(i)));
}

/** `norm(output)` when the stack has a norm. */
function finalNorm(self: PyInstance, output: PyTensor, ctx: HostContext): PyTensor {
  const n = ctx.getattr(self, 'norm');
  return n === null ? output : tensorOut(ctx.call(n, [output]), 'norm');
}

/**
 * TransformerEncoder's sparsity fast path (eval, batch_first, a left-aligned src_key_padding_mask,
 * no grad needed): PyTorch runs the layers on a nested tensor and pads it back with zeros, so the
 * padded positions come out as zeros (before the final norm) and the sequence is as long as the
 * longest unpadded one. The unpadded positions are what the masked layers give.
 */
function nestedLength(self: PyInstance, first: PyValue, src: PyTensor, mask: PyTensor | null, padding: PyTensor | null, encoderLayer: PyType, ctx: HostContext): number | null {
  if (!(first instanceof PyInstance) || !first.cls.isSubtypeOf(encoderLayer) || padding === null || mask !== null) return null;
  if (attr(first, 'norm_first', ctx) === true || attr(first, 'training', ctx) === true || src.shape.length !== 3) return null;
  const attn = ctx.getattr(first, 'self_attn');
  if (attr(attn as PyInstance, 'batch_first', ctx) !== true || attr(attn as PyInstance, '_qkv_same_embed_dim', ctx) !== true) return null;
  if (!truthy(attr(first, 'activation_relu_or_gelu', ctx), ctx)) return null;
  const eps = (n: string) => attr(ctx.getattr(first, n) as PyInstance, 'eps', ctx);
  if (Number(eps('norm1')) !== Number(eps('norm2')) || !truthy(attr(self, 'enable_nested_tensor', ctx), ctx)) return null;
  if (Number(toIndex(attr(attn as PyInstance, 'num_heads', ctx), ctx)) % 2 === 1) return null;
  const rt = src.rt;
  const weights = [src, ...namedTensors(first, 'params').map(([, p]) => p)];
  if (rt.engine.gradEnabled && weights.some((t) => t.t.requiresGrad)) return null;
  // The mask says which positions are padding; left-aligned means each row is kept positions, then padding.
  const pad = padding.values();
  const [batch, length] = padding.shape;
  const kept: number[] = [];
  for (let b = 0; b < batch; b++) {
    const row = pad.slice(b * length, (b + 1) * length).map((v) => v !== 0);
    const n = row.indexOf(true) < 0 ? length : row.indexOf(true);
    if (row.slice(n).some((p) => !p)) {
      if (truthy(attr(self, 'mask_check', ctx), ctx)) return null;
      throw pyError('NotImplementedError', 'TransformerEncoder(mask_check=False) given a src_key_padding_mask that is not left-aligned packs the batch as PyTorch does not document, which Gradlens does not reproduce: leave mask_check on, or put the padding at the end of each row');
    }
    kept.push(n);
  }
  return Math.max(...kept);
}

export const TRANSFORMER_NAMES = ['Transformer', 'TransformerEncoder', 'TransformerDecoder', 'TransformerEncoderLayer', 'TransformerDecoderLayer'] as const;

export function transformerTypes(rt: TorchRuntime, parts: TransformerParts): Record<(typeof TRANSFORMER_NAMES)[number], PyType> {
  const { Module } = parts;
  // A forward's steps that it does not return go as it returns (its inputs are the script's).
  const layerForward = (args: PyValue[], kwargs: Kwargs, fn: () => PyTensor): PyValue => ([...args, ...kwargs.values()].some((v) => v instanceof PyTensor) ? rt.composite(fn) : fn());

  const TransformerEncoderLayer = layerType(Module, 'TransformerEncoderLayer', 'torch.nn.modules.transformer', {
    init: LAYER_INIT,
    setup(self, a, ctx) {
      const activation = setupLayer(parts, self, a, ctx, false);
      const relu = parts.functional.attrs.get('relu');
      const gelu = parts.functional.attrs.get('gelu');
      const isA = (t: PyType) => activation instanceof PyInstance && activation.cls.isSubtypeOf(t);
      setPlain(self, 'activation_relu_or_gelu', activation === relu || isA(parts.ReLU) ? 1n : activation === gelu || isA(parts.GELU) ? 2n : 0n);
      setattr(self, 'activation', activation, ctx);
    },
    forward: (self, args, kwargs, ctx) => layerForward(args, kwargs, () => {
      const a = bindArgs('forward', ['src', 'src_mask?', 'src_key_padding_mask?'], args, kwargs, ctx);
      return encoderLayerForward(self, asTensor(rt, a.required('src'), ctx, 'src'), optionalTensor(rt, a, 'src_mask', ctx), optionalTensor(rt, a, 'src_key_padding_mask', ctx), ctx);
    }),
  });

  const TransformerDecoderLayer = layerType(Module, 'TransformerDecoderLayer', 'torch.nn.modules.transformer', {
    init: LAYER_INIT,
    setup(self, a, ctx) {
      setattr(self, 'activation', setupLayer(parts, self, a, ctx, true), ctx);
    },
    forward: (self, args, kwargs, ctx) => layerForward(args, kwargs, () => {
      const a = bindArgs('forward', DECODER_FORWARD, args, kwargs, ctx);
      return decoderLayerForward(self, asTensor(rt, a.required('tgt'), ctx, 'tgt'), asTensor(rt, a.required('memory'), ctx, 'memory'), decoderMasks(rt, a, ctx), ctx);
    }),
  });

  /** _get_clones: a ModuleList of N deep copies of the layer, counted as holding them (made filled, as a deep copy is). */
  const clones = (layer: PyValue, n: number, ctx: HostContext) => {
    const list = new PyInstance(parts.ModuleList);
    ctx.call(parts.ModuleList.lookup('__init__')!, [list, new PyList(Array.from({ length: n }, () => deepCopy(layer, ctx)))]);
    ctx.madeFilledInstance(list);
    return list;
  };

  const TransformerEncoder = layerType(Module, 'TransformerEncoder', 'torch.nn.modules.transformer', {
    init: ['encoder_layer', 'num_layers', 'norm?', 'enable_nested_tensor?', 'mask_check?'],
    setup(self, a, ctx) {
      setattr(self, 'layers', clones(a.required('encoder_layer'), a.int('num_layers'), ctx), ctx);
      setPlain(self, 'num_layers', int(a.int('num_layers')));
      setattr(self, 'norm', a.opt('norm') ?? null, ctx);
      setPlain(self, 'enable_nested_tensor', a.get('enable_nested_tensor') ?? true);
      setPlain(self, 'mask_check', a.get('mask_check') ?? true);
    },
    forward: (self, args, kwargs, ctx) => layerForward(args, kwargs, () => {
      const a = bindArgs('forward', ['src', 'mask?', 'src_key_padding_mask?'], args, kwargs, ctx);
      const src = asTensor(rt, a.required('src'), ctx, 'src');
      const mask = optionalTensor(rt, a, 'mask', ctx);
      const padding = optionalTensor(rt, a, 'src_key_padding_mask', ctx);
      checkPaddingMaskType(padding);
      const layers = layersOf(self, ctx);
      const nested = nestedLength(self, layers[0], src, mask, padding, TransformerEncoderLayer, ctx);
      // Packed, each sequence attends over its kept positions alone: a bool padding mask does that (a float one's values do not count there).
      const layerPadding = nested !== null && padding !== null && padding.dtype !== 'bool' ? (padding.rt.behaviour.methods.ne(padding, [0], new Map(), ctx) as PyTensor) : padding;
      let output = src;
      for (const layer of layers) output = tensorOut(ctx.call(layer, [output], new Map([['src_mask', mask], ['src_key_padding_mask', layerPadding]])), 'a layer');
      if (nested !== null && layerPadding !== null) {
        // to_padded_tensor(0.): the padded positions are zeros, the sequence as long as the longest kept one.
        const methods = output.rt.behaviour.methods;
        const zeroed = methods.masked_fill(output, [T.unsqueeze(layerPadding, 2), 0], new Map(), ctx) as PyTensor;
        output = nested === zeroed.shape[1] ? zeroed : (methods.narrow(zeroed, [1n, 0n, int(nested)], new Map(), ctx) as PyTensor);
      }
      return finalNorm(self, output, ctx);
    }),
  });

  const TransformerDecoder = layerType(Module, 'TransformerDecoder', 'torch.nn.modules.transformer', {
    init: ['decoder_layer', 'num_layers', 'norm?'],
    setup(self, a, ctx) {
      setattr(self, 'layers', clones(a.required('decoder_layer'), a.int('num_layers'), ctx), ctx);
      setPlain(self, 'num_layers', int(a.int('num_layers')));
      setattr(self, 'norm', a.opt('norm') ?? null, ctx);
    },
    forward: (self, args, kwargs, ctx) => layerForward(args, kwargs, () => {
      const a = bindArgs('forward', DECODER_FORWARD, args, kwargs, ctx);
      const memory = asTensor(rt, a.required('memory'), ctx, 'memory');
      const masks = decoderMaskKwargs(decoderMasks(rt, a, ctx));
      let output = asTensor(rt, a.required('tgt'), ctx, 'tgt');
      for (const layer of layersOf(self, ctx)) output = tensorOut(ctx.call(layer, [output, memory], masks), 'a layer');
      return finalNorm(self, output, ctx);
    }),
  });

  const Transformer = layerType(Module, 'Transformer', 'torch.nn.modules.transformer', {
    init: ['d_model?', 'nhead?', 'num_encoder_layers?', 'num_decoder_layers?', 'dim_feedforward?', 'dropout?', 'activation?', 'custom_encoder?', 'custom_decoder?', 'layer_norm_eps?', 'batch_first?', 'norm_first?', 'device?', 'dtype?'],
    setup(self, a, ctx) {
      requireFloat32('Transformer', a.opt('dtype'));
      const dModel = int(a.int('d_model', 512));
      const eps = a.get('layer_norm_eps') ?? 1e-5;
      const layerArgs = [dModel, int(a.int('nhead', 8)), int(a.int('dim_feedforward', 2048)), a.get('dropout') ?? 0.1, a.opt('activation') ?? parts.functional.attrs.get('relu')!, eps, a.bool('batch_first', false), a.bool('norm_first', false)];
      const norm = () => ctx.call(parts.LayerNorm, [dModel], new Map([['eps', eps]]));
      const stack = (custom: string, Layer: PyType, Stack: PyType, count: string) => {
        const given = a.opt(custom);
        if (given !== undefined && given !== null) return given;
        const layer = ctx.call(Layer, layerArgs);
        return ctx.call(Stack, [layer, int(a.int(count, 6)), norm()]);
      };
      setattr(self, 'encoder', stack('custom_encoder', TransformerEncoderLayer, TransformerEncoder, 'num_encoder_layers'), ctx);
      setattr(self, 'decoder', stack('custom_decoder', TransformerDecoderLayer, TransformerDecoder, 'num_decoder_layers'), ctx);
      // _reset_parameters: xavier_uniform_ of every parameter with more than one dimension, in parameters() order.
      for (const [, p] of namedTensors(self, 'params')) if (p.shape.length > 1) xavierUniform(p);
      setPlain(self, 'd_model', dModel);
      setPlain(self, 'nhead', int(a.int('nhead', 8)));
      setPlain(self, 'batch_first', a.bool('batch_first', false));
    },
    forward: (self, args, kwargs, ctx) => layerForward(args, kwargs, () => {
      const a = bindArgs('forward', ['src', 'tgt', 'src_mask?', 'tgt_mask?', 'memory_mask?', 'src_key_padding_mask?', 'tgt_key_padding_mask?', 'memory_key_padding_mask?'], args, kwargs, ctx);
      const src = asTensor(rt, a.required('src'), ctx, 'src');
      const tgt = asTensor(rt, a.required('tgt'), ctx, 'tgt');
      const batched = src.shape.length === 3;
      const batchAxis = attr(self, 'batch_first', ctx) === true ? 0 : 1;
      if (batched && src.shape[batchAxis] !== tgt.shape[batchAxis]) throw pyError('RuntimeError', 'the batch number of src and tgt must be equal');
      const dModel = Number(toIndex(attr(self, 'd_model', ctx), ctx));
      if (src.shape[src.shape.length - 1] !== dModel || tgt.shape[tgt.shape.length - 1] !== dModel) throw pyError('RuntimeError', 'the feature number of src and tgt must be equal to d_model');
      const memory = tensorOut(callSub(self, 'encoder', [src], ctx, new Map([['mask', optionalTensor(rt, a, 'src_mask', ctx)], ['src_key_padding_mask', optionalTensor(rt, a, 'src_key_padding_mask', ctx)]])), 'encoder');
      const masks = decoderMasks(rt, a, ctx);
      return tensorOut(callSub(self, 'decoder', [tgt, memory], ctx, decoderMaskKwargs(masks)), 'decoder');
    }),
  });
  // generate_square_subsequent_mask(sz): torch.triu(torch.full((sz, sz), float('-inf')), diagonal=1), a staticmethod.
  Transformer.attrs.set('generate_square_subsequent_mask', new StaticMethod(pyFunction('generate_square_subsequent_mask', (args, kwargs, ctx) => {
    const a = bindArgs('generate_square_subsequent_mask', ['sz', 'device?'], args, kwargs, ctx);
    const n = a.int('sz');
    const values = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) values[i * n + j] = -Infinity;
    return rt.fromValues(values, [n, n], 'float32');
  })));
  return { Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer, TransformerDecoderLayer };
}
