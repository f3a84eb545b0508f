/** How every side names a backend to the user: the status bar, the hover and the panel say the same. */
import { BACKENDS } from './backends';
import type { BackendInfo } from './results';

/** The note every side shows when a GPU that cannot be read synchronously had values read on the CPU. */
export function hostReadsText(reads: number): string {
  return `${reads} value${reads === 1 ? '' : 's'} read at once (.item(), print, float, if) computed on the CPU: this GPU cannot be read synchronously`;
}

/** The note every side shows when float64 values were computed on the CPU beside a GPU that has no f64. */
export function float64OnCpuText(ops: number): string {
  return `float64: ${ops} op${ops === 1 ? '' : 's'} computed on the CPU in float64 (WebGPU has no f64; never rounded to float32)`;
}

export function backendLabel(backend: BackendInfo): string {
  const label = BACKENDS[backend.name].label;
  return backend.adapter ? `${label} · ${backend.adapter}` : label;
}

/** Milliseconds as the hover and `gradlens bench` show them: `250 ms`, `3.1 ms`, `0.042 ms`. */
export function msText(value: number): string {
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 1) return `${value.toFixed(1)} ms`;
  return `${value.toPrecision(2)} ms`;
}
