/** How every side names a backend to the user: the status bar, the hover and the panel say the same. */
import { BACKENDS } from './backends';
import type { BackendInfo } from './results';

export function backendLabel(backend: BackendInfo): string {
  const label = BACKENDS[backend.name].label;
  return backend.adapter ? `${label} · ${backend.adapter}` : label;
}
