import { typedArrayFrom } from '../../core';
import { REFERENCE_KERNELS, ReferenceArray } from '../../backends';
import type { HostKernel } from './codegen_js';
import type { KernelSpec, Ref } from './kernel_spec';

/**
 * A fused kernel run without generated code: each member in turn over whole host arrays, through
 * the reference backend's loops. Those store every value in its dtype's array after each op, as
 * the JS kernel rounds after each op, and sum in doubles in the same row-major order, so results
 * are bit-identical to codegen_js.ts's. For pages whose Content-Security-Policy refuses
 * `new Function` (the webview's), where a kernel is not eligible for wasm.
 */
const RESHAPES: ReadonlySet<string> = new Set(['reshape', 'squeeze', 'expand_dims']);

export function interpretKernel(spec: KernelSpec): HostKernel {
  // Literals are 0-d arrays, made once: the loops broadcast them.
  const literals = new Map<Ref, ReferenceArray>();
  for (const m of spec.members) {
    for (const r of m.args) if ('literal' in r) literals.set(r, new ReferenceArray([], r.dtype, typedArrayFrom(r.dtype, [r.literal])));
  }
  return (ins, outs) => {
    const values: ReferenceArray[] = [];
    const arg = (r: Ref): ReferenceArray => {
      if ('literal' in r) return literals.get(r)!;
      if ('member' in r) return values[r.member];
      const aval = spec.inputs[r.input];
      return new ReferenceArray(aval.shape, aval.dtype, ins[r.input]);
    };
    spec.members.forEach((m, k) => {
      // A re-index of a whole array is the same values: no copy.
      if (RESHAPES.has(m.primitive)) {
        values[k] = new ReferenceArray(m.out.shape, m.out.dtype, arg(m.args[0]).data);
        return;
      }
      const kernel = REFERENCE_KERNELS[m.primitive] as (inputs: readonly ReferenceArray[], params: unknown, out: typeof m.out) => ReferenceArray;
      values[k] = kernel(m.args.map(arg), m.params, m.out);
    });
    spec.outputs.forEach((m, k) => outs[k].set(values[m].data));
  };
}
