/**
 * NumPy's keyword names on PyTorch's native functions. PyTorch's argument parser lets a native
 * function's `dim`, `keepdim`, `input` and `other` be given as `axis`, `keepdims`, `x`/`a`/`x1` and
 * `x2` (`numpy_compatibility_arg_names` in torch/csrc/utils/python_arg_parser.cpp), so d2l's
 * `y_hat.argmax(axis=1)` and `torch.sum(x, axis=0, keepdims=True)` run. Functions PyTorch writes
 * in Python (torch/functional.py, torch/_tensor.py) take only their own names: `x.norm(axis=1)`
 * and `torch.split(x, 1, axis=0)` are TypeErrors there, and so here.
 */
import { PyError, pyError, type Kwargs, type NativeFn } from '../interpreter';
import type { Method } from './tensor';

const TORCH_NAME_OF_NUMPY_NAME: ReadonlyMap<string, string> = new Map([
  ['axis', 'dim'],
  ['keepdims', 'keepdim'],
  ['x', 'input'],
  ['a', 'input'],
  ['x1', 'input'],
  ['x2', 'other'],
]);

/**
 * Tensor methods and torch functions that PyTorch 1.13 defines in Python (torch/_tensor.py,
 * torch/functional.py, torch/__init__.py, torch/random.py), not in its native table.
 */
const WRITTEN_IN_PYTHON: ReadonlySet<string> = new Set([
  'norm', 'split', 'unique', 'unique_consecutive', 'stft', 'istft', 'lu', 'backward', 'register_hook', 'unflatten',
  'atleast_1d', 'atleast_2d', 'atleast_3d', 'broadcast_shapes', 'broadcast_tensors', 'block_diag', 'cartesian_prod',
  'cdist', 'chain_matmul', 'einsum', 'meshgrid', 'tensordot', 'pca_lowrank', 'svd_lowrank', 'is_tensor', 'is_storage',
  'manual_seed', 'seed', 'initial_seed', 'get_rng_state', 'set_rng_state', 'set_default_dtype', 'get_default_dtype',
  'set_printoptions', 'use_deterministic_algorithms', 'compile', 'typename',
]);

/**
 * `kwargs` with NumPy's names turned into PyTorch's, where the call does not also give PyTorch's
 * own name; `renamed` maps each PyTorch name back to what the script wrote, for error texts.
 */
function torchKeywords(kwargs: Kwargs): { kwargs: Kwargs; renamed: ReadonlyMap<string, string> } {
  let renamed: Map<string, string> | undefined;
  for (const k of kwargs.keys()) {
    const torchName = TORCH_NAME_OF_NUMPY_NAME.get(k);
    if (torchName !== undefined && !kwargs.has(torchName) && !renamed?.has(torchName)) (renamed ??= new Map()).set(torchName, k);
  }
  if (renamed === undefined) return { kwargs, renamed: new Map() };
  const out: Kwargs = new Map();
  const numpyName = new Map([...renamed].map(([t, n]) => [n, t]));
  for (const [k, v] of kwargs) out.set(numpyName.get(k) ?? k, v);
  return { kwargs: out, renamed };
}

/**
 * Runs `call` with the renamed keywords; an "unexpected keyword argument 'dim'" from a function
 * without a `dim` names the `axis` the script wrote, as PyTorch's parser reports what it was given.
 */
function withScriptNames<T>(renamed: ReadonlyMap<string, string>, call: () => T): T {
  if (renamed.size === 0) return call();
  try {
    return call();
  } catch (e) {
    if (!(e instanceof PyError) || e.exc.type.name !== 'TypeError') throw e;
    for (const [torchName, numpyName] of renamed) {
      const unexpected = `unexpected keyword argument '${torchName}'`;
      if (e.message.includes(unexpected)) throw pyError('TypeError', e.message.replace(unexpected, `unexpected keyword argument '${numpyName}'`));
    }
    throw e;
  }
}

/** `call` with `kwargs` in PyTorch's names, its errors naming the keywords as the script wrote them. */
function withTorchKeywords<T>(kwargs: Kwargs, call: (kwargs: Kwargs) => T): T {
  if (kwargs.size === 0) return call(kwargs);
  const named = torchKeywords(kwargs);
  return withScriptNames(named.renamed, () => call(named.kwargs));
}

/** The method table with NumPy's keyword names accepted by every method PyTorch implements natively. */
export function acceptingNumpyKeywords(methods: Readonly<Record<string, Method>>): Readonly<Record<string, Method>> {
  return Object.fromEntries(
    Object.entries(methods).map(([name, method]): [string, Method] => [
      name,
      WRITTEN_IN_PYTHON.has(name)
        ? method
        : (self, args, kwargs, ctx) => withTorchKeywords(kwargs, (kw) => method(self, args, kw, ctx)),
    ]),
  );
}

/** `torch.<name>` taking NumPy's keyword names where PyTorch implements it natively. */
export function acceptingNumpyKeywordsAs(name: string, f: NativeFn): NativeFn {
  if (WRITTEN_IN_PYTHON.has(name)) return f;
  return (args, kwargs, ctx) => withTorchKeywords(kwargs, (kw) => f(args, kw, ctx));
}
