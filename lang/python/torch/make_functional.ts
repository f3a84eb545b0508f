/**
 * functorch 1.13's `make_functional(model)` and `make_functional_with_buffers(model)`: the model's
 * parameters (and buffers) as a tuple of fresh copies, and a `FunctionalModule` that runs the model
 * with the tensors it is given in their place: `fmodel(params, x)`, `fmodel(params, buffers, x)`.
 * A tensor shared by several names (tied weights) is one entry, swapped in under all of them.
 * NB: functorch runs a deep copy of the model; this one runs the model itself with the tensors
 * swapped in and restored after, so calling `model.eval()` later reaches `fmodel` too.
 */
import {
  bindArgs, HostObject, hostType, type HostContext, type Kwargs, pyError, pyFunction, PyList, PyTuple, PyType, type PyValue, repr, truthy, typeName,
} from '../interpreter';
import { callWithTensors } from './func';
import { makeParameter, moduleState, namedModules } from './nn/module';
import { PyTensor, type TorchRuntime } from './tensor';

export const MAKE_FUNCTIONAL_NAMES = ['make_functional', 'make_functional_with_buffers'] as const;

const functionalTypes = {
  FunctionalModule: hostType('FunctionalModule', 'functorch._src.make_functional'),
  FunctionalModuleWithBuffers: hostType('FunctionalModuleWithBuffers', 'functorch._src.make_functional'),
};

/** Each distinct tensor of the table (params or buffers) and every name it goes by, in named_parameters order. */
function tiedNames(model: PyValue, which: 'params' | 'buffers'): { tensor: PyTensor; names: string[] }[] {
  const entries = new Map<PyTensor, string[]>();
  for (const [prefix, m] of namedModules(model as never)) {
    for (const [name, t] of moduleState(m)?.[which] ?? []) {
      if (t === null) continue;
      const full = prefix ? `${prefix}.${name}` : name;
      const names = entries.get(t);
      if (names) names.push(full);
      else entries.set(t, [full]);
    }
  }
  return [...entries].map(([tensor, names]) => ({ tensor, names }));
}

class FunctionalModule extends HostObject {
  constructor(
    private readonly kind: keyof typeof functionalTypes,
    private readonly model: PyValue,
    /** Per tensor slot (params first, then buffers): the names it is swapped in under. */
    private readonly slots: { names: string[] }[][],
  ) {
    super();
  }

  get pyType(): PyType {
    return functionalTypes[this.kind];
  }

  override getattr(name: string): PyValue | undefined {
    if (name === 'stateless_model') return this.model;
    return undefined;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    const groups = this.slots.length;
    if (args.length < groups) throw pyError('TypeError', `forward() missing ${groups - args.length} required positional argument${groups - args.length > 1 ? 's' : ''}: ${['params', 'buffers'].slice(args.length, groups).map((n) => `'${n}'`).join(' and ')}`);
    const tensors = new Map<string, PyValue>();
    this.slots.forEach((slots, g) => {
      const given = args[g];
      const items = given instanceof PyTuple || given instanceof PyList ? given.items : null;
      if (items === null) throw pyError('TypeError', `${g === 0 ? 'params' : 'buffers'} must be a tuple or list of Tensors, not ${typeName(given)}`);
      if (items.length !== slots.length) {
        throw pyError('ValueError', `${this.kind} expects ${slots.length} ${g === 0 ? 'parameters' : 'buffers'} (as make_functional returned them), got ${items.length}`);
      }
      slots.forEach(({ names }, k) => {
        for (const name of names) tensors.set(name, items[k]);
      });
    });
    return callWithTensors(this.model as never, tensors, ctx, () => ctx.call(this.model, args.slice(groups), kwargs));
  }

  override repr(ctx: HostContext): string {
    const inner = repr(this.model, ctx).split('\n').map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n');
    return `${this.kind}(\n  (stateless_model): ${inner}\n)`;
  }
}

export function makeFunctionalAttrs(rt: TorchRuntime): Record<(typeof MAKE_FUNCTIONAL_NAMES)[number], PyValue> {
  const copies = (entries: { tensor: PyTensor }[], asParameters: boolean, requiresGrad: (t: PyTensor) => boolean): PyTuple =>
    new PyTuple(entries.map(({ tensor }) => {
      const copy = rt.run(() => rt.wrap(rt.ops.bind('reshape', [tensor.t.detach()], { newSizes: tensor.shape }), tensor.dtype));
      return asParameters ? makeParameter(rt, copy, requiresGrad(tensor)) : copy;
    }));
  const make = (name: (typeof MAKE_FUNCTIONAL_NAMES)[number], withBuffers: boolean) => pyFunction(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, ['model', 'disable_autograd_tracking?'], args, kwargs, ctx);
    const model = a.required('model');
    if (!moduleState(model)) throw pyError('TypeError', `${name} expects an nn.Module, got ${typeName(model)}`);
    const disable = truthy(a.opt('disable_autograd_tracking') ?? false, ctx);
    const params = tiedNames(model, 'params');
    const buffers = tiedNames(model, 'buffers');
    if (!withBuffers && buffers.length > 0) {
      throw pyError('RuntimeError', 'make_functional(model): `model` has buffers. Please use make_functional_with_buffers(model) instead.');
    }
    const paramCopies = copies(params, true, (t) => !disable && t.t.requiresGrad);
    const fmodel = new FunctionalModule(withBuffers ? 'FunctionalModuleWithBuffers' : 'FunctionalModule', model, withBuffers ? [params, buffers] : [params]);
    return new PyTuple(withBuffers ? [fmodel, paramCopies, copies(buffers, false, () => false)] : [fmodel, paramCopies]);
  });
  return { make_functional: make('make_functional', false), make_functional_with_buffers: make('make_functional_with_buffers', true) };
}
