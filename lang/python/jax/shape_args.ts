/**
 * Shapes given to jax.numpy (`jnp.zeros(n)`, `x.reshape(a, b)`), read as core.canonicalize_shape
 * does: each dimension a concrete int; a traced one raises JAX's TypeError, saying where it comes from.
 */
import { type HostContext, pyError, type PyList, type PyTuple, toIndex } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { isTracer } from './values';

/** The dimensions of `shape`, a tuple or list as JAX holds it (its repr is the error's). */
export function canonicalShape(rt: JaxRuntime, shape: PyTuple | PyList, ctx: HostContext): number[] {
  const traced = shape.items.flatMap((d) => (d instanceof PyArray && isTracer(d.v) && !rt.knownValue(d.v) ? [d.v] : []));
  if (traced.length > 0) {
    throw pyError('TypeError', `Shapes must be 1D sequences of concrete values of integer type, got ${ctx.repr(shape)}.`
      + '\nIf using `jit`, try using `static_argnums` or applying `jit` to smaller subfunctions.'
      + traced.map((t) => rt.originOf(t)).join(''));
  }
  return shape.items.map((d) => Number(toIndex(d, ctx)));
}
