// Compilation of a jaxpr: plan.ts groups equations into kernels; each elementwise member lowers
// once to the scalar IR (runtime/scalar), which every target renders from a table of its ops. For the
// CPU codegen_js.ts turns a fused group into one JS loop (V8 compiles it, bit-identical to the
// reference) and codegen_wasm.ts into a wasm SIMD loop for float32 kernels (polynomial transcendentals, a few ulps; the default
// where eligible and SIMD validates); for a GPU codegen_wgsl.ts makes a compute shader, split.ts
// cutting a kernel wider than a shader's bindings; executable.ts runs the plan on a backend.
// In a browser (a CSP may forbid eval) a kernel that wasm cannot run is interpreted (interpret.ts),
// never generated JS. NB: off the GPU fused kernels run on host typed arrays; on tfjs backends
// their inputs are read once and results uploaded only when a backend op or the caller needs them.
export { compile, clearKernelCache, compiledCacheSizes, kernelCacheStats, runCallCompiled, type CompileOptions, type Executable, type HostCode } from './executable';
export { interpretKernel } from './interpret';
export { compileWasm, generateWasm, wasmIneligible } from './codegen_wasm';
export { planJaxpr, planToJson, type Plan, type PlanKernel, type PlanKernelJson } from './plan';
export { kernelSpec, specKey, type KernelSpec } from './kernel_spec';
export { compileJs, generateJs, type HostKernel } from './codegen_js';
export { generateWgsl, wgslIneligible, type WgslKernel } from './codegen_wgsl';
export { kernelSources, type KernelTarget } from './sources';
