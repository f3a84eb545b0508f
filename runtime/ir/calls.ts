import { formatAval, shapeEq, type AbstractValue } from '../core';
import { LINALG_SHAPE_RULES } from '../linalg/shapes';
import { isCall, type AnyEquation, type CallEquation, type CallParamsOf, type CallPrimitive, type Jaxpr } from './types';

const avalsOf = (xs: readonly { readonly aval: AbstractValue }[]) => xs.map((x) => x.aval);
const same = (a: AbstractValue, b: AbstractValue) => a.dtype === b.dtype && shapeEq(a.shape, b.shape);

/** A TypeError naming the call primitive and what does not match, as JAX's typecheck rules do. */
function check(ok: boolean, prim: string, what: () => string): void {
  if (!ok) throw new TypeError(`${prim}: ${what()}`);
}

function checkTakes(prim: string, which: string, jaxpr: Jaxpr, args: readonly AbstractValue[]): void {
  const want = avalsOf(jaxpr.invars);
  check(want.length === args.length && want.every((a, i) => same(a, args[i])), prim,
    () => `${which} takes (${want.map(formatAval).join(', ')}) but is called on (${args.map(formatAval).join(', ')})`);
}

type CallShapeRule<C extends CallPrimitive> = (inputs: readonly AbstractValue[], params: CallParamsOf<C>) => AbstractValue[];

/** The result types of each call primitive, checking its operands against its sub-jaxprs. */
export const CALL_SHAPE_RULES: { readonly [C in CallPrimitive]: CallShapeRule<C> } = {
  cond: (inputs, { branches }) => {
    check(inputs[0]?.dtype === 'int32' && inputs[0].shape.length === 0, 'cond', () => 'the index must be an int32 scalar');
    const outs = avalsOf(branches[0].outvars);
    branches.forEach((b, i) => {
      checkTakes('cond', `branch ${i}`, b, inputs.slice(1));
      const o = avalsOf(b.outvars);
      check(o.length === outs.length && o.every((a, k) => same(a, outs[k])), 'cond', () => `branch 0 and ${i} outputs must have identical types`);
    });
    return outs.map((a) => ({ shape: [...a.shape], dtype: a.dtype }));
  },
  while: (inputs, { condJaxpr, condNconsts, bodyJaxpr, bodyNconsts }) => {
    const carry = inputs.slice(condNconsts + bodyNconsts);
    checkTakes('while', 'cond_jaxpr', condJaxpr, [...inputs.slice(0, condNconsts), ...carry]);
    checkTakes('while', 'body_jaxpr', bodyJaxpr, [...inputs.slice(condNconsts, condNconsts + bodyNconsts), ...carry]);
    const pred = condJaxpr.outvars.map((a) => a.aval);
    check(pred.length === 1 && pred[0].dtype === 'bool' && pred[0].shape.length === 0, 'while', () => 'cond_jaxpr must return one bool scalar');
    const outs = avalsOf(bodyJaxpr.outvars);
    check(outs.length === carry.length && outs.every((a, i) => same(a, carry[i])), 'while', () => 'body_fun output and input must have identical types');
    return outs.map((a) => ({ shape: [...a.shape], dtype: a.dtype }));
  },
  scan: (inputs, { jaxpr, length, numConsts, numCarry }) => {
    const consts = inputs.slice(0, numConsts);
    const carry = inputs.slice(numConsts, numConsts + numCarry);
    const xs = inputs.slice(numConsts + numCarry);
    xs.forEach((x) => check(x.shape[0] === length, 'scan', () => `scanned operand ${formatAval(x)} has no leading axis of length ${length}`));
    checkTakes('scan', 'jaxpr', jaxpr, [...consts, ...carry, ...xs.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype }))]);
    const outs = avalsOf(jaxpr.outvars);
    check(outs.slice(0, numCarry).every((a, i) => same(a, carry[i])), 'scan', () => 'the carry output and input must have identical types');
    return [
      ...outs.slice(0, numCarry).map((a) => ({ shape: [...a.shape], dtype: a.dtype })),
      ...outs.slice(numCarry).map((a) => ({ shape: [length, ...a.shape], dtype: a.dtype })),
    ];
  },
  custom_jvp_call: (inputs, { callJaxpr }) => {
    checkTakes('custom_jvp_call', 'call_jaxpr', callJaxpr, inputs);
    return avalsOf(callJaxpr.outvars).map((a) => ({ shape: [...a.shape], dtype: a.dtype }));
  },
  custom_vjp_call: (inputs, { callJaxpr }) => {
    checkTakes('custom_vjp_call', 'call_jaxpr', callJaxpr, inputs);
    return avalsOf(callJaxpr.outvars).map((a) => ({ shape: [...a.shape], dtype: a.dtype }));
  },
  debug_callback: () => [],
  ...LINALG_SHAPE_RULES,
};

export function callOutAvals<C extends CallPrimitive>(prim: C, inputs: readonly AbstractValue[], params: CallParamsOf<C>): AbstractValue[] {
  return (CALL_SHAPE_RULES[prim] as CallShapeRule<C>)(inputs, params);
}

/** The sub-jaxprs an equation holds, in the order JAX prints them. */
export function subJaxprs(e: CallEquation): Jaxpr[] {
  switch (e.primitive) {
    case 'cond': return [...(e.params as CallParamsOf<'cond'>).branches];
    case 'while': {
      const p = e.params as CallParamsOf<'while'>;
      return [p.bodyJaxpr, p.condJaxpr];
    }
    case 'scan': return [(e.params as CallParamsOf<'scan'>).jaxpr];
    case 'custom_jvp_call': return [(e.params as CallParamsOf<'custom_jvp_call'>).callJaxpr];
    case 'custom_vjp_call': return [(e.params as CallParamsOf<'custom_vjp_call'>).callJaxpr];
    default: return [];
  }
}

/** A call's params with each sub-jaxpr replaced by `f` of it. */
function mapSubJaxprs<C extends CallPrimitive>(prim: C, params: CallParamsOf<C>, f: (j: Jaxpr) => Jaxpr): CallParamsOf<C> {
  const p = params as CallParamsOf<CallPrimitive>;
  switch (prim) {
    case 'cond': return { ...p, branches: (p as CallParamsOf<'cond'>).branches.map(f) } as unknown as CallParamsOf<C>;
    case 'while': {
      const w = p as CallParamsOf<'while'>;
      return { ...w, bodyJaxpr: f(w.bodyJaxpr), condJaxpr: f(w.condJaxpr) } as unknown as CallParamsOf<C>;
    }
    case 'scan': return { ...p, jaxpr: f((p as CallParamsOf<'scan'>).jaxpr) } as unknown as CallParamsOf<C>;
    case 'custom_jvp_call': return { ...p, callJaxpr: f((p as CallParamsOf<'custom_jvp_call'>).callJaxpr) } as unknown as CallParamsOf<C>;
    case 'custom_vjp_call': return { ...p, callJaxpr: f((p as CallParamsOf<'custom_vjp_call'>).callJaxpr) } as unknown as CallParamsOf<C>;
    default: return params;
  }
}

/** Whether running the equation does something beyond its results (a debug_callback, here or in a sub-jaxpr), as JAX's effects. */
export function hasEffects(e: AnyEquation): boolean {
  return isCall(e) && (e.primitive === 'debug_callback' || subJaxprs(e).some((j) => j.eqns.some(hasEffects)));
}

/**
 * A call's params without its debug callbacks (none for a debug_callback itself: null), for a
 * call whose callbacks already ran: JAX runs a callback once, in the forward pass.
 */
export function callWithoutEffects<C extends CallPrimitive>(prim: C, params: CallParamsOf<C>): CallParamsOf<C> | null {
  return prim === 'debug_callback' ? null : mapSubJaxprs(prim, params, withoutEffects);
}

/**
 * The jaxpr without its debug callbacks (also inside its sub-jaxprs): what a transformation runs
 * again after the forward pass ran them (scan's recomputed forward, the backward pass).
 */
export function withoutEffects(jaxpr: Jaxpr): Jaxpr {
  if (!jaxpr.eqns.some(hasEffects)) return jaxpr;
  const eqns = jaxpr.eqns.flatMap((e): AnyEquation[] => {
    if (!isCall(e) || !hasEffects(e)) return [e];
    const params = callWithoutEffects(e.primitive, e.params);
    return params === null ? [] : [{ ...e, params } as CallEquation];
  });
  return { ...jaxpr, eqns };
}
