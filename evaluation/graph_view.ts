/**
 * Graphs as the viewer draws them: a jaxpr (forward or gradient) with its fused kernels as
 * groups, or the eager tape. Node ids are stable within a graph; edges carry the value's type.
 */
import { formatAval, scopeChain, scopeLabel, type OpScope } from '../runtime/core';
import type { TapeGraph } from '../runtime/eager';
import { formatAtom, isCall, isVar, nameVars, outsOf, printJaxpr, subJaxprs, type AnyEquation, type Atom, type CallEquation, type CallParamsOf, type Jaxpr, type Var } from '../runtime/ir';
import type { Plan } from '../runtime/jit';
import type { GraphEdge, GraphGroup, GraphNode, GraphScope, GraphView } from '../protocol/results';
import { rangeOfSource } from './failure';
import { roundMs } from './measure';
import type { OpTiming } from './profiled_backend';

export interface JaxprGraphOptions {
  readonly kind: 'forward' | 'gradient';
  /** The parameter name of each invar, where one parameter is one invar. */
  readonly inputNames?: readonly string[];
  /** The Python name each constvar was read from (`features`), where known. */
  readonly constNames?: readonly (string | null)[];
  /** What each outvar is (`∂loss/∂w` for a gradient), where known. */
  readonly outputNames?: readonly string[];
  /** Each equation's time when run op by op. */
  readonly eqnMs?: readonly number[];
  /** Each fused kernel's generated source, by kernel index. */
  readonly kernelSource?: (kernel: number) => Pick<GraphGroup, 'source' | 'language'> | null;
}

export function jaxprGraph(jaxpr: Jaxpr, plan: Plan, options: JaxprGraphOptions): GraphView {
  const names = nameVars(jaxpr);
  const scopes = new ScopeTable();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const producer = new Map<Var, string>();
  // NB: not the jaxpr's letters (`a`, `b`), which read as the function's parameters (a parameter `b`).
  jaxpr.constvars.forEach((v, i) => {
    producer.set(v, `c${i}`);
    const label = options.constNames?.[i] ?? (jaxpr.constvars.length === 1 ? 'const' : `const ${i}`);
    nodes.push({ id: `c${i}`, label, kind: 'const', type: formatAval(v.aval) });
  });
  jaxpr.invars.forEach((v, i) => {
    producer.set(v, `in${i}`);
    nodes.push({ id: `in${i}`, label: options.inputNames?.[i] ?? names.get(v) ?? `in${i}`, kind: 'input', type: formatAval(v.aval) });
  });
  const bodies: GraphGroup[] = [];
  // NB: a control-flow body's ops are drawn in the scope of the equation that holds them (its
  // box opens from that node): scopes inside a body (functions the body calls) are not boxes.
  const addEqn = (e: AnyEquation, id: string, producers: Map<Var, string>, ms?: number, scope: OpScope | undefined = e.span?.scope): void => {
    // Literal operands belong to the op's label (`mul 3.0`): they are not nodes of their own.
    const literals = e.inputs.filter((a) => !isVar(a)).map((a) => formatAtom(a, names));
    nodes.push({
      id, label: [e.primitive, ...literals].join(' '), kind: 'op', type: outsOf(e).map((v) => formatAval(v.aval)).join(' '),
      ...(e.span ? { range: rangeOfSource(e.span) } : {}),
      ...(ms !== undefined ? { ms: roundMs(ms) } : {}),
      ...scopes.of(scope),
    });
    for (const a of e.inputs) {
      const from = isVar(a) ? producers.get(a) : undefined;
      if (from) edges.push({ from, to: id, type: formatAval(a.aval) });
    }
    if (isCall(e)) addBodies(e, id, producers, scope);
    for (const v of outsOf(e)) producers.set(v, id);
  };
  // A control-flow equation's sub-jaxprs: their ops as nodes in a box of their own (a group naming
  // the equation's node), fed by what feeds the equation and feeding it; the viewer draws them
  // collapsed into the equation's node until it is clicked. Returns the node ids, nested ones too.
  const addBodies = (e: CallEquation, callId: string, outer: ReadonlyMap<Var, string>, scope: OpScope | undefined): string[] => {
    const labels = bodyLabels(e);
    const operands = bodyOperands(e);
    return subJaxprs(e).flatMap((body, k) => {
      const id = `${callId}.${k}`;
      const inner = new Map<Var, string>();
      body.invars.forEach((v, j) => {
        const a = operands[k][j];
        const from = a && isVar(a) ? outer.get(a) : undefined;
        if (from) inner.set(v, from);
      });
      const before = nodes.length;
      body.eqns.forEach((be, j) => addEqn(be, `${id}.e${j}`, inner, undefined, scope));
      const members = nodes.slice(before).map((n) => n.id);
      for (const a of body.outvars) {
        const from = isVar(a) ? inner.get(a) : undefined;
        if (from && members.includes(from)) edges.push({ from, to: callId, type: formatAval(a.aval) });
      }
      // NB: pushed after the bodies nested in it, so that the viewer collapsing it hides theirs too.
      bodies.push({ id: `body:${id}`, label: `${e.primitive} ${labels[k]}`, nodes: members, call: callId });
      return members;
    });
  };
  jaxpr.eqns.forEach((e, i) => addEqn(e, `e${i}`, producer, options.eqnMs?.[i]));
  jaxpr.outvars.forEach((a, i) => {
    const label = options.outputNames?.length === jaxpr.outvars.length ? options.outputNames[i] : jaxpr.outvars.length === 1 ? 'out' : `out ${i}`;
    nodes.push({ id: `out${i}`, label, kind: 'output', type: formatAval(a.aval) });
    const from = isVar(a) ? producer.get(a) : undefined;
    if (from) edges.push({ from, to: `out${i}`, type: formatAval(a.aval) });
  });
  const groups: GraphGroup[] = plan.kernels.flatMap((k, i) => (k.kind !== 'fused' ? [] : [{
    id: `k${i}`,
    label: `kernel ${i}: ${k.eqns.length} fused`,
    nodes: k.eqns.map((e) => `e${e}`),
    ...(options.kernelSource?.(i) ?? {}),
  }]));
  placeConstants(nodes, edges, scopes);
  return { kind: options.kind, nodes, edges, groups: [...groups, ...bodies], text: printJaxpr(jaxpr), ...scopes.listed() };
}

/**
 * Each scope met, once, with its enclosing ones before it; nodes name them by id. NB: ids count
 * from 0 in each graph (the runtime's ids are per run, and a result must not depend on the runs before it).
 */
class ScopeTable {
  private readonly ids = new Map<OpScope, string>();
  private readonly scopes: GraphScope[] = [];

  /** The node field naming `scope` (and registering its chain); none for no scope. */
  of(scope: OpScope | null | undefined): { scope?: string } {
    if (!scope) return {};
    let parent: string | undefined;
    for (const s of scopeChain(scope)) {
      let id = this.ids.get(s);
      if (id === undefined) {
        id = `s${this.scopes.length}`;
        this.ids.set(s, id);
        this.scopes.push({ id, label: scopeLabel(s), kind: s.kind, ...(parent !== undefined ? { parent } : {}) });
      }
      parent = id;
    }
    return { scope: parent };
  }

  listed(): { scopes?: GraphScope[] } {
    return this.scopes.length > 0 ? { scopes: this.scopes } : {};
  }

  /** The innermost scope holding both (either may be undefined: outside every scope). */
  common(a: string | undefined, b: string | undefined): string | undefined {
    const chain = (id: string | undefined): string[] => {
      const out: string[] = [];
      for (let s = id; s !== undefined; s = this.scopes[Number(s.slice(1))].parent) out.unshift(s);
      return out;
    };
    const ca = chain(a);
    const cb = chain(b);
    let k = 0;
    while (k < ca.length && k < cb.length && ca[k] === cb[k]) k++;
    return k > 0 ? ca[k - 1] : undefined;
  }
}

/**
 * A constant (a module's weights captured by the trace, a closed-over array) is drawn in the
 * innermost scope holding every op that uses it: a layer's weights inside the layer's box.
 */
function placeConstants(nodes: GraphNode[], edges: readonly GraphEdge[], scopes: ScopeTable): void {
  const scopeOf = new Map(nodes.map((n) => [n.id, n.scope]));
  const users = new Map<string, (string | undefined)[]>();
  for (const e of edges) users.set(e.from, [...(users.get(e.from) ?? []), scopeOf.get(e.to)]);
  nodes.forEach((n, i) => {
    const used = users.get(n.id);
    if (n.kind !== 'const' || !used) return;
    const scope = used.reduce((a, b) => scopes.common(a, b));
    if (scope !== undefined) nodes[i] = { ...n, scope };
  });
}

/** What JAX's params call each sub-jaxpr of a control-flow equation (subJaxprs' order). */
function bodyLabels(e: CallEquation): string[] {
  switch (e.primitive) {
    case 'cond': return (e.params as CallParamsOf<'cond'>).branches.map((_, k) => `branch ${k}`);
    case 'while': return ['body_jaxpr', 'cond_jaxpr'];
    case 'scan': return ['jaxpr'];
    case 'custom_jvp_call': return ['call_jaxpr'];
    case 'custom_vjp_call': return ['fun_jaxpr'];
    default: return [];
  }
}

/** The equation's operands that each sub-jaxpr's invars stand for, in order. */
function bodyOperands(e: CallEquation): (readonly Atom[])[] {
  switch (e.primitive) {
    case 'cond': return (e.params as CallParamsOf<'cond'>).branches.map(() => e.inputs.slice(1));
    case 'while': {
      const { condNconsts, bodyNconsts } = e.params as CallParamsOf<'while'>;
      const carry = e.inputs.slice(condNconsts + bodyNconsts);
      return [[...e.inputs.slice(condNconsts, condNconsts + bodyNconsts), ...carry], [...e.inputs.slice(0, condNconsts), ...carry]];
    }
    default: return [e.inputs];
  }
}

/**
 * The eager tape, PyTorch's backward graph: grad_fn nodes down to the leaves (named by their
 * parameter), each op's time matched from `ops` (the primitives the forward ran, in order).
 */
export function tapeGraph(tape: TapeGraph, leaves: ReadonlyMap<string, string>, ops: readonly OpTiming[]): GraphView {
  const msOf = opTimes(tape, ops);
  const scopes = new ScopeTable();
  const nodes: GraphNode[] = tape.nodes.map((n) => {
    const ms = msOf.get(n.id);
    return {
      id: n.id, label: leaves.get(n.id) ?? n.parameter ?? n.name, kind: n.kind, type: formatAval(n.output),
      ...(n.span ? { range: rangeOfSource(n.span) } : {}),
      ...(ms !== undefined ? { ms: roundMs(ms) } : {}),
      ...scopes.of(n.scope),
    };
  });
  const edges: GraphEdge[] = tape.edges.map((e) => ({ from: e.from, to: e.to, type: formatAval(e.value) }));
  tape.outputs.forEach((id, i) => {
    const root = tape.nodes.find((n) => n.id === id);
    nodes.push({ id: `out${i}`, label: 'out', kind: 'output', type: root ? formatAval(root.output) : '' });
    edges.push({ from: id, to: `out${i}`, type: root ? formatAval(root.output) : '' });
  });
  const byGroup = new Map<number, { label: string; nodes: string[] }>();
  for (const n of tape.nodes) {
    if (!n.group) continue;
    const g = byGroup.get(n.group.id) ?? { label: n.group.name, nodes: [] };
    g.nodes.push(n.id);
    byGroup.set(n.group.id, g);
  }
  const groups: GraphGroup[] = [...byGroup].map(([id, g]) => ({ id: `g${id}`, label: g.label, nodes: g.nodes }));
  return { kind: 'tape', nodes, edges, groups, ...scopes.listed() };
}

/**
 * Each op node's time: nodes are recorded in the order their ops ran, so they are matched in
 * id order against the timed primitives (ops that recorded no node, under no_grad, are skipped).
 */
function opTimes(tape: TapeGraph, ops: readonly OpTiming[]): Map<string, number> {
  const times = new Map<string, number>();
  const recorded = tape.nodes.filter((n) => n.kind === 'op').sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  let k = 0;
  for (const n of recorded) {
    while (k < ops.length && ops[k].prim !== n.primitive) k++;
    if (k === ops.length) break;
    times.set(n.id, ops[k++].ms);
  }
  return times;
}
