/**
 * The `jax`, `jax.numpy`, `jax.nn`, `jax.lax` and `numpy` shims: JAX's Python API over the
 * runtime's jit engine.
 *
 *   const engine = new EagerEngine(await createTfjsBackend('wasm'));
 *   const result = runPython(source, engine, { file: 'seed_jax.py' });   // torch, jax and numpy (evaluation/run_python.ts)
 *
 * or by hand: `const s = jaxSession(backend, { source }); run(source, { modules: s.modules }); s.dispose();`
 *
 * Arrays are concrete (each op runs at once on the backend, JAX's op-by-op mode) or tracers (ops
 * record into the trace of a transformation). `jax.grad`, `value_and_grad`, `vjp`, `jvp`,
 * `vmap`, `jit` and `make_jaxpr` trace the Python function into a jaxpr and apply the runtime's
 * transformation of it; `jit` caches per argument structure, static arguments, shapes and dtypes.
 *
 * What differs from JAX, by design:
 * - grad/jvp/vjp (and vmap's unbatched arguments) stage a jaxpr, as jit does, but their tracers
 *   carry the concrete values computed beside it, so Python control flow on them runs as under
 *   JAX's JVP tracers; the jaxpr holds the branch taken.
 * - float64 arrays need the reference backend; `numpy` computes in float64 there and in float32
 *   on wasm (its arrays still print as NumPy prints them). `numpy` integers are int32.
 * - Concrete arrays the script drops stay alive until the run ends; each op's intermediates are
 *   freed at once.
 * - `//`, `%`, `~` and boolean masks are not supported; `x.at[...]` updates at a traced index array
 *   of more than one element refuse every method but `add` and `get` (repeats cannot be ruled out).
 */
export { jaxModules, jaxSession, type JaxModuleOptions, type JaxSession } from './module';
export { jaxMath } from './lifted_math';
export { jaxFunctionAt, type JaxFunctionOptions } from './function_at';
export { PyArray } from './array';
export { arrayStr, jaxRepr, numpyRepr, array2string, type Printable } from './print';
