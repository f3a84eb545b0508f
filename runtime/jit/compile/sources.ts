import type { Jaxpr } from '../../ir';
import { watOf } from '../../wasm';
import { generateJs } from './codegen_js';
import { generateWasm, wasmIneligible } from './codegen_wasm';
import { generateWgsl, wgslIneligible } from './codegen_wgsl';
import { kernelSpec } from './kernel_spec';
import type { Plan, PlanKernel } from './plan';
import { splitKernel } from './split';

export type KernelTarget = 'wgsl' | 'js' | 'wat';

/**
 * The generated source of each kernel of `plan`, for the graph viewer: undefined for a kernel
 * that is a backend primitive, or that has no form in `target` (the backend runs it otherwise).
 * A WGSL kernel wider than `maxBindings` storage buffers (WebGPU's default: 8) is shown as the
 * parts it runs as, each under a comment.
 */
export function kernelSources(jaxpr: Jaxpr, plan: Plan, target: KernelTarget, maxBindings = 8): (string | undefined)[] {
  return plan.kernels.map((kernel) => {
    if (kernel.kind !== 'fused') return undefined;
    const spec = kernelSpec(jaxpr, kernel);
    switch (target) {
      case 'js': return generateJs(spec);
      case 'wgsl': return wgslSource(jaxpr, kernel, maxBindings);
      case 'wat': return wasmIneligible(spec) === null ? watOf(generateWasm(spec)) : undefined;
    }
  });
}

function wgslSource(jaxpr: Jaxpr, kernel: Extract<PlanKernel, { kind: 'fused' }>, maxBindings: number): string | undefined {
  const whole = kernelSpec(jaxpr, kernel);
  if (wgslIneligible(whole) !== null) return undefined;
  if (kernel.inputs.length + kernel.outputs.length <= maxBindings) return generateWgsl(whole).source;
  const parts = splitKernel(jaxpr, kernel, maxBindings);
  const header = (i: number) => `// part ${i + 1} of ${parts.length} (the kernel binds more than ${maxBindings} buffers)`;
  return parts.map((part, i) => (part.kind === 'primitive'
    ? `${header(i)}: ${jaxpr.eqns[part.eqn].primitive}, run by the backend\n`
    : `${header(i)}\n${generateWgsl(kernelSpec(jaxpr, part)).source}`)).join('\n');
}
