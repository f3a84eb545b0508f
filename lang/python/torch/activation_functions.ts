/**
 * The activations PyTorch 1.13 also has at torch's top level (torch.selu, torch.celu_, torch.rrelu,
 * torch.hardshrink, torch.threshold_, torch.prelu) and as Tensor methods (x.hardshrink(0.2),
 * x.prelu(w)): each is torch.nn.functional's, so values, gradients, node names and refusals agree.
 * PyTorch has no Tensor.selu or torch.relu6: neither does this.
 */
import { type Fn, MORE_ACTIVATIONS } from './nn/functional_activations';
import type { Method } from './tensor';

export const ACTIVATION_FUNCTION_NAMES = ['selu', 'selu_', 'celu', 'celu_', 'rrelu', 'rrelu_', 'hardshrink', 'threshold', 'threshold_', 'prelu'] as const;

export const ACTIVATION_FUNCTIONS: { readonly [N in (typeof ACTIVATION_FUNCTION_NAMES)[number]]: Fn } = {
  selu: MORE_ACTIVATIONS.selu,
  selu_: MORE_ACTIVATIONS.selu_,
  celu: MORE_ACTIVATIONS.celu,
  celu_: MORE_ACTIVATIONS.celu_,
  rrelu: MORE_ACTIVATIONS.rrelu,
  rrelu_: MORE_ACTIVATIONS.rrelu_,
  hardshrink: MORE_ACTIVATIONS.hardshrink,
  threshold: MORE_ACTIVATIONS.threshold,
  threshold_: MORE_ACTIVATIONS.threshold_,
  prelu: MORE_ACTIVATIONS.prelu,
};

const asMethod = (f: Fn): Method => (x, args, kwargs, ctx) => f(x.rt, [x, ...args], kwargs, ctx);

export const ACTIVATION_METHODS: Readonly<Record<'hardshrink' | 'prelu', Method>> = {
  hardshrink: asMethod(MORE_ACTIVATIONS.hardshrink),
  prelu: asMethod(MORE_ACTIVATIONS.prelu),
};
