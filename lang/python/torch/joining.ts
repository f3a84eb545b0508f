/**
 * The torch functions that join tensors or give them a least rank: hstack/vstack/dstack/
 * column_stack, atleast_1d/2d/3d, meshgrid (`indexing=`) and cartesian_prod, as PyTorch 1.13
 * composes them from view, unsqueeze, expand, cat and stack (so their grad_fn names are those).
 */
import { bindArgs, opFunction, pyError, type HostContext, type Kwargs, PyList, PyTuple, type PyValue, typeName } from '../interpreter';
import { asTensor } from './arith';
import { intoOut } from './out';
import type { PyTensor, TorchRuntime } from './tensor';
import * as T from './tensor_ops';

/** The tensors of `f(a, b)` or `f([a, b])`, and whether they came as one sequence. */
function tensorsOf(rt: TorchRuntime, args: readonly PyValue[], ctx: HostContext): { tensors: PyTensor[]; sequence: boolean } {
  const one = args.length === 1 ? args[0] : null;
  const items = one instanceof PyList || one instanceof PyTuple ? one.items : args;
  return { tensors: items.map((v) => asTensor(rt, v, ctx, 'tensors')), sequence: items !== args };
}

function atLeast(x: PyTensor, rank: 1 | 2 | 3): PyTensor {
  const r = x.shape.length;
  if (r >= rank) return x;
  if (r === 0) return T.reshape(x, Array<number>(rank).fill(1), 'ReshapeAliasBackward0');
  if (rank === 2 || r === 2) return T.unsqueeze(x, rank === 2 ? 0 : -1);
  return T.unsqueeze(T.unsqueeze(x, 0), -1);
}

function atLeastFunction(rt: TorchRuntime, rank: 1 | 2 | 3) {
  return (args: PyValue[], _kwargs: Kwargs, ctx: HostContext): PyValue => {
    const { tensors, sequence } = tensorsOf(rt, args, ctx);
    const out = tensors.map((x) => atLeast(x, rank));
    return out.length === 1 && !sequence ? out[0] : new PyTuple(out);
  };
}

/** `torch.f(tensors)`: the tensors given their least rank, then concatenated along `axis(first)`. */
function stacking(rt: TorchRuntime, name: string, prepare: (x: PyTensor) => PyTensor, axis: (first: PyTensor) => number) {
  return (args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue => {
    const a = bindArgs(name, ['tensors', '*', 'out?'], args, kwargs, ctx);
    const list = a.required('tensors');
    if (!(list instanceof PyList || list instanceof PyTuple)) throw pyError('TypeError', `${name}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${typeName(list)}`);
    if (list.items.length === 0) throw pyError('RuntimeError', `${name} expects a non-empty TensorList`);
    const call = () => rt.composite(() => {
      const parts = list.items.map((v) => prepare(asTensor(rt, v, ctx, 'tensors')));
      return T.cat(rt, parts, axis(parts[0]));
    });
    const out = a.opt('out');
    return out === undefined ? call() : intoOut(rt, name, [list], out, call, ctx);
  };
}

/** A column of a 0-d or 1-d tensor, as column_stack makes one. */
function column(x: PyTensor): PyTensor {
  return x.shape.length <= 1 ? T.reshape(x, [x.numel, 1], 'ReshapeAliasBackward0') : x;
}

function meshgrid(tensors: readonly PyTensor[], indexing: string): PyTensor[] {
  if (tensors.length === 0) throw pyError('RuntimeError', 'meshgrid expects a non-empty TensorList');
  if (indexing !== 'ij' && indexing !== 'xy') throw pyError('RuntimeError', `torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  for (const x of tensors) {
    if (x.shape.length > 1) throw pyError('RuntimeError', `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor of size [${x.shape.join(', ')}]`);
  }
  const sizes = tensors.map((x) => x.numel);
  // 'xy' indexing (NumPy's default): the first two inputs' axes swap places.
  const where = tensors.map((_, i) => (indexing === 'xy' && tensors.length >= 2 && i < 2 ? 1 - i : i));
  const shape = where.map((_, d) => sizes[where.indexOf(d)]);
  return tensors.map((x, i) => {
    const view = T.reshape(x, shape.map((s, d) => (d === where[i] ? s : 1)), 'ViewBackward0');
    return T.expand(view, shape);
  });
}

function cartesianProd(rt: TorchRuntime, tensors: readonly PyTensor[]): PyTensor {
  for (const x of tensors) {
    if (x.shape.length !== 1) throw pyError('RuntimeError', `Expect a 1D vector, but got shape [${x.shape.join(', ')}]`);
  }
  if (tensors.length === 1) return tensors[0];
  return rt.composite(() => T.stack(rt, meshgrid(tensors, 'ij').map((g) => T.flatten(g, 0, -1)), 1));
}

/** The joining functions of `torch`, over the run's runtime. */
export function joiningFunctions(rt: TorchRuntime): Record<string, PyValue> {
  const functions = {
    atleast_1d: atLeastFunction(rt, 1),
    atleast_2d: atLeastFunction(rt, 2),
    atleast_3d: atLeastFunction(rt, 3),
    hstack: stacking(rt, 'hstack', (x) => atLeast(x, 1), (first) => (first.shape.length === 1 ? 0 : 1)),
    vstack: stacking(rt, 'vstack', (x) => atLeast(x, 2), () => 0),
    row_stack: stacking(rt, 'row_stack', (x) => atLeast(x, 2), () => 0),
    dstack: stacking(rt, 'dstack', (x) => atLeast(x, 3), () => 2),
    column_stack: stacking(rt, 'column_stack', column, () => 1),
    meshgrid: (args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue => {
      const indexing = kwargs.get('indexing') ?? 'ij';
      if (typeof indexing !== 'string') throw pyError('TypeError', `meshgrid(): argument 'indexing' must be str, not ${typeName(indexing)}`);
      return new PyTuple(meshgrid(tensorsOf(rt, args, ctx).tensors, indexing));
    },
    cartesian_prod: (args: PyValue[], _kwargs: Kwargs, ctx: HostContext): PyValue => {
      const { tensors } = tensorsOf(rt, args, ctx);
      if (tensors.length === 0) throw pyError('RuntimeError', 'meshgrid expects a non-empty TensorList');
      return cartesianProd(rt, tensors);
    },
  };
  return Object.fromEntries(Object.entries(functions).map(([name, f]) => [name, opFunction(name, f)]));
}

export const JOINING_NAMES = ['atleast_1d', 'atleast_2d', 'atleast_3d', 'hstack', 'vstack', 'row_stack', 'dstack', 'column_stack', 'meshgrid', 'cartesian_prod'] as const;
