import type { AbstractValue, Shape } from '../../core';
import { isVar, type Jaxpr, type Var } from '../../ir';
import type { Primitive } from '../../primitives';
import { fusedEqn, type PlanKernel } from './plan';

/** An operand inside a kernel: one of its inputs, an earlier member, or an inlined literal. */
export type Ref =
  | { readonly input: number }
  | { readonly member: number }
  | { readonly literal: number; readonly dtype: AbstractValue['dtype'] };

export interface MemberSpec {
  readonly primitive: Primitive;
  readonly params: unknown;
  readonly args: readonly Ref[];
  readonly out: AbstractValue;
}

/**
 * A fused kernel described by structure alone (no vars, no ids): two kernels with the same spec
 * compile to the same function, so the spec's text is the cache key.
 */
export interface KernelSpec {
  readonly inputs: readonly AbstractValue[];
  readonly members: readonly MemberSpec[];
  /** Members written out, in the order of the plan kernel's outputs. */
  readonly outputs: readonly number[];
  readonly domain: Shape;
  /** The member that reduces and its axes, sorted; the members after it read no reduced value. */
  readonly reduction: { readonly member: number; readonly axes: readonly number[] } | null;
}

export function kernelSpec(jaxpr: Jaxpr, k: Extract<PlanKernel, { kind: 'fused' }>): KernelSpec {
  const memberOf = new Map<Var, number>();
  k.eqns.forEach((i, m) => memberOf.set(fusedEqn(jaxpr, i).out, m));
  const members = k.eqns.map((i): MemberSpec => {
    const e = fusedEqn(jaxpr, i);
    const args = e.inputs.map((a): Ref => {
      if (!isVar(a)) return { literal: a.value, dtype: a.dtype };
      const m = memberOf.get(a);
      return m !== undefined ? { member: m } : { input: k.inputs.indexOf(a) };
    });
    return { primitive: e.primitive, params: e.params, args, out: e.out.aval };
  });
  const reduction = k.reduction === null ? null
    : { member: k.eqns.indexOf(k.reduction.eqn), axes: [...k.reduction.axes].sort((a, b) => a - b) };
  return {
    inputs: k.inputs.map((v) => v.aval), members, outputs: k.outputs.map((v) => memberOf.get(v)!), domain: k.domain, reduction,
  };
}

/** The spec as text; literals are written so that NaN, ±Infinity and -0 stay distinct. */
export function specKey(spec: KernelSpec): string {
  return JSON.stringify(spec, (key, value) => (key === 'literal' ? (Object.is(value, -0) ? '-0' : String(value)) : value));
}
