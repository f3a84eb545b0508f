/**
 * What a consumer drawing from a generator (a `for` loop, `sum`, `list`, `next`) takes of its
 * yields: each with a count the consumer holds until a name or container took it, as CPython hands
 * the yielded reference to the consumer (reference_counts.ts counts it).
 */
import { PyGenerator } from './generator';
import { type Counted, type ReferenceCounts } from './reference_counts';
import { PyIterator, type PyValue } from './values';

/** A consumer drawing from generator `from` now, and what it drew: the values it yielded, each with a count the consumer holds until it took it (`Takers.taking`). */
export interface Taker {
  /** The generators whose yields it takes: the one it draws from, or those an iterator it draws from holds (`enumerate(g)`, `zip(g, h)`). */
  readonly from: readonly PyGenerator[];
  readonly drawn: Counted[];
}

export class Takers {
  /** What built-ins drew from generators in the statements still running, innermost last, each with a count on it until its statement ends (tookDrawn). */
  readonly drawnByCalls: Counted[] = [];
  /**
   * The consumer drawing from a generator now (a `for` loop, `sum`, `list`, `next`), which takes what
   * that generator yields to count or use up (handOver). What anything else draws (a host op, zip
   * for its tuples, Python code a consumer calls back) may be kept uncounted, so it escapes.
   */
  taking: Taker | null = null;

  constructor(private readonly refs: ReferenceCounts) {}

  /**
   * What a consumer of `it` takes: what the generators it draws from yield, `it` itself or those a
   * counted iterator over them holds (`enumerate(batches())`, `zip(g, h)`); null where there are none.
   */
  takerOf(it: PyValue): Taker | null {
    if (it instanceof PyGenerator) return { from: [it], drawn: [] };
    if (!(it instanceof PyIterator)) return null;
    const from: PyGenerator[] = [];
    this.heldGenerators(it, from, 8);
    return from.length > 0 ? { from, drawn: [] } : null;
  }

  /** Adds to `out` the generators iterator `it` holds, and those the iterators it holds hold (`zip(enumerate(g), h)`), to `depth`. */
  private heldGenerators(it: PyIterator, out: PyGenerator[], depth: number): void {
    const held = this.refs.holders.get(it);
    if (held === undefined || depth === 0) return;
    for (const v of held.items) {
      if (v instanceof PyGenerator) out.push(v);
      else if (v instanceof PyIterator) this.heldGenerators(v, out, depth - 1);
    }
  }

  /**
   * The next item of `it` for a consumer that takes what `taker` takes. A tuple an iterator made of
   * what its generators yielded (`enumerate(g)`, `zip(g, h)`) holds them, as an op's result does.
   */
  drawNext(taker: Taker | null, it: PyValue, next: () => PyValue | undefined): PyValue | undefined {
    if (taker === null) return next();
    const item = this.drawing(taker, next);
    if (item !== undefined && !(it instanceof PyGenerator)) this.refs.adopt(item);
    return item;
  }

  /** Runs `draw` with `taker` taking what its generator yields (see `taking`). */
  drawing<T>(taker: Taker | null, draw: () => T): T {
    const outer = this.taking;
    this.taking = taker;
    try {
      return draw();
    } finally {
      this.taking = outer;
    }
  }

  /**
   * `g` yielded `v` to `taker`, what was drawing when it resumed: the consumer drawing from `g` takes
   * it, as CPython hands the yielded reference to it; anything else may keep it uncounted, so it escapes.
   */
  handOver(g: PyGenerator, v: PyValue, taker: Taker | null): void {
    // NB: only counted values are kept: `sum(i * i for i in range(n))` draws numbers by the million.
    // The consumer holds a count on what it drew until it took it (`took`): the generator may let
    // go of its own names for it while the consumer still uses it (`max(g)`, `next(it) + next(it)`).
    if (taker === null || !taker.from.includes(g)) this.refs.escape(v);
    else if (this.refs.holdItem(v)) taker.drawn.push(v);
  }

  /** The consumer took what it drew (a name or a container counts it now, or nothing did): it lets go of its counts. */
  took(taker: Taker): void {
    for (const v of taker.drawn) this.refs.unbind(v);
    taker.drawn.length = 0;
  }

  /** What a built-in drawing from one of `args` takes (takerOf); null where none yields to it. */
  argumentsTaker(args: readonly PyValue[]): Taker | null {
    for (const a of args) {
      const taker = this.takerOf(a);
      if (taker !== null) return taker;
    }
    return null;
  }

  /**
   * A built-in drew what `taker` took from a generator: it used them up (`sum`, `next`) or a
   * container it made counts them (`list`, `dict`, `set`), so what nothing took by the statement's
   * end goes, as CPython frees each once it is added or stored. NB: their counts hold until then:
   * the generator may let go of its names for them while the statement still uses them
   * (`next(it) + next(it)`).
   */
  tookDrawn(taker: Taker): void {
    for (const v of taker.drawn) this.drawnByCalls.push(v);
    taker.drawn.length = 0;
  }

  /** Lets go of the counts calls drew since `mark` (drawnByCalls): the expressions that used them ended. */
  releaseDrawn(mark: number): void {
    for (let i = mark; i < this.drawnByCalls.length; i++) this.refs.unbind(this.drawnByCalls[i]);
    this.drawnByCalls.length = mark;
  }
}
