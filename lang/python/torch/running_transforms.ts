/**
 * Which function transforms (functorch's, or torch.func's) are running: PyTorch refuses a custom
 * `autograd.Function` inside one (functorch 1.13 always; torch.func unless the Function has
 * `setup_context`), where Gradlens's tape would run it and give a number PyTorch never gives.
 */
import { pyError } from '../interpreter';
import type { TorchRuntime } from './tensor';

/** The module a transform was called from: PyTorch 1.13's `functorch`, or PyTorch 2.x's `torch.func`. */
export type TransformModule = 'functorch' | 'torch.func';

const RUNNING = new WeakMap<TorchRuntime, TransformModule[]>();

/** Runs `fn` as the body of a transform of `module` (the function it transforms runs inside). */
export function inTransform<R>(rt: TorchRuntime, module: TransformModule, fn: () => R): R {
  let stack = RUNNING.get(rt);
  if (!stack) RUNNING.set(rt, (stack = []));
  stack.push(module);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/** `Function.apply` inside a transform: PyTorch's RuntimeError, where PyTorch raises one. */
export function refuseFunctionInTransform(rt: TorchRuntime, hasSetupContext: boolean): void {
  const stack = RUNNING.get(rt);
  if (!stack || stack.length === 0) return;
  if (stack.includes('functorch')) {
    throw pyError('RuntimeError', 'functorch functions (vmap, grad, vjp, etc.) currently do not support the use of autograd.Function. '
      + 'Please rewrite your function to not use autograd.Function while we work on fixing this');
  }
  if (!hasSetupContext) {
    throw pyError('RuntimeError', 'In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, ...), it must override the setup_context staticmethod. '
      + 'For more details, please see https://pytorch.org/docs/master/notes/extending.func.html');
  }
}
