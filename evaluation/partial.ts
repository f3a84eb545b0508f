/**
 * What a run that failed had computed, shown beside its error: the operands of the op that raised
 * it (their types, and the expressions that gave them), and the graph recorded up to that op with
 * the op itself as its last node, marked failed: torch code's tape behind the operands, or the
 * part of the jaxpr traced before it for jax and numpy code.
 */
import { typeName, type FailedOp, type PyValue } from '../lang/python';
import { PyArray } from '../lang/python/jax';
import { PyTensor } from '../lang/python/torch';
import { formatAval } from '../runtime/core';
import { exportTape, type Tensor } from '../runtime/eager';
import { outsOf, type Var } from '../runtime/ir';
import { planJaxpr, Tracer } from '../runtime/jit';
import type { FailedOperand, GraphView, SourceRange } from '../protocol/results';
import { jaxprGraph, tapeGraph } from './graph_view';

/** The failed op's operands as the user wrote them (the source text of each, where it is an expression of its own) and their types. */
export function failedOperands(op: FailedOp, source: string): FailedOperand[] {
  return op.operands.map((o) => ({ ...(o.span ? { text: source.slice(o.span.from, o.span.to) } : {}), type: typeOf(o.value) }));
}

/** The operands an error shows: those of an op on tensors or arrays (a shape error); none for an op on other values (`int('x')`). */
export function shownOperands(op: FailedOp | undefined, source: string): FailedOperand[] | null {
  if (!op || !op.operands.some((o) => o.value instanceof PyTensor || o.value instanceof PyArray)) return null;
  return failedOperands(op, source);
}

function typeOf(v: PyValue): string {
  if (v instanceof PyTensor) return formatAval(v.t);
  if (v instanceof PyArray) return formatAval({ shape: v.shape, dtype: v.dtype });
  return typeName(v);
}

/**
 * Torch code: the tape behind the failed op's operands that carry a gradient (leaves named by
 * parameter), then the op, fed by them and by its other operands (constants).
 */
export function tapeUpTo(op: FailedOp, range: SourceRange, leaves: ReadonlyMap<string, string>, source: string): GraphView {
  const tensors = op.operands.map((o): Tensor | null => (o.value instanceof PyTensor && (o.value.t.gradFn !== null || o.value.t.requiresGrad) ? o.value.t : null));
  const tape = exportTape(tensors.filter((t): t is Tensor => t !== null));
  const drawn = tapeGraph(tape, leaves, []);
  // NB: exportTape gives one output per root, in order: each operand's node.
  let k = 0;
  const producers = tensors.map((t) => (t ? tape.outputs[k++] ?? null : null));
  const base: GraphView = { ...drawn, nodes: drawn.nodes.filter((n) => n.kind !== 'output'), edges: drawn.edges.filter((e) => !e.to.startsWith('out')) };
  return withFailedOp(base, op, producers, range, source);
}

/**
 * Jax and numpy code: the equations traced before the failed op (those of the trace its traced
 * operands belong to), then the op, fed by their producers; null when no operand was traced.
 */
export function traceUpTo(op: FailedOp, range: SourceRange, inputNames: readonly string[], source: string): GraphView | null {
  const trace = op.operands.map((o) => (o.value instanceof PyArray && o.value.v instanceof Tracer ? o.value.v.trace : null)).find((t) => t !== null);
  if (!trace) return null;
  const jaxpr = trace.build([]);
  const ids = new Map<Var, string>();
  jaxpr.constvars.forEach((v, i) => ids.set(v, `c${i}`));
  jaxpr.invars.forEach((v, i) => ids.set(v, `in${i}`));
  jaxpr.eqns.forEach((e, i) => outsOf(e).forEach((v) => ids.set(v, `e${i}`)));
  const producers = op.operands.map((o) => (o.value instanceof PyArray && o.value.v instanceof Tracer && o.value.v.trace === trace ? ids.get(o.value.v.atom as Var) ?? null : null));
  const base = jaxprGraph(jaxpr, planJaxpr(jaxpr), { kind: 'forward', ...(inputNames.length === jaxpr.invars.length ? { inputNames } : {}) });
  return withFailedOp(base, op, producers, range, source);
}

/** `base` with the failed op as its last node, each operand an edge into it: from the node that made it, or from a constant node of its own. */
function withFailedOp(base: GraphView, op: FailedOp, producers: readonly (string | null)[], range: SourceRange, source: string): GraphView {
  const operands = failedOperands(op, source);
  const nodes = [...base.nodes];
  const edges = [...base.edges];
  const failed = 'failed';
  operands.forEach((o, i) => {
    let from = producers[i];
    if (!from) {
      from = `operand${i}`;
      nodes.push({ id: from, label: o.text ?? o.type, kind: 'const', type: o.type });
    }
    edges.push({ from, to: failed, type: o.type });
  });
  nodes.push({ id: failed, label: op.op, kind: 'op', type: 'error', range, failed: true });
  return { ...base, nodes, edges };
}
