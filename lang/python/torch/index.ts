/**
 * The `torch` shim: PyTorch's Python API over the runtime's eager engine.
 *
 *   import { torchModules, runTorch } from './lang/python/torch';
 *   const engine = new EagerEngine(await createTfjsBackend('wasm'));   // or createReferenceBackend() for float64
 *   const r = runTorch(source, engine, { file: 'fit.py' });            // run() inside engine.tidy
 */
export { torchModules, type TorchModules } from './module';
export { runTorch } from './run';
export { PyTensor } from './tensor';
export { tensorRepr, type PrintableTensor } from './print';
export { gradientAt, type GradientOutcome, type GradientReport, type JsonNumbers } from './gradient_at';
