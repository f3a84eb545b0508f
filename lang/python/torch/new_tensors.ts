/**
 * Tensors made from a tensor (`x.new_zeros(n)`, `x.new_tensor(data)`: x's dtype unless `dtype=`
 * says otherwise, as a module's forward makes its buffers) and the dtype conversions PyTorch has as
 * methods beyond float/double/int/long/bool: `type_as`, and refusals, at the line, of the ones whose
 * dtypes Gradlens lacks (`half()`, `byte()`, ...), never a silent conversion to another dtype.
 */
import { bindArgs, type Args, pyError, type HostContext, PyList, PyTuple, type PyValue, typeName } from '../interpreter';
import { asTensor } from './arith';
import { dtypeArg, filled, finish, numberOf, sizeArgs, tensorFromData } from './creation';
import { LACKING_DTYPES, type LackingDTypeName, lackingCastMessage, type TorchDTypeName } from './dtype';
import { PyTensor, type Method } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

const OPTIONS = ['dtype?', 'device?', 'requires_grad?', 'layout?', 'pin_memory?'];

function dtypeOr(x: PyTensor, a: Args): TorchDTypeName {
  return dtypeArg(a.get('dtype')) ?? x.dtype;
}

/** `x.new_zeros(2, 3)`, `x.new_zeros((2, 3))`, `x.new_zeros(size=(2, 3))`: filled with `value`. */
function newFilled(name: string, value: number): Method {
  return def(name, ['*size', 'size?', '*', ...OPTIONS], (x, a, ctx) => {
    const shape = sizeArgs(a.has('size') ? [a.required('size')] : a.rest, ctx, name);
    return finish(x.rt, filled(x.rt, shape, value, dtypeOr(x, a)), a);
  });
}

/** `x.half()`, `x.byte()`, ...: the conversions to dtypes Gradlens lacks, refused at the line. */
function lackingCast(dtype: LackingDTypeName): Method {
  return () => {
    throw pyError('NotImplementedError', lackingCastMessage(dtype));
  };
}

/**
 * The legacy `x.new(...)`: a list or tuple is data, ints or a torch.Size a shape (zeros, as
 * new_empty here), nothing an empty tensor; always x's dtype, never requiring grad.
 */
const legacyNew: Method = (x, args, kwargs, ctx) => {
  const a = bindArgs('new', ['*args', '*', 'device?'], args, kwargs, ctx);
  const one = a.rest.length === 1 ? a.rest[0] : undefined;
  const rt = x.rt;
  if (one instanceof PyTensor) throw pyError('NotImplementedError', 'Tensor.new(tensor) shares its argument\'s memory, which Gradlens does not do here; use tensor.detach() (or x.new_tensor(tensor) for a copy)');
  if (one instanceof PyList || one instanceof PyTuple) return finish(rt, tensorFromData(rt, one, x.dtype, ctx), a);
  const shape = a.rest.length === 0 ? [0] : sizeArgs(a.rest, ctx, 'new');
  return finish(rt, filled(rt, shape, 0, x.dtype), a);
};

export const NEW_TENSOR_METHODS: Readonly<Record<string, Method>> = {
  new: legacyNew,
  new_zeros: newFilled('new_zeros', 0),
  new_ones: newFilled('new_ones', 1),
  // NB: PyTorch leaves an empty tensor's memory as it was; Gradlens fills it with zeros, as its torch.empty does.
  new_empty: newFilled('new_empty', 0),
  new_full: def('new_full', ['size', 'fill_value', '*', ...OPTIONS], (x, a, ctx) => {
    const fill = a.required('fill_value');
    if (!(typeof fill === 'bigint' || typeof fill === 'number' || typeof fill === 'boolean' || fill instanceof PyTensor)) {
      throw pyError('TypeError', `new_full(): argument 'fill_value' (position 2) must be Number, not ${typeName(fill)}`);
    }
    const shape = sizeArgs([a.required('size')], ctx, 'new_full');
    return finish(x.rt, filled(x.rt, shape, numberOf(fill, ctx), dtypeOr(x, a)), a);
  }),
  new_tensor: def('new_tensor', ['data', '*', ...OPTIONS], (x, a, ctx) => finish(x.rt, tensorFromData(x.rt, a.required('data'), dtypeOr(x, a), ctx), a)),
  type_as: def('type_as', ['other'], (x, a, ctx) => T.toDType(x, asTensor(x.rt, a.required('other'), ctx, 'other').dtype)),
  ...Object.fromEntries((Object.keys(LACKING_DTYPES) as LackingDTypeName[]).map((dtype) => [LACKING_DTYPES[dtype].method, lackingCast(dtype)])),
};
