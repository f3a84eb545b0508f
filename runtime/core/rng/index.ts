export * from './torch_generator';
export { fma, fmaf } from '../libm/fused';
export * from './numpy_bit_generators';
export * from './numpy_distributions';
export { glibcLog } from '../libm/glibc_log';
export { glibcCos, glibcSin } from '../libm/glibc_sincos';
export * from './threefry';
