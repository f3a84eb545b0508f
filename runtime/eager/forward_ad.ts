import { AutogradError, formatShape, shapeEq } from '../core';
import { JVP_RULES, type JvpRule } from '../autodiff';
import type { ParamsOf, Primitive } from '../primitives';
import type { Tensor, TensorEngine } from './tensor';

/**
 * Forward-mode AD on the eager engine, as PyTorch's `torch.autograd.forward_ad`: a dual tensor
 * carries a tangent at the open dual level, and each op that reads one computes the tangent of its
 * output with the primitive's JVP rule (runtime/autodiff's JVP_RULES, the rules the jit's `jvp`
 * uses) as it runs. One level is open at a time, as in PyTorch 1.13. A tangent is owned by its
 * tensor (freed with it); whoever else needs it (a script's name, another tensor) gets an alias of
 * its memory. Leaving a level strands its tangents: they are read only at the level they belong to.
 */

/** What forward AD needs of the engine beyond TensorEngine. */
export interface ForwardEngine extends TensorEngine {
  forwardLevel: object | null;
  tidy<R>(fn: () => R): R;
  named(name: string, result: Tensor): Tensor;
}

export function tangentAt(t: Tensor, level: object | null): Tensor | null {
  const dual = t.dual;
  return dual !== null && dual.level === level ? dual.tangent : null;
}

/** Gives `t` the tangent at `level` (none: a symbolic zero); `t` owns it from now on. */
export function setTangent(engine: TensorEngine, t: Tensor, level: object, tangent: Tensor | null): void {
  const old = t.dual?.tangent ?? null;
  if (tangent === null) {
    t.dual = null;
  } else {
    engine.disown(tangent);
    t.dual = { level, tangent };
  }
  if (old !== null && old !== tangent) old.dispose();
}

/** A new tensor over the tangent's memory (and graph), which its new owner may free. */
export function tangentAlias(engine: TensorEngine, tangent: Tensor): Tensor {
  return engine.adopt(tangent.aliasForSave(true));
}

export function enterDualLevel(engine: ForwardEngine): void {
  if (engine.forwardLevel !== null) throw new AutogradError('Nested forward mode AD is not supported at the moment');
  engine.forwardLevel = {};
}

export function exitDualLevel(engine: ForwardEngine): void {
  engine.forwardLevel = null;
}

/** Runs `fn` with forward AD suspended: a JVP rule's own ops, a custom Function's forward. */
export function withoutForwardAD<R>(engine: ForwardEngine, fn: () => R): R {
  const level = engine.forwardLevel;
  engine.forwardLevel = null;
  try {
    return fn();
  } finally {
    engine.forwardLevel = level;
  }
}

/**
 * `make_dual(primal, tangent)`: a new tensor over the primal's memory (a view, `ViewBackward0`,
 * where the primal requires grad) carrying the tangent as it is.
 */
export function makeDual(engine: ForwardEngine, primal: Tensor, tangent: Tensor): Tensor {
  const level = engine.forwardLevel;
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
  setTangent(engine, dual, level, tangentAlias(engine, tangent));
  return dual;
}

/** `unpack_dual(t)`: a view of `t` without the tangent (same memory and grad_fn), and an alias of the tangent, if it has one. */
export function unpackDual(engine: ForwardEngine, t: Tensor): { primal: Tensor; tangent: Tensor | null } {
  const tangent = tangentAt(t, engine.forwardLevel);
  return { primal: engine.adopt(t.aliasForSave(true)), tangent: tangent && tangentAlias(engine, tangent) };
}

/** After `prim` ran on `inputs` giving `result`: the result's tangent, from the inputs' by the primitive's JVP rule. */
export function propagateTangent<P extends Primitive>(engine: ForwardEngine, prim: P, params: ParamsOf<P>, inputs: readonly Tensor[], result: Tensor): void {
  const level = engine.forwardLevel as object;
  let any = false;
  const tangents = inputs.map((t) => {
    const tangent = tangentAt(t, level);
    if (tangent !== null) any = true;
    return tangent;
  });
  if (!any) return;
  const rule = JVP_RULES[prim] as JvpRule<P>;
  // NB: the rule's own ops carry no tangents of their own (one level); they are taped as usual,
  // so a tangent is differentiable by backward as PyTorch's are.
  const tangent = withoutForwardAD(engine, () => engine.tidy(() => rule(engine.ops, inputs, tangents, result, params)));
  if (tangent === null) return;
  // A rule may hand back a tensor someone else owns (an input's tangent, unchanged by a reshape to its own shape).
  const own = tangents.includes(tangent) || inputs.includes(tangent) || tangent === result;
  setTangent(engine, result, level, own ? tangentAlias(engine, tangent) : tangent);
}

/** An in-place op computes from a snapshot of its target: the snapshot carries the target's tangent. */
export function tangentToSnapshot(engine: ForwardEngine, target: Tensor, snapshot: Tensor): void {
  const tangent = tangentAt(target, engine.forwardLevel);
  if (tangent !== null) setTangent(engine, snapshot, engine.forwardLevel as object, tangentAlias(engine, tangent));
}

/** Then the target's tangent is the result's (none: the op made it a constant, whose tangent is zero). */
export function tangentFromResult(engine: ForwardEngine, target: Tensor, result: Tensor): void {
  const level = engine.forwardLevel;
  if (level === null) return;
  const tangent = tangentAt(result, level);
  setTangent(engine, target, level, tangent && tangentAlias(engine, tangent));
}
