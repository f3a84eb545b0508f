import type { Jaxpr } from '../../ir';
import { generateJs } from './codegen_js';
import { generateWasm, wasmIneligible } from './codegen_wasm';
import { generateWgsl, wgslIneligible } from './codegen_wgsl';
import { kernelSpec } from './kernel_spec';
import type { Plan } from './plan';
import { watOf } from './wat';

export type KernelTarget = 'wgsl' | 'js' | 'wat';

/**
 * The generated source of each kernel of `plan`, for the graph viewer: undefined for a kernel
 * that is a backend primitive, or that has no form in `target` (the backend runs it otherwise).
 */
export function kernelSources(jaxpr: Jaxpr, plan: Plan, target: KernelTarget): (string | undefined)[] {
  return plan.kernels.map((kernel) => {
    if (kernel.kind !== 'fused') return undefined;
    const spec = kernelSpec(jaxpr, kernel);
    switch (target) {
      case 'js': return generateJs(spec);
      case 'wgsl': return wgslIneligible(spec) === null ? generateWgsl(spec).source : undefined;
      case 'wat': return wasmIneligible(spec) === null ? watOf(generateWasm(spec)) : undefined;
    }
  });
}
