/**
 * The legacy tensor types (`torch.FloatTensor`, `torch.LongTensor`, ...) as PyTorch 1.13 has them:
 * classes that make a tensor of their dtype (`torch.LongTensor([1, 2])`), that `isinstance` checks
 * by dtype as their metaclass does (`isinstance(p, torch.FloatTensor)` is true of every float32
 * tensor, a Parameter too, though `type(p)` is never one), and the names `x.type()` returns and
 * `x.type(...)` and `Module.type(...)` take. Their metaclass is `torch.tensortype`. The types of
 * dtypes Gradlens lacks (`torch.ByteTensor`, `torch.HalfTensor`, ...) exist so that old scripts'
 * isinstance checks answer (False: no Gradlens tensor has their dtype), and refuse to construct.
 */
import { objectType, pyError, PyType, type PyValue, typeType } from '../interpreter';
import { CREATORS, LEGACY_TENSOR_TYPES } from './creation';
import { DTYPES, LACKING_DTYPES, LackingDType, type LackingDTypeName, lackingTensorTypeMessage, TENSOR_TYPE_NAME, TorchDType, type TorchDTypeName } from './dtype';
import { PyTensor, type TorchRuntime } from './tensor';

type LegacyName = keyof typeof LEGACY_TENSOR_TYPES;

/** PyTorch's other CPU tensor types, whose dtypes Gradlens lacks, by name. */
const UNSUPPORTED: Readonly<Record<string, LackingDTypeName>> = Object.fromEntries(
  (Object.keys(LACKING_DTYPES) as LackingDTypeName[]).map((dtype) => [LACKING_DTYPES[dtype].tensorType, dtype]),
);

/** The names of those types, which `torch` exports. */
export const UNSUPPORTED_TENSOR_TYPES = Object.keys(UNSUPPORTED);

/** The metaclass of the legacy tensor types: `type(torch.FloatTensor)` is `<class 'torch.tensortype'>`. */
const tensortype = new PyType('tensortype', { module: 'torch', bases: [typeType] });

function unsupportedMessage(name: string): string {
  return lackingTensorTypeMessage(UNSUPPORTED[name]);
}

/** `x.type()`: `'torch.FloatTensor'` for a float32 CPU tensor. */
export function tensorTypeName(dtype: TorchDTypeName): string {
  return `torch.${TENSOR_TYPE_NAME[dtype]}`;
}

function isLegacyName(name: string): name is LegacyName {
  return Object.prototype.hasOwnProperty.call(LEGACY_TENSOR_TYPES, name);
}

/** The run's `torch.FloatTensor`, ... classes, and those of the dtypes Gradlens lacks. */
export function legacyTensorTypes(rt: TorchRuntime): Record<string, PyType> {
  const out: Record<string, PyType> = {};
  for (const [name, dtype] of Object.entries(LEGACY_TENSOR_TYPES) as [LegacyName, TorchDTypeName][]) {
    const type = new PyType(name, {
      module: 'torch',
      bases: [objectType],
      construct: (args, kwargs, ctx) => CREATORS[name](rt, args, kwargs, ctx),
      attrs: new Map<string, PyValue>([['dtype', DTYPES[dtype]], ['is_cuda', false], ['is_sparse', false]]),
    });
    type.instanceCheck = (v) => v instanceof PyTensor && v.dtype === dtype;
    type.metaclass = tensortype;
    out[name] = type;
  }
  for (const name of Object.keys(UNSUPPORTED)) {
    const type = new PyType(name, {
      module: 'torch',
      bases: [objectType],
      construct: () => {
        throw pyError('NotImplementedError', unsupportedMessage(name));
      },
      attrs: new Map<string, PyValue>([['is_cuda', false], ['is_sparse', false]]),
    });
    type.instanceCheck = () => false;
    type.metaclass = tensortype;
    out[name] = type;
  }
  return out;
}

/** What `x.type(t)` and `Module.type(t)` take: a dtype, a tensor type, or its name (`'torch.DoubleTensor'`). */
export function tensorTypeArg(v: PyValue): TorchDTypeName {
  if (v instanceof TorchDType) return v.name;
  if (v instanceof LackingDType) throw v.refusal();
  const name = v instanceof PyType && v.module === 'torch' ? `torch.${v.name}` : typeof v === 'string' ? v : null;
  if (name === null) {
    if (v instanceof PyType) throw pyError('ValueError', `invalid type: '${v.qualifiedName}'`);
    throw pyError('TypeError', 'dtype must be a type, str, or dtype object');
  }
  if (name.startsWith('torch.cuda.')) throw pyError('AssertionError', 'Torch not compiled with CUDA enabled');
  const short = name.startsWith('torch.') ? name.slice('torch.'.length) : '';
  if (isLegacyName(short)) return LEGACY_TENSOR_TYPES[short];
  if (Object.prototype.hasOwnProperty.call(UNSUPPORTED, short)) throw pyError('NotImplementedError', unsupportedMessage(short));
  throw pyError('ValueError', `invalid type: '${name}'`);
}
