/**
 * torch.nn's lazy modules as PyTorch 1.13 has them (torch/nn/modules/lazy.py and the Lazy classes
 * of linear.py, conv.py and batchnorm.py): `nn.LazyLinear(256)` is its base class built with zero
 * sizes (`Linear(0, 0, False)`, which draws nothing), its parameters UninitializedParameters, and a
 * forward pre-hook, registered first, that on the first call reads the sizes from the input,
 * materializes each parameter in place (an optimizer made before keeps stepping the same object),
 * runs reset_parameters (drawing from the generator at that moment, as PyTorch does) and turns the
 * module into its `cls_to_become` (`Linear`).
 */
import { type Args, type HostContext, type Kwargs, PyBuiltin, pyError, PyInstance, type PyTuple, PyType, type PyValue, iterate, setattr, truthy, typeName, warn } from '../../interpreter';
import { TorchDType } from '../dtype';
import { TorchSize } from '../size';
import { PyTensor, type TorchRuntime } from '../tensor';
import { tensorAttr } from './layer';
import { instantiate, method, stateOf } from './module';
import { registerForwardPreHook } from './module_hooks';
import { uninitialized, type UninitializedTypes } from './uninitialized_params';

const LAZY_WARNING = 'Lazy modules are a new feature under heavy development so changes to the API or functionality can happen at any moment.';
/** The line of torch/nn/modules/lazy.py that warns: one place, so the default filters show it once a run. */
const LAZY_WARNING_LINE = 180;

/** LazyModuleMixin.has_uninitialized_params: any of the module's own parameters or buffers uninitialized. */
export function hasUninitializedParams(self: PyInstance): boolean {
  const s = stateOf(self);
  return [...s.params.values(), ...s.buffers.values()].some((t) => t !== null && t.uninitialized !== null);
}

/** What one family of lazy modules does beyond LazyModuleMixin. */
interface LazyFamily {
  /** The lazy class's `__init__` parameters, after self. */
  readonly init: readonly string[];
  /** The keywords its base's `__init__` is called with: zero sizes, no parameters to draw. */
  baseArguments(a: Args): Kwargs;
  /** The uninitialized parameters and buffers, and the sizes the script gave, as the lazy class's `__init__` sets them. */
  declare(self: PyInstance, a: Args, make: LazyTensors, ctx: HostContext): void;
  /** The size reset_parameters waits for (`in_features`): while it is 0 there is nothing to draw. */
  readonly size: string;
  /** initialize_parameters' sizes from the first input, and each parameter and buffer materialized. */
  materialize(self: PyInstance, input: PyTensor, ctx: HostContext): void;
}

/** The tensors a lazy class's `__init__` makes, of the dtype it was given. */
interface LazyTensors {
  parameter(): PyTensor;
  buffer(): PyTensor;
  /** `torch.tensor(0, dtype=torch.long)`, a batch count. */
  count(): PyTensor;
}

/** The keywords `a` holds of `names` (the ones the script gave), for the base's `__init__`. */
function given(a: Args, names: readonly string[], fixed: Record<string, PyValue>): Kwargs {
  const out: Kwargs = new Map(Object.entries(fixed));
  for (const n of names) {
    const v = a.get(n);
    if (v !== undefined) out.set(n, v);
  }
  return out;
}

function dim(shape: readonly number[], i: number): number {
  const d = shape[i < 0 ? shape.length + i : i];
  if (d === undefined) throw pyError('IndexError', 'tuple index out of range');
  return d;
}

const LINEAR: LazyFamily = {
  init: ['out_features', 'bias?', 'device?', 'dtype?'],
  baseArguments: () => new Map<string, PyValue>([['in_features', 0n], ['out_features', 0n], ['bias', false]]),
  declare(self, a, make, ctx) {
    setattr(self, 'weight', make.parameter(), ctx);
    setattr(self, 'out_features', BigInt(a.int('out_features')), ctx);
    if (a.bool('bias', true)) setattr(self, 'bias', make.parameter(), ctx);
  },
  size: 'in_features',
  materialize(self, input, ctx) {
    const fin = dim(input.shape, -1);
    setattr(self, 'in_features', BigInt(fin), ctx);
    const fout = Number(ctx.getattr(self, 'out_features'));
    tensorAttr(self, 'weight', ctx)!.materialize([fout, fin]);
    tensorAttr(self, 'bias', ctx)?.materialize([fout]);
  },
};

/** _LazyConvXdMixin over Conv{spatial}d or ConvTranspose{spatial}d. */
function convFamily(spatial: number, transposed: boolean): LazyFamily {
  const init = transposed
    ? ['out_channels', 'kernel_size', 'stride?', 'padding?', 'output_padding?', 'groups?', 'bias?', 'dilation?', 'padding_mode?', 'device?', 'dtype?']
    : ['out_channels', 'kernel_size', 'stride?', 'padding?', 'dilation?', 'groups?', 'bias?', 'padding_mode?', 'device?', 'dtype?'];
  const options = init.map((n) => n.replace('?', '')).filter((n) => !['out_channels', 'bias', 'device', 'dtype'].includes(n));
  return {
    init,
    baseArguments: (a) => given(a, options, { in_channels: 0n, out_channels: 0n, bias: false }),
    declare(self, a, make, ctx) {
      setattr(self, 'weight', make.parameter(), ctx);
      setattr(self, 'out_channels', BigInt(a.int('out_channels')), ctx);
      if (a.bool('bias', true)) setattr(self, 'bias', make.parameter(), ctx);
    },
    size: 'in_channels',
    materialize(self, input, ctx) {
      // _get_in_channels: an unbatched input has its channels first.
      const rank = input.shape.length;
      if (rank !== spatial + 1 && rank !== spatial + 2) {
        throw pyError('RuntimeError', `Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${self.cls.name}, but got input of size: ${new TorchSize(input.shape).repr()}`);
      }
      const cin = input.shape[rank === spatial + 2 ? 1 : 0];
      setattr(self, 'in_channels', BigInt(cin), ctx);
      const groups = Number(ctx.getattr(self, 'groups'));
      if (cin % groups !== 0) throw pyError('ValueError', 'in_channels must be divisible by groups');
      const cout = Number(ctx.getattr(self, 'out_channels'));
      const kernel = (ctx.getattr(self, 'kernel_size') as PyTuple).items.map(Number);
      tensorAttr(self, 'weight', ctx)!.materialize(transposed ? [cin, Math.floor(cout / groups), ...kernel] : [cout, Math.floor(cin / groups), ...kernel]);
      tensorAttr(self, 'bias', ctx)?.materialize([cout]);
    },
  };
}

/** _LazyNormBase over BatchNorm{1,2,3}d. */
const NORM: LazyFamily = {
  init: ['eps?', 'momentum?', 'affine?', 'track_running_stats?', 'device?', 'dtype?'],
  baseArguments: (a) => given(a, ['eps', 'momentum'], { num_features: 0n, affine: false, track_running_stats: false }),
  declare(self, a, make, ctx) {
    const affine = a.get('affine') ?? true;
    const track = a.get('track_running_stats') ?? true;
    setattr(self, 'affine', affine, ctx);
    setattr(self, 'track_running_stats', track, ctx);
    if (truthy(affine, ctx)) {
      setattr(self, 'weight', make.parameter(), ctx);
      setattr(self, 'bias', make.parameter(), ctx);
    }
    if (truthy(track, ctx)) {
      setattr(self, 'running_mean', make.buffer(), ctx);
      setattr(self, 'running_var', make.buffer(), ctx);
      setattr(self, 'num_batches_tracked', make.count(), ctx);
    }
  },
  size: 'num_features',
  materialize(self, input, ctx) {
    const c = dim(input.shape, 1);
    setattr(self, 'num_features', BigInt(c), ctx);
    for (const name of ['weight', 'bias', 'running_mean', 'running_var']) {
      const t = tensorAttr(self, name, ctx);
      if (t !== null && t.uninitialized !== null) t.materialize([c]);
    }
  },
};

/** LazyModuleMixin's own methods, which every lazy class inherits. */
function mixinType(): PyType {
  return new PyType('LazyModuleMixin', {
    module: 'torch.nn.modules.lazy',
    attrs: new Map<string, PyValue>([
      ['cls_to_become', null],
      ['has_uninitialized_params', method('has_uninitialized_params', [], (self) => hasUninitializedParams(self))],
      ['initialize_parameters', method('initialize_parameters', ['*args', '**kwargs'], (self) => {
        throw pyError('NotImplementedError', `initialize_parameters is not implemented for ${self.cls.name}`);
      })],
    ]),
  });
}

/**
 * LazyModuleMixin._infer_parameters, the forward pre-hook: initialize_parameters on the call's
 * input, then the hook removed and the module its `cls_to_become`.
 */
function inferParameters(module: PyValue, input: PyValue, ctx: HostContext): PyValue {
  if (!(module instanceof PyInstance)) throw pyError('TypeError', `_infer_parameters() needs a Module, not '${typeName(module)}'`);
  ctx.call(ctx.getattr(module, 'initialize_parameters'), [...iterate(input, ctx)]);
  if (hasUninitializedParams(module)) throw pyError('RuntimeError', `module ${module.cls.name} has not been fully initialized`);
  ctx.call(ctx.getattr(ctx.getattr(module, '_initialize_hook'), 'remove'), []);
  module.dict.delete('_initialize_hook');
  const become = ctx.getattr(module, 'cls_to_become');
  if (become instanceof PyType) module.cls = become;
  return null;
}

/** LazyModuleMixin._infer_parameters as the hook every lazy module registers. */
const INFER_PARAMETERS = new PyBuiltin('_infer_parameters', ([module, input], _kwargs, ctx) => inferParameters(module ?? null, input ?? null, ctx));

/** `name`, a lazy class over `base` (its `cls_to_become`) in PyTorch's module `module`. */
function lazyType(rt: TorchRuntime, types: UninitializedTypes, mixin: PyType, base: PyType, name: string, module: string, family: LazyFamily): PyType {
  const attrs = new Map<string, PyValue>();
  const cls = new PyType(name, { module, bases: [mixin, base], attrs });
  cls.construct = (args, kwargs, ctx) => instantiate(cls, args, kwargs, ctx);
  cls.instanceContents = base.instanceContents;
  // copy.deepcopy deep-copies the hook too, bound to the copy: the copy materializes on its own first forward.
  cls.deepCopyContents = (source, twin, copy) => {
    base.deepCopyContents?.(source, twin, copy);
    if (source.dict.has('_initialize_hook')) twin.dict.set('_initialize_hook', registerForwardPreHook(twin, INFER_PARAMETERS));
  };
  const baseInit = base.lookup('__init__')!;
  const baseReset = base.lookup('reset_parameters')!;
  attrs.set('cls_to_become', base);
  attrs.set('__init__', method('__init__', family.init, (self, a, ctx) => {
    ctx.call(baseInit, [self], family.baseArguments(a));
    // LazyModuleMixin.__init__: the hook that infers the sizes, registered before any the script adds.
    setattr(self, '_initialize_hook', ctx.call(ctx.getattr(self, 'register_forward_pre_hook'), [INFER_PARAMETERS]), ctx);
    warn(ctx, LAZY_WARNING, 'UserWarning', 'torch.nn.modules.lazy', LAZY_WARNING_LINE);
    const dtypeArg = a.opt('dtype');
    const dtype = dtypeArg instanceof TorchDType ? dtypeArg.name : 'float32';
    family.declare(self, a, {
      parameter: () => uninitialized(rt, types, true, true, dtype),
      buffer: () => uninitialized(rt, types, false, false, dtype),
      count: () => rt.fromValues([0], [], 'int64'),
    }, ctx);
    return null;
  }));
  attrs.set('reset_parameters', method('reset_parameters', [], (self, _a, ctx) => {
    if (!hasUninitializedParams(self) && Number(ctx.getattr(self, family.size)) !== 0) ctx.call(baseReset, [self]);
    return null;
  }));
  attrs.set('initialize_parameters', method('initialize_parameters', ['input'], (self, a, ctx) => {
    if (!hasUninitializedParams(self)) return null;
    const input = a.required('input');
    if (!(input instanceof PyTensor)) throw pyError('AttributeError', `'${typeName(input)}' object has no attribute 'shape'`);
    family.materialize(self, input, ctx);
    ctx.call(ctx.getattr(self, 'reset_parameters'), []);
    return null;
  }));
  return cls;
}

/** The lazy classes over the run's Linear, Conv and BatchNorm classes (`bases`, by name), and LazyModuleMixin. */
export function lazyTypes(rt: TorchRuntime, types: UninitializedTypes, bases: Readonly<Record<string, PyType>>): Record<string, PyType> {
  const mixin = mixinType();
  const out: Record<string, PyType> = {};
  const add = (base: string, module: string, family: LazyFamily) => (out[`Lazy${base}`] = lazyType(rt, types, mixin, bases[base], `Lazy${base}`, module, family));
  add('Linear', 'torch.nn.modules.linear', LINEAR);
  for (const spatial of [1, 2, 3]) {
    add(`Conv${spatial}d`, 'torch.nn.modules.conv', convFamily(spatial, false));
    add(`ConvTranspose${spatial}d`, 'torch.nn.modules.conv', convFamily(spatial, true));
  }
  for (const n of LAZY_NORMS) add(n, 'torch.nn.modules.batchnorm', NORM);
  return out;
}

const LAZY_NORMS = ['BatchNorm1d', 'BatchNorm2d'];

export const LAZY_NAMES = ['LazyLinear', ...[1, 2, 3].flatMap((n) => [`LazyConv${n}d`, `LazyConvTranspose${n}d`]), ...LAZY_NORMS.map((n) => `Lazy${n}`)];
