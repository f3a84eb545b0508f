import { VJP_RULES, type VjpRule } from '../../../runtime/autodiff';
import { isFloat, type AbstractValue, type DType } from '../../../runtime/core';
import type { Emitter, Ops } from '../../../runtime/ops';
import type { ParamsOf, Primitive } from '../../../runtime/primitives';

export interface TapeNode<A> {
  readonly value: A;
  /** Whether it depends on a leaf: only those are recorded and receive cotangents. */
  readonly tracked: boolean;
}

interface Equation<A> {
  readonly prim: Primitive;
  readonly inputs: readonly TapeNode<A>[];
  readonly params: ParamsOf<Primitive>;
  readonly out: TapeNode<A>;
}

/**
 * A test-only tape over another emitter: it evaluates each op at once and records the ones
 * that depend on a leaf. Its reverse pass runs the VJP rules on this same tape, so the
 * reverse pass can itself be differentiated: what proves that the rules compose.
 */
export class Tape<A> implements Emitter<TapeNode<A>> {
  private readonly equations: Equation<A>[] = [];
  constructor(private readonly inner: Emitter<A>) {}

  leaf(value: A): TapeNode<A> { return { value, tracked: true }; }
  constant(value: A): TapeNode<A> { return { value, tracked: false }; }

  bind<P extends Primitive>(prim: P, inputs: readonly TapeNode<A>[], params: ParamsOf<P>): TapeNode<A> {
    const value = this.inner.bind(prim, inputs.map((x) => x.value), params);
    const out = { value, tracked: inputs.some((x) => x.tracked) && isFloat(this.inner.aval(value).dtype) };
    if (out.tracked) this.equations.push({ prim, inputs, params, out });
    return out;
  }
  aval(x: TapeNode<A>): AbstractValue { return this.inner.aval(x.value); }
  scalar(value: number, dtype: DType): TapeNode<A> { return this.constant(this.inner.scalar(value, dtype)); }

  /** Cotangents of `wrt` given `ct` for `out` (null where none flows); the pass is recorded as it runs. */
  grad(o: Ops<TapeNode<A>>, out: TapeNode<A>, ct: TapeNode<A>, wrt: readonly TapeNode<A>[]): (TapeNode<A> | null)[] {
    const cts = new Map<TapeNode<A>, TapeNode<A>>([[out, ct]]);
    // NB: a snapshot, since the pass appends its own equations to the tape.
    const equations = [...this.equations];
    for (let k = equations.length - 1; k >= 0; k--) {
      const { prim, inputs, params, out: y } = equations[k];
      const g = cts.get(y);
      if (!g) continue;
      const rule = VJP_RULES[prim] as VjpRule<Primitive>;
      rule(o, g, inputs, y, params).forEach((gi, i) => {
        const x = inputs[i];
        if (!gi || !x.tracked) return;
        const previous = cts.get(x);
        cts.set(x, previous ? o.add(previous, gi) : gi);
      });
    }
    return wrt.map((x) => cts.get(x) ?? null);
  }
}
