/**
 * PyTorch's `t.numpy()` and `torch.from_numpy(a)`: the tensor and the ndarray share memory, so an
 * in-place change of either shows in the other. Gradlens's NumPy arrays live on another backend
 * than its tensors, so each side holds a copy, kept equal: the array takes the tensor's values
 * before it is next read when the tensor's version moved (an in-place op, a `.data` write, an
 * optimizer step), and the tensor takes the array's as soon as the array is written (item and
 * slice assignment, `+=`, `out=`), so every later torch op reads them.
 */
import type { Tensor } from '../../../runtime/eager';
import { pyError, type HostArrayData, type HostObject, type SharedMemory } from '../interpreter';
import { STORAGE, type TorchDTypeName } from './dtype';
import { checkIntegers } from './errors';
import type { PyTensor, TorchRuntime } from './tensor';

/** The tensor's side of a shared memory: an alias of it (same memory and version counter, as `detach()` gives) that the array keeps. */
class TensorSide implements SharedMemory {
  /** The tensor's version when the array last took or gave the values. */
  private seen: number;
  private released = false;

  constructor(readonly rt: TorchRuntime, readonly alias: Tensor, readonly dtype: TorchDTypeName) {
    this.seen = alias.version;
  }

  changed(): HostArrayData | undefined {
    if (this.gone() || this.alias.version === this.seen) return undefined;
    this.seen = this.alias.version;
    return { values: this.rt.run(() => Array.from(this.alias.dataSync())), shape: this.alias.shape, dtype: this.dtype };
  }

  written(values: ArrayLike<number>): void {
    if (this.gone()) return;
    checkIntegers(values, this.dtype);
    const { engine } = this.rt;
    // NB: NumPy's write is no autograd op: it reaches the tensor as `.data` writes do.
    // NB: through the engine, so an alias of a view writes the view's base.
    this.rt.run(() => engine.withGradMode(false, () => engine.inPlace(this.alias, () => engine.fromValues(values, this.alias.shape, STORAGE[this.dtype]))));
    this.seen = this.alias.version;
  }

  release(): void {
    this.released = true;
    this.alias.dispose();
  }

  /**
   * Whether the tensor's side is gone: the array let it go, or the op that made the alias freed
   * it (`.numpy()` inside a torch op's own Python code), where sharing cannot go on exactly.
   */
  private gone(): boolean {
    if (this.released) return true;
    if (this.alias.disposed) {
      throw pyError('RuntimeError', 'this NumPy array shares its memory with a tensor in PyTorch, and Gradlens lost track of that tensor '
        + '(.numpy() or torch.from_numpy was called inside a torch operation); call it at the top level of the script, or copy with np.array(t)');
    }
    return false;
  }
}

/**
 * Makes `array` (a fresh NumPy array, or the one `torch.from_numpy` got) and the tensor `t` share
 * memory. An array that cannot share (a view of another array: `torch.from_numpy(a[1:])`) leaves
 * the tensor refusing in-place changes, since they would not reach the array.
 */
export function shareWithNumpy(t: PyTensor, array: HostObject, how: string): void {
  const alias = t.t.detach();
  if (!array.shareMemory(new TensorSide(t.rt, alias, t.dtype))) {
    alias.dispose();
    t.rt.sharesWithNumpy(t, how);
  }
}

/**
 * `torch.from_numpy(a)` of an array that already shares memory with a tensor: a tensor over that
 * tensor's memory (as `detach()` gives), so an in-place change of either shows in the other at
 * once; undefined when `a` shares with none.
 */
export function tensorSharing(rt: TorchRuntime, array: HostObject): PyTensor | undefined {
  const side = array.sharers.find((s): s is TensorSide => s instanceof TensorSide && s.rt === rt);
  return side && rt.run(() => rt.wrap(side.alias.detach(), side.dtype));
}
