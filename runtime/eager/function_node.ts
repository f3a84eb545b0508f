import { AutogradError, formatShape, shapeEq, type AbstractValue, type Shape, type SourceSpan } from '../core';
import { GradNode, type Tensor, type TensorEngine } from './tensor';

/** The caller's backward: one gradient (or null) per output in, one (or null) per input out. */
export type CustomBackward = (grads: readonly (Tensor | null)[]) => readonly (Tensor | null)[];

/**
 * A node whose backward the caller supplies: a custom `torch.autograd.Function`'s (PyTorch's
 * `BackwardCFunction`). It may have several outputs; each output tensor's grad_fn is one of its
 * `outputs` slots, which collect that output's gradient, so the backward gets one per output.
 */
export class FunctionNode extends GradNode {
  private refs = 0;
  private freed = false;
  readonly outputs: readonly OutputSlot[];

  constructor(
    public name: string,
    /** Per forward argument: where its gradient flows; null for a non-tensor or one that needs none. */
    readonly next: readonly (GradNode | null)[],
    /** Per forward argument: the tensor's shape and dtype, null for a non-tensor argument. */
    readonly inputAvals: readonly (AbstractValue | null)[],
    /** Per forward output: its shape and dtype, null for a non-tensor output. */
    readonly outputAvals: readonly (AbstractValue | null)[],
    private readonly backwardFn: CustomBackward,
    /** Drops what the function saved for backward (after a backward without retain_graph, or when the node dies). */
    private readonly onFree: () => void,
    readonly span: SourceSpan | null,
  ) {
    super();
    for (const n of next) n?.retain();
    this.outputs = outputAvals.map((_, i) => new OutputSlot(this, i));
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs > 0) return;
    this.freeSaved();
    for (const n of this.next) n?.release();
  }

  get hasFreedSaved(): boolean {
    return this.freed;
  }

  freeSaved(): void {
    if (this.freed) return;
    this.freed = true;
    this.onFree();
  }

  /**
   * Runs the caller's backward and checks what it returns as PyTorch's engine does: one gradient
   * per argument (extra trailing Nones allowed), None for a non-tensor argument, and a shape the
   * argument's broadcasts to (then summed back to it).
   */
  apply(engine: TensorEngine, grads: readonly (Tensor | null)[]): (Tensor | null)[] {
    const out = [...this.backwardFn(grads)];
    const expected = this.inputAvals.length;
    if (out.length > expected && out.slice(expected).every((g) => g === null)) out.length = expected;
    if (out.length !== expected) {
      throw new AutogradError(`function ${this.name} returned an incorrect number of gradients (expected ${expected}, got ${out.length})`);
    }
    return out.map((g, i) => {
      if (g === null) return null;
      const aval = this.inputAvals[i];
      if (aval === null) {
        throw new AutogradError(`function ${this.name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
      }
      if (this.next[i] === null) return null;
      let grad = g;
      if (!shapeEq(grad.shape, aval.shape)) {
        if (!expandsTo(aval.shape, grad.shape)) {
          throw new AutogradError(`Function ${this.name} returned an invalid gradient at index ${i} - got ${formatShape(grad.shape)} but expected shape compatible with ${formatShape(aval.shape)}`);
        }
        grad = engine.ops.sumToShape(grad, aval.shape);
      }
      return grad.dtype === aval.dtype ? grad : engine.ops.convert(grad, aval.dtype);
    });
  }
}

/** Whether `from` broadcasts to `to` (PyTorch's is_expandable_to). */
export function expandsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[lead + i]);
}

/** Output `index` of a FunctionNode: the grad_fn its output tensor holds, which gathers that output's gradient. */
export class OutputSlot extends GradNode {
  readonly next: readonly GradNode[];

  constructor(
    readonly fn: FunctionNode,
    readonly index: number,
  ) {
    super();
    this.next = [fn];
  }

  get name(): string {
    return this.fn.name;
  }

  set name(name: string) {
    this.fn.name = name;
  }

  get span(): SourceSpan | null {
    return this.fn.span;
  }

  retain(): void {
    this.fn.retain();
  }

  release(): void {
    this.fn.release();
  }
}
