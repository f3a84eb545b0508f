import { formatAval, type AbstractValue } from './aval';

/** An operation was applied to arguments of the wrong shape or dtype. */
export class ShapeError extends Error {
  constructor(op: string, inputs: readonly AbstractValue[], why: string) {
    super(`${op}: ${why} (got ${inputs.map(formatAval).join(', ') || 'no inputs'})`);
    this.name = 'ShapeError';
  }
}

/** A PyTorch-autograd rule was broken (PyTorch raises RuntimeError for these). */
export class AutogradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AutogradError';
  }
}
