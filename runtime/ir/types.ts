import type { AbstractValue, DType, SourceSpan } from '../core';
import type { DeviceArray } from '../backends';
import type { ParamsOf, Primitive } from '../primitives';


let nextVarId = 0;

/** A typed variable of a jaxpr. Its printed name (`a`, `b`, ...) is given by the printer, not stored. */
export class Var {
  readonly id = nextVarId++;
  constructor(readonly aval: AbstractValue) {}
}

/** A 0-d constant written inline in an equation (`3.0:f32[]`). */
export class Literal {
  readonly value: number;
  constructor(value: number, readonly dtype: DType) {
    // NB: stored as the dtype holds it, so printing, CSE keys and folding all see the same number.
    this.value = dtype === 'float32' ? Math.fround(value)
      : dtype === 'int32' ? Math.trunc(value) | 0
      : dtype === 'int64' ? Math.trunc(value)
      : dtype === 'bool' ? (value !== 0 ? 1 : 0)
      : value;
  }
  get aval(): AbstractValue {
    return { shape: [], dtype: this.dtype };
  }
}

export type Atom = Var | Literal;

export function isVar(a: Atom): a is Var {
  return a instanceof Var;
}

/** `out = primitive[params](inputs...)`, with the span of the source that made it. */
export interface Equation<P extends Primitive = Primitive> {
  readonly primitive: P;
  readonly params: ParamsOf<P>;
  readonly inputs: readonly Atom[];
  readonly out: Var;
  readonly span: SourceSpan | null;
}

/**
 * The value of a constvar: an array already on a backend (captured while tracing; the jaxpr does
 * not own it) or values on the host (made by constant folding; uploaded when evaluated).
 */
export type ConstValue =
  | { readonly kind: 'device'; readonly array: DeviceArray }
  | { readonly kind: 'host'; readonly values: ArrayLike<number>; readonly aval: AbstractValue };

export interface Jaxpr {
  readonly constvars: readonly Var[];
  /** One value for each constvar, in the same order. */
  readonly consts: readonly ConstValue[];
  readonly invars: readonly Var[];
  readonly eqns: readonly Equation[];
  readonly outvars: readonly Atom[];
}

/** Builds an equation with its params typed by the primitive. */
export function equation<P extends Primitive>(
  primitive: P, params: ParamsOf<P>, inputs: readonly Atom[], out: Var, span: SourceSpan | null = null,
): Equation {
  return { primitive, params, inputs, out, span } as Equation;
}
