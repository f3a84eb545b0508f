/**
 * The `numpy` module's functions that only NumPy arrays have here: computed on the host in
 * float64, value for value as NumPy 1.24 computes them (jax.numpy keeps its refusal: under jit
 * they would need primitives the engine lacks).
 */
import { BINNING_ARRAY_METHODS, BINNING_FUNCTIONS } from './numpy_binning';
import { BROADCAST_TO_FUNCTIONS } from './numpy_broadcast_to';
import { ELEMENTWISE_FUNCTIONS } from './numpy_elementwise';
import { FMOD_FUNCTIONS } from './numpy_float_divmod';
import { HISTOGRAMDD_FUNCTIONS } from './numpy_histogramdd';
import { LIBM_FUNCTIONS } from './numpy_libm';
import { ORDER_STATISTICS_FUNCTIONS } from './numpy_order_stats';
import { ROUNDING_ARRAY_METHODS, ROUNDING_FUNCTIONS } from './numpy_rounding';

export const NUMPY_ONLY_FUNCTIONS = { ...BROADCAST_TO_FUNCTIONS, ...ROUNDING_FUNCTIONS, ...ORDER_STATISTICS_FUNCTIONS, ...ELEMENTWISE_FUNCTIONS, ...BINNING_FUNCTIONS, ...HISTOGRAMDD_FUNCTIONS, ...FMOD_FUNCTIONS, ...LIBM_FUNCTIONS };

export const NUMPY_ONLY_ARRAY_METHODS = { ...ROUNDING_ARRAY_METHODS, ...BINNING_ARRAY_METHODS };
