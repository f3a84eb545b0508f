/**
 * The layers of torch.nn with parameters or modes (Linear, Bilinear, Embedding, EmbeddingBag, Dropout,
 * BatchNorm, LayerNorm) and the reshaping ones (Identity, Flatten, Unflatten), initialised as
 * PyTorch initialises them and printed with PyTorch's extra_repr.
 */
import { type HostContext, type Kwargs, pyError, PyInstance, PyTuple, PyType, type PyValue, toIndex } from '../../interpreter';
import { asTensor } from '../arith';
import { FUNCTIONS } from '../functional';
import type { TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';
import { fillNormal, fillUniform } from './draws';
import { kaimingUniformBound } from './init';
import { attr, layerType, newParameter, setPlain, tensorAttr } from './layer';
import { assignValues } from './module';

const int = (v: number) => BigInt(v);

/** `self.name` as text in an extra_repr: Python's str of the value. */
function show(self: PyInstance, name: string, ctx: HostContext): string {
  return ctx.str(attr(self, name, ctx));
}

function callF(rt: TorchRuntime, name: string, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  return FUNCTIONS[name](rt, args, kwargs, ctx);
}

export function layerTypes(rt: TorchRuntime, Module: PyType): Record<string, PyType> {
  const Linear = layerType(Module, 'Linear', 'torch.nn.modules.linear', {
    init: ['in_features', 'out_features', 'bias?', 'device?', 'dtype?'],
    setup(self, a, ctx) {
      const fin = a.int('in_features');
      const fout = a.int('out_features');
      setPlain(self, 'in_features', int(fin));
      setPlain(self, 'out_features', int(fout));
      newParameter(rt, self, 'weight', [fout, fin], ctx);
      if (a.bool('bias', true)) newParameter(rt, self, 'bias', [fout], ctx);
      else ctx.call(ctx.getattr(self, 'register_parameter'), ['bias', null]);
      // As Linear.__init__, through self: a subclass's (LazyLinear's) reset_parameters runs in its place.
      ctx.call(ctx.getattr(self, 'reset_parameters'), []);
    },
    methods: {
      // kaiming_uniform_(a=sqrt(5)), then the bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
      reset_parameters(self, _args, _kwargs, ctx) {
        const w = tensorAttr(self, 'weight', ctx)!;
        const b = tensorAttr(self, 'bias', ctx);
        const fin = w.shape[1];
        fillUniform(w, -kaimingUniformBound(fin, Math.sqrt(5)), kaimingUniformBound(fin, Math.sqrt(5)));
        if (b) {
          const bound = fin > 0 ? 1 / Math.sqrt(fin) : 0;
          fillUniform(b, -bound, bound);
        }
        return null;
      },
    },
    forward(self, args, kwargs, ctx) {
      const x = asTensor(rt, args[0] ?? kwargs.get('input') ?? null, ctx, 'input');
      return callF(rt, 'linear', [x, tensorAttr(self, 'weight', ctx), tensorAttr(self, 'bias', ctx)], new Map(), ctx);
    },
    extraRepr: (self, ctx) => `in_features=${show(self, 'in_features', ctx)}, out_features=${show(self, 'out_features', ctx)}, bias=${tensorAttr(self, 'bias', ctx) !== null ? 'True' : 'False'}`,
  });

  const Bilinear = layerType(Module, 'Bilinear', 'torch.nn.modules.linear', {
    init: ['in1_features', 'in2_features', 'out_features', 'bias?', 'device?', 'dtype?'],
    setup(self, a, ctx) {
      const [in1, in2, out] = [a.int('in1_features'), a.int('in2_features'), a.int('out_features')];
      setPlain(self, 'in1_features', int(in1));
      setPlain(self, 'in2_features', int(in2));
      setPlain(self, 'out_features', int(out));
      const bound = 1 / Math.sqrt(in1);
      fillUniform(newParameter(rt, self, 'weight', [out, in1, in2], ctx), -bound, bound);
      if (a.bool('bias', true)) fillUniform(newParameter(rt, self, 'bias', [out], ctx), -bound, bound);
      else ctx.call(ctx.getattr(self, 'register_parameter'), ['bias', null]);
    },
    forward: (self, args, _kwargs, ctx) => callF(rt, 'bilinear', [args[0], args[1], tensorAttr(self, 'weight', ctx), tensorAttr(self, 'bias', ctx)], new Map(), ctx),
    extraRepr: (self, ctx) =>
      `in1_features=${show(self, 'in1_features', ctx)}, in2_features=${show(self, 'in2_features', ctx)}, out_features=${show(self, 'out_features', ctx)}, bias=${tensorAttr(self, 'bias', ctx) !== null ? 'True' : 'False'}`,
  });

  const Identity = layerType(Module, 'Identity', 'torch.nn.modules.linear', {
    init: ['*args', '**kwargs'],
    forward: (_self, args) => args[0],
  });

  const Flatten = layerType(Module, 'Flatten', 'torch.nn.modules.flatten', {
    init: ['start_dim?', 'end_dim?'],
    setup(self, a) {
      setPlain(self, 'start_dim', int(a.int('start_dim', 1)));
      setPlain(self, 'end_dim', int(a.int('end_dim', -1)));
    },
    forward(self, args, _kwargs, ctx) {
      const x = asTensor(rt, args[0] ?? null, ctx, 'input');
      return T.flatten(x, Number(toIndex(attr(self, 'start_dim', ctx), ctx)), Number(toIndex(attr(self, 'end_dim', ctx), ctx)));
    },
    extraRepr: (self, ctx) => `start_dim=${show(self, 'start_dim', ctx)}, end_dim=${show(self, 'end_dim', ctx)}`,
  });

  const Unflatten = layerType(Module, 'Unflatten', 'torch.nn.modules.flatten', {
    init: ['dim', 'unflattened_size'],
    setup(self, a) {
      setPlain(self, 'dim', int(a.int('dim')));
      const size = a.ints('unflattened_size');
      if (!size) throw pyError('TypeError', 'unflattened_size must be tuple of ints');
      setPlain(self, 'unflattened_size', new PyTuple(size.map(int)));
    },
    forward(self, args, _kwargs, ctx) {
      const x = asTensor(rt, args[0] ?? null, ctx, 'input');
      const dim = T.axis(x, Number(toIndex(attr(self, 'dim', ctx), ctx)));
      const size = (attr(self, 'unflattened_size', ctx) as PyTuple).items.map((v) => Number(toIndex(v, ctx)));
      if (!size.includes(-1) && size.reduce((p, d) => p * d, 1) !== x.shape[dim]) {
        throw pyError('RuntimeError', `unflatten: Provided sizes [${size.join(', ')}] don't multiply up to the size of dim ${dim} (${x.shape[dim]}) in the input tensor`);
      }
      const shape = [...x.shape.slice(0, dim), ...size, ...x.shape.slice(dim + 1)];
      return T.reshape(x, T.inferShape(x, shape), 'ViewBackward0');
    },
    extraRepr: (self, ctx) => `dim=${show(self, 'dim', ctx)}, unflattened_size=${ctx.repr(attr(self, 'unflattened_size', ctx))}`,
  });

  const Embedding = layerType(Module, 'Embedding', 'torch.nn.modules.sparse', {
    init: ['num_embeddings', 'embedding_dim', 'padding_idx?', 'max_norm?', 'norm_type?', 'scale_grad_by_freq?', 'sparse?', '_weight?', 'device?', 'dtype?'],
    setup(self, a, ctx) {
      const n = a.int('num_embeddings');
      const d = a.int('embedding_dim');
      let pad = a.opt('padding_idx') === undefined ? null : a.int('padding_idx');
      if (pad !== null) {
        if (pad >= n || pad < -n) throw pyError('AssertionError', 'Padding_idx must be within num_embeddings');
        if (pad < 0) pad += n;
      }
      setPlain(self, 'num_embeddings', int(n));
      setPlain(self, 'embedding_dim', int(d));
      setPlain(self, 'padding_idx', pad === null ? null : int(pad));
      setPlain(self, 'max_norm', a.opt('max_norm') ?? null);
      setPlain(self, 'norm_type', a.get('norm_type') ?? 2.0);
      setPlain(self, 'scale_grad_by_freq', a.bool('scale_grad_by_freq', false));
      setPlain(self, 'sparse', a.bool('sparse', false));
      const w = newParameter(rt, self, 'weight', [n, d], ctx);
      fillNormal(w, 0, 1);
      if (pad !== null) {
        const rows = w.values().map((v, i) => (Math.floor(i / d) === pad ? 0 : v));
        w.rt.run(() => w.rt.engine.withGradMode(false, () => w.rt.engine.inPlace(w.t, () => w.rt.engine.fromValues(rows, [n, d], 'float32'))));
      }
    },
    forward(self, args, _kwargs, ctx) {
      const pad = attr(self, 'padding_idx', ctx);
      return callF(rt, 'embedding', [args[0] ?? null, tensorAttr(self, 'weight', ctx), pad], new Map(), ctx);
    },
    extraRepr(self, ctx) {
      let s = `${show(self, 'num_embeddings', ctx)}, ${show(self, 'embedding_dim', ctx)}`;
      if (attr(self, 'padding_idx', ctx) !== null) s += `, padding_idx=${show(self, 'padding_idx', ctx)}`;
      if (attr(self, 'max_norm', ctx) !== null) s += `, max_norm=${show(self, 'max_norm', ctx)}`;
      if (attr(self, 'scale_grad_by_freq', ctx) === true) s += ', scale_grad_by_freq=True';
      if (attr(self, 'sparse', ctx) === true) s += ', sparse=True';
      return s;
    },
  });

  const EmbeddingBag = layerType(Module, 'EmbeddingBag', 'torch.nn.modules.sparse', {
    init: ['num_embeddings', 'embedding_dim', 'max_norm?', 'norm_type?', 'scale_grad_by_freq?', 'mode?', 'sparse?', '_weight?', 'include_last_offset?', 'padding_idx?', 'device?', 'dtype?'],
    setup(self, a, ctx) {
      const n = a.int('num_embeddings');
      const d = a.int('embedding_dim');
      let pad = a.opt('padding_idx') === undefined || a.opt('padding_idx') === null ? null : a.int('padding_idx');
      if (pad !== null) {
        if (pad >= n || pad < -n) throw pyError('AssertionError', 'padding_idx must be within num_embeddings');
        if (pad < 0) pad += n;
      }
      setPlain(self, 'num_embeddings', int(n));
      setPlain(self, 'embedding_dim', int(d));
      setPlain(self, 'max_norm', a.opt('max_norm') ?? null);
      setPlain(self, 'norm_type', a.get('norm_type') ?? 2.0);
      setPlain(self, 'scale_grad_by_freq', a.bool('scale_grad_by_freq', false));
      setPlain(self, 'mode', a.opt('mode') ?? 'mean');
      setPlain(self, 'sparse', a.bool('sparse', false));
      setPlain(self, 'include_last_offset', a.bool('include_last_offset', false));
      setPlain(self, 'padding_idx', pad === null ? null : int(pad));
      const w = newParameter(rt, self, 'weight', [n, d], ctx);
      fillNormal(w, 0, 1);
      if (pad !== null) {
        const zeroed = w.values().map((v, i) => (Math.floor(i / d) === pad ? 0 : v));
        w.rt.run(() => w.rt.engine.withGradMode(false, () => w.rt.engine.inPlace(w.t, () => w.rt.engine.fromValues(zeroed, [n, d], 'float32'))));
      }
    },
    forward(self, args, kwargs, ctx) {
      const a = new Map(kwargs);
      const take = (i: number, name: string): PyValue => args[i] ?? a.get(name) ?? null;
      return callF(rt, 'embedding_bag', [take(0, 'input'), tensorAttr(self, 'weight', ctx), take(1, 'offsets')], new Map<string, PyValue>([
        ['mode', attr(self, 'mode', ctx)], ['per_sample_weights', take(2, 'per_sample_weights')],
        ['include_last_offset', attr(self, 'include_last_offset', ctx)], ['padding_idx', attr(self, 'padding_idx', ctx)],
      ]), ctx);
    },
    extraRepr(self, ctx) {
      let s = `${show(self, 'num_embeddings', ctx)}, ${show(self, 'embedding_dim', ctx)}`;
      if (attr(self, 'max_norm', ctx) !== null) s += `, max_norm=${show(self, 'max_norm', ctx)}`;
      if (attr(self, 'norm_type', ctx) !== 2 && attr(self, 'norm_type', ctx) !== 2n) s += `, norm_type=${show(self, 'norm_type', ctx)}`;
      if (attr(self, 'scale_grad_by_freq', ctx) === true) s += ', scale_grad_by_freq=True';
      s += `, mode=${show(self, 'mode', ctx)}`;
      if (attr(self, 'padding_idx', ctx) !== null) s += `, padding_idx=${show(self, 'padding_idx', ctx)}`;
      return s;
    },
  });

  /** A _DropoutNd: forward is F.`functional`(input, p, training[, inplace]) (the alpha ones pass no inplace). */
  const dropoutLike = (name: string, functional: string, passesInplace = true) =>
    layerType(Module, name, 'torch.nn.modules.dropout', {
      init: ['p?', 'inplace?'],
      setup(self, a, ctx) {
        const p = a.get('p') ?? 0.5;
        const pv = a.float('p', 0.5);
        if (pv < 0 || pv > 1) throw pyError('ValueError', `dropout probability has to be between 0 and 1, but got ${ctx.str(p)}`);
        setPlain(self, 'p', p);
        setPlain(self, 'inplace', a.bool('inplace', false));
      },
      forward: (self, args, _kwargs, ctx) => callF(rt, functional, [args[0] ?? null, attr(self, 'p', ctx), attr(self, 'training', ctx), ...(passesInplace ? [attr(self, 'inplace', ctx)] : [])], new Map(), ctx),
      extraRepr: (self, ctx) => `p=${show(self, 'p', ctx)}, inplace=${show(self, 'inplace', ctx)}`,
    });

  const batchNorm = (name: string, ranks: readonly number[]) =>
    layerType(Module, name, 'torch.nn.modules.batchnorm', {
      init: ['num_features', 'eps?', 'momentum?', 'affine?', 'track_running_stats?', 'device?', 'dtype?'],
      setup(self, a, ctx) {
        const c = a.int('num_features');
        setPlain(self, 'num_features', int(c));
        setPlain(self, 'eps', a.get('eps') ?? 1e-5);
        setPlain(self, 'momentum', a.has('momentum') ? a.get('momentum')! : 0.1);
        const affine = a.bool('affine', true);
        const track = a.bool('track_running_stats', true);
        setPlain(self, 'affine', affine);
        setPlain(self, 'track_running_stats', track);
        const register = ctx.getattr(self, 'register_parameter');
        if (affine) {
          newParameter(rt, self, 'weight', [c], ctx);
          newParameter(rt, self, 'bias', [c], ctx);
        } else {
          ctx.call(register, ['weight', null]);
          ctx.call(register, ['bias', null]);
        }
        const buffer = ctx.getattr(self, 'register_buffer');
        if (track) {
          ctx.call(buffer, ['running_mean', rt.fromValues(new Float64Array(c), [c], 'float32')]);
          ctx.call(buffer, ['running_var', rt.fromValues(new Float64Array(c).fill(1), [c], 'float32')]);
          ctx.call(buffer, ['num_batches_tracked', rt.fromValues([0], [], 'int64')]);
        } else {
          for (const b of ['running_mean', 'running_var', 'num_batches_tracked']) ctx.call(buffer, [b, null]);
        }
        // As _NormBase.__init__, through self: a subclass's (LazyBatchNorm2d's) reset_parameters runs in its place.
        ctx.call(ctx.getattr(self, 'reset_parameters'), []);
      },
      methods: {
        // _NormBase.reset_parameters: the running statistics reset (mean 0, variance 1, no batches), weight 1 and bias 0.
        reset_parameters(self, _args, _kwargs, ctx) {
          const fill = (name: string, value: number) => {
            const t = tensorAttr(self, name, ctx);
            if (t) assignValues(t, new Float64Array(t.numel).fill(value));
          };
          if (attr(self, 'track_running_stats', ctx) === true) {
            fill('running_mean', 0);
            fill('running_var', 1);
            fill('num_batches_tracked', 0);
          }
          if (attr(self, 'affine', ctx) === true) {
            fill('weight', 1);
            fill('bias', 0);
          }
          return null;
        },
      },
      forward(self, args, _kwargs, ctx) {
        const x = asTensor(rt, args[0] ?? null, ctx, 'input');
        if (!ranks.includes(x.shape.length)) {
          throw pyError('ValueError', `expected ${ranks.length === 2 ? '2D or 3D' : '4D'} input (got ${x.shape.length}D input)`);
        }
        const training = attr(self, 'training', ctx) === true;
        const track = attr(self, 'track_running_stats', ctx) === true;
        let factor = attr(self, 'momentum', ctx);
        const tracked = tensorAttr(self, 'num_batches_tracked', ctx);
        if (training && track && tracked) {
          const n = tracked.values()[0] + 1;
          tracked.rt.run(() => tracked.rt.engine.inPlace(tracked.t, (old) => tracked.rt.ops.full(old.shape, n, old.dtype)));
          if (factor === null) factor = 1 / n;
        }
        const useBatch = training || !track;
        const runMean = !training || track ? tensorAttr(self, 'running_mean', ctx) : null;
        const runVar = !training || track ? tensorAttr(self, 'running_var', ctx) : null;
        return callF(rt, 'batch_norm', [x, runMean, runVar, tensorAttr(self, 'weight', ctx), tensorAttr(self, 'bias', ctx), useBatch, factor ?? 0, attr(self, 'eps', ctx)], new Map(), ctx);
      },
      extraRepr: (self, ctx) =>
        `${show(self, 'num_features', ctx)}, eps=${show(self, 'eps', ctx)}, momentum=${show(self, 'momentum', ctx)}, affine=${show(self, 'affine', ctx)}, track_running_stats=${show(self, 'track_running_stats', ctx)}`,
    });

  const LayerNorm = layerType(Module, 'LayerNorm', 'torch.nn.modules.normalization', {
    init: ['normalized_shape', 'eps?', 'elementwise_affine?', 'device?', 'dtype?'],
    setup(self, a, ctx) {
      const shape = a.ints('normalized_shape') ?? [];
      setPlain(self, 'normalized_shape', new PyTuple(shape.map(int)));
      setPlain(self, 'eps', a.get('eps') ?? 1e-5);
      const affine = a.bool('elementwise_affine', true);
      setPlain(self, 'elementwise_affine', affine);
      if (affine) {
        const w = newParameter(rt, self, 'weight', shape, ctx);
        w.rt.run(() => w.rt.engine.withGradMode(false, () => w.rt.engine.inPlace(w.t, (old) => w.rt.ops.onesLike(old))));
        newParameter(rt, self, 'bias', shape, ctx);
      } else {
        const register = ctx.getattr(self, 'register_parameter');
        ctx.call(register, ['weight', null]);
        ctx.call(register, ['bias', null]);
      }
    },
    forward: (self, args, _kwargs, ctx) =>
      callF(rt, 'layer_norm', [args[0] ?? null, attr(self, 'normalized_shape', ctx), tensorAttr(self, 'weight', ctx), tensorAttr(self, 'bias', ctx), attr(self, 'eps', ctx)], new Map(), ctx),
    extraRepr: (self, ctx) => `${ctx.repr(attr(self, 'normalized_shape', ctx))}, eps=${show(self, 'eps', ctx)}, elementwise_affine=${show(self, 'elementwise_affine', ctx)}`,
  });

  return {
    Linear,
    Bilinear,
    Identity,
    Flatten,
    Unflatten,
    Embedding,
    EmbeddingBag,
    Dropout: dropoutLike('Dropout', 'dropout'),
    Dropout1d: dropoutLike('Dropout1d', 'dropout1d'),
    Dropout2d: dropoutLike('Dropout2d', 'dropout2d'),
    Dropout3d: dropoutLike('Dropout3d', 'dropout3d'),
    AlphaDropout: dropoutLike('AlphaDropout', 'alpha_dropout', false),
    FeatureAlphaDropout: dropoutLike('FeatureAlphaDropout', 'feature_alpha_dropout', false),
    BatchNorm1d: batchNorm('BatchNorm1d', [2, 3]),
    BatchNorm2d: batchNorm('BatchNorm2d', [4]),
    LayerNorm,
  };
}
