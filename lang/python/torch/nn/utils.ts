/**
 * `torch.nn.utils` as training loops call it: clip_grad_norm_ and clip_grad_value_ (PyTorch 1.13's
 * torch/nn/utils/clip_grad.py step for step: the total norm is the norm of the per-parameter norms,
 * the gradients scaled in place by min(max_norm / (total + 1e-6), 1)), and parameters_to_vector /
 * vector_to_parameters.
 */
import { bindArgs, createModule, type HostContext, iterate, type Kwargs, pyError, pyFunction, type PyModule, type PyValue, setattr, toFloat, typeName } from '../../interpreter';
import { arith } from '../arith';
import { PyTensor, type TorchRuntime } from '../tensor';
import * as T from '../tensor_ops';

export const NN_UTILS_NAMES = ['clip_grad_norm_', 'clip_grad_norm', 'clip_grad_value_', 'parameters_to_vector', 'vector_to_parameters', 'rnn'] as const;

function tensors(v: PyValue, ctx: HostContext): PyTensor[] {
  const items = v instanceof PyTensor ? [v] : [...iterate(v, ctx)];
  return items.map((p) => {
    if (!(p instanceof PyTensor)) throw pyError('TypeError', `expected an iterable of Tensors, got an item of type ${typeName(p)}`);
    return p;
  });
}

function method(ctx: HostContext, obj: PyValue, name: string, args: PyValue[], kwargs: Kwargs = new Map()): PyValue {
  return ctx.call(ctx.getattr(obj, name), args, kwargs);
}

/** `torch.nn.utils`, with `rnn` its torch.nn.utils.rnn. */
export function nnUtils(rt: TorchRuntime, rnn: PyModule): PyModule {
  const clipGradNorm = (fname: string) => pyFunction(fname, (args, kwargs, ctx) => {
    const a = bindArgs(fname, ['parameters', 'max_norm', 'norm_type?', 'error_if_nonfinite?', 'foreach?'], args, kwargs, ctx);
    const grads = tensors(a.required('parameters'), ctx).map((p) => ctx.getattr(p, 'grad')).filter((g): g is PyTensor => g instanceof PyTensor);
    const maxNorm = toFloat(a.required('max_norm'), ctx);
    const normType = toFloat(a.get('norm_type') ?? 2, ctx);
    if (grads.length === 0) return rt.fromValues([0], [], 'float32');
    const detached = grads.map((g) => method(ctx, g, 'detach', []) as PyTensor);
    const total = normType === Infinity
      ? (detached.length === 1 ? method(ctx, method(ctx, detached[0], 'abs', []), 'max', []) : method(ctx, T.stack(rt, detached.map((g) => method(ctx, method(ctx, g, 'abs', []), 'max', []) as PyTensor), 0), 'max', [])) as PyTensor
      : method(ctx, T.stack(rt, detached.map((g) => method(ctx, g, 'norm', [normType]) as PyTensor), 0), 'norm', [normType]) as PyTensor;
    const nonFinite = !Number.isFinite(total.float(ctx));
    if (a.bool('error_if_nonfinite', false) && nonFinite) {
      throw pyError('RuntimeError', `The total norm of order ${ctx.str(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
    }
    const coef = arith(rt, 'div', maxNorm, arith(rt, 'add', total, 1e-6));
    const clamped = method(ctx, coef, 'clamp', [], new Map([['max', 1.0]]));
    for (const g of detached) method(ctx, g, 'mul_', [clamped]);
    return total;
  });
  return createModule('torch.nn.utils', {
    rnn,
    clip_grad_norm_: clipGradNorm('clip_grad_norm_'),
    clip_grad_norm: clipGradNorm('clip_grad_norm'),
    clip_grad_value_: pyFunction('clip_grad_value_', (args, kwargs, ctx) => {
      const a = bindArgs('clip_grad_value_', ['parameters', 'clip_value', 'foreach?'], args, kwargs, ctx);
      const v = toFloat(a.required('clip_value'), ctx);
      for (const p of tensors(a.required('parameters'), ctx)) {
        const g = ctx.getattr(p, 'grad');
        if (g instanceof PyTensor) method(ctx, method(ctx, g, 'detach', []), 'clamp_', [], new Map([['min', -v], ['max', v]]));
      }
      return null;
    }),
    parameters_to_vector: pyFunction('parameters_to_vector', (args, kwargs, ctx) => {
      const ps = tensors(bindArgs('parameters_to_vector', ['parameters'], args, kwargs, ctx).required('parameters'), ctx);
      return T.cat(rt, ps.map((p) => method(ctx, p, 'view', [-1n]) as PyTensor), 0);
    }),
    vector_to_parameters: pyFunction('vector_to_parameters', (args, kwargs, ctx) => {
      const a = bindArgs('vector_to_parameters', ['vec', 'parameters'], args, kwargs, ctx);
      const vec = a.required('vec');
      if (!(vec instanceof PyTensor)) throw pyError('TypeError', `expected torch.Tensor, but got: ${typeName(vec)}`);
      let at = 0;
      for (const p of tensors(a.required('parameters'), ctx)) {
        const piece = method(ctx, method(ctx, vec, 'narrow', [0n, BigInt(at), BigInt(p.numel)]), 'view_as', [p]);
        setattr(p, 'data', ctx.getattr(piece, 'data'), ctx);
        at += p.numel;
      }
      return null;
    }),
  });
}
