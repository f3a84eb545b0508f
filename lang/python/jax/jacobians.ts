/**
 * `jax.jacfwd`, `jacrev` (`jacobian`), `hessian`, `linearize` and `linear_transpose`: the
 * function staged once (over concrete primals, as grad is), then its jvp vmapped over the
 * standard basis of the inputs (jacfwd) or its vjp over the standard basis of the outputs
 * (jacrev), as JAX builds them; the Jacobian's pytree nests the inputs' structure in each output
 * leaf.
 */
import { COMPLEX_PART, isComplex, isFloat, isInexact, sizeOf } from '../../../runtime/core';
import { jvpJaxpr, vjpJaxpr, vmapJaxpr } from '../../../runtime/jit';
import { pyError, type HostContext, PyTuple, type PyValue, typeName } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { flattenPy, leafCount, treeKey, unflattenPy, type PyTreeDef } from './pytree';
import { ALL_KNOWN, apply, argnumsOf, flattenArgs, funName, leafVal, noKwargs, stagePy, transformOp, Transformed, type FlatArgs } from './transforms';
import { Scalar, type Val } from './values';

interface JacOpts { readonly argnums?: PyValue; readonly hasAux: boolean; readonly holomorphic: boolean }

/** The positions of the differentiated leaves, and each argument's structure. */
function wrtLeaves(flat: FlatArgs, argnums: readonly number[]): number[] {
  return argnums.flatMap((a) => Array.from({ length: flat.starts[a + 1] - flat.starts[a] }, (_, k) => flat.starts[a] + k));
}

function splitAux(def: PyTreeDef, hasAux: boolean): { main: PyTreeDef; aux: PyTreeDef | null } {
  if (!hasAux) return { main: def, aux: null };
  if ((def.kind !== 'tuple' && def.kind !== 'list') || def.children.length !== 2) {
    throw pyError('TypeError', 'has_aux=True requires the function to return a (value, aux) pair');
  }
  return { main: def.children[0], aux: def.children[1] };
}

/**
 * The Jacobian's pytree: the output's structure, each leaf replaced by the differentiated
 * arguments' structure (a tuple of them for a tuple argnums), whose leaves are `block(out, in)`.
 */
function jacobianTree(flat: FlatArgs, outDef: PyTreeDef, nOut: number, argnums: readonly number[], tuple: boolean, block: (i: number, j: number) => PyValue): PyValue {
  const argDefs = flat.def.kind === 'tuple' ? flat.def.children : [];
  const perOut = Array.from({ length: nOut }, (_, i) => {
    const perArg = argnums.map((a) => unflattenPy(argDefs[a], Array.from({ length: flat.starts[a + 1] - flat.starts[a] }, (_, k) => block(i, flat.starts[a] + k))));
    return tuple ? new PyTuple(perArg) : perArg[0];
  });
  return unflattenPy(outDef, perOut);
}

/** The n x n identity in `dtype` (a complex one's real part; callers convert it to each leaf's dtype). */
function identityBasis(rt: JaxRuntime, n: number, dtype: Val['dtype']): Val {
  if (isComplex(dtype)) dtype = COMPLEX_PART[dtype];
  return rt.upload(Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0)), [n, n], dtype);
}

/** JAX's output checks: holomorphic=True asks for complex outputs; jacrev without it for real ones. */
function checkHolomorphicOutput(name: 'jacfwd' | 'jacrev', opts: JacOpts, d: Val['dtype']): void {
  if (opts.holomorphic && !isComplex(d)) throw pyError('TypeError', `${name} with holomorphic=True requires outputs with complex dtype, but got ${d}.`);
  if (name === 'jacrev' && !opts.holomorphic && isComplex(d)) {
    throw pyError('TypeError', `jacrev requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got ${d}. For holomorphic differentiation, pass holomorphic=True. For differentiation of non-holomorphic functions involving complex outputs, use jax.vjp directly.`);
  }
}

export function jacfwdTransform(rt: JaxRuntime, fun: PyValue, opts: JacOpts, name = 'jacfwd'): Transformed {
  return new Transformed(`${name}(${funName(fun)})`, (args, kwargs, ctx) => {
    noKwargs(kwargs, name);
    return transformOp(rt, ctx, () => {
      const { list: argnums, tuple } = argnumsOf(opts.argnums, args.length, ctx);
      const flat = flattenArgs(rt, args, ctx);
      const wrt = wrtLeaves(flat, argnums);
      for (const k of wrt) {
        const d = flat.leaves[k].v.dtype;
        if (opts.holomorphic && !isComplex(d)) throw pyError('TypeError', `jacfwd with holomorphic=True requires inputs with complex dtype, but got ${d}.`);
        if (!isFloat(d) && !(opts.holomorphic && isComplex(d))) {
          throw pyError('TypeError', `jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), but got ${d}. For holomorphic differentiation, pass holomorphic=True. For differentiation of non-holomorphic functions involving complex inputs or integer inputs, use jax.jvp directly.`);
        }
      }
      const { jaxpr, out, closed } = stagePy(rt, ctx, name, fun, flat, undefined, ALL_KNOWN);
      const { main, aux } = splitAux(out.def, opts.hasAux);
      const nMain = leafCount(main);
      const inputs = [...flat.leaves.map((l) => l.v), ...closed];
      const sizes = wrt.map((k) => sizeOf(flat.leaves[k].v.shape));
      const n = sizes.reduce((p, q) => p + q, 0);
      const withTangent = jaxpr.invars.map((_, i) => wrt.includes(i));
      for (const v of jaxpr.outvars.slice(0, nMain)) checkHolomorphicOutput('jacfwd', opts, v.aval.dtype);
      const t = jvpJaxpr(jaxpr, withTangent);
      const nOut = jaxpr.outvars.length;
      // Primals shared, each tangent input a slice of the identity: the tangents out gain a leading axis of n.
      const batched = vmapJaxpr(t, n, [...inputs.map(() => null), ...wrt.map(() => 0)], [...jaxpr.outvars.map(() => null), ...jaxpr.outvars.map(() => 0)]);
      const dtype = wrt.length ? flat.leaves[wrt[0]].v.dtype : rt.floatDtype;
      const eye = identityBasis(rt, n, dtype);
      let offset = 0;
      const basis = wrt.map((k, j) => {
        const shape = flat.leaves[k].v.shape;
        const rows = rt.o.slice(eye, [0, offset], [n, offset + sizes[j]]);
        offset += sizes[j];
        return rt.o.convert(rt.o.reshape(rows, [n, ...shape]), flat.leaves[k].v.dtype);
      });
      const outs = apply(rt, batched, [...inputs, ...basis]);
      const starts = sizes.reduce<number[]>((acc, s) => [...acc, acc[acc.length - 1] + s], [0]);
      const jac = jacobianTree(flat, main, nMain, argnums, tuple, (i, leaf) => {
        const j = wrt.indexOf(leaf);
        const tOut = outs[nOut + i];
        const oshape = jaxpr.outvars[i].aval.shape;
        const ishape = flat.leaves[leaf].v.shape;
        const rows = rt.o.slice(tOut, [starts[j], ...oshape.map(() => 0)], [starts[j + 1], ...oshape]);
        const r = rt.o.reshape(rows, [...ishape, ...oshape]);
        const perm = [...oshape.map((_, d) => ishape.length + d), ...ishape.map((_, d) => d)];
        return new PyArray(rt, rt.place(rt.o.transpose(r, perm)), false, false);
      });
      if (!aux) return jac;
      const auxVals = unflattenPy(aux, outs.slice(nMain, nOut).map((v, i) => new PyArray(rt, rt.place(v), out.weak[nMain + i], false)));
      return new PyTuple([jac, auxVals]);
    });
  });
}

export function jacrevTransform(rt: JaxRuntime, fun: PyValue, opts: JacOpts, name = 'jacrev'): Transformed {
  return new Transformed(`${name}(${funName(fun)})`, (args, kwargs, ctx) => {
    noKwargs(kwargs, name);
    return transformOp(rt, ctx, () => {
      const { list: argnums, tuple } = argnumsOf(opts.argnums, args.length, ctx);
      const flat = flattenArgs(rt, args, ctx);
      const wrt = wrtLeaves(flat, argnums);
      for (const k of wrt) {
        const d = flat.leaves[k].v.dtype;
        if (opts.holomorphic && !isComplex(d)) throw pyError('TypeError', `jacrev with holomorphic=True requires inputs with complex dtype, but got ${d}.`);
        if (!isInexact(d)) {
          throw pyError('TypeError', `jacrev requires real- or complex-valued inputs (input dtype that is a sub-dtype of np.inexact), but got ${d}. If you want to use Boolean- or integer-valued inputs, use vjp or set allow_int to True.`);
        }
      }
      const { jaxpr, out, closed } = stagePy(rt, ctx, name, fun, flat, undefined, ALL_KNOWN);
      const { main, aux } = splitAux(out.def, opts.hasAux);
      const nMain = leafCount(main);
      const nOut = jaxpr.outvars.length;
      for (const v of jaxpr.outvars.slice(0, nMain)) {
        checkHolomorphicOutput('jacrev', opts, v.aval.dtype);
        if (!isFloat(v.aval.dtype) && !isComplex(v.aval.dtype)) {
          throw pyError('TypeError', `jacrev requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got ${v.aval.dtype}. For differentiation of functions with integer outputs, use jax.vjp directly.`);
        }
      }
      const inputs = [...flat.leaves.map((l) => l.v), ...closed];
      const mainJaxpr = { ...jaxpr, outvars: jaxpr.outvars.slice(0, nMain) };
      const back = vjpJaxpr(mainJaxpr, wrt);
      const sizes = mainJaxpr.outvars.map((v) => sizeOf(v.aval.shape));
      const m = sizes.reduce((p, q) => p + q, 0);
      const batched = vmapJaxpr(back, m, [...inputs.map(() => null), ...sizes.map(() => 0)], [...mainJaxpr.outvars.map(() => null), ...wrt.map(() => 0)]);
      const eye = identityBasis(rt, m, rt.floatDtype);
      let offset = 0;
      const basis = mainJaxpr.outvars.map((v, i) => {
        const rows = rt.o.slice(eye, [0, offset], [m, offset + sizes[i]]);
        offset += sizes[i];
        return rt.o.convert(rt.o.reshape(rows, [m, ...v.aval.shape]), v.aval.dtype);
      });
      const res = apply(rt, batched, [...inputs, ...basis]);
      const grads = res.slice(nMain);
      const starts = sizes.reduce<number[]>((acc, s) => [...acc, acc[acc.length - 1] + s], [0]);
      const jac = jacobianTree(flat, main, nMain, argnums, tuple, (i, leaf) => {
        const g = grads[wrt.indexOf(leaf)];
        const ishape = flat.leaves[leaf].v.shape;
        const oshape = mainJaxpr.outvars[i].aval.shape;
        const rows = rt.o.slice(g, [starts[i], ...ishape.map(() => 0)], [starts[i + 1], ...ishape]);
        return new PyArray(rt, rt.place(rt.o.reshape(rows, [...oshape, ...ishape])), false, false);
      });
      if (!aux) return jac;
      const auxOut = apply(rt, jaxpr, inputs).slice(nMain, nOut);
      return new PyTuple([jac, unflattenPy(aux, auxOut.map((v, i) => new PyArray(rt, rt.place(v), out.weak[nMain + i], false)))]);
    });
  });
}

/** `jax.hessian`: jacfwd of jacrev, as JAX defines it. */
export function hessianTransform(rt: JaxRuntime, fun: PyValue, opts: JacOpts): Transformed {
  const inner = jacrevTransform(rt, fun, opts);
  return jacfwdTransform(rt, inner, opts, 'hessian');
}

/**
 * `jax.linearize(f, *primals)`: the primal output and the jvp at those primals as a function of
 * the tangents alone (its jaxpr kept; each call runs it).
 */
export function linearizeCall(rt: JaxRuntime, fun: PyValue, primals: readonly PyValue[], ctx: HostContext): PyValue {
  let keep: Val[] = [];
  return transformOp(rt, ctx, () => {
    const flat = flattenArgs(rt, primals, ctx);
    const { jaxpr, out, closed } = stagePy(rt, ctx, 'linearize', fun, flat, undefined, ALL_KNOWN);
    const inputs = [...flat.leaves.map((l) => l.v), ...closed];
    const t = jvpJaxpr(jaxpr, jaxpr.invars.map((_, i) => i < flat.leaves.length));
    const nOut = jaxpr.outvars.length;
    const primalOut = apply(rt, jaxpr, inputs);
    keep = inputs.filter((v): v is Exclude<Val, Scalar> => !(v instanceof Scalar));
    const fJvp = new Transformed(`jvp(${funName(fun)})`, (targs, tkw, c2) => {
      noKwargs(tkw, 'linearize');
      return transformOp(rt, c2, () => {
        const tflat = flattenArgs(rt, targs, c2);
        if (treeKey(tflat.def, c2) !== treeKey(flat.def, c2)) {
          throw pyError('ValueError', `linearized function called on tangent values inconsistent with the original primal values: expected ${flat.leaves.length} tangent leaves in the primals' structure`);
        }
        const tangents = tflat.leaves.map((l, i) => {
          const p = flat.leaves[i].v;
          if (l.v.shape.join(',') !== p.shape.join(',')) {
            throw pyError('ValueError', `linearized function called on tangent values inconsistent with the original primal values: got tangent shape (${l.v.shape.join(', ')}) for primal shape (${p.shape.join(', ')})`);
          }
          return l.v instanceof Scalar ? new Scalar(l.v.value, p.dtype) : l.v;
        });
        const outs = apply(rt, t, [...inputs, ...tangents]).slice(nOut);
        return unflattenPy(out.def, outs.map((v) => new PyArray(rt, rt.place(v), false, false)));
      });
    });
    const y = unflattenPy(out.def, primalOut.map((v, i) => new PyArray(rt, rt.place(v), out.weak[i], false)));
    return new PyTuple([y, fJvp]);
  }, () => keep);
}

/**
 * `jax.linear_transpose(f, *primals)`: the transpose of a linear `f`, as the vjp of f at zeros of
 * the primals' shapes (exact for a linear f, whose vjp does not depend on the point).
 */
export function linearTransposeCall(rt: JaxRuntime, fun: PyValue, primals: readonly PyValue[], ctx: HostContext): PyValue {
  const shapes = primals.map((p) => flattenPy(p, ctx));
  for (const [leaves] of shapes) {
    for (const l of leaves) {
      if (!(l instanceof PyArray) && typeof l !== 'number') throw pyError('TypeError', `linear_transpose: expected arrays or shape-dtype structs, got ${typeName(l)}`);
    }
  }
  return new Transformed(`transpose(${funName(fun)})`, (cargs, ckw, c2) => {
    noKwargs(ckw, 'linear_transpose');
    return transformOp(rt, c2, () => {
      const zeros = primals.map((p) => {
        const [leaves, def] = flattenPy(p, c2);
        return unflattenPy(def, leaves.map((l) => {
          const v = leafVal(rt, l).v;
          return new PyArray(rt, rt.place(rt.o.full(v.shape, 0, v.dtype)), false, false);
        }));
      });
      const flat = flattenArgs(rt, zeros, c2);
      const { jaxpr, out, closed } = stagePy(rt, c2, 'linear_transpose', fun, flat);
      const [cts, cdef] = flattenPy(cargs.length === 1 ? cargs[0] : new PyTuple(cargs), c2);
      if (treeKey(cdef, c2) !== treeKey(out.def, c2)) throw pyError('TypeError', 'linear_transpose: the cotangent must have the structure of the function\'s output');
      const back = vjpJaxpr(jaxpr, flat.leaves.map((_, i) => i));
      const ctVals = cts.map((x, i) => {
        const v = leafVal(rt, x).v;
        return v instanceof Scalar ? new Scalar(v.value, jaxpr.outvars[i].aval.dtype) : v;
      });
      const res = apply(rt, back, [...flat.leaves.map((l) => l.v), ...closed, ...ctVals]).slice(jaxpr.outvars.length);
      const argDefs = flat.def.kind === 'tuple' ? flat.def.children : [];
      return new PyTuple(argDefs.map((d, a) => unflattenPy(d, res.slice(flat.starts[a], flat.starts[a + 1]).map((v) => new PyArray(rt, rt.place(v), false, false)))));
    });
  });
}
