/**
 * lax's bitwise primitives from Python (jax/_src/numpy/ufuncs.py, lax.py): jnp.logical_and/or/xor/not
 * turn each promoted operand to bool (`ne x 0` unless it is bool) and bind and/or/xor/not, which
 * JAX prints by those names; jnp.bitwise_and/or/xor/not, jnp.invert and the operators & | ^ ~ bind
 * them on the promoted operands as they are: logical on bool, bitwise on integers.
 */
import { isInteger } from '../../../runtime/core';
import type { BitwisePrimitive } from '../../../runtime/primitives';
import { bindArgs, type HostContext, type Kwargs, pyError, pyFunction, type PyValue } from '../interpreter';
import type { JaxRuntime, PyArray } from './array';
import * as L from './lax';
import { Scalar, type Val } from './values';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext) => PyValue;
type BinaryBitwise = Exclude<BitwisePrimitive, 'not'>;

/** The operands promoted to one dtype (jnp's promote_args), refused as lax's and_p refuses a float. */
function promoted(rt: JaxRuntime, prim: BitwisePrimitive, xs: readonly PyValue[], ctx: HostContext): { vs: Val[]; weak: boolean } {
  const ops = xs.map((x) => L.operand(rt, x, ctx));
  const dtype = L.resultDtype(rt, ops);
  if (dtype !== 'bool' && !isInteger(dtype)) {
    const at = xs.length === 1 ? '' : ' at position 0';
    const accepted = xs.length === 1 ? 'Accepted dtypes are' : 'Accepted dtypes at position 0 are';
    throw pyError('TypeError', `${prim} does not accept dtype ${dtype}${at}. ${accepted} subtypes of integer, bool.`);
  }
  return { vs: ops.map((o) => L.cast(rt, o.v, dtype)), weak: ops.every((o) => o.weak) };
}

/** jnp.bitwise_and/or/xor (and &, |, ^): the primitive on the promoted operands. */
export function bitwiseBinary(rt: JaxRuntime, prim: BinaryBitwise, a: PyValue, b: PyValue, ctx: HostContext): PyArray {
  return L.op(rt, () => {
    const { vs, weak } = promoted(rt, prim, [a, b], ctx);
    return L.wrap(rt, rt.o.bind(prim, vs, {}), weak, false);
  });
}

/** jnp.invert, jnp.bitwise_not (and ~): `not` of the operand. */
export function bitwiseNot(rt: JaxRuntime, a: PyValue, ctx: HostContext): PyArray {
  return L.op(rt, () => {
    const { vs, weak } = promoted(rt, 'not', [a], ctx);
    return L.wrap(rt, rt.o.bind('not', vs, {}), weak, false);
  });
}

// ufuncs.py's _to_bool: a bool operand as it is, any other `ne x 0`.
function toBool(rt: JaxRuntime, v: Val): Val {
  return v.dtype === 'bool' ? v : rt.o.ne(v, new Scalar(0, v.dtype));
}

function logical(rt: JaxRuntime, prim: BitwisePrimitive, xs: readonly PyValue[], ctx: HostContext): PyArray {
  return L.op(rt, () => {
    const ops = xs.map((x) => L.operand(rt, x, ctx));
    const dtype = L.resultDtype(rt, ops);
    const vs = ops.map((o) => toBool(rt, L.cast(rt, o.v, dtype)));
    return L.wrap(rt, rt.o.bind(prim, vs, {}), false, false);
  });
}

const binaryFn = (name: string, f: (rt: JaxRuntime, a: PyValue, b: PyValue, ctx: HostContext) => PyArray): Fn => (rt, args, kwargs, ctx) => {
  const a = bindArgs(name, ['x', 'y'], args, kwargs, ctx);
  return f(rt, a.required('x'), a.required('y'), ctx);
};
const unaryFn = (name: string, f: (rt: JaxRuntime, a: PyValue, ctx: HostContext) => PyArray): Fn => (rt, args, kwargs, ctx) =>
  f(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx);

/** jax.numpy's logical and bitwise functions. */
export const JNP_BITWISE_FUNCTIONS: Readonly<Record<string, Fn>> = {
  logical_and: binaryFn('logical_and', (rt, a, b, ctx) => logical(rt, 'and', [a, b], ctx)),
  logical_or: binaryFn('logical_or', (rt, a, b, ctx) => logical(rt, 'or', [a, b], ctx)),
  logical_xor: binaryFn('logical_xor', (rt, a, b, ctx) => logical(rt, 'xor', [a, b], ctx)),
  logical_not: unaryFn('logical_not', (rt, a, ctx) => logical(rt, 'not', [a], ctx)),
  bitwise_and: binaryFn('bitwise_and', (rt, a, b, ctx) => bitwiseBinary(rt, 'and', a, b, ctx)),
  bitwise_or: binaryFn('bitwise_or', (rt, a, b, ctx) => bitwiseBinary(rt, 'or', a, b, ctx)),
  bitwise_xor: binaryFn('bitwise_xor', (rt, a, b, ctx) => bitwiseBinary(rt, 'xor', a, b, ctx)),
  bitwise_not: unaryFn('bitwise_not', bitwiseNot),
  bitwise_invert: unaryFn('bitwise_invert', bitwiseNot),
  invert: unaryFn('invert', bitwiseNot),
};

/** lax.bitwise_and/or/xor/not: one dtype for both operands (lax's check_same_dtypes), no promotion. */
export function laxBitwiseAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const binary = (name: string, prim: BinaryBitwise) => pyFunction(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, ['x', 'y'], args, kwargs, ctx);
    L.checkSameDtypes(rt, name, [a.required('x'), a.required('y')], ctx);
    return bitwiseBinary(rt, prim, a.required('x'), a.required('y'), ctx);
  });
  return {
    bitwise_and: binary('bitwise_and', 'and'),
    bitwise_or: binary('bitwise_or', 'or'),
    bitwise_xor: binary('bitwise_xor', 'xor'),
    bitwise_not: pyFunction('bitwise_not', (args, kwargs, ctx) => bitwiseNot(rt, bindArgs('bitwise_not', ['x'], args, kwargs, ctx).required('x'), ctx)),
  };
}
