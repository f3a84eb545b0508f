/** jax.random: JAX's threefry2x32 keys and samplers, bit for bit. */
export { randomAttrs, RANDOM_NAMES, setThreefryPartitionable, threefryPartitionable } from './module';
