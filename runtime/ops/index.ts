export type { Emitter } from './emitter';
export { Ops } from './ops';
export { BackendEmitter } from './backend_emitter';
export {
  cumulative, cumulativeArgExtreme, flatTargets, lastWrites, linearRecurrence, scatterAlongAxis, segmentedCumprod, shiftAlong, takeAlongAxis,
} from './along_axis';
export { reshapeAxisInto, reshapeAxisOutOf } from './axis_groups';
export { erfcOf, erfcxOf } from './erfc';
export { atan2Of, atanOf } from './atan';
export { choleskyLower, gaussJordan, householderQr, identity, jacobiEigen, matmul, oneSidedJacobi, transposed } from './linalg';
