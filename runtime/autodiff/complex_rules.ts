import { isComplex } from '../core';
import type { ComplexPartsPrimitive } from '../primitives';
import type { JvpRuleTable } from './jvp_rule';
import { floatOnly } from './jvp_elementwise';
import type { VjpRuleTable } from './vjp_rule';

// lax's complex primitives are linear (ad.deflinear2 in JAX's lax.py): the tangent is the op on
// the tangents, and the cotangents are JAX's transposes, never conjugated beyond conj's own.

export const COMPLEX_JVP_RULES: Pick<JvpRuleTable, ComplexPartsPrimitive> = {
  complex: floatOnly<'complex'>((o, [x, y], [tx, ty]) => o.complex(tx ?? o.zerosLike(x), ty ?? o.zerosLike(y))),
  real: floatOnly<'real'>((o, _x, [t]) => o.real(t!)),
  imag: floatOnly<'imag'>((o, _x, [t]) => o.imag(t!)),
  conj: floatOnly<'conj'>((o, _x, [t]) => o.conj(t!)),
};

export const COMPLEX_VJP_RULES: Pick<VjpRuleTable, ComplexPartsPrimitive> = {
  // JAX's _complex_transpose_rule: real(t) to x, imag(-t) to y, each summed back to its shape.
  complex: (o, g, [x, y], _out, _p, wanted) => [
    wanted?.[0] === false ? null : o.sumToShape(o.real(g), o.shape(x)),
    wanted?.[1] === false ? null : o.sumToShape(o.imag(o.neg(g)), o.shape(y)),
  ],
  real: (o, g) => [o.complex(g, o.zerosLike(g))],
  imag: (o, g) => [o.complex(o.zerosLike(g), o.neg(g))],
  // JAX's _conj_transpose_rule: conj(t) for a complex operand, real(t) for a float one.
  conj: (o, g, [x]) => [isComplex(o.dtype(x)) ? o.conj(g) : o.real(g)],
};
