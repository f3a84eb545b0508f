/** How every side names a backend to the user: the status bar, the hover and the panel say the same. */
import type { BackendInfo } from './results';

export function backendLabel(backend: BackendInfo): string {
  switch (backend.name) {
    case 'webgpu':
      return backend.adapter ? `WebGPU · ${backend.adapter}` : 'WebGPU';
    case 'wasm':
      return 'CPU (wasm)';
    case 'cpu':
      return 'CPU (js)';
    case 'reference':
      return 'CPU (reference, float64)';
  }
}
