/**
 * The autograd extensions beside `torch.autograd`'s grad and grad modes: `torch.autograd.Function`
 * and `torch.autograd.function`, the legacy `Variable`, `torch.autograd.functional`, and the function
 * transforms of `torch.func` (`functorch` in PyTorch 1.13). Each module is listed once here with its
 * exports, and module.ts registers them all.
 */
import { bindArgs, createModule, PyModule, pyError, PyType, type PyValue, truthy, typeName } from '../interpreter';
import { functionTypes } from './autograd_function';
import { AUTOGRAD_FUNCTIONAL_NAMES, autogradFunctionalAttrs } from './autograd_functional';
import { FORWARD_AD_NAMES, forwardAdAttrs } from './forward_ad';
import { FUNCTORCH_NAMES, FUNC_NAMES, funcAttrs } from './func';
import { GRADCHECK_NAMES, gradcheckAttrs } from './gradcheck';
import { MAKE_FUNCTIONAL_NAMES, makeFunctionalAttrs } from './make_functional';
import { PyTensor, type TorchRuntime } from './tensor';

/** Each module's exports, for the analyzer. */
export const AUTOGRAD_MODULES = {
  'torch.autograd.function': ['Function', 'FunctionCtx', 'once_differentiable'],
  'torch.autograd.variable': ['Variable'],
  'torch.autograd.functional': AUTOGRAD_FUNCTIONAL_NAMES,
  'torch.autograd.forward_ad': FORWARD_AD_NAMES,
  'torch.autograd.gradcheck': GRADCHECK_NAMES,
  'torch.func': FUNC_NAMES,
  functorch: [...FUNCTORCH_NAMES, ...MAKE_FUNCTIONAL_NAMES],
} as const;

export type AutogradModule = keyof typeof AUTOGRAD_MODULES;

/** What `torch.autograd` itself gains. */
export const AUTOGRAD_EXTENSION_NAMES = ['Function', 'Variable', 'function', 'variable', 'functional', 'forward_ad', 'gradcheck', 'gradgradcheck'] as const;

/** `torch.autograd.Variable(data, requires_grad=False)`: a new tensor over `data`'s memory, cut from its graph. */
function variableType(rt: TorchRuntime): PyType {
  const Variable = new PyType('Variable', { module: 'torch.autograd.variable' });
  Variable.construct = (args, kwargs, ctx) => {
    const a = bindArgs('Variable', ['data?', 'requires_grad?', 'volatile?'], args, kwargs, ctx);
    const data = a.opt('data');
    if (data === undefined) return rt.fromValues([], [0], 'float32');
    if (!(data instanceof PyTensor)) throw pyError('TypeError', `Variable data has to be a tensor, but got ${typeName(data)}`);
    const requiresGrad = truthy(a.opt('requires_grad') ?? false, ctx);
    return rt.run(() => {
      const out = rt.wrap(data.t.detach(), data.dtype);
      out.t.requiresGrad = requiresGrad;
      return out;
    });
  };
  Variable.instanceCheck = (v) => v instanceof PyTensor;
  return Variable;
}

export function autogradExtensions(rt: TorchRuntime): { attrs: Record<(typeof AUTOGRAD_EXTENSION_NAMES)[number], PyValue>; modules: Record<AutogradModule, PyModule> } {
  const { Function, FunctionCtx, once_differentiable } = functionTypes(rt);
  const Variable = variableType(rt);
  const func = funcAttrs(rt, 'torch.func');
  const functorch = funcAttrs(rt, 'functorch');
  const checks = gradcheckAttrs(rt);
  const modules: Record<AutogradModule, PyModule> = {
    'torch.autograd.function': createModule('torch.autograd.function', { Function, FunctionCtx, once_differentiable }),
    'torch.autograd.variable': createModule('torch.autograd.variable', { Variable }),
    'torch.autograd.functional': createModule('torch.autograd.functional', autogradFunctionalAttrs(rt)),
    'torch.autograd.forward_ad': createModule('torch.autograd.forward_ad', forwardAdAttrs(rt)),
    'torch.autograd.gradcheck': createModule('torch.autograd.gradcheck', checks),
    'torch.func': createModule('torch.func', func),
    // PyTorch 1.13's name for torch.func, without functional_call (torch.nn.utils.stateless has it there).
    functorch: createModule('functorch', { ...Object.fromEntries(FUNCTORCH_NAMES.map((n) => [n, functorch[n]])), ...makeFunctionalAttrs(rt) }),
  };
  return {
    attrs: { Function, Variable, function: modules['torch.autograd.function'], variable: modules['torch.autograd.variable'], functional: modules['torch.autograd.functional'], forward_ad: modules['torch.autograd.forward_ad'],
      // NB: torch.autograd.gradcheck is the function, as in PyTorch (its module is reached by import).
      gradcheck: checks.gradcheck, gradgradcheck: checks.gradgradcheck },
    modules,
  };
}
