/**
 * torch dtypes, each stored as the runtime dtype of the same name. NB: the runtime's int64 is
 * exact within ±2**53 (runtime/core/dtype.ts INT64_EXACT_LIMIT): a value past it is refused at
 * the line (errors.ts `checkIntegers`, and the kernels for results), never wrapped or rounded.
 */
import type { DType } from '../../../runtime/core';
import { HostObject, hostType, type HostContext, type PyValue } from '../interpreter';

export type TorchDTypeName = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

export const STORAGE: { readonly [D in TorchDTypeName]: DType } = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
};

/** Bytes PyTorch would take per element: what the byte budget charges. */
export const ITEM_SIZE: { readonly [D in TorchDTypeName]: number } = { float32: 4, float64: 8, int64: 8, int32: 4, bool: 1 };

/** ATen's ScalarType names, as PyTorch's dtype errors say them (`expected scalar type Float but found Double`). */
export const SCALAR_TYPE: { readonly [D in TorchDTypeName]: string } = { float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', bool: 'Bool' };

export function isFloating(d: TorchDTypeName): boolean {
  return d === 'float32' || d === 'float64';
}

const dtypeType = hostType('dtype', 'torch');

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
  bool: DTYPES.bool,
};

const RANK: { readonly [D in TorchDTypeName]: number } = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

export function promote(a: TorchDTypeName, b: TorchDTypeName): TorchDTypeName {
  return RANK[a] >= RANK[b] ? a : b;
}
