export type { Emitter } from './emitter';
export { Ops } from './ops';
