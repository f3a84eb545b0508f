export { flatten, unflatten, treeKey, broadcastPrefix, type Leaf, type Pytree, type TreeDef } from './pytree';
export { stage, inline, type Fn, type Staged } from './stage';
export { jvp, jvpJaxpr } from './jvp';
export { grad, gradJaxpr, valueAndGrad, valueAndGradJaxpr, vjp, vjpJaxpr, type GradOptions } from './vjp';
export { jit, simplifyAndEvaluate, simplifyAndFuse, simplifyAndFuseWith, type Compile, type Executable, type Jitted, type JitOptions, type JitStats } from './jit';
export { vmap, vmapJaxpr, type Axis, type VmapOptions } from './vmap';
