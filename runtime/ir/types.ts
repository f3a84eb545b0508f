import { isWrappingInt, wrapInteger, type AbstractValue, type DType, type SourceSpan } from '../core';
import type { DeviceArray } from '../backends';
import type { ParamsOf, Primitive } from '../primitives';


let nextVarId = 0;

/** A typed variable of a jaxpr. Its printed name (`a`, `b`, ...) is given by the printer, not stored. */
export class Var {
  readonly id = nextVarId++;
  constructor(readonly aval: AbstractValue) {}
}

/** A 0-d constant written inline in an equation (`3.0`). */
export class Literal {
  readonly value: number;
  constructor(value: number, readonly dtype: DType) {
    // NB: stored as the dtype holds it, so printing, CSE keys and folding all see the same number.
    this.value = dtype === 'float32' || dtype === 'complex64' ? Math.fround(value)
      : dtype === 'int32' ? Math.trunc(value) | 0
      : dtype === 'int64' || dtype === 'uint64' ? Math.trunc(value)
      : isWrappingInt(dtype) ? wrapInteger(dtype, value)
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
  readonly eqns: readonly AnyEquation[];
  readonly outvars: readonly Atom[];
}

/**
 * The call primitives: each holds closed sub-jaxprs (their constants hoisted into the operands,
 * as JAX's `_initial_style_jaxpr` does) and gives several results. Their rules (evaluation, JVP,
 * VJP, batching, compilation) live in runtime/jit/control; a mapped type over this interface
 * keeps each table complete, as the primitive table does for the first-order primitives.
 */
export interface CallPrimitiveParams {
  /** Operands: an int32 index, then the operands every branch takes. */
  cond: { readonly branches: readonly Jaxpr[] };
  /** Operands: cond consts, body consts, then the initial carry. */
  while: { readonly condJaxpr: Jaxpr; readonly condNconsts: number; readonly bodyJaxpr: Jaxpr; readonly bodyNconsts: number };
  /** Operands: consts, initial carry, then the scanned arrays (leading axis `length`). Results: carry, then the stacked ys. */
  scan: {
    readonly jaxpr: Jaxpr; readonly length: number; readonly reverse: boolean; readonly numConsts: number;
    readonly numCarry: number; readonly linear: readonly boolean[]; readonly unroll: number;
  };
  /** `jax.custom_jvp`: runs `callJaxpr`; its tangents come from `jvp`, the user's rule. */
  /** Operands: consts, then the arguments; `jvp` takes (consts..., arguments..., tangents...) and returns (outputs..., output tangents...). */
  custom_jvp_call: { readonly callJaxpr: Jaxpr; readonly jvp: CustomRule; readonly numConsts: number; readonly symbolicZeros: boolean };
  /** `jax.custom_vjp`: runs `callJaxpr`; reverse mode runs `fwd` then `bwd`, the user's rules. */
  /**
   * Operands: consts, then the arguments; `fwd` takes (consts..., arguments...) and returns
   * (outputs..., residuals...), `bwd` takes (residuals..., output cotangents...) and returns one
   * cotangent per argument.
   */
  custom_vjp_call: { readonly callJaxpr: Jaxpr; readonly fwd: CustomRule; readonly bwd: CustomRule; readonly numConsts: number; readonly symbolicZeros: boolean };
  /**
   * `jax.debug.callback` (what `jax.debug.print` binds): no results; each time the program runs
   * it, `callback` gets its operands' values. An effect: never dropped for want of a reader.
   */
  debug_callback: { readonly callback: HostCallback; readonly ordered: boolean };
  // lax.linalg's factorizations (jax/_src/lax/linalg.py): no sub-jaxprs; a batch of matrices in
  // (leading axes), several results out, computed on the host in float64 (runtime/linalg).
  /** Operand [..., n, n], its `lower` or upper triangle read; results (v [..., n, d], w [..., d]), w ascending when sorted. */
  eigh: { readonly lower: boolean; readonly sortEigenvalues: boolean; readonly subsetByIndex: readonly [number, number] | null };
  /** Operand [..., m, n]; results (s [..., k] descending, u, vt) with compute_uv, else (s): k = min(m, n). */
  svd: { readonly fullMatrices: boolean; readonly computeUv: boolean; readonly subsetByIndex: readonly [number, number] | null };
  /** Operand [..., m, n]; results (q [..., m, m or k], r [..., m or k, n]), Householder's signs as LAPACK's. */
  qr: { readonly fullMatrices: boolean };
  /** Operand [..., n, n], its lower triangle read; result: the lower factor, NaN everywhere where not positive definite. */
  cholesky: Record<string, never>;
  /** Operands (a [..., m, m] triangular, b): x with op(a) x = b (`leftSide`) or x op(a) = b, op(a) = a or its transpose. */
  triangular_solve: {
    readonly leftSide: boolean; readonly lower: boolean; readonly transposeA: boolean; readonly conjugateA: boolean; readonly unitDiagonal: boolean;
  };
}

/** An operand's value read back to the host for a callback: its type and its elements (a key's or complex number's words). */
export interface HostValue {
  readonly aval: AbstractValue;
  readonly values: ArrayLike<number>;
}

/** A host function a running program calls with its operands' values (debug_callback's `callback`). */
export interface HostCallback {
  run(values: readonly HostValue[]): void;
}

/**
 * A user's derivative rule (custom_jvp's jvp, custom_vjp's fwd and bwd), traced when a
 * transformation first needs it, as JAX's `jvp_jaxpr_thunk` (a rule that calls the function it
 * belongs to would otherwise trace itself forever).
 */
export interface CustomRule {
  /** The Python function's name (what JAX prints for it). */
  readonly name: string;
  /** How JAX prints the rule as a param, where that is not `<function NAME at 0x...>` (custom_vjp's wrapped bwd). */
  readonly repr?: string;
  jaxpr(): Jaxpr;
  /** fwd's residual count (a fwd rule traces to learn it); 0 for the others. */
  readonly numResiduals: number;
}

export type CallPrimitive = keyof CallPrimitiveParams;
export type CallParamsOf<C extends CallPrimitive> = CallPrimitiveParams[C];

/** `outs... = primitive[params](inputs...)`: an equation of a call primitive. */
export interface CallEquation<C extends CallPrimitive = CallPrimitive> {
  readonly primitive: C;
  readonly params: CallParamsOf<C>;
  readonly inputs: readonly Atom[];
  readonly outs: readonly Var[];
  readonly span: SourceSpan | null;
}

export function callEquation<C extends CallPrimitive>(
  primitive: C, params: CallParamsOf<C>, inputs: readonly Atom[], outs: readonly Var[], span: SourceSpan | null = null,
): CallEquation {
  return { primitive, params, inputs, outs, span } as CallEquation;
}

/** A first-order equation (one result) or a call primitive's (several). */
export type AnyEquation = Equation | CallEquation;

export function isCall(e: AnyEquation): e is CallEquation {
  return 'outs' in e;
}

/** Every var an equation binds. */
export function outsOf(e: AnyEquation): readonly Var[] {
  return isCall(e) ? e.outs : [e.out];
}

/** Builds an equation with its params typed by the primitive. */
export function equation<P extends Primitive>(
  primitive: P, params: ParamsOf<P>, inputs: readonly Atom[], out: Var, span: SourceSpan | null = null,
): Equation {
  return { primitive, params, inputs, out, span } as Equation;
}
