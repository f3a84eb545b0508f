export * from './dtype';
export * from './shape';
export * from './aval';
export * from './errors';
export * from './random';
export * from './mt19937';
export * from './lru';
export * from './budget';
export * as libm from './libm';
