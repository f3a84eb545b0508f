/**
 * np.broadcast_to: NumPy's stride-0 view of an array in a broadcast shape. It is read-only (its
 * `flags.writeable` is False): writing to it, or to a view of it, raises NumPy's ValueError, since
 * one write would land in many elements. It follows writes to the array it views.
 */
import { bindArgs, type HostContext, type Kwargs, PyList, pyError, PyTuple, type PyValue, toIndex } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

const tupleText = (shape: readonly number[]) => `(${shape.join(',')}${shape.length === 1 ? ',' : ''})`;

function broadcast(rt: JaxRuntime, x: PyArray, shape: readonly number[]): PyArray {
  return L.op(rt, () => L.wrap(rt, rt.o.broadcastTo(x.v, shape), false, true));
}

export const BROADCAST_TO_FUNCTIONS: Readonly<Record<string, Fn>> = {
  broadcast_to: (rt, args, kwargs, ctx) => {
    const a = bindArgs('broadcast_to', ['array', 'shape', 'subok?'], args, kwargs, ctx);
    const given = a.required('array');
    const x = given instanceof PyArray ? given : L.arrayFromData(rt, given, undefined, ctx, true);
    const s = a.required('shape');
    const shape = (s instanceof PyTuple || s instanceof PyList ? s.items : [s]).map((d) => Number(toIndex(d, ctx)));
    if (shape.some((d) => d < 0)) throw pyError('ValueError', 'all elements of broadcast shape must be non-negative');
    const lead = shape.length - x.shape.length;
    if (lead < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
      throw pyError('ValueError', `operands could not be broadcast together with remapped shapes [original->remapped]: ${tupleText(x.shape)}  and requested shape ${tupleText(shape)}`);
    }
    const view = broadcast(rt, x, shape).viewOf(x, (p) => broadcast(rt, p, shape), () => {
      throw new Error('np.broadcast_to: a read-only view is never written (numpy_views.ts refuses the write first)');
    }, false);
    return view.markReadOnly();
  },
};
