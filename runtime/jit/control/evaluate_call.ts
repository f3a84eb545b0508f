import { checkInterrupt, type AbstractValue } from '../../core';
import type { Backend, DeviceArray } from '../../backends';
import type { CallParamsOf, CallPrimitive, Jaxpr } from '../../ir';
// NB: the host runs alone, not the folder's index: its derivatives import the transformations, which evaluate calls.
import { linalgRules } from '../../linalg/family';
import { runLinalg } from '../../linalg/host';
import { abstractEval, type ParamsOf, type Primitive } from '../../primitives';

/** What running a call primitive on concrete arrays needs: the arrays each step makes are the caller's to free. */
export interface CallHost<A> {
  /** Runs a sub-jaxpr; the results are fresh arrays (never an argument aliased). */
  run(jaxpr: Jaxpr, args: readonly A[]): A[];
  /** One first-order primitive, a fresh array. */
  prim<P extends Primitive>(prim: P, inputs: readonly A[], params: ParamsOf<P>): A;
  /** A 0-d array's value on the host (the cond index, the while predicate). */
  read(x: A): number;
  /** An array's elements on the host (a debug callback's operands). */
  readAll(x: A): ArrayLike<number>;
  /** An array of `aval` from values on the host (a linalg primitive's results). */
  upload(values: ArrayLike<number>, aval: AbstractValue): A;
  dispose(x: A): void;
}

/** A host over a backend whose sub-jaxprs run through `run` (op by op, or compiled). */
export function backendHost<A extends DeviceArray>(backend: Backend<A>, run: (jaxpr: Jaxpr, args: readonly A[]) => A[]): CallHost<A> {
  return {
    run,
    prim: (prim, inputs, params) => backend.run(prim, inputs, params, abstractEval(prim, inputs, params)),
    read: (x) => backend.readSync(x)[0],
    readAll: (x) => backend.readSync(x),
    upload: (values, aval) => backend.upload(values, aval),
    dispose: (x) => backend.dispose(x),
  };
}

type CallRun<C extends CallPrimitive> = <A extends AbstractValue>(h: CallHost<A>, inputs: readonly A[], params: CallParamsOf<C>) => A[];

const copy = <A extends AbstractValue>(h: CallHost<A>, x: A): A => h.prim('reshape', [x], { newSizes: x.shape });

/**
 * Each call primitive run on the host, as JAX's `_cond_impl`, `_while_loop_impl` and
 * `_scan_impl` do: the branch chosen by the index, the loop driven by the predicate read back,
 * the scan sliced one step at a time and its ys stacked at the end.
 */
const CALL_RUNS: { readonly [C in CallPrimitive]: CallRun<C> } = {
  cond: (h, [index, ...ops], { branches }) => {
    const i = Math.min(Math.max(Math.trunc(h.read(index)), 0), branches.length - 1);
    return h.run(branches[i], ops);
  },
  while: (h, inputs, { condJaxpr, condNconsts, bodyJaxpr, bodyNconsts }) => {
    const condConsts = inputs.slice(0, condNconsts);
    const bodyConsts = inputs.slice(condNconsts, condNconsts + bodyNconsts);
    let carry = inputs.slice(condNconsts + bodyNconsts);
    let owned = false;
    for (;;) {
      checkInterrupt();
      const [pred] = h.run(condJaxpr, [...condConsts, ...carry]);
      const go = h.read(pred) !== 0;
      h.dispose(pred);
      if (!go) break;
      const next = h.run(bodyJaxpr, [...bodyConsts, ...carry]);
      if (owned) carry.forEach((x) => h.dispose(x));
      carry = next;
      owned = true;
    }
    return owned ? carry : carry.map((x) => copy(h, x));
  },
  scan: <A extends AbstractValue>(h: CallHost<A>, inputs: readonly A[], { jaxpr, length, reverse, numConsts, numCarry }: CallParamsOf<'scan'>) => {
    const consts = inputs.slice(0, numConsts);
    const xs = inputs.slice(numConsts + numCarry);
    let carry = inputs.slice(numConsts, numConsts + numCarry);
    let owned = false;
    const ys: A[][] = [];
    const nys = jaxpr.outvars.length - numCarry;
    for (let step = 0; step < length; step++) {
      checkInterrupt();
      const i = reverse ? length - 1 - step : step;
      const xi = xs.map((x) => {
        const s = h.prim('slice', [x], { startIndices: x.shape.map((_, d) => (d === 0 ? i : 0)), limitIndices: x.shape.map((n, d) => (d === 0 ? i + 1 : n)), strides: null });
        const r = h.prim('reshape', [s], { newSizes: x.shape.slice(1) });
        h.dispose(s);
        return r;
      });
      const outs = h.run(jaxpr, [...consts, ...carry, ...xi]);
      xi.forEach((x) => h.dispose(x));
      if (owned) carry.forEach((x) => h.dispose(x));
      carry = outs.slice(0, numCarry);
      owned = true;
      ys[i] = outs.slice(numCarry).map((y) => {
        const r = h.prim('reshape', [y], { newSizes: [1, ...y.shape] });
        h.dispose(y);
        return r;
      });
    }
    const stacked = Array.from({ length: nys }, (_, k) => {
      const aval = jaxpr.outvars[numCarry + k].aval;
      if (length === 0) {
        const zero = h.prim('iota', [], { dtype: aval.dtype, shape: [0, ...aval.shape], dimension: 0 });
        return zero;
      }
      const parts = ys.map((y) => y[k]);
      const out = parts.length === 1 ? parts[0] : h.prim('concatenate', parts, { dimension: 0 });
      if (parts.length > 1) parts.forEach((p) => h.dispose(p));
      return out;
    });
    return [...(owned ? carry : carry.map((x) => copy(h, x))), ...stacked];
  },
  custom_jvp_call: (h, inputs, { callJaxpr }) => h.run(callJaxpr, inputs),
  custom_vjp_call: (h, inputs, { callJaxpr }) => h.run(callJaxpr, inputs),
  debug_callback: (h, inputs, { callback }) => {
    callback.run(inputs.map((x) => ({ aval: { shape: [...x.shape], dtype: x.dtype }, values: h.readAll(x) })));
    return [];
  },
  ...linalgRules((prim) => <A extends AbstractValue>(h: CallHost<A>, inputs: readonly A[], params: CallParamsOf<typeof prim>) => runLinalg(h, prim, inputs, params)),
};

/** Runs a call primitive on concrete arrays; its results are fresh arrays the caller owns. */
export function runCall<C extends CallPrimitive, A extends AbstractValue>(h: CallHost<A>, prim: C, inputs: readonly A[], params: CallParamsOf<C>): A[] {
  return (CALL_RUNS[prim] as CallRun<C>)(h, inputs, params);
}
