import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { W2_SIZE } from './workloads';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly date: string;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() named it
  }
  return { cpu, cores: availableParallelism(), node: process.version, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
}

/**
 * Single-thread memory bandwidth: the best of several copies of a 64 MiB Float32Array
 * (TypedArray.set is a memcpy), counting bytes read plus bytes written. Single-thread because
 * every JS engine in the table runs its kernels on one thread here.
 */
export function copyBandwidth(): number {
  const n = 16 << 20;
  const src = new Float32Array(n).fill(1.5);
  const dst = new Float32Array(n);
  let best = Infinity;
  for (let r = 0; r < 8; r++) {
    const t0 = performance.now();
    dst.set(src);
    best = Math.min(best, performance.now() - t0);
  }
  if (dst[n - 1] !== 1.5) throw new Error('copy failed');
  return (2 * 4 * n) / (best / 1e3);
}

/**
 * W2's gradient as one hand-written scalar JS loop (one pass: read x, write the gradient, no
 * intermediates): what a fused single-thread kernel without SIMD transcendentals can reach here.
 */
export function handFusedW2(x: Float32Array, runs = 7): number {
  const g = new Float32Array(W2_SIZE);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < W2_SIZE; i++) {
      const xi = x[i];
      const t = Math.tanh(1.5 * xi + 0.3);
      const e = Math.exp(-xi * xi);
      const s = Math.sin(xi);
      g[i] = 3 * t * (1 - t * t) + (Math.cos(xi) - 2 * xi * s) * e;
    }
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
