/**
 * torch dtypes, each stored as the runtime dtype of the same name. NB: the runtime's int64 is
 * exact within ±2**53 (runtime/core/dtype.ts INT64_EXACT_LIMIT): a value past it is refused at
 * the line (errors.ts `checkIntegers`, and the kernels for results), never wrapped or rounded.
 */
import { promoteTypes, type DType } from '../../../runtime/core';
import { HostObject, hostType, type HostContext, type PyError, pyError, type PyValue } from '../interpreter';

export type TorchDTypeName = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const STORAGE: { readonly [D in TorchDTypeName]: DType } = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** Bytes PyTorch would take per element: what the byte budget charges. */
export const ITEM_SIZE: { readonly [D in TorchDTypeName]: number } = { float32: 4, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

/** ATen's ScalarType names, as PyTorch's dtype errors say them (`expected scalar type Float but found Double`). */
export const SCALAR_TYPE: { readonly [D in TorchDTypeName]: string } = {
  float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool',
};

export function isFloating(d: TorchDTypeName): boolean {
  return d === 'float32' || d === 'float64';
}

/** `torch.dtype`: the type of every dtype object, those Gradlens lacks included. */
export const dtypeType = hostType('dtype', 'torch');

/** What each of PyTorch's dtypes that Gradlens lacks is, and the nearest dtype Gradlens has. */
interface Lacking {
  /** Its other names in `torch` (`torch.half`). */
  readonly aliases: readonly string[];
  /** Its legacy tensor type (`torch.HalfTensor`) and its conversion method (`x.half()`). */
  readonly tensorType: string;
  readonly method: string;
  readonly instead: TorchDTypeName;
  readonly kind: 'float' | 'complex' | 'int';
  readonly signed: boolean;
  readonly itemsize: number;
}

export const LACKING_DTYPES = {
  float16: { aliases: ['half'], tensorType: 'HalfTensor', method: 'half', instead: 'float32', kind: 'float', signed: true, itemsize: 2 },
  bfloat16: { aliases: [], tensorType: 'BFloat16Tensor', method: 'bfloat16', instead: 'float32', kind: 'float', signed: true, itemsize: 2 },
  complex64: { aliases: ['cfloat'], tensorType: 'ComplexFloatTensor', method: 'cfloat', instead: 'float32', kind: 'complex', signed: true, itemsize: 8 },
  complex128: { aliases: ['cdouble'], tensorType: 'ComplexDoubleTensor', method: 'cdouble', instead: 'float64', kind: 'complex', signed: true, itemsize: 16 },
} as const satisfies Readonly<Record<string, Lacking>>;

export type LackingDTypeName = keyof typeof LACKING_DTYPES;

const GRADLENS_DTYPES = '(its tensors are float32, float64, int64, int32, int16, int8, uint8 or bool)';

/** The conversion method to each dtype Gradlens has (`x.float()`). */
export const CAST_METHOD: { readonly [D in TorchDTypeName]: string } = {
  float32: 'float', float64: 'double', int64: 'long', int32: 'int', int16: 'short', int8: 'char', uint8: 'byte', bool: 'bool',
};

/**
 * A dtype PyTorch has and Gradlens lacks (`torch.float16`, `torch.uint8`): it prints, compares and
 * answers `is_floating_point` as PyTorch's; making or converting to a tensor of it is refused at
 * the line (`refusal`), never computed in another dtype.
 */
export class LackingDType extends HostObject {
  constructor(readonly name: LackingDTypeName) {
    super();
  }

  get pyType() {
    return dtypeType;
  }

  get spec(): Lacking {
    return LACKING_DTYPES[this.name];
  }

  override getattr(name: string): PyValue | undefined {
    if (name === 'is_floating_point') return this.spec.kind === 'float';
    if (name === 'is_complex') return this.spec.kind === 'complex';
    if (name === 'is_signed') return this.spec.signed;
    if (name === 'itemsize') return BigInt(this.spec.itemsize);
    return undefined;
  }

  override repr(_ctx: HostContext): string {
    return `torch.${this.name}`;
  }

  /** The error for a tensor of this dtype, naming the nearest dtype Gradlens has. */
  refusal(): PyError {
    return pyError('NotImplementedError', `${this.name} tensors are not supported by Gradlens ${GRADLENS_DTYPES}; use torch.${this.spec.instead}`);
  }
}

export const LACKING: { readonly [D in LackingDTypeName]: LackingDType } = Object.fromEntries(
  Object.keys(LACKING_DTYPES).map((name) => [name, new LackingDType(name as LackingDTypeName)]),
) as { readonly [D in LackingDTypeName]: LackingDType };

/** `torch.HalfTensor(...)`, `x.type('torch.HalfTensor')`: refused, naming the type to use. */
export function lackingTensorTypeMessage(dtype: LackingDTypeName): string {
  const spec: Lacking = LACKING_DTYPES[dtype];
  return `torch.${spec.tensorType} makes ${dtype} tensors, which Gradlens does not support ${GRADLENS_DTYPES}; use torch.${TENSOR_TYPE_NAME[spec.instead]}`;
}

/** `x.half()`, `x.byte()`: refused, naming the method to use. */
export function lackingCastMessage(dtype: LackingDTypeName): string {
  const spec: Lacking = LACKING_DTYPES[dtype];
  return `Tensor.${spec.method}() converts to ${dtype}, which Gradlens does not support ${GRADLENS_DTYPES}; use .${CAST_METHOD[spec.instead]}()`;
}

/** The legacy tensor type of each dtype Gradlens has (`torch.FloatTensor`). */
export const TENSOR_TYPE_NAME = {
  float32: 'FloatTensor',
  float64: 'DoubleTensor',
  int64: 'LongTensor',
  int32: 'IntTensor',
  int16: 'ShortTensor',
  int8: 'CharTensor',
  uint8: 'ByteTensor',
  bool: 'BoolTensor',
} as const satisfies { readonly [D in TorchDTypeName]: string };

export class TorchDType extends HostObject {
  constructor(readonly name: TorchDTypeName) {
    super();
  }

  get pyType() {
    return dtypeType;
  }

  override getattr(name: string): PyValue | undefined {
    if (name === 'is_floating_point') return isFloating(this.name);
    if (name === 'is_complex') return false;
    if (name === 'is_signed') return this.name !== 'uint8' && this.name !== 'bool';
    if (name === 'itemsize') return BigInt(ITEM_SIZE[this.name]);
    return undefined;
  }

  override repr(_ctx: HostContext): string {
    return `torch.${this.name}`;
  }
}

export const DTYPES: { readonly [D in TorchDTypeName]: TorchDType } = {
  float32: new TorchDType('float32'),
  float64: new TorchDType('float64'),
  int64: new TorchDType('int64'),
  int32: new TorchDType('int32'),
  int16: new TorchDType('int16'),
  int8: new TorchDType('int8'),
  uint8: new TorchDType('uint8'),
  bool: new TorchDType('bool'),
};

/** The names `torch` exports for its dtypes, aliases included. */
export const DTYPE_ALIASES: Readonly<Record<string, TorchDType>> = {
  float32: DTYPES.float32,
  float: DTYPES.float32,
  float64: DTYPES.float64,
  double: DTYPES.float64,
  int64: DTYPES.int64,
  long: DTYPES.int64,
  int32: DTYPES.int32,
  int: DTYPES.int32,
  int16: DTYPES.int16,
  short: DTYPES.int16,
  int8: DTYPES.int8,
  uint8: DTYPES.uint8,
  bool: DTYPES.bool,
};

/** The names `torch` exports for the dtypes Gradlens lacks, aliases included (`torch.half`). */
export const LACKING_DTYPE_ALIASES: Readonly<Record<string, LackingDType>> = Object.fromEntries(
  Object.entries(LACKING_DTYPES).flatMap(([name, spec]) => [name, ...spec.aliases].map((alias) => [alias, LACKING[name as LackingDTypeName]])),
);

/** c10::promoteTypes over the dtypes Gradlens has (uint8 with int8 is int16): the runtime's table, which agrees. */
export function promote(a: TorchDTypeName, b: TorchDTypeName): TorchDTypeName {
  return promoteTypes(STORAGE[a], STORAGE[b]) as TorchDTypeName;
}
