/**
 * `jax.eval_shape` and `jax.ShapeDtypeStruct`: the function traced (as jit traces it, nothing
 * computed) over the shapes and dtypes of its arguments, arrays or ShapeDtypeStructs, and its
 * outputs' shapes and dtypes in the output's pytree, as JAX's api.py gives them.
 */
import { isVar } from '../../../runtime/ir';
import type { AbstractValue, DType } from '../../../runtime/core';
import { bindArgs, type CompareOp, type HostContext, HostObject, hostType, NOT_IMPLEMENTED, PyList, pyError, pyFunction, PyTuple, type PyType, type PyValue, toIndex, truthy, typeName } from '../interpreter';
import { dtypeObject, toDtype, type JaxRuntime } from './array';
import * as L from './lax';
import { flattenPy, unflattenPy } from './pytree';
import { flattenArgs, stagePy, transformOp } from './transforms';
import { Scalar } from './values';

const pyShape = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

export class ShapeDtypeStruct extends HostObject {
  constructor(readonly shape: readonly number[], readonly dtype: DType, readonly weak: boolean, private readonly type: PyType) {
    super();
  }
  get pyType() { return this.type; }
  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'shape': return new PyTuple(this.shape.map((d) => BigInt(d)));
      case 'dtype': return dtypeObject(this.dtype);
      case 'ndim': return BigInt(this.shape.length);
      case 'size': return BigInt(this.shape.reduce((p, d) => p * d, 1));
      case 'weak_type': return this.weak;
      case 'sharding': return null;
    }
    return undefined;
  }
  override repr(): string {
    return `ShapeDtypeStruct(shape=${pyShape(this.shape)}, dtype=${this.dtype}${this.weak ? ', weak_type=True' : ''})`;
  }
  override compare(op: CompareOp, other: PyValue): PyValue {
    if (op !== '==' && op !== '!=') return NOT_IMPLEMENTED;
    const same = other instanceof ShapeDtypeStruct && other.dtype === this.dtype && other.weak === this.weak
      && other.shape.length === this.shape.length && other.shape.every((d, i) => d === this.shape[i]);
    return op === '==' ? same : !same;
  }
}

function evalShape(rt: JaxRuntime, type: PyType, fun: PyValue, args: readonly PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  return transformOp(rt, ctx, () => {
    // A ShapeDtypeStruct stands in as a 0-d array of its dtype; the trace takes its shape from `avals`.
    const structs: (ShapeDtypeStruct | null)[] = [];
    const stand = (tree: PyValue): PyValue => {
      const [leaves, def] = flattenPy(tree, ctx);
      return unflattenPy(def, leaves.map((l) => {
        if (!(l instanceof ShapeDtypeStruct)) {
          structs.push(null);
          return l;
        }
        structs.push(l);
        const d = L.jaxDtypeOf(rt, l.dtype);
        return L.op(rt, () => L.wrap(rt, new Scalar(0, d), l.weak, false));
      }), ctx);
    };
    const standIns = (stand(new PyTuple([...args, ...kwargs.values()])) as PyTuple).items;
    const kw = new Map([...kwargs.keys()].map((k, i) => [k, standIns[args.length + i]!]));
    const flat = flattenArgs(rt, standIns.slice(0, args.length), ctx, new Set(), kw);
    const avals: AbstractValue[] = flat.leaves.map((l, i) => {
      const s = structs[i];
      return s ? { shape: [...s.shape], dtype: L.jaxDtypeOf(rt, s.dtype) } : { shape: [...l.v.shape], dtype: l.v.dtype };
    });
    const { jaxpr, out } = stagePy(rt, ctx, 'eval_shape', fun, flat, avals);
    const outs = jaxpr.outvars.map((v, i) => {
      const aval = isVar(v) ? v.aval : { shape: [], dtype: v.dtype };
      return new ShapeDtypeStruct(aval.shape, aval.dtype, out.weak[i] ?? false, type);
    });
    return unflattenPy(out.def, outs, ctx);
  });
}

export function evalShapeAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const shapeDtypeStruct: PyType = hostType('ShapeDtypeStruct', 'jax', (args, kwargs, ctx) => {
    const a = bindArgs('ShapeDtypeStruct', ['shape', 'dtype', '*', 'sharding?', 'weak_type?'], args, kwargs, ctx);
    const s = a.required('shape');
    if (!(s instanceof PyTuple || s instanceof PyList)) throw pyError('TypeError', `ShapeDtypeStruct's shape must be a tuple, got ${typeName(s)}`);
    const weak = a.opt('weak_type');
    return new ShapeDtypeStruct(s.items.map((d) => Number(toIndex(d, ctx))), toDtype(a.required('dtype'), rt, true), weak === undefined ? false : truthy(weak, ctx), shapeDtypeStruct);
  });
  return {
    ShapeDtypeStruct: shapeDtypeStruct,
    eval_shape: pyFunction('eval_shape', (args, kwargs, ctx) => {
      const a = bindArgs('eval_shape', ['fun', '*args'], args, new Map(), ctx);
      return evalShape(rt, shapeDtypeStruct, a.required('fun'), a.rest, kwargs, ctx);
    }),
  };
}

