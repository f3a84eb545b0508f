import { AutogradError, formatShape, shapeEq } from '../core';
import { JVP_RULES, type JvpRule } from '../autodiff';
import type { ParamsOf, Primitive } from '../primitives';
import { NO_DUALS, type Tensor, type TensorEngine } from './tensor';

/**
 * Forward-mode AD on the eager engine, as PyTorch's `torch.autograd.forward_ad`: a dual tensor
 * carries a tangent at the open dual level, and each op that reads one computes the tangent of its
 * output with the primitive's JVP rule (runtime/autodiff's JVP_RULES, the rules the jit's `jvp`
 * uses) as it runs. A script opens one level at a time (`dual_level`), as in PyTorch 1.13; functorch's
 * jvp of a jvp opens levels inside it: an op's tangent at level k is computed by its rule with the
 * levels below k open, so a tangent carries its own tangents at the outer levels (the nested
 * derivative), and never one at its own level or above (no perturbation confusion). A tangent is
 * owned by its tensor (freed with it); whoever else needs it (a script's name, another tensor) gets
 * an alias of its memory. Leaving a level strands its tangents: they are read only at the level they belong to.
 */

/** What forward AD needs of the engine beyond TensorEngine. */
export interface ForwardEngine extends TensorEngine {
  /** The open levels, outermost first. */
  forwardLevels: readonly object[];
  tidy<R>(fn: () => R): R;
  named(name: string, result: Tensor): Tensor;
}

export function tangentAt(t: Tensor, level: object | null): Tensor | null {
  for (const d of t.duals) if (d.level === level) return d.tangent;
  return null;
}

/** Gives `t` the tangent at `level` (none: a symbolic zero); `t` owns it from now on. */
export function setTangent(engine: TensorEngine, t: Tensor, level: object, tangent: Tensor | null): void {
  const old = tangentAt(t, level);
  const others = t.duals.filter((d) => d.level !== level);
  if (tangent === null) {
    t.duals = others.length === 0 ? NO_DUALS : others;
  } else {
    engine.disown(tangent);
    t.duals = [...others, { level, tangent }];
  }
  if (old !== null && old !== tangent) old.dispose();
}

/** A new tensor over the tangent's memory (and graph, and its own tangents at outer levels), which its new owner may free. */
export function tangentAlias(engine: TensorEngine, tangent: Tensor): Tensor {
  const alias = tangent.aliasForSave(true);
  alias.shareTangentOf(tangent);
  return engine.adopt(alias);
}

/** `fwAD.enter_dual_level()`: the script's level, the only one (PyTorch 1.13 nests none). */
export function enterDualLevel(engine: ForwardEngine): void {
  if (engine.forwardLevels.length > 0) throw new AutogradError('Nested forward mode AD is not supported at the moment');
  engine.forwardLevels = [{}];
}

/** functorch's jvp inside a jvp: a level inside the open ones. */
export function enterNestedDualLevel(engine: ForwardEngine): void {
  engine.forwardLevels = [...engine.forwardLevels, {}];
}

/** Leaves the innermost level. */
export function exitDualLevel(engine: ForwardEngine): void {
  engine.forwardLevels = engine.forwardLevels.slice(0, -1);
}

/** The innermost open level; null when none is. */
export function innermostLevel(engine: ForwardEngine): object | null {
  const levels = engine.forwardLevels;
  return levels.length === 0 ? null : levels[levels.length - 1];
}

/** Runs `fn` with only `levels` open: a JVP rule's own ops (the levels below its own), a custom Function's forward (none). */
function withLevels<R>(engine: ForwardEngine, levels: readonly object[], fn: () => R): R {
  const before = engine.forwardLevels;
  engine.forwardLevels = levels;
  try {
    return fn();
  } finally {
    engine.forwardLevels = before;
  }
}

/** Runs `fn` with forward AD suspended: a custom Function's forward and jvp. */
export function withoutForwardAD<R>(engine: ForwardEngine, fn: () => R): R {
  return withLevels(engine, [], fn);
}

/** `dst` takes `src`'s tangents at `levels` (aliases), as a view of `src` would carry them. */
function copyTangents(engine: ForwardEngine, src: Tensor, dst: Tensor, levels: readonly object[]): void {
  for (const level of levels) {
    const tangent = tangentAt(src, level);
    if (tangent !== null) setTangent(engine, dst, level, tangentAlias(engine, tangent));
  }
}

/**
 * `make_dual(primal, tangent)`: a new tensor over the primal's memory (a view, `ViewBackward0`,
 * where the primal requires grad) carrying the tangent as it is.
 */
export function makeDual(engine: ForwardEngine, primal: Tensor, tangent: Tensor): Tensor {
  const level = innermostLevel(engine);
  if (level === null) throw new AutogradError('Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.');
  if (!shapeEq(primal.shape, tangent.shape)) {
    throw new AutogradError('Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. '
      + `Tensor is of size ${formatShape(primal.shape)} while the given forward gradient is of size ${formatShape(tangent.shape)}.`);
  }
  if (primal.dtype !== tangent.dtype) {
    throw new AutogradError(`Gradlens keeps a tangent in its primal's dtype: make_dual got a ${primal.dtype} primal and a ${tangent.dtype} tangent; convert the tangent with .to(primal.dtype)`);
  }
  const dual = withoutForwardAD(engine, () => (primal.requiresGrad && engine.gradEnabled
    ? engine.named('ViewBackward0', engine.ops.bind('reshape', [primal], { newSizes: primal.shape }))
    : primal.detach()));
  // A view keeps the primal's tangents at the outer levels.
  copyTangents(engine, primal, dual, engine.forwardLevels.slice(0, -1));
  setTangent(engine, dual, level, tangentAlias(engine, tangent));
  return dual;
}

/**
 * `unpack_dual(t)`: a view of `t` without the innermost level's tangent (same memory and grad_fn,
 * the outer levels' tangents kept), and an alias of that tangent, if it has one.
 */
export function unpackDual(engine: ForwardEngine, t: Tensor): { primal: Tensor; tangent: Tensor | null } {
  const tangent = tangentAt(t, innermostLevel(engine));
  const primal = engine.adopt(t.aliasForSave(true));
  copyTangents(engine, t, primal, engine.forwardLevels.slice(0, -1));
  return { primal, tangent: tangent && tangentAlias(engine, tangent) };
}

/** After `prim` ran on `inputs` giving `result`: the result's tangent, from the inputs' by the primitive's JVP rule. */
export function propagateTangent<P extends Primitive>(engine: ForwardEngine, prim: P, params: ParamsOf<P>, inputs: readonly Tensor[], result: Tensor): void {
  const levels = engine.forwardLevels;
  // Outermost first: a rule may read the result, whose tangents at the outer levels its ops then carry.
  for (let k = 0; k < levels.length; k++) propagateAt(engine, prim, params, inputs, result, levels, k);
}

function propagateAt<P extends Primitive>(engine: ForwardEngine, prim: P, params: ParamsOf<P>, inputs: readonly Tensor[], result: Tensor, levels: readonly object[], k: number): void {
  const level = levels[k];
  let any = false;
  const tangents = inputs.map((t) => {
    const tangent = tangentAt(t, level);
    if (tangent !== null) any = true;
    return tangent;
  });
  if (!any) return;
  const rule = JVP_RULES[prim] as JvpRule<P>;
  // NB: the rule's own ops carry tangents at the outer levels only; they are taped as usual,
  // so a tangent is differentiable by backward as PyTorch's are.
  const tangent = withLevels(engine, levels.slice(0, k), () => engine.tidy(() => rule(engine.ops, inputs, tangents, result, params)));
  if (tangent === null) return;
  // A rule may hand back a tensor someone else owns (an input's tangent, unchanged by a reshape to its own shape).
  const own = tangents.includes(tangent) || inputs.includes(tangent) || tangent === result;
  setTangent(engine, result, level, own ? tangentAlias(engine, tangent) : tangent);
}

/**
 * A torch function whose tangent PyTorch computes by its own formula (derivatives.yaml's `result:`
 * line) rather than through the primitives Gradlens makes it of, so float32 digits differ: after
 * `result` was computed from `input`, its tangent at each level (outermost first, with the levels
 * below open, as propagateAt) becomes `formula(input's tangent)`.
 * NB: the primitives inside still carried theirs, which the tape keeps for forward over reverse.
 */
export function tangentByFormula(engine: ForwardEngine, input: Tensor, result: Tensor, formula: (tangent: Tensor) => Tensor): void {
  const levels = engine.forwardLevels;
  for (let k = 0; k < levels.length; k++) {
    const tangent = tangentAt(input, levels[k]);
    if (tangent === null) continue;
    const computed = withLevels(engine, levels.slice(0, k), () => engine.tidy(() => formula(tangent)));
    const own = computed === tangent || computed === input || computed === result;
    setTangent(engine, result, levels[k], own ? tangentAlias(engine, computed) : computed);
  }
}

/** An in-place op computes from a snapshot of its target: the snapshot carries the target's tangent. */
export function tangentToSnapshot(engine: ForwardEngine, target: Tensor, snapshot: Tensor): void {
  copyTangents(engine, target, snapshot, engine.forwardLevels);
}

/** Then the target's tangent is the result's (none: the op made it a constant, whose tangent is zero). */
export function tangentFromResult(engine: ForwardEngine, target: Tensor, result: Tensor): void {
  for (const level of engine.forwardLevels) {
    const tangent = tangentAt(result, level);
    setTangent(engine, target, level, tangent && tangentAlias(engine, tangent));
  }
}
