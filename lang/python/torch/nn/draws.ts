/**
 * The random draws torch.nn and torch.utils.data make (weight initialisation, dropout noise,
 * shuffling), each what the PyTorch function it stands for draws from the generator
 * (`Tensor.uniform_`, `Tensor.normal_`, `torch.randperm`), so a seeded script gets PyTorch's
 * initial weights and batch order.
 */
import { torchNormal, torchRandperm, torchUniform, type TorchGenerator } from '../../../../runtime/core';
import { pyError } from '../../interpreter';
import type { PyTensor } from '../tensor';
import { assignValues } from './module';

function floatKind(t: PyTensor, what: string): 'float32' | 'float64' {
  if (t.dtype === 'float32' || t.dtype === 'float64') return t.dtype;
  throw pyError('RuntimeError', `"${what}" not implemented for '${t.dtype === 'bool' ? 'Bool' : t.dtype === 'int32' ? 'Int' : 'Long'}'`);
}

/** `t.uniform_(low, high)` under no_grad. */
export function fillUniform(t: PyTensor, low: number, high: number): PyTensor {
  const rt = t.rt;
  const values = torchUniform(rt.rng, t.numel, floatKind(t, 'check_uniform_bounds'), low, high);
  assignValues(t, values);
  return t;
}

/** `t.normal_(mean, std)` under no_grad. */
export function fillNormal(t: PyTensor, mean: number, std: number): PyTensor {
  const rt = t.rt;
  const values = torchNormal(rt.rng, t.numel, floatKind(t, 'normal_kernel_cpu'), mean, std);
  assignValues(t, values);
  return t;
}

/** `torch.randperm(n, generator=g)`, as the RandomSampler of a shuffling DataLoader draws it. */
export function permutation(g: TorchGenerator, n: number): number[] {
  return Array.from(torchRandperm(g, n));
}
