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
