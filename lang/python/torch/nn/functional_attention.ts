/**
 * `F.multi_head_attention_forward` as PyTorch 1.13 writes it (torch/nn/functional.py): the shape
 * checks and their messages, the packed or separate in-projection, the bias_k/bias_v and zero
 * key appended to the keys, the masks merged into one additive float mask, scores as
 * baddbmm(mask, q / sqrt(head_dim), k^T), softmax, dropout on the weights, the out-projection,
 * and the weights averaged over heads. Each step is the tensor method PyTorch's code calls, so
 * values, gradients and grad_fn names are its.
 */
import { bindArgs, type HostContext, type Kwargs, pyError, PyList, PyTuple, type PyValue, toFloat, toIndex, truthy } from '../../interpreter';
import { arith, asTensor } from '../arith';
import { TorchSize } from '../size';
import type { PyTensor, TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import type { Fn } from './functional_conv';
import { dropout, linear } from './functional_layers';
import { constantPad } from './functional_pad';

/** What multi_head_attention_forward reads, as its parameters name them. */
export interface AttentionCall {
  readonly query: PyTensor;
  readonly key: PyTensor;
  readonly value: PyTensor;
  readonly embedDimToCheck: number;
  readonly numHeads: number;
  readonly inProjWeight: PyTensor | null;
  readonly inProjBias: PyTensor | null;
  readonly biasK: PyTensor | null;
  readonly biasV: PyTensor | null;
  readonly addZeroAttn: boolean;
  readonly dropoutP: number;
  readonly outProjWeight: PyTensor;
  readonly outProjBias: PyTensor | null;
  readonly training: boolean;
  readonly keyPaddingMask: PyTensor | null;
  readonly needWeights: boolean;
  readonly attnMask: PyTensor | null;
  /** q_proj_weight, k_proj_weight, v_proj_weight when use_separate_proj_weight. */
  readonly separate: readonly [PyTensor, PyTensor, PyTensor] | null;
  readonly averageAttnWeights: boolean;
}

const int = (n: number) => BigInt(n);

/** `x.name(*args, **kwargs)` through the tensor's own method, as PyTorch's Python code calls it. */
function call(x: PyTensor, name: string, args: PyValue[], ctx: HostContext, kwargs: Kwargs = new Map()): PyTensor {
  return x.rt.behaviour.methods[name](x, args, kwargs, ctx) as PyTensor;
}

function assert(ok: boolean, message: string): void {
  if (!ok) throw pyError('AssertionError', message);
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const sizeRepr = (s: readonly number[]) => new TorchSize(s).repr();
const tuple = (s: readonly number[]) => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

/** A key_padding_mask must be bool or floating, as both the module and the function check. */
export function checkPaddingMaskType(mask: PyTensor | null, what = 'key_padding_mask'): void {
  if (mask !== null && mask.dtype !== 'bool' && mask.dtype !== 'float32' && mask.dtype !== 'float64') {
    throw pyError('AssertionError', `only bool and floating types of ${what} are supported`);
  }
}

/** _mha_shape_check: whether the query is batched, with PyTorch's messages for the ranks it refuses. */
function isBatched(c: AttentionCall): boolean {
  const { query, key, value, keyPaddingMask: kpm, attnMask: mask } = c;
  const rank = query.shape.length;
  if (rank !== 2 && rank !== 3) throw pyError('AssertionError', `query should be unbatched 2D or batched 3D tensor but received ${rank}-D query tensor`);
  const [kind, batched] = rank === 3 ? ['batched (3-D)', true] : ['unbatched (2-D)', false];
  assert(key.shape.length === rank && value.shape.length === rank,
    `For ${kind} \`query\`, expected \`key\` and \`value\` to be ${rank}-D but found ${key.shape.length}-D and ${value.shape.length}-D tensors respectively`);
  if (kpm !== null) {
    assert(kpm.shape.length === rank - 1, `For ${kind} \`query\`, expected \`key_padding_mask\` to be \`None\` or ${rank - 1}-D but found ${kpm.shape.length}-D tensor instead`);
  }
  if (mask !== null) {
    assert(mask.shape.length === 2 || mask.shape.length === 3, `For ${kind} \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${mask.shape.length}-D tensor instead`);
    if (!batched && mask.shape.length === 3) {
      const expected = [c.numHeads, query.shape[0], key.shape[0]];
      assert(sameShape(mask.shape, expected), `Expected \`attn_mask\` shape to be ${tuple(expected)} but got ${sizeRepr(mask.shape)}`);
    }
  }
  return batched;
}

/** _in_projection_packed and _in_projection: q, k, v projected, sharing one product where the inputs are the same tensor. */
function inProjection(c: AttentionCall, query: PyTensor, key: PyTensor, value: PyTensor, ctx: HostContext): PyTensor[] {
  const rt = query.rt;
  const b = c.inProjBias;
  if (c.separate !== null) {
    const [wq, wk, wv] = c.separate;
    const [bq, bk, bv] = b === null ? [null, null, null] : chunk(b, 3, 0, ctx);
    const [eq, ek, ev] = [query, key, value].map((x) => x.shape[x.shape.length - 1]);
    for (const [what, w, width] of [['query', wq, eq], ['key', wk, ek], ['value', wv, ev]] as const) {
      assert(sameShape(w.shape, [eq, width]), `expecting ${what} weights shape of ${tuple([eq, width])}, but got ${sizeRepr(w.shape)}`);
    }
    for (const [what, bias] of [['query', bq], ['key', bk], ['value', bv]] as const) {
      assert(bias === null || sameShape(bias.shape, [eq]), `expecting ${what} bias shape of ${tuple([eq])}, but got ${sizeRepr(bias?.shape ?? [])}`);
    }
    return [linear(rt, query, wq, bq), linear(rt, key, wk, bk), linear(rt, value, wv, bv)];
  }
  if (c.inProjWeight === null) throw pyError('AssertionError', 'use_separate_proj_weight is False but in_proj_weight is None');
  const w = c.inProjWeight;
  const e = query.shape[query.shape.length - 1];
  if (key === value) {
    if (query === key) return chunk(linear(rt, query, w, b), 3, -1, ctx);
    const [wq, wkv] = split(w, [e, 2 * e], ctx);
    const [bq, bkv] = b === null ? [null, null] : split(b, [e, 2 * e], ctx);
    return [linear(rt, query, wq, bq), ...chunk(linear(rt, key, wkv, bkv), 2, -1, ctx)];
  }
  const [wq, wk, wv] = chunk(w, 3, 0, ctx);
  const [bq, bk, bv] = b === null ? [null, null, null] : chunk(b, 3, 0, ctx);
  return [linear(rt, query, wq, bq), linear(rt, key, wk, bk), linear(rt, value, wv, bv)];
}

function chunk(x: PyTensor, n: number, dim: number, ctx: HostContext): PyTensor[] {
  return iterTensors(call(x, 'chunk', [int(n)], ctx, new Map([['dim', int(dim)]])));
}

function iterTensors(v: PyTensor | PyValue): PyTensor[] {
  return (v as PyTuple).items as PyTensor[];
}

function split(x: PyTensor, sizes: number[], ctx: HostContext): PyTensor[] {
  return iterTensors(call(x, 'split', [new PyList(sizes.map(int))], ctx));
}

/** multi_head_attention_forward: (attn_output, attn_output_weights or None). */
export function multiHeadAttentionForward(c: AttentionCall, ctx: HostContext): [PyTensor, PyTensor | null] {
  const rt = c.query.rt;
  const batched = isBatched(c);
  let [query, key, value] = [c.query, c.key, c.value];
  let kpm = c.keyPaddingMask;
  if (!batched) {
    // Identity is kept: `query is key` decides the packed projection below.
    const lifted = new Map<PyTensor, PyTensor>();
    const lift = (x: PyTensor) => lifted.get(x) ?? lifted.set(x, T.unsqueeze(x, 1)).get(x)!;
    [query, key, value] = [lift(query), lift(key), lift(value)];
    if (kpm !== null) kpm = T.unsqueeze(kpm, 0);
  }
  const [tgtLen, bsz, embedDim] = query.shape;
  let srcLen = key.shape[0];
  checkPaddingMaskType(kpm);
  assert(embedDim === c.embedDimToCheck, `was expecting embedding dimension of ${c.embedDimToCheck}, but got ${embedDim}`);
  const headDim = Math.floor(embedDim / c.numHeads);
  assert(headDim * c.numHeads === embedDim, `embed_dim ${embedDim} not divisible by num_heads ${c.numHeads}`);
  if (c.separate !== null) {
    assert(sameShape(key.shape.slice(0, 2), value.shape.slice(0, 2)), `key's sequence and batch dims ${sizeRepr(key.shape.slice(0, 2))} do not match value's ${sizeRepr(value.shape.slice(0, 2))}`);
  } else {
    assert(sameShape(key.shape, value.shape), `key shape ${sizeRepr(key.shape)} does not match value shape ${sizeRepr(value.shape)}`);
  }
  let [q, k, v] = inProjection(c, query, key, value, ctx);

  let mask = c.attnMask;
  if (mask !== null) {
    if (mask.dtype !== 'bool' && mask.dtype !== 'float32' && mask.dtype !== 'float64') {
      throw pyError('AssertionError', `Only float, byte, and bool types are supported for attn_mask, not torch.${mask.dtype}`);
    }
    if (mask.shape.length === 2) {
      if (!sameShape(mask.shape, [tgtLen, srcLen])) throw pyError('RuntimeError', `The shape of the 2D attn_mask is ${sizeRepr(mask.shape)}, but should be ${tuple([tgtLen, srcLen])}.`);
      mask = T.unsqueeze(mask, 0);
    } else if (mask.shape.length === 3) {
      const size = [bsz * c.numHeads, tgtLen, srcLen];
      if (!sameShape(mask.shape, size)) throw pyError('RuntimeError', `The shape of the 3D attn_mask is ${sizeRepr(mask.shape)}, but should be ${tuple(size)}.`);
    } else {
      throw pyError('RuntimeError', `attn_mask's dimension ${mask.shape.length} is not supported`);
    }
  }

  if (c.biasK !== null && c.biasV !== null) {
    k = T.cat(rt, [k, call(c.biasK, 'repeat', [int(1), int(bsz), int(1)], ctx)], 0);
    v = T.cat(rt, [v, call(c.biasV, 'repeat', [int(1), int(bsz), int(1)], ctx)], 0);
    if (mask !== null) mask = constantPad(mask, [0, 1], 0);
    if (kpm !== null) kpm = constantPad(kpm, [0, 1], 0);
  } else {
    assert(c.biasK === null, '');
    assert(c.biasV === null, '');
  }

  const heads = (x: PyTensor, length: number) => T.transpose(call(call(x, 'contiguous', [], ctx), 'view', [int(length), int(bsz * c.numHeads), int(headDim)], ctx), 0, 1);
  q = heads(q, tgtLen);
  k = heads(k, k.shape[0]);
  v = heads(v, v.shape[0]);

  if (c.addZeroAttn) {
    const zeros = (like: PyTensor) => rt.fromValues(new Float64Array(bsz * c.numHeads * headDim), [bsz * c.numHeads, 1, headDim], like.dtype);
    k = T.cat(rt, [k, zeros(k)], 1);
    v = T.cat(rt, [v, zeros(v)], 1);
    if (mask !== null) mask = constantPad(mask, [0, 1], 0);
    if (kpm !== null) kpm = constantPad(kpm, [0, 1], 0);
  }
  srcLen = k.shape[1];

  if (kpm !== null) {
    assert(sameShape(kpm.shape, [bsz, srcLen]), `expecting key_padding_mask shape of ${tuple([bsz, srcLen])}, but got ${sizeRepr(kpm.shape)}`);
    const perHead = call(T.expand(call(kpm, 'view', [int(bsz), int(1), int(1), int(srcLen)], ctx), [-1, c.numHeads, -1, -1]), 'reshape', [int(bsz * c.numHeads), int(1), int(srcLen)], ctx);
    if (mask === null) mask = perHead;
    else if (mask.dtype === 'bool') mask = call(mask, 'logical_or', [perHead], ctx);
    // NB: PyTorch 1.13's masked_fill leaves a tensor as it is under a float mask, so a float
    // key_padding_mask beside a float attn_mask changes nothing there; so here.
    else if (perHead.dtype === 'bool') mask = call(mask, 'masked_fill', [perHead, -Infinity], ctx);
  }
  if (mask !== null && mask.dtype === 'bool') {
    const zeros = rt.fromValues(new Float64Array(mask.numel), [...mask.shape], q.dtype);
    mask = call(zeros, 'masked_fill_', [mask, -Infinity], ctx);
  }

  const p = c.training ? c.dropoutP : 0;
  const scaled = arith(rt, 'div', q, Math.sqrt(q.shape[2]));
  const keysT = T.transpose(k, 1, 2);
  let weights = mask !== null ? call(mask, 'baddbmm', [scaled, keysT], ctx) : call(scaled, 'bmm', [keysT], ctx);
  weights = T.softmax(weights, 2, false, null);
  if (p > 0) weights = dropout(rt, weights, p, true, false);
  let out = call(weights, 'bmm', [v], ctx);
  out = call(call(T.transpose(out, 0, 1), 'contiguous', [], ctx), 'view', [int(tgtLen * bsz), int(embedDim)], ctx);
  out = linear(rt, out, c.outProjWeight, c.outProjBias);
  out = call(out, 'view', [int(tgtLen), int(bsz), int(out.shape[1])], ctx);
  if (!c.needWeights) return [batched ? out : T.squeeze(out, 1), null];
  weights = call(weights, 'view', [int(bsz), int(c.numHeads), int(tgtLen), int(srcLen)], ctx);
  if (c.averageAttnWeights) weights = arith(rt, 'div', T.sum(weights, [1], false, null), c.numHeads);
  if (!batched) return [T.squeeze(out, 1), T.squeeze(weights, 0)];
  return [out, weights];
}

const SIGNATURE = [
  'query', 'key', 'value', 'embed_dim_to_check', 'num_heads', 'in_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v',
  'add_zero_attn', 'dropout_p', 'out_proj_weight', 'out_proj_bias', 'training?', 'key_padding_mask?', 'need_weights?',
  'attn_mask?', 'use_separate_proj_weight?', 'q_proj_weight?', 'k_proj_weight?', 'v_proj_weight?', 'static_k?', 'static_v?',
  'average_attn_weights?',
];

export const ATTENTION_FUNCTIONS: Readonly<Record<string, Fn>> = {
  multi_head_attention_forward: (rt: TorchRuntime, args, kwargs, ctx) => {
    const a = bindArgs('multi_head_attention_forward', SIGNATURE, args, kwargs, ctx);
    const tensor = (name: string) => asTensor(rt, a.required(name), ctx, name);
    const optional = (name: string) => {
      const v = a.opt(name);
      return v === undefined || v === null ? null : asTensor(rt, v, ctx, name);
    };
    for (const name of ['static_k', 'static_v']) {
      if (optional(name) !== null) throw pyError('NotImplementedError', `multi_head_attention_forward(${name}=...) is not supported by Gradlens: project the keys and values with the weights instead`);
    }
    const separate = a.bool('use_separate_proj_weight', false);
    const projections = ['q_proj_weight', 'k_proj_weight', 'v_proj_weight'].map((name) => {
      const w = optional(name);
      if (separate) assert(w !== null, `use_separate_proj_weight is True but ${name} is None`);
      return w;
    });
    const [query, key, value] = [tensor('query'), tensor('key'), tensor('value')];
    return rt.composite(() => new PyTuple(multiHeadAttentionForward({
      query, key, value,
      embedDimToCheck: Number(toIndex(a.required('embed_dim_to_check'), ctx)),
      numHeads: Number(toIndex(a.required('num_heads'), ctx)),
      inProjWeight: optional('in_proj_weight'),
      inProjBias: optional('in_proj_bias'),
      biasK: optional('bias_k'),
      biasV: optional('bias_v'),
      addZeroAttn: truthy(a.required('add_zero_attn'), ctx),
      dropoutP: toFloat(a.required('dropout_p'), ctx),
      outProjWeight: tensor('out_proj_weight'),
      outProjBias: optional('out_proj_bias'),
      training: a.bool('training', true),
      keyPaddingMask: optional('key_padding_mask'),
      needWeights: a.bool('need_weights', true),
      attnMask: optional('attn_mask'),
      separate: separate ? (projections as [PyTensor, PyTensor, PyTensor]) : null,
      averageAttnWeights: a.bool('average_attn_weights', true),
    }, ctx)));
  },
};
