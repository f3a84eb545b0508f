import type { Backend, DeviceArray } from '../backends';

/**
 * A backend array shared by the tensors and saved values that point at it. It is freed when the
 * last of them lets go, so memory is released at a known moment rather than by the GC.
 */
export class Storage {
  private refs = 1;
  constructor(readonly array: DeviceArray, private readonly backend: Backend) {}

  retain(): this {
    if (this.refs <= 0) throw new Error('internal: retained a freed storage');
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) this.backend.dispose(this.array);
  }

  get freed(): boolean {
    return this.refs <= 0;
  }
}
