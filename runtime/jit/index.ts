export { JaxprTrace, makeJaxpr, TraceOps, Tracer, type Traceable, type TracedFunction } from './trace';
export { StagedArray, StagingBackend } from './staging';
export { evalCallEquation, evalJaxpr, interpretJaxpr } from './evaluate';
export { withUnusedInvars } from './control/jaxprs';
export { cse, dce, foldConstants, simplify, type FoldOptions } from './simplify';
export * from './transforms';
export {
  compile as compileFused, runCallCompiled, planJaxpr, planToJson, kernelCacheStats, clearKernelCache, compiledCacheSizes, kernelSources,
  type KernelTarget, type Plan, type PlanKernel, type PlanKernelJson,
} from './compile';
