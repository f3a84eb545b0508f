export * from './torch_generator';
export { fma, fmaf } from './fused';
