/**
 * What a CPU build of PyTorch 1.13 answers about accelerators and its global settings, built per
 * run: `torch.cuda` (no device: seeding is a no-op, asking about a device raises the build's
 * AssertionError), `torch.backends` (cudnn, mps, cuda.matmul), and the determinism, thread and
 * float32-matmul-precision settings. Gradlens computes deterministically on one thread whatever
 * they say; they keep what the script sets and read it back as PyTorch does.
 */
import { bindArgs, createModule, pyError, pyFunction, toIndex, type NativeFn, type PyModule, type PyValue, typeName } from '../interpreter';

export const CUDA_NAMES = [
  'is_available', 'device_count', 'is_initialized', 'manual_seed', 'manual_seed_all', 'seed', 'seed_all', 'empty_cache',
  'current_device', 'synchronize', 'get_device_name', 'get_device_properties', 'memory_allocated', 'max_memory_allocated', 'memory_reserved',
] as const;
export const BACKENDS_NAMES = ['cudnn', 'mps', 'cuda'] as const;
export const SETTINGS_NAMES = [
  'use_deterministic_algorithms', 'are_deterministic_algorithms_enabled', 'is_deterministic_algorithms_warn_only_enabled',
  'get_num_threads', 'set_num_threads', 'get_num_interop_threads', 'set_num_interop_threads',
  'set_float32_matmul_precision', 'get_float32_matmul_precision',
] as const;

const MATMUL_PRECISIONS = ['highest', 'high', 'medium'];

export interface AcceleratorModules {
  readonly cuda: PyModule;
  readonly backends: PyModule;
  readonly cudnn: PyModule;
  readonly mps: PyModule;
  readonly settings: Record<(typeof SETTINGS_NAMES)[number], PyValue>;
}

export function acceleratorModules(): AcceleratorModules {
  const fn = (name: string, f: NativeFn) => pyFunction(name, f);
  const noCuda: NativeFn = () => {
    throw pyError('AssertionError', 'Torch not compiled with CUDA enabled');
  };
  const noOp = (name: string): PyValue => fn(name, () => null);
  const cuda = createModule('torch.cuda', {
    is_available: fn('is_available', () => false),
    device_count: fn('device_count', () => 0n),
    is_initialized: fn('is_initialized', () => false),
    // NB: a CPU build queues CUDA seeding until CUDA starts, which it never does: no error, no effect.
    manual_seed: noOp('manual_seed'),
    manual_seed_all: noOp('manual_seed_all'),
    seed: noOp('seed'),
    seed_all: noOp('seed_all'),
    empty_cache: noOp('empty_cache'),
    // NB: the memory counters read 0 on a CPU build, as no CUDA memory was ever allocated.
    ...Object.fromEntries(['memory_allocated', 'max_memory_allocated', 'memory_reserved'].map((n) => [n, fn(n, () => 0n)])),
    ...Object.fromEntries(['current_device', 'synchronize', 'get_device_name', 'get_device_properties'].map((n) => [n, fn(n, noCuda)])),
  });
  const cudnn = createModule('torch.backends.cudnn', {
    enabled: true,
    benchmark: false,
    deterministic: false,
    allow_tf32: true,
    is_available: fn('is_available', () => false),
    version: fn('version', () => null),
  });
  const mps = createModule('torch.backends.mps', { is_available: fn('is_available', () => false), is_built: fn('is_built', () => false) });
  const matmul = createModule('torch.backends.cuda.matmul', { allow_tf32: false, allow_fp16_reduced_precision_reduction: true });
  const backendsCuda = createModule('torch.backends.cuda', { matmul, is_built: fn('is_built', () => false) });
  const backends = createModule('torch.backends', { cudnn, mps, cuda: backendsCuda });

  let deterministic = false;
  let warnOnly = false;
  let threads = 1n;
  let interopThreads = 1n;
  let precision = 'highest';
  const positiveInt = (name: string, v: PyValue | undefined, ctx: Parameters<NativeFn>[2]): bigint => {
    const n = toIndex(v ?? null, ctx);
    if (n <= 0n) throw pyError('RuntimeError', `${name} expects a positive integer`);
    return n;
  };
  const settings = {
    use_deterministic_algorithms: fn('use_deterministic_algorithms', (args, kwargs, ctx) => {
      const a = bindArgs('use_deterministic_algorithms', ['mode', '*', 'warn_only?'], args, kwargs, ctx);
      const mode = a.required('mode');
      if (typeof mode !== 'boolean') throw pyError('TypeError', `_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not ${typeName(mode)}`);
      deterministic = mode;
      warnOnly = a.bool('warn_only', false);
      return null;
    }),
    are_deterministic_algorithms_enabled: fn('are_deterministic_algorithms_enabled', () => deterministic),
    is_deterministic_algorithms_warn_only_enabled: fn('is_deterministic_algorithms_warn_only_enabled', () => warnOnly),
    get_num_threads: fn('get_num_threads', () => threads),
    set_num_threads: fn('set_num_threads', (args, _kwargs, ctx) => {
      threads = positiveInt('set_num_threads', args[0], ctx);
      return null;
    }),
    get_num_interop_threads: fn('get_num_interop_threads', () => interopThreads),
    set_num_interop_threads: fn('set_num_interop_threads', (args, _kwargs, ctx) => {
      interopThreads = positiveInt('set_num_interop_threads', args[0], ctx);
      return null;
    }),
    set_float32_matmul_precision: fn('set_float32_matmul_precision', (args, kwargs, ctx) => {
      const p = bindArgs('set_float32_matmul_precision', ['precision'], args, kwargs, ctx).str('precision');
      // NB: PyTorch only warns on an unknown precision and keeps the current one.
      if (MATMUL_PRECISIONS.includes(p)) precision = p;
      return null;
    }),
    get_float32_matmul_precision: fn('get_float32_matmul_precision', () => precision),
  };
  return { cuda, backends, cudnn, mps, settings };
}
