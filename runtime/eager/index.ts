export { EagerEngine } from './engine';
export { Tensor, SECOND_BACKWARD_MESSAGE, type BackwardOptions } from './tensor';
export type { GradOptions } from './backward';
export { AccumulateGrad, GradNode, OpNode, type OpGroup, type SourceSpan } from './node';
export { GRAD_FN_NAMES } from './grad_fn_names';
export { exportTape, type TapeGraph, type TapeGraphEdge, type TapeGraphNode } from './export';
export { TorchOps, type TensorLike } from './torch_ops';
