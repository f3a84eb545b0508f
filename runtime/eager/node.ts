import type { AbstractValue } from '../core';
import type { ParamsOf, Primitive } from '../primitives';
import type { Tensor } from './tensor';

/** Where in the user's source an op was made (1-based lines and columns). */
export interface SourceSpan {
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A torch-level function built from several primitives, shown as one box in the viewer. */
export interface OpGroup {
  readonly id: number;
  readonly name: string;
}

let nextNodeId = 1;

/** Nodes whose last reference went away, freed one after another by `OpNode.release`. */
const dying: OpNode[] = [];
let draining = false;

/** A node of the autograd tape: PyTorch's `grad_fn`. */
export abstract class GradNode {
  readonly id = nextNodeId++;
  abstract readonly name: string;
  /** The node each input's gradient flows to; null where that input needs none. */
  abstract readonly next: readonly (GradNode | null)[];
  abstract retain(): void;
  abstract release(): void;
}

/** Where a leaf tensor's gradient lands: PyTorch's `AccumulateGrad`. */
export class AccumulateGrad extends GradNode {
  readonly name = 'AccumulateGrad';
  readonly next = [];
  constructor(readonly leaf: Tensor) {
    super();
  }
  // It holds no memory of its own, so it needs no count.
  retain(): void {}
  release(): void {}
}

/**
 * One recorded primitive. It keeps aliases of its inputs and output for its VJP; after a
 * backward without `retain_graph` those are freed, and a rule that then needs their data raises
 * PyTorch's "backward through the graph a second time" error.
 */
export class OpNode<P extends Primitive = Primitive> extends GradNode {
  private refs = 0;
  private savedFreed = false;
  group: OpGroup | null = null;
  /** Set when a non-leaf tensor asked for `.retain_grad()`. */
  retainedBy: Tensor | null = null;

  constructor(
    public name: string,
    readonly prim: P,
    readonly params: ParamsOf<P>,
    readonly next: readonly (GradNode | null)[],
    readonly savedInputs: readonly Tensor[],
    /** The output without its grad_fn (that would be a cycle); `outputFor` restores it. */
    private readonly savedOutput: Tensor,
    readonly inputAvals: readonly AbstractValue[],
    readonly outputAval: AbstractValue,
    readonly span: SourceSpan | null,
    /** Versions of the inputs when saved, to detect in-place changes before backward. */
    readonly savedVersions: readonly number[],
  ) {
    super();
    for (const n of next) n?.retain();
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs > 0) return;
    dying.push(this);
    if (draining) return;
    // NB: a worklist, not recursion: freeing the tape of a long Python loop would overflow the JS stack.
    draining = true;
    try {
      for (let node = dying.pop(); node; node = dying.pop()) node.die();
    } finally {
      draining = false;
    }
  }

  private die(): void {
    this.freeSaved();
    for (const n of this.next) n?.release();
  }

  get hasFreedSaved(): boolean {
    return this.savedFreed;
  }

  /** The saved output, linked back to this node so a create_graph backward can differentiate through it. */
  outputFor(): Tensor {
    return this.savedOutput.withGradFnUncounted(this);
  }

  freeSaved(): void {
    if (this.savedFreed) return;
    this.savedFreed = true;
    for (const t of this.savedInputs) t.freeAsSaved();
    this.savedOutput.freeAsSaved();
  }
}
