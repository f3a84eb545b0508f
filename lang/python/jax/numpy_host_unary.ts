/**
 * NumPy float ufuncs that Gradlens computes on the host, value for value as glibc computes them
 * (runtime/core/libm: bit for bit with Debian's glibc 2.36, which NumPy 1.24 calls on a CPU
 * without AVX-512; with AVX-512 NumPy dispatches to Intel's SVML, whose last bits differ for
 * about half of all arguments). `cbrt` is the one so far; jax.numpy's (the lax.cbrt primitive)
 * is not provided. float32 is refused: NumPy's cbrtf is glibc's or SVML's by machine, and the two
 * (and the correctly rounded value) differ in the last bit for 11-35% of arguments, which a
 * float32 array's print shows.
 */
import { isInexact, libm, type DType } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

/** `f` of each value, into NumPy's float dtype for the input (integers and booleans become float64). */
const floatUnary = (name: string, f: (v: number) => number): Fn => (rt, args, kwargs, ctx) => {
  if (kwargs.has('out')) throw pyError('NotImplementedError', `numpy.${name}(..., out=...) is not supported by Gradlens: assign the result instead`);
  const x = L.arrayArgument(rt, bindArgs(name, ['x'], args, kwargs, ctx).required('x'), ctx, true);
  const dtype: DType = isInexact(x.dtype) ? x.dtype : 'float64';
  if (dtype !== 'float64') {
    throw pyError('NotImplementedError', `numpy.${name} of a ${dtype} array is not supported by Gradlens: NumPy's own ${dtype} result differs by machine in the last bit; compute in float64 (x.astype(np.float64)) and convert back`);
  }
  const values = x.values(ctx, 'numpy');
  return L.op(rt, () => new PyArray(rt, rt.generate(x.shape, dtype, (i) => f(values[i]!)), false, true));
};

export const HOST_UNARY_FUNCTIONS: Readonly<Record<string, Fn>> = {
  cbrt: floatUnary('cbrt', libm.cbrt),
};
