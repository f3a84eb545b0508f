export * from './dtype';
export * from './shape';
export * from './aval';
export * from './errors';
export * from './random';
export * from './lru';
export * from './budget';
