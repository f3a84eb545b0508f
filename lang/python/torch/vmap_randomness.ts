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
 * tensor (rand_like and kin; 'same' draws once whether or not the tensor is batched); `operand`:
 * draws over a tensor operand that functorch refuses to share under 'same' when it is batched
 * (bernoulli(probs), multinomial, normal(mean_tensor)); what an entry draws does not depend on the
 * operand's values, which the op applies afterwards; `bernoulli-p`: bernoulli(x, p), an operand
 * draw under vmap, an in-place one on jacfwd's unbatched primal; `dropout`: a mask of the input's
 * shape; `in-place dropout`: that mask multiplied into the input (inplace=True); `in-place`: x.uniform_() and kin.
 */
export type DrawKind = 'sized' | 'permutation' | 'like' | 'operand' | 'bernoulli-p' | 'dropout' | 'in-place dropout' | 'in-place';

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

  /**
   * `batchFirst`: every mapped input is mapped over its dim 0, so a batched tensor's memory holds
   * entry after entry, the order in which functorch's draws over a tensor fill it.
   */
  constructor(
    readonly api: 'vmap' | 'jacfwd',
    readonly randomness: Randomness,
    readonly size: number,
    readonly batchFirst = true,
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

  /**
   * The values the running entry gets from this draw of `perEntry` values (inner vmaps' entries
   * included): the first entry takes the values of the whole batch from `whole` (its factor: how
   * many times perEntry values to draw), the later ones their slice of them, or the shared draw for 'same'.
   */
  draw(op: string, perEntry: number, whole: (factor: number) => ArrayLike<number>): ArrayLike<number> {
    const i = this.at++;
    const factor = this.randomness === 'same' ? 1 : this.size;
    if (this.entry === 0) this.drawn.push({ op, perEntry, values: whole(factor) });
    const r = this.drawn[i];
    if (!r || r.op !== op || r.perEntry !== perEntry) throw differentDraws(this);
    if (this.randomness === 'same') return r.values;
    return Array.prototype.slice.call(r.values, this.entry * perEntry, (this.entry + 1) * perEntry) as number[];
  }
}

const ERROR_MODE = "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap";

function refuseKind(b: BatchedRandomness, op: string, kind: DrawKind): void {
  const flag = `${b.api}(randomness='${b.randomness}')`;
  if (b.api === 'jacfwd') {
    // NB: jacfwd's primal computation is not batched (only its tangents are): one draw serves every column for 'same'.
    if (b.randomness === 'same') return;
    if (kind === 'dropout' || kind === 'in-place dropout' || kind === 'in-place' || kind === 'bernoulli-p') {
      // Dropout draws its mask in place into an empty_like of its (unbatched) input.
      throw pyError('RuntimeError', 'vmap: Cannot ask for different inplace randomness on an unbatched tensor. This will appear like same randomness. '
        + 'If this is necessary for your usage, please file an issue with functorch.');
    }
    return;
  }
  const operand = kind === 'operand' || kind === 'bernoulli-p';
  if ((kind === 'like' || operand) && b.randomness === 'different' && !b.batchFirst) {
    throw pyError('NotImplementedError', `${flag}: ${op} draws over its batched tensor in that tensor's memory order, which an in_dims other than 0 transposes (entry b takes the draws b, b + B, ...) `
      + 'in a way Gradlens, running the function entry by entry, does not follow for tensors computed from the inputs: map over dim 0 (move the batch dim first with x.movedim(d, 0)), or draw outside vmap and pass the values in');
  }
  if (operand && b.randomness === 'same') {
    throw pyError('NotImplementedError', `${flag}: PyTorch raises 'Vmap does not currently support same randomness with a batched tensor input' for ${op} of a tensor computed from the inputs, `
      + 'and draws once for all entries when the tensor is not; Gradlens, running the function entry by entry, cannot tell which: use randomness=\'different\', or draw outside vmap and pass the values in');
  }
  if (kind === 'in-place dropout' && b.randomness === 'different') {
    // functorch draws a batched mask; multiplying it into the input in place then works for a batched input and raises for an unbatched one.
    throw pyError('NotImplementedError', `${flag}: dropout with inplace=True multiplies a mask drawn for the whole batch into its input, which PyTorch allows only when that input is batched; `
      + `Gradlens, running the function entry by entry, cannot tell whether it is: use inplace=False, or draw outside ${b.api} and pass the values in`);
  }
  if (kind === 'in-place' && b.randomness === 'different') {
    throw pyError('NotImplementedError', `${flag}: ${op} fills its tensor in place, which PyTorch does over the whole batch when that tensor is computed from the inputs, `
      + "and refuses ('Cannot ask for different inplace randomness on an unbatched tensor') when it is not; Gradlens, running the function entry by entry, cannot tell which: "
      + `draw with a size (torch.rand(x.shape)), which PyTorch batches first, or outside ${b.api} and pass the values in`);
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
 * the batched draw (`batch(k)` draws k calls' values, call after call, as PyTorch draws `[k, *shape]`).
 * Nested vmaps draw once for all of them, outer entries first: a level's draw is its parent's, of
 * B times as many values for 'different'; inner vmaps run once per outer entry and take their slice.
 */
export function drawUnderVmap(rt: TorchRuntime, op: string, kind: DrawKind, perEntry: number, one: () => ArrayLike<number>, batch: (size: number) => ArrayLike<number>): ArrayLike<number> {
  const stack = ACTIVE.get(rt);
  if (!stack || stack.length === 0) return one();
  // NB: functorch checks the innermost level first, then each one outside it; the message is the same.
  if (stack.some((b) => b.randomness === 'error')) throw pyError('RuntimeError', ERROR_MODE);
  for (const b of stack) refuseKind(b, op, kind);
  if (stack.length > 1 && (kind !== 'sized' || stack.some((b) => b.api !== 'vmap'))) {
    throw pyError('NotImplementedError', `${op} inside nested vmaps with randomness='${stack[stack.length - 1].randomness}' is not supported by Gradlens `
      + '(it batches only draws given a size there: torch.rand, randn, randint, normal(mean, std, size)): draw with a size, or outside and pass the values in');
  }
  const level = (i: number, count: number): ArrayLike<number> => stack[i].draw(op, count, (factor) => {
    if (i > 0) return level(i - 1, count * factor);
    const total = count * factor;
    return total === perEntry ? one() : batch(total / perEntry);
  });
  return level(stack.length - 1, perEntry);
}
