/**
 * lang/python/staging: what the torch and jax shims share to stage a function for the jit engine,
 * below both (neither imports the other): the surface of a function at its example inputs, and
 * the refusal of reading a traced value. The tracing itself is the runtime's (runtime/jit).
 */
export {
  namesOfConstants, nest, noFloatArgument, plainFloats, valueAndSummedGradJaxpr, type FunctionAt, type Outcome,
} from './function_at';
export { ConcretizationTypeError, concretizationError, TracerArrayConversionError, TracerBoolConversionError, TracerIntegerConversionError, type TracingSite } from './concretization';
