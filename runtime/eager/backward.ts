import { AutogradError, formatShape, SavedTensorModifiedError, shapeEq, type AbstractValue, type Shape } from '../core';
import { VJP_RULES, type VjpRule } from '../autodiff';
import type { Primitive } from '../primitives';
import { expandsTo, FunctionNode, OutputSlot } from './function_node';
import { AccumulateGrad, OpNode, type GradNode, type Tensor, type TensorEngine } from './tensor';

export interface GradOptions {
  readonly retainGraph?: boolean;
  readonly createGraph?: boolean;
  readonly allowUnused?: boolean;
}

interface RunOptions extends GradOptions {
  /** autograd.grad's inputs: their gradients are returned and no `.grad` is touched. Null for backward(). */
  readonly inputs: readonly Tensor[] | null;
}

function torchSize(shape: Shape): string {
  return `torch.Size([${shape.join(', ')}])`;
}

function rootGradients(engine: TensorEngine, roots: readonly Tensor[], given: readonly Tensor[] | undefined): Tensor[] {
  if (given && given.length !== roots.length) {
    throw new RangeError(`got ${given.length} gradients for ${roots.length} outputs`);
  }
  return roots.map((root, i) => {
    if (!root.requiresGrad) {
      throw new AutogradError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    const g = given?.[i];
    if (g === undefined) {
      if (root.size !== 1) throw new AutogradError('grad can be implicitly created only for scalar outputs');
      return engine.ops.onesLike(root.detach());
    }
    if (!shapeEq(g.shape, root.shape)) {
      throw new AutogradError(`Mismatch in shape: grad_output[${i}] has a shape of ${torchSize(g.shape)} and output[${i}] has a shape of ${torchSize(root.shape)}.`);
    }
    return g;
  });
}

/** Each node reachable from the roots with the number of edges that point at it. */
function countDependencies(roots: readonly GradNode[]): Map<GradNode, number> {
  const deps = new Map<GradNode, number>();
  const stack = [...roots];
  for (const r of roots) if (!deps.has(r)) deps.set(r, 0);
  const seen = new Set<GradNode>(roots);
  while (stack.length > 0) {
    const node = stack.pop() as GradNode;
    for (const next of node.next) {
      if (!next) continue;
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return deps;
}

/**
 * PyTorch's check as a node unpacks what it saved: each must be at the version it was saved at.
 * The error names the node that made the tensor now (an in-place op's, after one), and the node
 * itself for its own output.
 */
function checkVersions(node: OpNode): void {
  for (const saved of node.savedVersions) {
    if (saved.input?.dataMoved) throw new AutogradError(dataMovedMessage(saved.aval, node.name));
    if (saved.counter.value === saved.version) continue;
    const made = saved.input === null ? node : saved.input.gradFn;
    throw new SavedTensorModifiedError({ shape: saved.aval.shape, dtype: saved.aval.dtype }, made ? { node: made.name, output: made instanceof OutputSlot ? made.index : 0 } : null, saved.counter.value, saved.version);
  }
}

function dataMovedMessage(aval: AbstractValue, node: string): string {
  return `a ${aval.dtype}${formatShape(aval.shape)} tensor that ${node} saved for backward was given new memory by \`.data = ...\` since: `
    + 'PyTorch\'s backward reads the new values, Gradlens keeps the saved ones. Set .data after backward(), or run the forward again after setting it';
}

/** The shape and dtype of a node's output when it was recorded: what the gradient it receives must have. */
function recordedOutput(node: GradNode): AbstractValue | null {
  if (node instanceof OpNode) return node.recordedOutput;
  if (node instanceof OutputSlot) return node.fn.outputAvals[node.index];
  return null;
}

/**
 * PyTorch's validate_outputs: the gradient `from` sends on its edge `index` to `to` is summed to
 * the shape and converted to the dtype `to`'s output had when recorded. They differ only where
 * `x.data = y` gave a computed tensor another shape or dtype after the op that made it.
 */
function conform(engine: TensorEngine, from: GradNode, index: number, g: Tensor, to: GradNode): Tensor {
  const recorded = recordedOutput(to);
  if (recorded === null) return g;
  let out = g;
  if (!shapeEq(g.shape, recorded.shape)) {
    if (!expandsTo(recorded.shape, g.shape)) {
      throw new AutogradError(`Function ${from.name} returned an invalid gradient at index ${index} - got [${g.shape.join(', ')}] but expected shape compatible with [${recorded.shape.join(', ')}]`);
    }
    out = engine.ops.sumToShape(g, recorded.shape);
  }
  return out.dtype === recorded.dtype ? out : engine.ops.convert(out, recorded.dtype);
}

function applyRule(engine: TensorEngine, node: OpNode, cotangent: Tensor): readonly (Tensor | null)[] {
  checkVersions(node);
  const rule = VJP_RULES[node.prim] as VjpRule<Primitive>;
  // NB: an input with no edge (it requires no grad) gets no cotangent: `b * x` with only b
  // requiring grad computes g * x, not also g * b, as PyTorch's needs_input_grad skips it.
  return rule(engine.ops, cotangent, node.savedInputs, node.outputFor(), node.params, node.next.map((n) => n !== null));
}

/**
 * PyTorch's engine: walks the graph from the roots in dependency order, sums the gradients that
 * reach each node, runs its VJP (recorded on the tape when create_graph), and delivers the result
 * to leaves' `.grad` (backward) or to the caller (autograd.grad).
 */
export function runBackward(
  engine: TensorEngine,
  roots: readonly Tensor[],
  given: readonly Tensor[] | undefined,
  options: RunOptions,
): (Tensor | null)[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const grads = rootGradients(engine, roots, given);
  const rootNodes = roots.map((r) => r.gradFn ?? r.accumulator());
  const deps = countDependencies(rootNodes);
  const pending = new Map<GradNode, Tensor>();
  const wanted = new Map<GradNode, Tensor | null>();
  for (const input of options.inputs ?? []) {
    if (!input.requiresGrad) throw new AutogradError('One of the differentiated Tensors does not require grad');
    wanted.set(input.gradFn ?? input.accumulator(), null);
  }

  // A custom Function's gradients, one per output, gathered by its output slots.
  const slotGrads = new Map<FunctionNode, (Tensor | null)[]>();

  const add = (node: GradNode, g: Tensor): void => {
    const prev = pending.get(node);
    pending.set(node, prev ? engine.ops.add(prev, g) : g);
  };
  const deliver = (node: GradNode, cotangents: readonly (Tensor | null)[]): void => {
    node.next.forEach((next, i) => {
      const c = cotangents[i];
      if (next && c) add(next, conform(engine, node, i, c, next));
    });
  };

  engine.withGradMode(createGraph, () => {
    rootNodes.forEach((n, i) => add(n, grads[i]));
    const ready: GradNode[] = rootNodes.filter((n, i) => deps.get(n) === 0 && rootNodes.indexOf(n) === i);
    while (ready.length > 0) {
      const node = ready.pop() as GradNode;
      let g = pending.get(node);
      pending.delete(node);
      // NB: autograd.grad captures a gradient before the tensor's hooks run, as PyTorch 1.13 does.
      if (wanted.has(node)) wanted.set(node, g ?? null);
      if (g && node.retainedBy && options.inputs === null) node.retainedBy.setGrad(createGraph ? g : g.detach());
      if (g) for (const hook of node.hooks.values()) g = hook(g);
      if (g && node instanceof OpNode) {
        deliver(node, applyRule(engine, node, g));
        if (!retainGraph) node.freeSaved();
      } else if (g && node instanceof OutputSlot) {
        const slots = slotGrads.get(node.fn) ?? node.fn.outputAvals.map(() => null);
        const prev = slots[node.index];
        slots[node.index] = prev ? engine.ops.add(prev, g) : g;
        slotGrads.set(node.fn, slots);
      } else if (node instanceof FunctionNode) {
        const slots = slotGrads.get(node);
        slotGrads.delete(node);
        if (slots) {
          deliver(node, node.apply(engine, slots));
          if (!retainGraph) node.freeSaved();
        }
      } else if (g && node instanceof AccumulateGrad && options.inputs === null) {
        accumulate(engine, node.leaf, g, createGraph);
      }
      for (const next of node.next) {
        if (!next) continue;
        const left = (deps.get(next) as number) - 1;
        deps.set(next, left);
        if (left === 0) ready.push(next);
      }
    }
  });

  if (options.inputs === null) return [];
  return options.inputs.map((input, i) => {
    const g = wanted.get(input.gradFn ?? input.accumulator()) ?? null;
    if (g === null && !options.allowUnused) {
      throw new AutogradError(`One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.`);
    }
    return g && !createGraph ? g.detach() : g;
  });
}

function accumulate(engine: TensorEngine, leaf: Tensor, g: Tensor, createGraph: boolean): void {
  // A leaf the script let go of (its model went) while a graph through it lived: nothing reads its grad.
  if (leaf.disposed) return;
  const incoming = createGraph ? g : g.detach();
  if (leaf.grad === null) {
    leaf.setGrad(incoming);
  } else if (createGraph) {
    leaf.setGrad(engine.ops.add(leaf.grad, incoming));
  } else {
    // NB: in place, as PyTorch does, so a reference the user holds to `.grad` sees the sum.
    const grad = leaf.grad;
    engine.withGradMode(false, () => engine.inPlace(grad, (old) => engine.ops.add(old, incoming)));
  }
}
