import type { Backend, DeviceArray } from '../backends';

/**
 * A backend array shared by the tensors and saved values that point at it. It is freed when the
 * last of them lets go, so memory is released at a known moment rather than by the GC.
 */
export class Storage {
  private refs = 1;
  constructor(private current: DeviceArray, private readonly backend: Backend) {}

  get array(): DeviceArray {
    return this.current;
  }

  /**
   * Puts `next` in place of the array, for every tensor and saved value that shares it: the value
   * of a result just made, computed again as PyTorch computes it (torch_cpu_unary.ts, torch_softmax_order.ts).
   */
  replace(next: DeviceArray): void {
    this.backend.dispose(this.current);
    this.current = next;
  }

  retain(): this {
    if (this.refs <= 0) throw new Error('internal: retained a freed storage');
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) this.backend.dispose(this.current);
  }

  get freed(): boolean {
    return this.refs <= 0;
  }
}
