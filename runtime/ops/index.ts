export type { Emitter } from './emitter';
export { Ops } from './ops';
export { BackendEmitter } from './backend_emitter';
