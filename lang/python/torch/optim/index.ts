/** `torch.optim` and `torch.optim.lr_scheduler` for one run. */
import { createModule, type PyModule } from '../../interpreter';
import type { TorchRuntime } from '../tensor';
import { schedulerTypes } from './lr_scheduler';
import { optimizerTypes } from './optimizer';

export function optimModules(rt: TorchRuntime): { optim: PyModule; lrScheduler: PyModule } {
  const lrScheduler = createModule('torch.optim.lr_scheduler', schedulerTypes());
  const optim = createModule('torch.optim', { ...optimizerTypes(rt), lr_scheduler: lrScheduler });
  return { optim, lrScheduler };
}

export const OPTIM_NAMES = ['Optimizer', 'SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'lr_scheduler'];
export const SCHEDULER_NAMES = ['_LRScheduler', 'StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'LambdaLR', 'OneCycleLR'];
