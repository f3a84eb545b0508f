// The scalar IR of kernel bodies (ir.ts: every elementwise primitive lowered once to scalar ops)
// and its WGSL rendering (wgsl.ts). Below both the jit's code generators (runtime/jit/compile,
// which also render it as JS and wasm and interpret it) and the webgpu backend, whose eager
// transcendentals run as one-op kernels of it.
export {
  isLowered, LOWERINGS, lowerMember, REDUCE_OP_OF, REDUCE_OPS, renderScalar, SCALAR_ARITY, SCALAR_OPS, scalarConst, scalarNodes, scalarOp,
  type Lowering, type LoweringContext, type LowerMember, type ReduceOp, type Scalar, type ScalarNode, type ScalarOp,
} from './ir';
export { FLOAT_ONLY, isFloatType, literalWgsl, suffix, WGSL_OPS, WGSL_REDUCE, wgslHelpers, type WgslContext, type WgslReduce } from './wgsl';
