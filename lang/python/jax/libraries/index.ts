/** The libraries JAX code imports beside jax: `jax.example_libraries` (stax, optimizers), `jax.nn.initializers`, and an optax shim. */
export { initializersAttrs, staxAttrs } from './stax';
export { staxConvAttrs } from './stax_conv';
export { staxCombinatorAttrs } from './stax_combinators';
export { optimizersAttrs, OPTIMIZERS_NAMES } from './optimizers';
export { optaxAttrs, OPTAX_NAMES } from './optax';
