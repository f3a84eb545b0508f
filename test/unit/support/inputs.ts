import { isComplex, sizeOf, type DType, type Random } from '../../../runtime/core';
import type { Primitive } from '../../../runtime/primitives';

/** An input held on the host, so that tests can perturb it before uploading. */
export interface HostArray {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** n values from one distribution; the cases say which, the tests say how many. */
export type Draw = (rng: Random, n: number) => number[];

/** n independent draws of `one`. */
export const each = (one: (rng: Random) => number): Draw => (rng, n) => Array.from({ length: n }, () => one(rng));

export const normal: Draw = (rng, n) => rng.normals(n);
export const uniform = (lo: number, hi: number): Draw => each((rng) => lo + (hi - lo) * rng.uniform());
/** Integers in [lo, hi), for indices and for whole numbers held as floats. */
export const ints = (lo: number, hi: number): Draw => each((rng) => rng.int(lo, hi));
export const bools: Draw = ints(0, 2);
/** |x| >= min, either sign: keeps abs, sign and divisors off their singular point. */
export const awayFromZero = (min: number): Draw =>
  each((rng) => (rng.uniform() < 0.5 ? -1 : 1) * (min + Math.abs(rng.normal())));

/** An array of `shape` drawn from `draw`; float32 values are rounded to float32 as they would be stored. */
export function hostArray(dtype: DType, shape: readonly number[], draw: Draw, rng: Random): HostArray {
  // NB: a complex array draws each element's real and imaginary parts.
  const values = draw(rng, sizeOf(shape) * (isComplex(dtype) ? 2 : 1));
  return { shape, dtype, values: dtype === 'float32' || dtype === 'complex64' ? values.map(Math.fround) : values };
}

/** How many numbers a (co)tangent of this shape and dtype holds: a complex element's two parts, one number for any other element. */
export const wordCount = (shape: readonly number[], dtype: DType): number => sizeOf(shape) * (isComplex(dtype) ? 2 : 1);

/**
 * The pairing a VJP rule is the transpose under, as JAX's transposes are: Re(sum_k a_k b_k) with
 * complex products, never conjugated (real arrays: the dot product). Holomorphic and real-linear
 * maps alike satisfy <ct, J v> = <vjp(ct), v> under it.
 */
export function pairing(a: readonly number[], b: readonly number[], dtype: DType): number {
  if (!isComplex(dtype)) return a.reduce((s, ai, i) => s + ai * b[i], 0);
  let s = 0;
  for (let k = 0; k < a.length; k += 2) s += a[k] * b[k] - a[k + 1] * b[k + 1];
  return s;
}

/**
 * Where each elementwise op is defined and smooth in float64, away from its poles and the edges
 * of its domain: finite differences and per-example evaluation both need that. Ops whose suites
 * want other inputs (abs and sign off their kinks, max and min off ties) keep them in their tables.
 */
export const SMOOTH_UNARY_DOMAINS = {
  neg: normal,
  exp: normal,
  log: uniform(0.5, 2.5),
  log1p: uniform(-0.5, 2),
  expm1: normal,
  sin: normal,
  cos: normal,
  tan: uniform(-1.2, 1.2),
  tanh: normal,
  logistic: normal,
  sqrt: uniform(0.5, 2.5),
  rsqrt: uniform(0.5, 2.5),
} as const satisfies { readonly [P in Primitive]?: Draw };

/** [x, y] draws; a divisor stays away from zero and a base of pow positive. */
export const SMOOTH_BINARY_DOMAINS = {
  add: [normal, normal],
  sub: [normal, normal],
  mul: [normal, normal],
  div: [normal, awayFromZero(0.5)],
  pow: [uniform(0.5, 2), normal],
} as const satisfies { readonly [P in Primitive]?: readonly [Draw, Draw] };

/** `{ [op]: cases(domains[op]) }`, to spread into a case table. */
export function casesPerOp<D extends object, T>(domains: D, cases: (domain: D[keyof D]) => T): { [P in keyof D]: T } {
  const entries = Object.entries(domains).map(([op, domain]) => [op, cases(domain as D[keyof D])]);
  return Object.fromEntries(entries) as { [P in keyof D]: T };
}
