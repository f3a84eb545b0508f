export * from './torch_generator';
export { fma, fmaf } from './fused';
export * from './numpy_bit_generators';
export * from './numpy_distributions';
export { glibcLog } from './glibc_log';
export { glibcCos, glibcSin } from './glibc_sincos';
export * from './threefry';
