import { sizeOf } from '../../core';
import { isVar, type Jaxpr, type Var } from '../../ir';
import { fusedEqn, type PlanKernel } from './plan';

type FusedKernel = Extract<PlanKernel, { kind: 'fused' }>;

/** A part of a fused kernel: a smaller fused kernel, or one equation for the backend to run. */
export type KernelPart = FusedKernel | { readonly kind: 'primitive'; readonly eqn: number };

/**
 * Cuts a fused kernel that binds more buffers than one shader may (WebGPU's default is 8 storage
 * buffers, and tfjs asks for no more) into consecutive fused parts that each fit, longest first.
 * NB: run op by op instead, such a kernel would meet tfjs's own kernels, whose tan, tanh and
 * pow are the WGSL builtins (2^-11 absolute), not our fused helpers (a few ulps): a program's
 * precision would hang on how wide its kernels are. A part writes what later parts or the
 * kernel's readers need, each at the domain's flat index, so a cut falls only where every such
 * value spans the domain; an equation that no cut can isolate runs as a backend op.
 */
export function splitKernel(jaxpr: Jaxpr, k: FusedKernel, maxBindings: number): KernelPart[] {
  const parts: KernelPart[] = [];
  let start = 0;
  while (start < k.eqns.length) {
    let best: FusedKernel | null = null;
    for (let end = k.eqns.length; end > start && best === null; end--) best = part(jaxpr, k, start, end, maxBindings);
    if (best) {
      parts.push(best);
      start += best.eqns.length;
    } else parts.push({ kind: 'primitive', eqn: k.eqns[start++] });
  }
  return parts;
}

/** Equations `start` to `end` (exclusive) of `k` as one fused kernel, or null where they cannot be one. */
function part(jaxpr: Jaxpr, k: FusedKernel, start: number, end: number, maxBindings: number): FusedKernel | null {
  const eqns = k.eqns.slice(start, end);
  const made = new Set(eqns.map((i) => fusedEqn(jaxpr, i).out));
  const inputs: Var[] = [];
  for (const i of eqns) {
    for (const a of jaxpr.eqns[i].inputs) if (isVar(a) && !made.has(a) && !inputs.includes(a)) inputs.push(a);
  }
  const readLater = new Set<Var>(k.outputs);
  for (const i of k.eqns.slice(end)) for (const a of jaxpr.eqns[i].inputs) if (isVar(a)) readLater.add(a);
  const outputs = eqns.map((i) => fusedEqn(jaxpr, i).out).filter((v) => readLater.has(v));
  if (outputs.length === 0 || inputs.length + outputs.length > maxBindings) return null;
  const reduction = k.reduction !== null && eqns.includes(k.reduction.eqn) ? k.reduction : null;
  const domain = sizeOf(k.domain);
  if (outputs.some((v) => v !== (reduction ? fusedEqn(jaxpr, reduction.eqn).out : undefined) && sizeOf(v.aval.shape) !== domain)) return null;
  return { kind: 'fused', eqns, inputs, outputs, domain: k.domain, reduction };
}
