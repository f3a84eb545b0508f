import { isComplex, shapeEq, type AbstractValue, type DType } from '../core';
import { equation, isCall, isVar, Literal, type AnyEquation, type Atom, type Equation, type Jaxpr, type Var } from '../ir';
import { inFamily, RESHAPES } from '../primitives';

/*
 * Algebraic identities, each exact for IEEE floats (NaN, ±Infinity and -0 included) and for
 * NumPy broadcasting: the replacement has the equation's own shape and dtype, or a
 * broadcast_in_dim into the same output var makes it so. Kept on purpose:
 *   x + 0.0   (-0.0 + 0.0 is +0.0; only a -0.0 addend is an identity for floats)
 *   x - (-0.0) (the same, flipped)
 *   x * 0     (NaN and ±Infinity times 0 are NaN)
 *   reduce_sum over no axes on floats (the reference starts from +0.0, so -0.0 becomes +0.0)
 *   integer_pow[y=2] and other powers
 */

const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64' || d === 'complex64' || d === 'complex128';
const sameAval = (a: AbstractValue, b: AbstractValue): boolean => a.dtype === b.dtype && shapeEq(a.shape, b.shape);
const iotaOf = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const isIota = (xs: readonly number[]): boolean => xs.every((x, i) => x === i);

/** What an equation becomes: another atom (every use is rewritten), or a cheaper equation with the same output var. */
type Rewrite = { readonly atom: Atom } | { readonly eqn: Equation } | null;

export interface AlgebraResult {
  readonly jaxpr: Jaxpr;
  /** How many equations were rewritten; 0 means the jaxpr is unchanged. */
  readonly rewrites: number;
}

/** One pass of the identities in program order; dead equations are left for DCE. */
export function algebraStep(jaxpr: Jaxpr): AlgebraResult {
  // The single value every element of a literal or a host constant holds, where there is one.
  const uniform = new Map<Var, number>();
  jaxpr.constvars.forEach((v, i) => {
    const c = jaxpr.consts[i];
    if (c.kind !== 'host' || c.values.length === 0) return;
    // NB: a complex constant's words alternate real and imaginary parts: uniform only with every imaginary part +0.
    const words = isComplex(v.aval.dtype) ? 2 : 1;
    const first = c.values[0];
    for (let k = 1; k < c.values.length; k++) if (!Object.is(c.values[k], k % words === 0 ? first : 0)) return;
    uniform.set(v, first);
  });
  const valueOf = (a: Atom): number | undefined => (isVar(a) ? uniform.get(a) : a.value);

  /** `x` as the output `e.out`: itself where the avals match, broadcast where only the shape differs. */
  const as = (e: Equation, x: Atom): Rewrite => {
    const out = e.out.aval;
    if (sameAval(x.aval, out)) return { atom: x };
    if (x.aval.dtype !== out.dtype || x.aval.shape.length > out.shape.length) return null;
    const r = out.shape.length - x.aval.shape.length;
    const dims = iotaOf(x.aval.shape.length).map((i) => i + r);
    if (!dims.every((d, i) => x.aval.shape[i] === 1 || x.aval.shape[i] === out.shape[d])) return null;
    return { eqn: equation('broadcast_in_dim', { shape: out.shape, broadcastDimensions: dims }, [x], e.out, e.span) };
  };
  /** `a op b` is `a` when b is the uniform `identity` (and `b op a` too where `commutes`). */
  const rightIdentity = (e: Equation, ok: (v: number) => boolean, commutes: boolean): Rewrite => {
    const [a, b] = e.inputs;
    const vb = valueOf(b);
    if (vb !== undefined && ok(vb)) {
      const r = as(e, a);
      // NB: `a op 1` never shrinks a's shape, so a larger ones-constant widens it; a missing broadcast is a skip.
      if (r) return r;
    }
    const va = valueOf(a);
    if (commutes && va !== undefined && ok(va)) return as(e, b);
    return null;
  };

  const producer = new Map<Var, Equation>();
  const rewrite = (e: Equation): Rewrite => {
    const dtype = e.out.aval.dtype;
    const x = e.inputs[0];
    // A reshape to its operand's own shape and dtype is the operand.
    if (inFamily(RESHAPES, e.primitive)) return sameAval(x.aval, e.out.aval) ? { atom: x } : null;
    switch (e.primitive) {
      case 'mul':
        return rightIdentity(e, (v) => v === 1, true);
      case 'div':
        return rightIdentity(e, (v) => v === 1, false);
      case 'add':
        return rightIdentity(e, (v) => v === 0 && (!isFloat(dtype) || Object.is(v, -0)), true);
      case 'sub':
        return rightIdentity(e, (v) => v === 0 && !Object.is(v, -0), false);
      case 'integer_pow': {
        const { y } = e.params as { y: number };
        if (y === 1) return as(e, x);
        // NB: the reference and every codegen start the product at 1, so NaN ** 0 and 0 ** 0 are 1, as in NumPy.
        if (y === 0) return as(e, new Literal(1, dtype));
        return null;
      }
      case 'neg': {
        const inner = isVar(x) ? producer.get(x) : undefined;
        return inner?.primitive === 'neg' ? as(e, inner.inputs[0]) : null;
      }
      case 'convert_element_type':
        return x.aval.dtype === dtype ? as(e, x) : null;
      case 'broadcast_in_dim': {
        const { broadcastDimensions } = e.params as { broadcastDimensions: readonly number[] };
        return sameAval(x.aval, e.out.aval) && isIota(broadcastDimensions) ? { atom: x } : null;
      }
      case 'transpose':
        return isIota((e.params as { permutation: readonly number[] }).permutation) ? as(e, x) : null;
      case 'reduce_sum':
        return (e.params as { axes: readonly number[] }).axes.length === 0 && !isFloat(dtype) ? as(e, x) : null;
      case 'slice': {
        const { startIndices, strides } = e.params as { startIndices: readonly number[]; strides: readonly number[] | null };
        const unit = strides === null || strides.every((s) => s === 1);
        return unit && startIndices.every((s) => s === 0) && sameAval(x.aval, e.out.aval) ? { atom: x } : null;
      }
      case 'pad': {
        const { lo, hi } = e.params as { lo: readonly number[]; hi: readonly number[] };
        return lo.every((n) => n === 0) && hi.every((n) => n === 0) ? as(e, x) : null;
      }
      case 'select': {
        const p = valueOf(x);
        if (p === undefined) return null;
        // A chosen branch narrower than the output is broadcast; a predicate that widened it is gone.
        return as(e, p !== 0 ? e.inputs[1] : e.inputs[2]);
      }
      default:
        return null;
    }
  };

  const sub = new Map<Var, Atom>();
  const s = (a: Atom): Atom => (isVar(a) ? sub.get(a) ?? a : a);
  const eqns: AnyEquation[] = [];
  let rewrites = 0;
  for (const e0 of jaxpr.eqns) {
    const e = e0.inputs.some((a) => isVar(a) && sub.has(a)) ? { ...e0, inputs: e0.inputs.map(s) } : e0;
    // A call primitive is opaque here: its sub-jaxprs are simplified when they are compiled.
    if (isCall(e)) {
      eqns.push(e);
      continue;
    }
    const r = rewrite(e);
    if (r === null) {
      eqns.push(e);
      producer.set(e.out, e);
    } else if ('atom' in r) {
      rewrites++;
      sub.set(e.out, r.atom);
    } else {
      rewrites++;
      eqns.push(r.eqn);
      producer.set(r.eqn.out, r.eqn);
    }
  }
  if (rewrites === 0) return { jaxpr, rewrites };
  return { jaxpr: { ...jaxpr, eqns, outvars: jaxpr.outvars.map(s) }, rewrites };
}

/** The identities above, applied until none applies; dead equations stay for DCE. */
export function algebra(jaxpr: Jaxpr): Jaxpr {
  for (;;) {
    const r = algebraStep(jaxpr);
    if (r.rewrites === 0) return jaxpr;
    jaxpr = r.jaxpr;
  }
}
