/**
 * `jnp.piecewise(x, condlist, funclist, *args, **kw)` as JAX's lax_numpy.py computes it: each
 * element takes the function of the last condition true there (the default, funclist's extra last
 * entry or 0, where none is), each function applied element by element (JAX vectorizes lax.switch,
 * so a function sees scalars: here it is vmapped over the elements), results cast to x's dtype.
 */
import { bindArgs, type HostContext, isCallable, PyList, pyError, PyTuple, type PyValue, pyFunction, typeName } from '../interpreter';
import { broadcastShapes } from '../../../runtime/core';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { FUNCTIONS } from './numpy';
import { vmapTransform } from './transforms';

/** The index of the branch each element takes: 1 + the last true condition, 0 where none is. */
function branchIndex(rt: JaxRuntime, cond: PyArray, ctx: HostContext): PyArray {
  let idx: PyArray = L.op(rt, () => L.wrap(rt, rt.o.full(cond.shape.slice(1), 0, 'int32'), false, false));
  for (let k = 0; k < cond.shape[0]!; k++) idx = L.where(rt, L.getIndex(rt, cond, BigInt(k), ctx), BigInt(k + 1), idx, ctx);
  return idx;
}

/** `f(x, *args, **kw)` on each element of `x` (vmapped over its flattened elements), as x's dtype. */
function elementwise(rt: JaxRuntime, f: PyValue, x: PyArray, extra: readonly PyValue[], kw: Map<string, PyValue>, ctx: HostContext): PyArray {
  const flat = L.reshape(rt, x, [-1]);
  const per = pyFunction('piecewise_branch', (args) => ctx.call(f, [args[0]!, ...extra], kw));
  const out = ctx.call(vmapTransform(rt, per, 0n, 0n), [flat]);
  if (!(out instanceof PyArray)) throw pyError('TypeError', `a piecewise function must return an array, got ${typeName(out)}`);
  return L.arrayFromData(rt, L.reshape(rt, out, x.shape), x.dtype, ctx, false);
}

export function piecewiseFunction(rt: JaxRuntime): PyValue {
  return pyFunction('piecewise', (args, kwargs, ctx) => {
    const a = bindArgs('piecewise', ['x', 'condlist', 'funclist', '*args'], args, kwargs, ctx);
    const x0 = L.arrayArgument(rt, a.required('x'), ctx, false);
    const given = a.required('funclist');
    if (!(given instanceof PyList || given instanceof PyTuple)) throw pyError('TypeError', `funclist must be a list, got ${typeName(given)}`);
    const condArg = a.required('condlist');
    const nc = condArg instanceof PyList || condArg instanceof PyTuple ? condArg.items.length : condArg instanceof PyArray ? condArg.shape[0] ?? 0 : 1;
    const nf = given.items.length;
    let funcs: PyValue[];
    if (nf === nc + 1) funcs = [given.items[nf - 1]!, ...given.items.slice(0, nf - 1)];
    else if (nf === nc) funcs = [0n, ...given.items];
    else throw pyError('ValueError', `with ${nc} condition(s), either ${nc} or ${nc + 1} functions are expected; got ${nf}`);
    // NB: asarray(condlist, dtype=bool): a list of conditions stacks along a new first axis.
    const stacked = condArg instanceof PyList || condArg instanceof PyTuple ? FUNCTIONS.stack!(rt, [condArg], new Map(), ctx, false) : condArg;
    const cond = L.arrayFromData(rt, stacked, 'bool', ctx, false);
    const idx = branchIndex(rt, cond, ctx);
    const shape = broadcastShapes(idx.shape, x0.shape);
    if (!shape) throw pyError('ValueError', `piecewise: conditions of shape ${cond.shape.slice(1)} do not broadcast with x of shape ${x0.shape}`);
    const x = L.op(rt, () => L.wrap(rt, rt.o.broadcastTo(x0.v, shape), x0.weak, false));
    const kw = new Map(kwargs);
    const values = funcs.map((f) => isCallable(f, ctx)
      ? elementwise(rt, f, x, a.rest, kw, ctx)
      : L.arrayFromData(rt, L.binary(rt, 'add', L.arrayFromData(rt, f, x.dtype, ctx, false), L.op(rt, () => L.wrap(rt, rt.o.zerosLike(x.v), false, false)), ctx), x.dtype, ctx, false));
    let out = values[0]!;
    for (let j = 1; j < values.length; j++) out = L.where(rt, L.binary(rt, 'eq', idx, BigInt(j), ctx), values[j]!, out, ctx);
    return out;
  });
}
