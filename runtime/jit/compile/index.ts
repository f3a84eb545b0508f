// Compilation of a jaxpr for the CPU: plan.ts groups equations into kernels, codegen_js.ts turns a
// fused group into one JS loop (V8 compiles it), executable.ts runs the plan on a backend.
// NB: fused kernels always run on host typed arrays; on tfjs backends their inputs are read once and
// results uploaded only when a backend op or the caller needs them. A wasm generator was not built:
// the JS kernel spends ~93% of W2's time in Math.tanh/sin/exp, so the next gain is polynomial
// approximations (wasm SIMD), which would give up bit-equality with the reference.
export { compile, clearKernelCache, kernelCacheStats, type Executable } from './executable';
export { planJaxpr, planToJson, ELEMENTWISE, REDUCTIONS, REINDEX, type Plan, type PlanKernel, type PlanKernelJson } from './plan';
export { kernelSpec, specKey, type KernelSpec } from './kernel_spec';
export { compileJs, generateJs, type HostKernel } from './codegen_js';
