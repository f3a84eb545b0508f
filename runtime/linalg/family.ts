import type { CallPrimitive } from '../ir/types';

/** lax.linalg's factorizations and triangular solve: call primitives (several results) with no sub-jaxpr, computed on the host. */
export const LINALG = ['eigh', 'svd', 'qr', 'cholesky', 'triangular_solve'] as const satisfies readonly CallPrimitive[];
export type LinalgPrimitive = (typeof LINALG)[number];

export function isLinalg(prim: CallPrimitive): prim is LinalgPrimitive {
  return (LINALG as readonly CallPrimitive[]).includes(prim);
}

/** A whole row of a call-rule table: `rule(p)` for each linalg primitive (as families.ts's familyRules). */
export function linalgRules<R>(rule: (prim: LinalgPrimitive) => R): { readonly [C in LinalgPrimitive]: R } {
  return Object.fromEntries(LINALG.map((p) => [p, rule(p)])) as { readonly [C in LinalgPrimitive]: R };
}
