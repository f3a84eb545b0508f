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
 * - int64 (PyTorch's default integer dtype) is exact within ±2^53, not 2^63: a value past it (at
 *   creation, or any result, partial sums and products included) is refused at its line, never
 *   wrapped or rounded. float64 and int64 are computed on the CPU beside tfjs and WebGPU
 *   (runtime/backends/host_dtypes.ts).
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
