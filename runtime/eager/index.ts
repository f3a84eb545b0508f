export { EagerEngine } from './engine';
export { AccumulateGrad, GradNode, gradEdge, OpNode, Tensor, SECOND_BACKWARD_MESSAGE, type BackwardOptions, type OpGroup, type TensorEngine } from './tensor';
export type { GradOptions } from './backward';
export { FunctionNode, OutputSlot, type CustomBackward } from './function_node';
export { GRAD_FN_NAMES } from './grad_fn_names';
export { exportTape, type TapeGraph, type TapeGraphEdge, type TapeGraphNode } from './export';
export { TorchOps, type TensorLike } from './torch_ops';
export { enterDualLevel, enterNestedDualLevel, exitDualLevel, makeDual, setTangent, tangentAt, tangentByFormula, unpackDual, withoutForwardAD } from './forward_ad';
