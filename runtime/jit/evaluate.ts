import { formatAval, scalarWords, shapeEq, type AbstractValue } from '../core';
import type { Backend, DeviceArray } from '../backends';
import { isCall, isVar, outsOf, type Atom, type CallEquation, type ConstValue, type Jaxpr, type Literal, type Var } from '../ir';
import { backendHost, runCall } from './control/evaluate_call';
import type { Emitter } from '../ops';
import { abstractEval } from '../primitives';

function checkArgs(jaxpr: Jaxpr, args: readonly AbstractValue[]): void {
  if (args.length !== jaxpr.invars.length) {
    throw new TypeError(`jaxpr takes ${jaxpr.invars.length} argument(s), got ${args.length}`);
  }
  jaxpr.invars.forEach((v, i) => {
    const a = args[i];
    if (a.dtype !== v.aval.dtype || !shapeEq(a.shape, v.aval.shape)) {
      throw new TypeError(`jaxpr argument ${i} must be ${formatAval(v.aval)}, got ${formatAval(a)}`);
    }
  });
}

/**
 * Runs a jaxpr on any Emitter: on a backend through BackendEmitter, or on tracers to inline it
 * into another trace. `constant` gives each constvar's value in T.
 */
export function interpretJaxpr<T>(
  jaxpr: Jaxpr, emitter: Emitter<T>, args: readonly T[], constant: (c: ConstValue, v: Var) => T,
): T[] {
  checkArgs(jaxpr, args.map((a) => emitter.aval(a)));
  const env = new Map<Var, T>();
  jaxpr.constvars.forEach((v, i) => env.set(v, constant(jaxpr.consts[i], v)));
  jaxpr.invars.forEach((v, i) => env.set(v, args[i]));
  const read = (a: Atom): T => (isVar(a) ? env.get(a)! : emitter.scalar(a.value, a.dtype));
  for (const e of jaxpr.eqns) {
    if (!isCall(e)) {
      env.set(e.out, emitter.bind(e.primitive, e.inputs.map(read), e.params));
      continue;
    }
    if (!emitter.bindCall) throw new TypeError(`${e.primitive}: this emitter cannot run call primitives`);
    const outs = emitter.bindCall(e.primitive, e.inputs.map(read), e.params);
    e.outs.forEach((v, k) => env.set(v, outs[k]));
  }
  return jaxpr.outvars.map(read);
}

/** The index of the last equation that reads each var; outputs live past the end. */
function lastUses(jaxpr: Jaxpr): Map<Var, number> {
  const last = new Map<Var, number>();
  jaxpr.eqns.forEach((e, i) => e.inputs.forEach((a) => isVar(a) && last.set(a, i)));
  for (const a of jaxpr.outvars) if (isVar(a)) last.set(a, Infinity);
  return last;
}

const uploadLiteral = <A extends DeviceArray>(backend: Backend<A>, l: Literal): A => backend.upload(scalarWords(l.value, l.dtype), l.aval);

/**
 * Evaluates a jaxpr on `backend`, one kernel per equation. Each intermediate is freed as soon as
 * its last reader has run; the results are fresh arrays the caller owns (never an argument or a
 * constant aliased), so a caller that disposes them leaves the backend as it found it.
 */
export function evalJaxpr<A extends DeviceArray>(jaxpr: Jaxpr, backend: Backend<A>, args: readonly A[]): A[] {
  checkArgs(jaxpr, args);
  const last = lastUses(jaxpr);
  const env = new Map<Var, A>();
  // Arrays this evaluation allocated and still holds; args and device consts belong to others.
  const owned = new Set<A>();
  const release = (v: Var) => {
    const a = env.get(v);
    if (a !== undefined && owned.has(a)) {
      owned.delete(a);
      backend.dispose(a);
    }
    env.delete(v);
  };
  try {
    jaxpr.invars.forEach((v, i) => env.set(v, args[i]));
    jaxpr.constvars.forEach((v, i) => {
      if (!last.has(v)) return;
      const c = jaxpr.consts[i];
      if (c.kind === 'host') {
        const a = backend.upload(c.values, c.aval);
        owned.add(a);
        env.set(v, a);
      } else {
        if (c.array.backend !== backend.name) {
          throw new Error(`jaxpr constant ${formatAval(v.aval)} lives on the ${c.array.backend} backend, not ${backend.name}`);
        }
        env.set(v, c.array as A);
      }
    });
    jaxpr.eqns.forEach((e, i) => {
      const literals: A[] = [];
      const inputs = e.inputs.map((x) => {
        if (isVar(x)) return env.get(x)!;
        const a = uploadLiteral(backend, x);
        literals.push(a);
        return a;
      });
      try {
        if (isCall(e)) {
          const outs = evalCallEquation(backend, e, inputs);
          e.outs.forEach((v, k) => {
            owned.add(outs[k]);
            env.set(v, outs[k]);
          });
        } else {
          const out = backend.run(e.primitive, inputs, e.params, abstractEval(e.primitive, inputs, e.params));
          owned.add(out);
          env.set(e.out, out);
        }
      } finally {
        for (const a of literals) backend.dispose(a);
      }
      for (const x of e.inputs) if (isVar(x) && last.get(x) === i) release(x);
      for (const v of outsOf(e)) if (!last.has(v)) release(v);
    });
    return jaxpr.outvars.map((x) => {
      if (!isVar(x)) return uploadLiteral(backend, x);
      const a = env.get(x)!;
      if (owned.delete(a)) return a;
      // An argument, a constant, or an output listed twice: the caller gets its own copy.
      return backend.run('reshape', [a], { newSizes: a.shape }, { shape: a.shape, dtype: a.dtype });
    });
  } finally {
    for (const a of owned) backend.dispose(a);
  }
}

/** A call primitive's equation run on `backend`, its sub-jaxprs op by op; the results are the caller's. */
export function evalCallEquation<A extends DeviceArray>(backend: Backend<A>, e: CallEquation, inputs: readonly A[]): A[] {
  return runCall(backendHost(backend, (j, xs) => evalJaxpr(j, backend, xs)), e.primitive, inputs, e.params);
}
