/**
 * How the torch runtime's errors and limits reach the script: what the eager runtime throws
 * becomes the exception PyTorch raises, and integers past what Gradlens stores are refused.
 */
import {
  AutogradError, Int64RangeError, INT64_EXACT_LIMIT, intRange, isWrappingInt, type WrappingIntDType, NOT_BROADCASTABLE, SavedTensorModifiedError, ShapeError, formatAval, savedTensorModifiedMessage,
  type AbstractValue, type Shape,
} from '../../../runtime/core';
import { type EagerEngine, tangentAt, type Tensor } from '../../../runtime/eager';
import { HaltError, PyError, pyError } from '../interpreter';
import { SCALAR_TYPE, type TorchDTypeName } from './dtype';

/**
 * Integers an integer tensor cannot hold are refused, never wrapped: past int64 as PyTorch
 * refuses them, past int32 for an int32 tensor as PyTorch does, and an int64 value past 2**53
 * because Gradlens's int64 is exact only there (runtime/core/dtype.ts INT64_EXACT_LIMIT). An 8- or
 * 16-bit one takes what c10's `overflows` lets through (a negative value down to -255 wraps into
 * uint8, as `torch.tensor([-1], dtype=torch.uint8)` is 255); `cName` is torch.full's C spelling (`uint8_t`).
 */
export function checkIntegers(values: ArrayLike<number>, dtype: TorchDTypeName, cName = false): void {
  if (isWrappingInt(dtype)) return checkNarrowIntegers(values, dtype, cName);
  if (dtype !== 'int64' && dtype !== 'int32') return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= -(2 ** 31) && v < 2 ** 31) continue;
    if (!Number.isFinite(v)) continue; // NB: inf and NaN converted to an integer dtype are undefined in PyTorch too.
    if (dtype === 'int32') throw pyError('RuntimeError', 'value cannot be converted to type int32 without overflow');
    if (v >= 2 ** 63 || v < -(2 ** 63)) throw pyError('RuntimeError', 'Overflow when unpacking long');
    if (Math.abs(v) >= INT64_EXACT_LIMIT) throw pyError('RuntimeError', new Int64RangeError(v).message);
  }
}

function checkNarrowIntegers(values: ArrayLike<number>, dtype: WrappingIntDType, cName: boolean): void {
  const { min, max } = intRange(dtype);
  const lowest = min === 0 ? -max : min;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lowest && v <= max) && !Number.isNaN(v)) throw pyError('RuntimeError', `value cannot be converted to type ${dtype}${cName ? '_t' : ''} without overflow`);
  }
}

/** The array an allocation is for, as the budget error names it: `f32[100000,100000], the result of add`. */
export function describe(aval: AbstractValue, what: string): string {
  return what === 'upload' ? formatAval(aval) : `${formatAval(aval)}, the result of ${what}`;
}

/** What the runtime throws, as the Python exception PyTorch raises for it. */
export function translate(e: unknown): unknown {
  if (e instanceof PyError || e instanceof HaltError) return e;
  if (e instanceof ShapeError && e.why === NOT_BROADCASTABLE) return pyError('RuntimeError', inferSizeMessage(e.inputs.map((a) => a.shape)) ?? e.message);
  if (e instanceof SavedTensorModifiedError) {
    // NB: only a floating tensor is saved for a gradient, and those store the dtype they are.
    const typeName = `torch.${SCALAR_TYPE[e.aval.dtype as TorchDTypeName]}Tensor`;
    return pyError('RuntimeError', savedTensorModifiedMessage(typeName, e.aval.shape, e.madeBy, e.version, e.expected));
  }
  if (e instanceof AutogradError || e instanceof ShapeError) return pyError('RuntimeError', e.message);
  if (e instanceof RangeError && !/call stack/i.test(e.message)) return pyError('RuntimeError', e.message);
  if (e instanceof Error && e.constructor === Error) return pyError('RuntimeError', e.message);
  return e;
}

/**
 * PyTorch's words for shapes that do not broadcast (infer_size, over the operands in order, as
 * TensorIterator meets them: `torch.where(c, x, y)` broadcasts c with x, then that with y); null
 * when they broadcast.
 */
export function inferSizeMessage(shapes: readonly Shape[]): string | null {
  let acc: readonly number[] = [];
  for (const s of shapes) {
    const rank = Math.max(acc.length, s.length);
    const out = new Array<number>(rank);
    for (let i = rank - 1; i >= 0; i--) {
      const da = acc[i - (rank - acc.length)] ?? 1;
      const db = s[i - (rank - s.length)] ?? 1;
      if (da !== db && da !== 1 && db !== 1) return `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`;
      out[i] = da === 1 ? db : da;
    }
    acc = out;
  }
  return null;
}

/**
 * An op PyTorch 1.13 has no forward-mode formula for (`logcumsumexp`, `_embedding_bag`): a tangent
 * reaching it raises PyTorch's NotImplementedError, where Gradlens's JVP rule would give a number PyTorch never does.
 */
export function refuseForwardAD(engine: EagerEngine, aten: string, inputs: readonly Tensor[]): void {
  if (!engine.forwardLevels.some((level) => inputs.some((t) => tangentAt(t, level) !== null))) return;
  throw pyError('NotImplementedError', `Trying to use forward AD with ${aten} that does not support it because it has not been implemented yet.\n`
    + 'Please file an issue to PyTorch at https://github.com/pytorch/pytorch/issues/new?template=feature-request.yml so that we can prioritize its implementation.\n'
    + 'Note that forward AD support for some operators require PyTorch to be built with TorchScript and for JIT to be enabled. '
    + 'If the environment var PYTORCH_JIT=0 is set or if the library is not built with TorchScript, some operators may no longer be used with forward AD.');
}
