import type { AbstractValue, OpScope, SourceSpan } from '../core';
import type { Primitive } from '../primitives';
import { FunctionNode, OutputSlot } from './function_node';
import type { ParameterScope } from './engine';
import { AccumulateGrad, gradEdge, OpNode, type GradNode, type OpGroup } from './tensor';
import type { Tensor } from './tensor';

/** A node of the recorded (dynamic) graph as the viewer draws it. */
export interface TapeGraphNode {
  readonly id: string;
  /** `op` for a recorded primitive or a custom autograd Function, `leaf` for a tensor the user made with requires_grad. */
  readonly kind: 'op' | 'leaf';
  /** The grad_fn name (`MulBackward0`) or `AccumulateGrad`. */
  readonly name: string;
  /** Null for a leaf and for a custom autograd Function (its backward is the script's). */
  readonly primitive: Primitive | null;
  /** The value this node produces. */
  readonly output: AbstractValue;
  readonly span: SourceSpan | null;
  /** The nn.Module call (or other scope) the op ran in; for a parameter, its module's. */
  readonly scope: OpScope | null;
  /** A leaf that is a module's parameter: its name as named_parameters() gives it (`fc1.weight`). */
  readonly parameter: string | null;
  readonly group: OpGroup | null;
  /** True once backward freed what it saved. */
  readonly freed: boolean;
}

/** Data flow from `from` into input `index` of `to`. */
export interface TapeGraphEdge {
  readonly from: string;
  readonly to: string;
  readonly index: number;
  readonly value: AbstractValue;
}

export interface TapeGraph {
  readonly nodes: readonly TapeGraphNode[];
  readonly edges: readonly TapeGraphEdge[];
  /** Node ids of the tensors the graph was exported from. */
  readonly outputs: readonly string[];
}

/**
 * The tape behind `roots`, in topological order (inputs before the ops that use them); a leaf
 * takes its scope from `parameterScopes` (EagerEngine's).
 */
export function exportTape(roots: readonly Tensor[], parameterScopes?: WeakMap<Tensor, ParameterScope>): TapeGraph {
  const nodes: TapeGraphNode[] = [];
  const edges: TapeGraphEdge[] = [];
  const ids = new Map<GradNode, string>();
  const emit = (node: GradNode, id: string): void => {
    if (node instanceof OpNode) {
      node.next.forEach((next, index) => {
        if (next) edges.push({ from: ids.get(next) as string, to: id, index, value: node.inputAvals[index] });
      });
      nodes.push({
        id, kind: 'op', name: node.name, primitive: node.prim, output: node.outputAval,
        span: node.span, scope: node.span?.scope ?? null, parameter: null, group: node.group, freed: node.hasFreedSaved,
      });
    } else if (node instanceof FunctionNode) {
      node.next.forEach((next, index) => {
        const value = node.inputAvals[index];
        if (next && value) edges.push({ from: ids.get(next) as string, to: id, index, value });
      });
      nodes.push({
        id, kind: 'op', name: node.name, primitive: null, output: node.outputAvals.find((a) => a !== null) ?? { shape: [], dtype: 'float32' },
        span: node.span, scope: node.span?.scope ?? null, parameter: null, group: node.group, freed: node.hasFreedSaved,
      });
    } else if (node instanceof AccumulateGrad) {
      const { shape, dtype } = node.leaf;
      const owner = parameterScopes?.get(node.leaf);
      nodes.push({
        id, kind: 'leaf', name: node.name, primitive: null, output: { shape, dtype }, span: null,
        scope: owner?.scope ?? null, parameter: owner ? (owner.scope.name ? `${owner.scope.name}.${owner.name}` : owner.name) : null, group: null, freed: false,
      });
    }
  };
  // NB: an explicit stack, not recursion: a Python loop can record tapes far deeper than the JS stack.
  const visit = (root: GradNode): string => {
    const stack: { node: GradNode; expanded: boolean }[] = [{ node: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (ids.has(top.node)) {
        stack.pop();
      } else if (!top.expanded) {
        top.expanded = true;
        for (let i = top.node.next.length - 1; i >= 0; i--) {
          const next = top.node.next[i];
          if (next && !ids.has(next)) stack.push({ node: next, expanded: false });
        }
      } else {
        stack.pop();
        // A custom Function's output slot is drawn as the Function's node.
        if (top.node instanceof OutputSlot) {
          ids.set(top.node, ids.get(top.node.fn) as string);
          continue;
        }
        const id = `n${top.node.id}`;
        ids.set(top.node, id);
        emit(top.node, id);
      }
    }
    return ids.get(root) as string;
  };
  const outputs = roots.flatMap((r) => {
    const node = gradEdge(r);
    return node ? [visit(node)] : [];
  });
  return { nodes, edges, outputs };
}
