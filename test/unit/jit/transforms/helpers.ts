import { createReferenceBackend, createTfjsBackend, type Backend, type DeviceArray } from '../../../../runtime/backends';
import { sizeOf, type DType } from '../../../../runtime/core';
import { flatten, type Pytree } from '../../../../runtime/jit/transforms';

export interface Engine {
  readonly name: 'reference' | 'wasm';
  readonly backend: Backend;
  readonly dtype: DType;
  /** Relative tolerance for comparing against float64 math. */
  readonly tol: number;
}

export async function engines(): Promise<Engine[]> {
  return [
    { name: 'reference', backend: createReferenceBackend(), dtype: 'float64', tol: 1e-9 },
    { name: 'wasm', backend: await createTfjsBackend('wasm'), dtype: 'float32', tol: 2e-4 },
  ];
}

export const ENGINE_NAMES = ['reference', 'wasm'] as const;

let cached: Promise<Engine[]> | null = null;
export function engine(name: (typeof ENGINE_NAMES)[number]): Promise<Engine> {
  cached ??= engines();
  return cached.then((es) => es.find((e) => e.name === name)!);
}

export function upload(e: Engine, values: number | readonly number[], shape: readonly number[] = []): DeviceArray {
  const vs = typeof values === 'number' ? [values] : values;
  if (vs.length !== sizeOf(shape)) throw new RangeError('bad test data');
  return e.backend.upload(vs, { shape, dtype: e.dtype });
}

/** The values of every leaf of `tree`, which is then disposed. */
export function take(e: Engine, tree: unknown): number[][] {
  const [leaves] = flatten<DeviceArray>(tree as Pytree);
  const out = leaves.map((a) => Array.from(e.backend.readSync(a)));
  leaves.forEach((a) => e.backend.dispose(a));
  return out;
}

export function assertClose(actual: readonly number[], expected: readonly number[], tol: number, what = ''): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  actual.forEach((a, i) => {
    const x = expected[i];
    if (!(Math.abs(a - x) <= tol * Math.max(1, Math.abs(x)))) {
      throw new Error(`${what}[${i}]: ${a} != ${x} (tol ${tol})\n  actual ${actual.join(', ')}\n  expected ${expected.join(', ')}`);
    }
  });
}
