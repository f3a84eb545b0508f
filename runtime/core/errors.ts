import { formatAval, type AbstractValue } from './aval';

/** An operation was applied to arguments of the wrong shape or dtype. */
export class ShapeError extends Error {
  constructor(readonly op: string, readonly inputs: readonly AbstractValue[], readonly why: string) {
    super(`${op}: ${why} (got ${inputs.map(formatAval).join(', ') || 'no inputs'})`);
    this.name = 'ShapeError';
  }
}

/** The `why` of a ShapeError whose operands do not broadcast: the shim words it as its library does. */
export const NOT_BROADCASTABLE = 'shapes do not broadcast together';

/** A PyTorch-autograd rule was broken (PyTorch raises RuntimeError for these). */
export class AutogradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AutogradError';
  }
}

/** The node that made a tensor and which of its outputs the tensor is (PyTorch's grad_fn and output_nr). */
export interface MadeBy {
  readonly node: string;
  readonly output: number;
}

/**
 * PyTorch's SavedVariable::unpack error, with `typeName` for the tensor's type as the library
 * names it (`torch.FloatTensor`); `madeBy` null for a leaf.
 */
export function savedTensorModifiedMessage(typeName: string, shape: readonly number[], madeBy: MadeBy | null, version: number, expected: number): string {
  const made = madeBy ? `, which is output ${madeBy.output} of ${madeBy.node},` : '';
  return `one of the variables needed for gradient computation has been modified by an inplace operation: [${typeName} [${shape.join(', ')}]]${made} `
    + `is at version ${version}; expected version ${expected} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, `
    + 'with torch.autograd.set_detect_anomaly(True).';
}

/** A tensor a backward needs was modified in place after it was saved. */
export class SavedTensorModifiedError extends AutogradError {
  constructor(readonly aval: AbstractValue, readonly madeBy: MadeBy | null, readonly version: number, readonly expected: number) {
    super(savedTensorModifiedMessage(aval.dtype, aval.shape, madeBy, version, expected));
  }
}
