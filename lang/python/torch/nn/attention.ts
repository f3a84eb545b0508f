/**
 * `nn.MultiheadAttention` as PyTorch 1.13 builds it (torch/nn/modules/activation.py): the packed
 * `in_proj_weight` (or `q/k/v_proj_weight` when kdim or vdim differ), `in_proj_bias`, `out_proj`
 * (a NonDynamicallyQuantizableLinear, so its Linear draws come first), optional `bias_k`/`bias_v`,
 * then `_reset_parameters`'s draws in its order; forward transposes batch_first inputs and runs
 * F.multi_head_attention_forward.
 */
import { type HostContext, type Kwargs, pyError, PyInstance, PyTuple, PyType, type PyValue, setattr, toFloat, toIndex, truthy, typeName } from '../../interpreter';
import { TorchDType } from '../dtype';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { multiHeadAttentionForward } from './functional_attention';
import { xavierNormal, xavierUniform } from './init';
import { attr, layerType, newParameter, setPlain, tensorAttr } from './layer';
import { assignValues, instantiate } from './module';

const int = (v: number) => BigInt(v);

/** Refuses a factory dtype other than float32: PyTorch draws a float64 layer's weights from another stream. */
export function requireFloat32(name: string, dtype: PyValue | undefined): void {
  if (dtype === undefined || dtype === null || (dtype instanceof TorchDType && dtype.name === 'float32')) return;
  throw pyError('NotImplementedError', `${name}(dtype=...) is not supported by Gradlens: build it in float32 and call .double() on it (PyTorch draws a float64 layer's initial weights differently)`);
}

/** `NonDynamicallyQuantizableLinear`: a Linear under another name, as MultiheadAttention's out_proj prints. */
function quantizableLinearType(Linear: PyType): PyType {
  const cls = new PyType('NonDynamicallyQuantizableLinear', { module: 'torch.nn.modules.linear', bases: [Linear], attrs: new Map() });
  cls.construct = (args, kwargs, ctx) => instantiate(cls, args, kwargs, ctx);
  cls.instanceContents = Linear.instanceContents;
  cls.deepCopyContents = Linear.deepCopyContents;
  return cls;
}

function optionalTensor(v: PyValue | undefined, what: string): PyTensor | null {
  if (v === undefined || v === null) return null;
  if (v instanceof PyTensor) return v;
  throw pyError('TypeError', `MultiheadAttention.forward(): argument '${what}' must be Tensor, not ${typeName(v)}`);
}

/** MultiheadAttention.forward's parameters after self, in order. */
const FORWARD = ['query', 'key', 'value', 'key_padding_mask', 'need_weights', 'attn_mask', 'average_attn_weights'] as const;

/** MultiheadAttention.forward; the steps it makes and does not return go as it returns. */
function forward(self: PyInstance, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const query = args[0] ?? kwargs.get('query');
  if (!(query instanceof PyTensor)) return attend(self, args, kwargs, ctx);
  return query.rt.composite(() => attend(self, args, kwargs, ctx));
}

function attend(self: PyInstance, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyTuple {
  const given = new Map<string, PyValue>();
  args.forEach((v, i) => {
    if (i >= FORWARD.length) throw pyError('TypeError', `forward() takes from 4 to 8 positional arguments but ${args.length + 1} were given`);
    given.set(FORWARD[i], v);
  });
  for (const [k, v] of kwargs) {
    if (!(FORWARD as readonly string[]).includes(k)) throw pyError('TypeError', `forward() got an unexpected keyword argument '${k}'`);
    if (given.has(k)) throw pyError('TypeError', `forward() got multiple values for argument '${k}'`);
    given.set(k, v);
  }
  const tensor = (name: string) => {
    const v = given.get(name);
    if (v === undefined) throw pyError('TypeError', `forward() missing 1 required positional argument: '${name}'`);
    if (!(v instanceof PyTensor)) throw pyError('TypeError', `MultiheadAttention.forward(): argument '${name}' must be Tensor, not ${typeName(v)}`);
    return v;
  };
  let [query, key, value] = [tensor('query'), tensor('key'), tensor('value')];
  const flag = (name: string) => (given.has(name) ? truthy(given.get(name)!, ctx) : true);
  const batched = query.shape.length === 3;
  const batchFirst = attr(self, 'batch_first', ctx) === true;
  if (batchFirst && batched) {
    // The same identities as PyTorch's code keeps: `query is key` picks the packed projection.
    const turned = new Map<PyTensor, PyTensor>();
    const turn = (x: PyTensor) => turned.get(x) ?? turned.set(x, T.transpose(x, 1, 0)).get(x)!;
    [query, key, value] = [turn(query), turn(key), turn(value)];
  }
  const same = attr(self, '_qkv_same_embed_dim', ctx) === true;
  const outProj = attr(self, 'out_proj', ctx);
  if (!(outProj instanceof PyInstance)) throw pyError('TypeError', `MultiheadAttention.out_proj must be a Linear, not ${typeName(outProj)}`);
  const separate = same ? null : (['q_proj_weight', 'k_proj_weight', 'v_proj_weight'].map((n) => tensorAttr(self, n, ctx)!) as [PyTensor, PyTensor, PyTensor]);
  const [out, weights] = multiHeadAttentionForward({
    query, key, value,
    embedDimToCheck: Number(toIndex(attr(self, 'embed_dim', ctx), ctx)),
    numHeads: Number(toIndex(attr(self, 'num_heads', ctx), ctx)),
    inProjWeight: tensorAttr(self, 'in_proj_weight', ctx),
    inProjBias: tensorAttr(self, 'in_proj_bias', ctx),
    biasK: tensorAttr(self, 'bias_k', ctx),
    biasV: tensorAttr(self, 'bias_v', ctx),
    addZeroAttn: truthy(attr(self, 'add_zero_attn', ctx), ctx),
    dropoutP: toFloat(attr(self, 'dropout', ctx), ctx),
    outProjWeight: tensorAttr(outProj, 'weight', ctx)!,
    outProjBias: tensorAttr(outProj, 'bias', ctx),
    training: attr(self, 'training', ctx) === true,
    keyPaddingMask: optionalTensor(given.get('key_padding_mask'), 'key_padding_mask'),
    needWeights: flag('need_weights'),
    attnMask: optionalTensor(given.get('attn_mask'), 'attn_mask'),
    separate,
    averageAttnWeights: flag('average_attn_weights'),
  }, ctx);
  return new PyTuple([batchFirst && batched ? T.transpose(out, 1, 0) : out, weights]);
}

export function attentionTypes(rt: TorchRuntime, Module: PyType, Linear: PyType): Record<(typeof ATTENTION_NAMES)[number], PyType> {
  const QuantizableLinear = quantizableLinearType(Linear);
  const MultiheadAttention = layerType(Module, 'MultiheadAttention', 'torch.nn.modules.activation', {
    init: ['embed_dim', 'num_heads', 'dropout?', 'bias?', 'add_bias_kv?', 'add_zero_attn?', 'kdim?', 'vdim?', 'batch_first?', 'device?', 'dtype?'],
    setup(self, a, ctx) {
      requireFloat32('MultiheadAttention', a.opt('dtype'));
      const embed = a.int('embed_dim');
      const heads = a.int('num_heads');
      const dim = (name: string) => (a.opt(name) === undefined || a.opt(name) === null ? embed : a.int(name));
      const [kdim, vdim] = [dim('kdim'), dim('vdim')];
      const same = kdim === embed && vdim === embed;
      setPlain(self, 'embed_dim', int(embed));
      setPlain(self, 'kdim', int(kdim));
      setPlain(self, 'vdim', int(vdim));
      setPlain(self, '_qkv_same_embed_dim', same);
      setPlain(self, 'num_heads', int(heads));
      setPlain(self, 'dropout', a.get('dropout') ?? 0.0);
      setPlain(self, 'batch_first', a.bool('batch_first', false));
      const headDim = Math.floor(embed / heads);
      setPlain(self, 'head_dim', int(headDim));
      if (headDim * heads !== embed) throw pyError('AssertionError', 'embed_dim must be divisible by num_heads');
      const register = (name: string) => ctx.call(ctx.getattr(self, 'register_parameter'), [name, null]);
      const projections: PyTensor[] = [];
      if (!same) {
        projections.push(newParameter(rt, self, 'q_proj_weight', [embed, embed], ctx), newParameter(rt, self, 'k_proj_weight', [embed, kdim], ctx), newParameter(rt, self, 'v_proj_weight', [embed, vdim], ctx));
        register('in_proj_weight');
      } else {
        projections.push(newParameter(rt, self, 'in_proj_weight', [3 * embed, embed], ctx));
        for (const name of ['q_proj_weight', 'k_proj_weight', 'v_proj_weight']) register(name);
      }
      const bias = a.bool('bias', true);
      const inBias = bias ? newParameter(rt, self, 'in_proj_bias', [3 * embed], ctx) : null;
      if (!bias) register('in_proj_bias');
      const outProj = ctx.call(QuantizableLinear, [int(embed), int(embed)], new Map([['bias', bias]])) as PyInstance;
      setattr(self, 'out_proj', outProj, ctx);
      const kv = a.bool('add_bias_kv', false) ? [newParameter(rt, self, 'bias_k', [1, 1, embed], ctx), newParameter(rt, self, 'bias_v', [1, 1, embed], ctx)] : null;
      if (kv === null) {
        setPlain(self, 'bias_k', null);
        setPlain(self, 'bias_v', null);
      }
      setPlain(self, 'add_zero_attn', a.bool('add_zero_attn', false));
      // _reset_parameters, in its order: xavier_uniform_ of the projections, zero biases, xavier_normal_ of bias_k and bias_v.
      for (const w of projections) xavierUniform(w);
      if (inBias !== null) {
        assignValues(inBias, new Float64Array(inBias.numel));
        const outBias = tensorAttr(outProj, 'bias', ctx);
        if (outBias !== null) assignValues(outBias, new Float64Array(outBias.numel));
      }
      for (const b of kv ?? []) xavierNormal(b);
    },
    forward,
  });
  return { MultiheadAttention };
}

export const ATTENTION_NAMES = ['MultiheadAttention'] as const;
