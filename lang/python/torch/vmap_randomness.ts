/**
 * vmap's `randomness=` ('error', 'different', 'same'; jacfwd passes its own to the vmap over its
 * basis) for a function Gradlens runs entry by entry. functorch runs it once on batched tensors, so
 * a draw is one call for the whole batch: 'different' draws `[B, *shape]` (a randperm B times over),
 * 'same' draws `shape` once for every entry. Here the first entry makes each of those draws, in
 * PyTorch's order, and the later entries take their slice of it (or the shared draw) without
 * touching the generator: bit for bit PyTorch's numbers, and the generator left where PyTorch leaves it.
 * A draw whose batched order depends on what Gradlens does not track (the memory layout of a
 * batched input, the values of every entry's input) is refused at its line, saying why.
 */
import { pyError } from '../interpreter';
import type { TorchRuntime } from './tensor';

export type Randomness = 'error' | 'different' | 'same';

/**
 * How a random op draws under vmap. `sized`: a size given (rand, randn, randint, normal(m, s, size));
 * `permutation`: randperm (functorch draws one per entry, in a loop); `like`: a size taken from a
 * tensor (rand_like, bernoulli(x, p)); `dropout`: a mask of the input's shape; `input`: values that
 * depend on each entry's input (bernoulli(probs), multinomial, normal(mean_tensor)); `in-place`: x.uniform_() and kin.
 */
export type DrawKind = 'sized' | 'permutation' | 'like' | 'dropout' | 'input' | 'in-place';

interface Recorded {
  readonly op: string;
  readonly perEntry: number;
  /** B * perEntry values ('different') or perEntry ('same'). */
  readonly values: ArrayLike<number>;
}

/** One vmap (or jacfwd's vmap over its basis) running its entries. */
export class BatchedRandomness {
  private entry = 0;
  private at = 0;
  private readonly drawn: Recorded[] = [];

  constructor(
    readonly api: 'vmap' | 'jacfwd',
    readonly randomness: Randomness,
    readonly size: number,
  ) {}

  /** Before entry `b`'s run. */
  startEntry(b: number): void {
    this.entry = b;
    this.at = 0;
  }

  /** After an entry's run: every entry drew what the first drew. */
  endEntry(): void {
    if (this.entry > 0 && this.at !== this.drawn.length) throw differentDraws(this);
  }

  /** The values entry `entry` gets from this draw. */
  draw(op: string, kind: DrawKind, perEntry: number, one: () => ArrayLike<number>, batch: () => ArrayLike<number>): ArrayLike<number> {
    if (this.randomness === 'error') {
      throw pyError('RuntimeError', "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap");
    }
    refuseKind(this, op, kind);
    const i = this.at++;
    if (this.entry === 0) {
      this.drawn.push({ op, perEntry, values: this.randomness === 'same' ? one() : batch() });
    }
    const r = this.drawn[i];
    if (!r || r.op !== op || r.perEntry !== perEntry) throw differentDraws(this);
    if (this.randomness === 'same') return r.values;
    return Array.prototype.slice.call(r.values, this.entry * perEntry, (this.entry + 1) * perEntry) as number[];
  }
}

function refuseKind(b: BatchedRandomness, op: string, kind: DrawKind): void {
  const flag = `${b.api}(randomness='${b.randomness}')`;
  if (b.api === 'jacfwd') {
    // NB: jacfwd's primal computation is not batched (only its tangents are): one draw serves every column for 'same'.
    if (b.randomness === 'same') return;
    if (kind === 'dropout' || kind === 'in-place') {
      // Dropout draws its mask in place into an empty_like of its (unbatched) input.
      throw pyError('RuntimeError', 'vmap: Cannot ask for different inplace randomness on an unbatched tensor. This will appear like same randomness. '
        + 'If this is necessary for your usage, please file an issue with functorch.');
    }
  }
  if (kind === 'like' && b.randomness === 'different' && b.api === 'vmap') {
    throw pyError('NotImplementedError', `${flag}: ${op} draws in the memory layout of its batched input in PyTorch, which Gradlens, running the function entry by entry, does not follow; `
      + `draw with a size (torch.rand(x.shape)), which PyTorch batches first, or draw outside ${b.api} and pass the values in`);
  }
  if (kind === 'input') {
    throw pyError('NotImplementedError', `${flag}: ${op} draws from each entry's values at once in PyTorch, which Gradlens, running the function entry by entry, cannot reproduce; `
      + `draw outside ${b.api} and pass the values in`);
  }
  if (kind === 'in-place') {
    throw pyError('NotImplementedError', `${flag}: ${op} fills its tensor in place, which PyTorch batches only when that tensor is batched; Gradlens, running the function entry by entry, `
      + `cannot tell whether it is: draw with a size (torch.rand(x.shape)), or outside ${b.api} and pass the values in`);
  }
}

function differentDraws(b: BatchedRandomness): Error {
  return pyError('NotImplementedError', `${b.api}(randomness='${b.randomness}'): the entries drew different random values (Python control flow on an entry's values chose them); `
    + 'PyTorch draws once for the whole batch, which Gradlens, running the function entry by entry, cannot reproduce here: draw outside and pass the values in');
}

const ACTIVE = new WeakMap<TorchRuntime, BatchedRandomness[]>();

/** Runs `fn` (a vmap's entries) with `batched` answering the random draws inside. */
export function withBatchedRandomness<R>(rt: TorchRuntime, batched: BatchedRandomness, fn: () => R): R {
  let stack = ACTIVE.get(rt);
  if (!stack) ACTIVE.set(rt, (stack = []));
  stack.push(batched);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/**
 * A random op's draw: `one()` draws for one call outside vmap; inside one, the entry's values of
 * the batched draw (`batch()` draws all B entries' values, entry after entry).
 */
export function drawUnderVmap(rt: TorchRuntime, op: string, kind: DrawKind, perEntry: number, one: () => ArrayLike<number>, batch: (size: number) => ArrayLike<number>): ArrayLike<number> {
  const stack = ACTIVE.get(rt);
  if (!stack || stack.length === 0) return one();
  const innermost = stack[stack.length - 1];
  if (stack.length > 1 && stack.some((b) => b.randomness !== 'error') && innermost.randomness !== 'error') {
    throw pyError('NotImplementedError', `${op} inside nested vmaps with randomness='${innermost.randomness}' is not supported by Gradlens: draw outside and pass the values in`);
  }
  return innermost.draw(op, kind, perEntry, one, () => batch(innermost.size));
}
