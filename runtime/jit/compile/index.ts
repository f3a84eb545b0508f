export { compile, clearKernelCache, kernelCacheStats, type Executable } from './executable';
export { planJaxpr, planToJson, ELEMENTWISE, REDUCTIONS, REINDEX, type Plan, type PlanKernel, type PlanKernelJson } from './plan';
export { kernelSpec, specKey, type KernelSpec } from './kernel_spec';
export { compileJs, generateJs, type HostKernel } from './codegen_js';
