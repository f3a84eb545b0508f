export * from './torch_generator';
export { fma, fmaf } from './fused';
export * from './numpy_bit_generators';
export * from './numpy_distributions';
