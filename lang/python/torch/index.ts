/**
 * The `torch` shim: PyTorch 1.13's Python API over the runtime's eager engine.
 *
 *   const engine = new EagerEngine(await createTfjsBackend('wasm'));    // create the backend first: run() is synchronous
 *   const result = runTorch(source, engine, { file: 'fit.py' });
 *
 * `runTorch` is `run()` with `torchModules(engine)` registered (`import torch`, `torch.autograd`,
 * `torch.nn` (nn/: Module, layers, losses, `torch.nn.init`), `torch.nn.functional`, `torch.optim` and
 * `torch.optim.lr_scheduler` (optim/), `torch.utils.data` (data/), `torch.cuda`), wrapped in `engine.tidy` so the run's tensors
 * are freed when it ends, and grad mode restored. A caller that builds its own registry does the
 * same by hand: `engine.tidy(() => run(source, { modules: { ...torchModules(engine), ...more } }))`.
 *
 * What differs from PyTorch, by design:
 * - float64 needs a backend that stores it (the reference backend); on wasm, cpu and webgpu a
 *   float64 tensor is refused with a TypeError that says to use float32.
 * - int64 (PyTorch's default integer dtype) is stored as int32 and reported as int64: a value past
 *   2^31 is refused at its line (creation, and the results of + - * ** on the CPU backends), never
 *   wrapped.
 * - Random streams are PyTorch's CPU streams bit for bit (AVX2 build; random.ts), except that a
 *   run that never seeds starts from a fixed seed (PyTorch's is nondeterministic), and a sampler
 *   on a non-contiguous view (`x.t().normal_()`) fills in logical order where PyTorch fills the
 *   storage's order.
 * - A tensor from `detach()` or `.data` shares its source's memory as in PyTorch (an in-place write to
 *   either is seen by both), but an indexing result (`x[0]`, a slice) is a copy, not a view.
 * - Tensors the script drops stay alive (and charged to the byte budget) until the run ends; each
 *   op's intermediates are freed at once.
 * - On the jit engine (`torchFunctionAt(...)`'s jaxprs, as torch.func.grad + torch.compile): the
 *   function's tensor and float arguments are traced; backward(), .grad, .item(), print and Python
 *   control flow on a traced tensor are refused at their line, and so is a gradient stopped inside
 *   the function (detach, .data, a no_grad block), as the jit engine has no stop_gradient yet.
 */
export { torchModules, torchSession, type TorchModules, type TorchSession } from './module';
export { torchFunctionAt, type TorchFunctionOptions } from './function_at';
export { runTorch } from './run';
export { PyTensor } from './tensor';
export { tensorRepr, type PrintableTensor } from './print';
export { argumentLeaves, leafArguments, torchWrt, type ArgumentLeaf } from './leaves';
export { listenForCuts, type GradientCut } from './jit_refusals';
export { torchMath } from './lifted_math';
