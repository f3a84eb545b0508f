import type { DType } from '../core';
import { REDUCTIONS, RESHAPE_LIKE, ROUNDING_METHODS, type ElementwisePrimitive, type RoundingMethod, type ParamsOf, type Primitive, type ReductionPrimitive } from '../primitives';

// The scalar IR of fused kernel bodies (as jax-js lowers each primitive to an AluExp): every
// fusible primitive lowers once, here, to an expression over the scalar ops; the JS, WebAssembly
// and WGSL renderers and the interpreter are tables over the ops (tinygrad's op -> code tables),
// so a new primitive is one lowering, and a new op one entry in each table, both checked by the
// type checker. A renderer may map an op to a routine of its own (wasm's and WGSL's polynomials).
// Values are computed at the target's working precision (doubles in JS and the interpreter, f32
// on wasm and WGSL) and stored at the member's dtype once, at the root of its lowering.

/** Every scalar op, with its number of operands. */
export const SCALAR_ARITY = {
  neg: 1, abs: 1, sign: 1, floor: 1, sqrt: 1, exp: 1, log: 1, log1p: 1, expm1: 1, sin: 1, cos: 1, tan: 1, tanh: 1, logistic: 1,
  add: 2, sub: 2, mul: 2, div: 2, pow: 2, max: 2, min: 2,
  lt: 2, le: 2, gt: 2, ge: 2, eq: 2, ne: 2,
  /** where(cond, onTrue, onFalse); cond is a bool. */
  where: 3,
  /** To the node's dtype from its operand's: float to int truncates, anything to bool is "not zero". */
  cast: 1,
} as const satisfies Record<string, 1 | 2 | 3>;

export type ScalarOp = keyof typeof SCALAR_ARITY;
export const SCALAR_OPS = Object.keys(SCALAR_ARITY) as readonly ScalarOp[];

/** An operand of the member (its argument `index`), a constant, or an op over other expressions (a DAG: nodes may be shared). */
export type Scalar =
  | { readonly kind: 'arg'; readonly index: number; readonly dtype: DType }
  | { readonly kind: 'const'; readonly value: number; readonly dtype: DType }
  | ScalarNode;

export interface ScalarNode {
  readonly kind: 'op';
  readonly op: ScalarOp;
  readonly args: readonly Scalar[];
  /** The dtype of the result. */
  readonly dtype: DType;
}

export const scalarOp = (op: ScalarOp, dtype: DType, ...args: Scalar[]): ScalarNode => ({ kind: 'op', op, args, dtype });
export const scalarConst = (value: number, dtype: DType): Scalar => ({ kind: 'const', value, dtype });

/** What a lowering knows of the member: its result dtype and its parameters. */
export interface LoweringContext<P extends ElementwisePrimitive> {
  readonly out: DType;
  readonly params: ParamsOf<P>;
}

export type Lowering<P extends ElementwisePrimitive> = (args: readonly Scalar[], c: LoweringContext<P>) => Scalar;

/** The primitive as the op of the same name over its operands. */
function direct<P extends ElementwisePrimitive & ScalarOp>(op: P): Lowering<P> {
  return (args, c) => scalarOp(op, c.out, ...args);
}

/** Repeated squaring in the reference's order, so x**y rounds as it does there; shared nodes are computed once. */
function integerPow(x: Scalar, y: number, dtype: DType): Scalar {
  let base = x;
  let acc: Scalar | null = null;
  for (let e = Math.abs(y); e > 0; e = Math.floor(e / 2)) {
    if (e & 1) acc = acc === null ? base : scalarOp('mul', dtype, acc, base);
    if (e > 1) base = scalarOp('mul', dtype, base, base);
  }
  const r = acc ?? scalarConst(1, dtype);
  return y < 0 ? scalarOp('div', dtype, scalarConst(1, dtype), r) : r;
}

/**
 * lax.round over floor, as the reference's roundTies: the fraction |x| - floor(|x|) is exact at
 * every precision; ties go up for AWAY_FROM_ZERO and to the even whole number for TO_NEAREST_EVEN;
 * the result takes x's sign (x * 0 is ±0 where it rounds to zero).
 */
function roundTies(x: Scalar, method: RoundingMethod, dtype: DType): Scalar {
  const c = (v: number): Scalar => scalarConst(v, dtype);
  const magnitude = scalarOp('abs', dtype, x);
  const whole = scalarOp('floor', dtype, magnitude);
  const fraction = scalarOp('sub', dtype, magnitude, whole);
  let up: Scalar = scalarOp('ge', 'bool', fraction, c(0.5));
  if (method === ROUNDING_METHODS.TO_NEAREST_EVEN) {
    const half = scalarOp('floor', dtype, scalarOp('mul', dtype, whole, c(0.5)));
    const odd = scalarOp('eq', 'bool', scalarOp('sub', dtype, whole, scalarOp('mul', dtype, half, c(2))), c(1));
    up = scalarOp('where', 'bool', scalarOp('eq', 'bool', fraction, c(0.5)), odd, scalarOp('gt', 'bool', fraction, c(0.5)));
  }
  const r = scalarOp('where', dtype, up, scalarOp('add', dtype, whole, c(1)), whole);
  const signed = scalarOp('where', dtype, scalarOp('lt', 'bool', x, c(0)), scalarOp('neg', dtype, r), r);
  return scalarOp('where', dtype, scalarOp('eq', 'bool', r, c(0)), scalarOp('mul', dtype, x, c(0)), signed);
}

/** The lowering of each elementwise primitive: a primitive that fusion takes without one fails the type check. */
export const LOWERINGS: { readonly [P in ElementwisePrimitive]: Lowering<P> } = {
  add: direct('add'),
  sub: direct('sub'),
  mul: direct('mul'),
  div: direct('div'),
  pow: direct('pow'),
  max: direct('max'),
  min: direct('min'),
  lt: direct('lt'),
  le: direct('le'),
  gt: direct('gt'),
  ge: direct('ge'),
  eq: direct('eq'),
  ne: direct('ne'),
  neg: direct('neg'),
  integer_pow: ([x], c) => integerPow(x, c.params.y, c.out),
  exp: direct('exp'),
  log: direct('log'),
  log1p: direct('log1p'),
  expm1: direct('expm1'),
  sin: direct('sin'),
  cos: direct('cos'),
  tan: direct('tan'),
  tanh: direct('tanh'),
  logistic: direct('logistic'),
  sqrt: direct('sqrt'),
  rsqrt: ([x], c) => scalarOp('div', c.out, scalarConst(1, c.out), scalarOp('sqrt', c.out, x)),
  abs: direct('abs'),
  sign: direct('sign'),
  stop_gradient: ([x]) => x,
  floor: direct('floor'),
  // ceil(x) = -floor(-x), signed zeros included (ceil(-0.5) is -0).
  ceil: ([x], c) => scalarOp('neg', c.out, scalarOp('floor', c.out, scalarOp('neg', c.out, x))),
  round: ([x], c) => roundTies(x, c.params.roundingMethod, c.out),
  select: ([p, t, f], c) => scalarOp('where', c.out, p, t, f),
  clamp: ([lo, x, hi], c) => scalarOp('min', c.out, scalarOp('max', c.out, x, lo), hi),
  convert_element_type: ([x], c) => scalarOp('cast', c.out, x),
};

/** How a reduction folds its values. */
export const REDUCE_OPS = ['sum', 'prod', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const REDUCE_OP_OF: { readonly [P in ReductionPrimitive]: ReduceOp } = {
  reduce_sum: 'sum', reduce_prod: 'prod', reduce_max: 'max', reduce_min: 'min',
};

const NOT_LOWERED: ReadonlySet<Primitive> = new Set<Primitive>([...RESHAPE_LIKE, ...REDUCTIONS]);

/** Whether a kernel member's value is its lowering: every member but the re-indexing ones (index maps) and the reduction. */
export const isLowered = (p: Primitive): boolean => !NOT_LOWERED.has(p);

/** A member's body: its primitive's lowering over its operands (of dtypes `argDtypes`). */
export type LowerMember = (primitive: ElementwisePrimitive, params: unknown, argDtypes: readonly DType[], out: DType) => Scalar;

export const lowerMember: LowerMember = (primitive, params, argDtypes, out) => {
  const args = argDtypes.map((dtype, index): Scalar => ({ kind: 'arg', index, dtype }));
  return (LOWERINGS[primitive] as Lowering<ElementwisePrimitive>)(args, { out, params: params as ParamsOf<ElementwisePrimitive> });
};

/** Every op node of `root`, operands before their users, each once. */
export function scalarNodes(root: Scalar): ScalarNode[] {
  const out: ScalarNode[] = [];
  const seen = new Set<Scalar>();
  const visit = (s: Scalar): void => {
    if (s.kind !== 'op' || seen.has(s)) return;
    seen.add(s);
    s.args.forEach(visit);
    out.push(s);
  };
  visit(root);
  return out;
}

/**
 * `root` as a target's expression text: `leaf` writes an operand or constant, `node` an op over
 * its operands' text; a node read more than once is bound to a local by `local` and read by name.
 */
export function renderScalar(
  root: Scalar,
  leaf: (s: Exclude<Scalar, ScalarNode>) => string,
  node: (s: ScalarNode, args: readonly string[]) => string,
  local: (expr: string) => string,
): string {
  const uses = new Map<Scalar, number>();
  for (const n of scalarNodes(root)) for (const a of n.args) uses.set(a, (uses.get(a) ?? 0) + 1);
  const text = new Map<Scalar, string>();
  const render = (s: Scalar): string => {
    if (s.kind !== 'op') return leaf(s);
    const known = text.get(s);
    if (known !== undefined) return known;
    const e = node(s, s.args.map(render));
    const t = (uses.get(s) ?? 0) > 1 ? local(e) : e;
    text.set(s, t);
    return t;
  };
  return render(root);
}
