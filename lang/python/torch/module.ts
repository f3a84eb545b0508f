/**
 * The `torch` module and its submodules (`torch.autograd`, `torch.nn`, `torch.nn.functional`,
 * `torch.cuda`), built once per run over the engine the caller gives.
 */
import type { EagerEngine } from '../../../runtime/eager';
import { bindArgs, opFunction, pyError, type HostContext, createModule, type ModuleRegistry, type ModuleShim, PyList, PyModule, PyTuple, type NativeFn, type PyValue, typeName } from '../interpreter';
import { acceleratorModules, BACKENDS_NAMES, CUDA_NAMES, SETTINGS_NAMES } from './accelerators';
import { ACTIVATION_FUNCTION_NAMES, ACTIVATION_FUNCTIONS } from './activation_functions';
import { asTensor } from './arith';
import { intoOut } from './out';
import { AUTOGRAD_FUNCTION_NAMES, GRAD_MODE_NAMES, autogradFunctions, gradModeFactories } from './autograd';
import { AUTOGRAD_EXTENSION_NAMES, AUTOGRAD_MODULES, type AutogradModule, autogradExtensions } from './autograd_modules';
import { CREATORS, tensorFromData } from './creation';
import { DEVICE_TYPE } from './device';
import { DTYPE_ALIASES, dtypeType, LACKING_DTYPE_ALIASES } from './dtype';
import { FUNCTIONAL_NAMES, functionalAttrs } from './functional';
import { JOINING_NAMES, joiningFunctions } from './joining';
import { LINALG_FACTORIZATION_NAMES, linalgFactorizations } from './linalg';
import { LINALG_NORM_NAMES, linalgNorms } from './linalg_norms';
import { MATRIX_FUNCTIONS } from './triangular';
import { INIT_NAMES, NN_NAMES, NN_UTILS_NAMES, nnAttrs, RNN_UTILS_NAMES } from './nn';
import { OPTIM_NAMES, SCHEDULER_NAMES, optimModules } from './optim';
import { DATA_NAMES, dataAttrs } from './data';
import { TENSOR_METHODS, TORCH_FUNCTION_NAMES } from './methods';
import { acceptingNumpyKeywordsAs } from './numpy_keywords';
import { serializationFunctions } from './serialization';
import { printOptionFunctions } from './print_options';
import { TorchSize, sizeType } from './size';
import { RANDOM_CREATORS, RANDOM_NAMES, randomAttrs } from './random';
import { whereNonzero } from './selection';
import { tensordotFunction } from './blas';
import { cdistFunction } from './distances';
import { einsumFunction } from './einsum';
import { momentFunctions } from './statistics';
import { SPECIAL_MODULE_NAMES, SPECIAL_ONLY } from './special';
import { followOperands, PyTensor, TorchRuntime, type Method } from './tensor';
import { TENSOR_BEHAVIOUR } from './tensor_behaviour';
import * as T from './tensor_ops';
import { legacyTensorTypes, UNSUPPORTED_TENSOR_TYPES } from './tensor_types';
import { refusingUninitialized } from './uninitialized_arguments';
import { torchFunctionName } from './uninitialized';

export interface TorchModules {
  readonly runtime: TorchRuntime;
  readonly torch: PyModule;
  readonly autograd: PyModule;
  readonly nn: PyModule;
  readonly functional: PyModule;
  readonly init: PyModule;
  readonly nnUtils: PyModule;
  readonly nnRnnUtils: PyModule;
  readonly optim: PyModule;
  readonly lrScheduler: PyModule;
  readonly utils: PyModule;
  readonly data: PyModule;
  readonly cuda: PyModule;
  readonly backends: PyModule;
  readonly cudnn: PyModule;
  readonly mps: PyModule;
  readonly special: PyModule;
  readonly linalg: PyModule;
  /** `torch.autograd.function`, `torch.func`, `functorch` and the other autograd_modules.ts modules, by name. */
  readonly autogradModules: Record<AutogradModule, PyModule>;
}

function tensorList(v: PyValue, rt: TorchRuntime, ctx: HostContext, fname: string): PyTensor[] {
  if (!(v instanceof PyList || v instanceof PyTuple)) throw pyError('TypeError', `${fname}(): argument 'tensors' must be tuple of Tensors, not ${typeName(v)}`);
  return v.items.map((x) => asTensor(rt, x, ctx, 'tensors'));
}

function buildModules(engine: EagerEngine, ctx: HostContext, numpy: ModuleShim | undefined): TorchModules {
  const rt = new TorchRuntime(engine, ctx, TENSOR_BEHAVIOUR);
  if (numpy) rt.numpyModule = () => numpy.create(ctx);
  // The torch functions are ops: they keep none of their arguments.
  const fn = (name: string, f: NativeFn) => opFunction(name, acceptingNumpyKeywordsAs(name, refusingUninitialized(name, torchFunctionName, f)));
  const attrs: Record<string, PyValue> = { ...DTYPE_ALIASES, ...LACKING_DTYPE_ALIASES, ...gradModeFactories(rt) };
  for (const [name, create] of Object.entries({ ...CREATORS, ...RANDOM_CREATORS, ...MATRIX_FUNCTIONS })) attrs[name] = fn(name, (args, kwargs, c) => create(rt, args, kwargs, c));
  Object.assign(attrs, randomAttrs(rt), legacyTensorTypes(rt), joiningFunctions(rt));
  const torchFunction = (name: string, method: Method) => fn(name, (args, kwargs, c) => {
    const input = kwargs.get('input') ?? args[0];
    if (input === undefined) throw pyError('TypeError', `${name}() missing 1 required positional argument: 'input'`);
    const rest = kwargs.has('input') ? args : args.slice(1);
    const kw = new Map(kwargs);
    kw.delete('input');
    const out = kw.get('out');
    kw.delete('out');
    const call = () => method(asTensor(rt, input, c, 'input'), rest, kw, c);
    return out === undefined || out === null ? call() : intoOut(rt, name, [input, ...rest, ...kw.values()], out, call, c);
  });
  for (const name of TORCH_FUNCTION_NAMES) attrs[name] = torchFunction(name, TENSOR_METHODS[name]);
  for (const name of ACTIVATION_FUNCTION_NAMES) attrs[name] = fn(name, (args, kwargs, c) => ACTIVATION_FUNCTIONS[name](rt, args, kwargs, c));
  const methodsAndSpecial: Readonly<Record<string, Method>> = { ...TENSOR_METHODS, ...SPECIAL_ONLY };
  const special = createModule('torch.special', Object.fromEntries(SPECIAL_MODULE_NAMES.map((name) => [name, torchFunction(name, methodsAndSpecial[name])])));
  attrs.special = special;
  const linalg = createModule('torch.linalg', Object.fromEntries(Object.entries({ ...linalgFactorizations(rt), ...linalgNorms(rt) }).map(([name, f]) => [name, fn(name, f)])));
  attrs.linalg = linalg;
  const cat: NativeFn = (args, kwargs, c) => {
    const a = bindArgs('cat', ['tensors', 'dim?', '*', 'out?'], args, kwargs, c);
    const call = () => T.cat(rt, tensorList(a.required('tensors'), rt, c, 'cat'), a.int('dim', 0));
    const out = a.opt('out');
    return out === undefined || out === null ? call() : intoOut(rt, 'cat', [a.required('tensors')], out, call, c);
  };
  Object.assign(attrs, {
    Tensor: rt.tensorType,
    Size: sizeType,
    dtype: dtypeType,
    cat: fn('cat', cat),
    concat: fn('concat', cat),
    concatenate: fn('concatenate', cat),
    stack: fn('stack', (args, kwargs, c) => {
      const a = bindArgs('stack', ['tensors', 'dim?', '*', 'out?'], args, kwargs, c);
      const call = () => T.stack(rt, tensorList(a.required('tensors'), rt, c, 'stack'), a.int('dim', 0));
      const out = a.opt('out');
      return out === undefined || out === null ? call() : intoOut(rt, 'stack', [a.required('tensors')], out, call, c);
    }),
    where: fn('where', (args, kwargs, c) => {
      const a = bindArgs('where', ['condition', 'input?', 'other?'], args, kwargs, c);
      if (!a.has('input') && !a.has('other')) return whereNonzero(rt, a.required('condition'), c);
      const cond = asTensor(rt, a.required('condition'), c, 'condition');
      const x = a.required('input');
      const y = a.required('other');
      // A Python number takes the other operand's dtype, as PyTorch's scalar rules say.
      const xt = x instanceof PyTensor || !(y instanceof PyTensor) ? asTensor(rt, x, c) : tensorFromData(rt, x, y.dtype, c);
      const yt = y instanceof PyTensor ? y : tensorFromData(rt, y, xt.dtype, c);
      return followOperands(T.where(rt, cond, xt, yt), [cond, xt, yt]);
    }),
    ...Object.fromEntries(Object.entries(momentFunctions(rt)).map(([name, f]) => [name, fn(name, f)])),
    einsum: fn('einsum', (args, kwargs, c) => einsumFunction(rt, args, kwargs, c)),
    cdist: fn('cdist', (args, kwargs, c) => cdistFunction(rt, args, kwargs, c)),
    tensordot: fn('tensordot', (args, kwargs, c) => tensordotFunction(rt, args, kwargs, c)),
    is_tensor: fn('is_tensor', (args) => args[0] instanceof PyTensor),
    is_floating_point: fn('is_floating_point', (args, kwargs, c) => TENSOR_METHODS.is_floating_point(asTensor(rt, args[0], c), [], kwargs, c)),
    get_default_dtype: fn('get_default_dtype', () => DTYPE_ALIASES.float32),
    ...printOptionFunctions(rt),
    device: DEVICE_TYPE,
    ...Object.fromEntries(Object.entries(serializationFunctions(rt)).map(([name, f]) => [name, fn(name, f)])),
    __version__: '1.13.0',
  });
  const extensions = autogradExtensions(rt);
  const autograd = createModule('torch.autograd', { ...autogradFunctions(rt), ...gradModeFactories(rt), ...extensions.attrs });
  const functional = createModule('torch.nn.functional', functionalAttrs(rt));
  const nnParts = nnAttrs(rt, functional);
  const nn = createModule('torch.nn', { functional, ...nnParts.nn });
  const accelerators = acceleratorModules();
  Object.assign(attrs, accelerators.settings);
  attrs.backends = accelerators.backends;
  const cuda = accelerators.cuda;
  attrs.autograd = autograd;
  attrs.func = extensions.modules['torch.func'];
  attrs.nn = nn;
  const { optim, lrScheduler } = optimModules(rt);
  attrs.optim = optim;
  const data = createModule('torch.utils.data', dataAttrs(rt));
  const utils = createModule('torch.utils', { data });
  attrs.utils = utils;
  attrs.cuda = cuda;
  return { runtime: rt, torch: createModule('torch', attrs), autograd, nn, functional, init: nnParts.init, nnUtils: nnParts.utils, nnRnnUtils: nnParts.rnnUtils, optim, lrScheduler, utils, data, cuda, backends: accelerators.backends, cudnn: accelerators.cudnn, mps: accelerators.mps, special, linalg, autogradModules: extensions.modules };
}

const LINALG_NAMES = [...LINALG_FACTORIZATION_NAMES, ...LINALG_NORM_NAMES];

/** The names the analyzer may check scripts against. */
const TORCH_EXPORTS = [
  ...Object.keys(DTYPE_ALIASES), ...Object.keys(LACKING_DTYPE_ALIASES), ...GRAD_MODE_NAMES, ...Object.keys(CREATORS), ...UNSUPPORTED_TENSOR_TYPES,
  ...TORCH_FUNCTION_NAMES, ...ACTIVATION_FUNCTION_NAMES, ...RANDOM_NAMES, ...JOINING_NAMES, ...Object.keys(MATRIX_FUNCTIONS), 'Tensor', 'Size', 'dtype', 'cat', 'concat', 'concatenate', 'stack', 'where', 'tensordot', 'cdist', 'einsum', 'std_mean', 'var_mean', 'is_tensor', 'is_floating_point',
  'get_default_dtype', 'set_printoptions', 'device', 'save', 'load', 'autograd', 'func', 'nn', 'optim', 'utils', 'cuda', 'backends', ...SETTINGS_NAMES, 'special', 'linalg', '__version__',
];

/**
 * The module shims for `import torch` (and its submodules) over `engine`:
 *
 *   const engine = new EagerEngine(await createTfjsBackend('wasm'));
 *   const result = engine.tidy(() => run(source, { file, modules: torchModules(engine) }));
 *
 * One registry serves one run at a time: it keeps its per-run state in the run's context.
 * Wrapping run() in `engine.tidy` frees every tensor the script made when it ends.
 */
/** `numpy`, where the run has it, is what `Tensor.numpy()` makes its arrays with. */
export function torchModules(engine: EagerEngine, numpy?: ModuleShim): ModuleRegistry {
  return torchSession(engine, numpy).modules;
}

export interface TorchSession {
  readonly modules: ModuleRegistry;
  /** The per-run state of the shim in the run whose context is `ctx` (made on first use). */
  runtime(ctx: HostContext): TorchRuntime;
}

/** `torchModules`, with a way to reach the run's TorchRuntime (to wrap tensors made outside the script). */
export function torchSession(engine: EagerEngine, numpy?: ModuleShim): TorchSession {
  const key = {};
  const get = (ctx: HostContext): TorchModules => ctx.state(key, () => buildModules(engine, ctx, numpy));
  const shim = (pick: (m: TorchModules) => PyModule, exports: readonly string[]): ModuleShim => ({ create: (ctx) => pick(get(ctx)), exports });
  return {
    modules: {
      torch: shim((m) => m.torch, TORCH_EXPORTS),
      'torch.autograd': shim((m) => m.autograd, [...AUTOGRAD_FUNCTION_NAMES, ...GRAD_MODE_NAMES, ...AUTOGRAD_EXTENSION_NAMES]),
      ...Object.fromEntries(Object.entries(AUTOGRAD_MODULES).map(([name, exports]) => [name, shim((m) => m.autogradModules[name as AutogradModule], exports)])),
      'torch.nn': shim((m) => m.nn, NN_NAMES),
      'torch.nn.init': shim((m) => m.init, INIT_NAMES),
      'torch.nn.utils': shim((m) => m.nnUtils, NN_UTILS_NAMES),
      'torch.nn.utils.rnn': shim((m) => m.nnRnnUtils, RNN_UTILS_NAMES),
      'torch.optim': shim((m) => m.optim, OPTIM_NAMES),
      'torch.optim.lr_scheduler': shim((m) => m.lrScheduler, SCHEDULER_NAMES),
      'torch.utils': shim((m) => m.utils, ['data']),
      'torch.utils.data': shim((m) => m.data, DATA_NAMES),
      'torch.nn.functional': shim((m) => m.functional, FUNCTIONAL_NAMES),
      'torch.cuda': shim((m) => m.cuda, CUDA_NAMES),
      'torch.backends': shim((m) => m.backends, BACKENDS_NAMES),
      'torch.backends.cudnn': shim((m) => m.cudnn, ['enabled', 'benchmark', 'deterministic', 'allow_tf32', 'is_available', 'version']),
      'torch.backends.mps': shim((m) => m.mps, ['is_available', 'is_built']),
      'torch.special': shim((m) => m.special, SPECIAL_MODULE_NAMES),
      'torch.linalg': shim((m) => m.linalg, LINALG_NAMES),
    },
    runtime: (ctx) => get(ctx).runtime,
  };
}

export { TorchSize };
