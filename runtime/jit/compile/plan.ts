import { checkInterrupt, shapeEq, sizeOf, type DType, type Shape } from '../../core';
import { isCall, isVar, nameVars, outsOf, type CallPrimitive, type Equation, type Jaxpr, type Var } from '../../ir';
import { FUSIBLE, REDUCTIONS as REDUCTION_PRIMITIVES, type Primitive } from '../../primitives';

const FUSED: ReadonlySet<Primitive> = new Set<Primitive>(FUSIBLE);
const REDUCTIONS: ReadonlySet<Primitive> = new Set<Primitive>(REDUCTION_PRIMITIVES);

/**
 * One kernel of a plan. `eqns` index `jaxpr.eqns` in order; `inputs` are the vars it reads from
 * other kernels, the jaxpr's invars or constvars (literals are inlined); `outputs` are the vars
 * that something outside the kernel reads.
 * A fused kernel loops once over `domain` (for a reduction: the reduced operand's shape, whose
 * `reduction.axes` become an inner loop); a primitive kernel is one equation run by the backend.
 */
export type PlanKernel =
  | {
    readonly kind: 'fused'; readonly eqns: readonly number[]; readonly inputs: readonly Var[]; readonly outputs: readonly Var[];
    readonly domain: Shape; readonly reduction: { readonly eqn: number; readonly axes: readonly number[] } | null;
  }
  | { readonly kind: 'primitive'; readonly eqns: readonly [number]; readonly inputs: readonly Var[]; readonly outputs: readonly Var[] };

/** Kernels in an order that runs each after the kernels it reads from. */
export interface Plan {
  readonly kernels: readonly PlanKernel[];
}

interface Group {
  id: number;
  eqns: number[];
  domain: Shape;
  /** Fused groups take more equations until a reduction closes them; primitive groups never do. */
  open: boolean;
  fused: boolean;
  reduction: number | null;
  /** Every group that must run before this one, transitively. */
  deps: Set<Group>;
  dead: boolean;
}

/** Equation `i` of a fused kernel: never a call primitive (the plan keeps those as kernels of their own). */
export function fusedEqn(jaxpr: Jaxpr, i: number): Equation {
  const e = jaxpr.eqns[i];
  if (isCall(e)) throw new Error(`fusion plan: a fused kernel holds the call primitive ${e.primitive}`);
  return e;
}

const HOST_ONLY = new Set<DType>(['int64', 'uint32', 'uint8', 'int8', 'int16', 'uint16', 'uint64', 'key<fry>', 'complex64', 'complex128']);

function isFusible(jaxpr: Jaxpr, i: number): boolean {
  const e = jaxpr.eqns[i];
  if (isCall(e)) return false;
  // NB: int64 runs op by op on the host, whose kernels check every result (and partial sum) against 2**53.
  // NB: so do uint32, the 8- and 16-bit integers and keys (jax.random's bits): no backend's kernels have their types.
  if ([...e.inputs, e.out].some((a) => HOST_ONLY.has(a.aval.dtype))) return false;
  // NB: a broadcast_in_dim whose dimensions are not increasing transposes; that is not a re-index the kernel's index maps express.
  if (e.primitive === 'broadcast_in_dim') {
    const bd = (e.params as { broadcastDimensions: readonly number[] }).broadcastDimensions;
    return bd.every((d, k) => k === 0 || d > bd[k - 1]);
  }
  return FUSED.has(e.primitive);
}

export interface PlanOptions {
  /**
   * An elementwise equation over the whole domain of a reduction to a scalar joins its kernel when
   * it reads no reduced value (a gradient beside its loss: one pass, no intermediates stored):
   * for host kernels, one loop. Not for a GPU, where a reduction is one workgroup per output
   * and the elementwise work would lose the rest of the device.
   */
  readonly besideFullReductions?: boolean;
}

/**
 * Groups equations greedily in program order. An elementwise or re-indexing equation joins the
 * open groups of its operands when (a) no other operand's kernel depends on them (no cycles),
 * and (b) every member whose size differs from the new domain is read only inside the group:
 * a kernel writes its outputs at the domain's flat index, which a value broadcast into the
 * domain does not have. A reduction joins the group of its operand when that operand spans the
 * group's domain, and closes it. Nothing is recomputed across kernels.
 */
export function planJaxpr(jaxpr: Jaxpr, options: PlanOptions = {}): Plan {
  const consumers = new Map<Var, number[]>();
  jaxpr.eqns.forEach((e, i) => e.inputs.forEach((a) => {
    if (isVar(a)) consumers.set(a, [...(consumers.get(a) ?? []), i]);
  }));
  const outvars = new Set(jaxpr.outvars.filter(isVar));
  const groupOf: Group[] = [];
  const producer = new Map<Var, number>();
  jaxpr.eqns.forEach((e, i) => outsOf(e).forEach((v) => producer.set(v, i)));
  const groups: Group[] = [];
  const sourceGroups = (i: number, exclude: ReadonlySet<Group>): Group[] => {
    const out: Group[] = [];
    for (const a of jaxpr.eqns[i].inputs) {
      const p = isVar(a) ? producer.get(a) : undefined;
      if (p !== undefined && !exclude.has(groupOf[p]) && !out.includes(groupOf[p])) out.push(groupOf[p]);
    }
    return out;
  };
  /** Members that may not change domain: read outside `members` or by the jaxpr's caller (a reduction writes its own output). */
  const escapes = (members: readonly number[], newSize: number, extra: number): boolean => {
    const inside = new Set([...members, extra]);
    return members.some((m) => {
      return !REDUCTIONS.has(jaxpr.eqns[m].primitive as Primitive) && outsOf(jaxpr.eqns[m]).some((v) => sizeOf(v.aval.shape) !== newSize
        && (outvars.has(v) || (consumers.get(v) ?? []).some((c) => !inside.has(c))));
    });
  };
  const create = (i: number, fused: boolean, domain: Shape, open: boolean, merged: readonly Group[]): Group => {
    const g: Group = { id: groups.length, eqns: [i], domain, open, fused, reduction: null, deps: new Set(), dead: false };
    groups.push(g);
    for (const m of merged) {
      g.eqns.push(...m.eqns);
      m.dead = true;
      for (const d of m.deps) g.deps.add(d);
    }
    g.eqns.sort((a, b) => a - b);
    // A reduction's group that an equation joined (besideReduction) keeps its reduction, and takes no other.
    const reducing = merged.find((m) => m.reduction !== null);
    if (reducing) {
      g.reduction = reducing.reduction;
      g.open = false;
    }
    for (const k of g.eqns) groupOf[k] = g;
    for (const s of sourceGroups(i, new Set([g, ...merged]))) {
      g.deps.add(s);
      for (const d of s.deps) g.deps.add(d);
    }
    // Groups that depended on a merged group now depend on the new one.
    for (const h of groups) {
      if (h.dead || h === g || !merged.some((m) => h.deps.has(m))) continue;
      h.deps.add(g);
      for (const d of g.deps) h.deps.add(d);
    }
    return g;
  };

  /** Whether `e` may join the closed group `g` of a reduction to a scalar: over its whole domain, reading no reduced value. */
  const besideReduction = (g: Group, i: number): boolean => {
    const e = fusedEqn(jaxpr, i);
    if (!options.besideFullReductions || g.reduction === null || !shapeEq(g.domain, e.out.aval.shape)) return false;
    const reduced = fusedEqn(jaxpr, g.reduction);
    if (sizeOf(reduced.out.aval.shape) !== 1) return false;
    return !e.inputs.some((a) => isVar(a) && a === reduced.out);
  };

  jaxpr.eqns.forEach((e, i) => {
    // NB: planning grows with the square of a long chain's length: the caller's clock is checked as it goes.
    if (i % 64 === 63) checkInterrupt();
    if (isCall(e) || !isFusible(jaxpr, i)) {
      create(i, false, outsOf(e)[0]?.aval.shape ?? [], false, []);
      return;
    }
    const candidates = sourceGroups(i, new Set()).filter((g) => g.open || besideReduction(g, i));
    const external = () => sourceGroups(i, new Set(chosen));
    const chosen: Group[] = [];
    if (REDUCTIONS.has(e.primitive)) {
      const operand = e.inputs[0];
      const g = isVar(operand) && producer.has(operand) ? groupOf[producer.get(operand)!] : undefined;
      if (g && g.open && shapeEq(g.domain, operand.aval.shape)) chosen.push(g);
      const r = create(i, true, operand.aval.shape, false, chosen);
      r.reduction = i;
      return;
    }
    const domain = e.out.aval.shape;
    for (const g of candidates) {
      if (sizeOf(g.domain) > sizeOf(domain)) continue;
      const members = [...chosen.flatMap((c) => c.eqns), ...g.eqns];
      if (escapes(members, sizeOf(domain), i)) continue;
      if (chosen.some((c) => c.deps.has(g) || g.deps.has(c))) continue;
      if (g.reduction !== null && chosen.some((c) => c.reduction !== null)) continue;
      chosen.push(g);
    }
    // A kernel outside the merge that reads a merged group and feeds `e` would close a cycle.
    while (external().some((s) => chosen.some((c) => s.deps.has(c)))) chosen.pop();
    create(i, true, domain, true, chosen);
  });
  return { kernels: order(groups.filter((g) => !g.dead)).map((g) => toKernel(jaxpr, g, groupOf, consumers, outvars)) };
}

/** Kahn's order over group dependencies, earliest equation first among the ready. */
function order(groups: Group[]): Group[] {
  const done = new Set<Group>();
  const out: Group[] = [];
  const pending = [...groups].sort((a, b) => a.eqns[0] - b.eqns[0]);
  while (pending.length > 0) {
    const k = pending.findIndex((g) => [...g.deps].every((d) => d.dead || done.has(d)));
    if (k < 0) throw new Error('fusion plan: the kernels depend on each other in a cycle');
    done.add(pending[k]);
    out.push(...pending.splice(k, 1));
  }
  return out;
}

function toKernel(jaxpr: Jaxpr, g: Group, groupOf: readonly Group[], consumers: Map<Var, number[]>, outvars: Set<Var>): PlanKernel {
  const produced = new Set(g.eqns.flatMap((i) => outsOf(jaxpr.eqns[i])));
  const inputs: Var[] = [];
  for (const i of g.eqns) {
    for (const a of jaxpr.eqns[i].inputs) if (isVar(a) && !produced.has(a) && !inputs.includes(a)) inputs.push(a);
  }
  const outputs = g.eqns.flatMap((i) => outsOf(jaxpr.eqns[i]))
    .filter((v) => outvars.has(v) || (consumers.get(v) ?? []).some((c) => groupOf[c] !== g));
  if (!g.fused) return { kind: 'primitive', eqns: [g.eqns[0]], inputs, outputs };
  const reduction = g.reduction === null ? null
    : { eqn: g.reduction, axes: (jaxpr.eqns[g.reduction].params as { axes: readonly number[] }).axes };
  return { kind: 'fused', eqns: g.eqns, inputs, outputs, domain: g.domain, reduction };
}

export interface PlanKernelJson {
  readonly kind: 'fused' | 'primitive';
  readonly eqns: readonly number[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly primitives: readonly (Primitive | CallPrimitive)[];
}

/** The plan with vars named as the printed jaxpr names them, for the graph viewer. */
export function planToJson(jaxpr: Jaxpr, plan: Plan): PlanKernelJson[] {
  const names = nameVars(jaxpr);
  return plan.kernels.map((k) => ({
    kind: k.kind,
    eqns: k.eqns,
    inputs: k.inputs.map((v) => names.get(v) ?? '?'),
    outputs: k.outputs.map((v) => names.get(v) ?? '?'),
    primitives: k.eqns.map((i) => jaxpr.eqns[i].primitive),
  }));
}
