// Python that reads tensors synchronously (`.item()`, `print`, `float(t)`, `if t > 0:`) on webgpu,
// where SwiftShader cannot read the GPU synchronously (runtime/backends/webgpu/host_values.ts).
import { formatError } from '../../lang/python';
import { runPython } from '../../evaluation';
import { createReferenceBackend, type Backend, type WebgpuBackend } from '../../runtime/backends';
import { EagerEngine } from '../../runtime/eager';

/** What a script printed, how it failed, how long it ran, and the synchronous reads answered on the CPU. */
export interface ScriptRun { output: string; error: string | null; ms: number; hostReads: { reads: number; ops: number }; float64Ops: number; live: number }

/** Runs `source` as `gradlens run` does, on the page's webgpu backend or on the float32-faithful reference backend. */
export function runScript(gpu: WebgpuBackend, source: string, on: 'webgpu' | 'reference'): ScriptRun {
  const backend: Backend = on === 'webgpu' ? gpu : createReferenceBackend();
  const before = gpu.hostReads();
  const float64Before = gpu.hostDtypes().ops;
  const liveBefore = backend.liveCount();
  let output = '';
  const started = performance.now();
  const result = runPython(source, new EagerEngine(backend), { file: 'train.py', stdout: (t) => { output += t; } });
  const ms = performance.now() - started;
  const after = gpu.hostReads();
  return {
    output, error: result.error && formatError(result.error), ms,
    hostReads: { reads: after.reads - before.reads, ops: after.ops - before.ops },
    float64Ops: gpu.hostDtypes().ops - float64Before,
    live: backend.liveCount() - liveBefore,
  };
}
