/**
 * Triangles and diagonals of matrices, as tensor methods (and `torch.f(x, ...)`): tril/triu (a
 * causal attention mask), diag and diag_embed (diagonal, a view: strided.ts), with PyTorch 1.13's grad_fn names and
 * errors. Each is one tape node made of the runtime's iota, select, pad and gather.
 */
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, pyError, type HostContext, type Kwargs, type PyValue } from '../interpreter';
import { dtypeArg } from './creation';
import { checkDeviceArg } from './device';
import { asTensor } from './arith';
import { promote, SCALAR_TYPE, type TorchDTypeName } from './dtype';
import { PyTensor, type Method, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

function node(x: PyTensor, name: string, f: (t: Tensor) => Tensor): PyTensor {
  const rt = x.rt;
  return rt.run(() => rt.result(rt.engine.composite(name, () => f(x.t)), [x]));
}

/** Where column - row <= k (lower) or >= k (upper) over a matrix of `shape`'s last two dims. */
function triangleMask(x: PyTensor, shape: readonly number[], k: number, lower: boolean): Tensor {
  const o = x.rt.ops;
  const rank = shape.length;
  const rows = o.iota('int32', shape, rank - 2);
  const cols = o.iota('int32', shape, rank - 1);
  const offset = o.sub(cols, rows);
  const limit = o.scalar(k, 'int32');
  return lower ? o.le(offset, limit) : o.ge(offset, limit);
}

/** tril/triu: the elements outside the triangle become zero. */
function triangle(x: PyTensor, k: number, lower: boolean): PyTensor {
  T.axis(x, -2);
  return node(x, lower ? 'TrilBackward0' : 'TriuBackward0', (t) =>
    T.select(x.rt, triangleMask(x, x.shape, k, lower), t, x.rt.ops.zerosLike(t)));
}

/** The flat positions, in a [n, m] matrix, of its diagonal `k` (above the main one when positive). */
function diagonalPositions(n: number, m: number, k: number): Int32Array {
  const length = Math.max(0, k >= 0 ? Math.min(n, m - k) : Math.min(n + k, m));
  return Int32Array.from({ length }, (_, i) => (k >= 0 ? i * m + i + k : (i - k) * m + i));
}

/** The elements of t's diagonal `k` over its axes a and b, as a last axis (the other axes first, in order). */
function takeDiagonal(x: PyTensor, t: Tensor, k: number, a: number, b: number): Tensor {
  const o = x.rt.ops;
  const rest = t.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
  const moved = o.transpose(t, [...rest, a, b]);
  const [n, m] = [t.shape[a], t.shape[b]];
  const flat = o.reshape(moved, [...rest.map((i) => t.shape[i]), n * m]);
  const at = diagonalPositions(n, m, k);
  return o.gather(flat, x.rt.engine.fromValues(at, [at.length], 'int32'), rest.length);
}

/** A [..., n+|k|, n+|k|] matrix with t's last axis on its diagonal `k`, zeros elsewhere. */
function placeDiagonal(x: PyTensor, t: Tensor, k: number): Tensor {
  const o = x.rt.ops;
  const n = t.shape[t.shape.length - 1];
  const lead = t.shape.slice(0, -1);
  const square = [...lead, n, n];
  const spread = o.broadcastInDim(t, square, [...lead.map((_, i) => i), lead.length + 1]);
  const onDiagonal = o.eq(o.iota('int32', square, lead.length), o.iota('int32', square, lead.length + 1));
  const diagonal = T.select(x.rt, onDiagonal, spread, o.zerosLike(spread));
  const s = Math.abs(k);
  // Diagonal k > 0 sits k columns right of the main one: k zero columns before it, k zero rows after.
  const lo = [...lead.map(() => 0), k >= 0 ? 0 : s, k >= 0 ? s : 0];
  const hi = [...lead.map(() => 0), k >= 0 ? s : 0, k >= 0 ? 0 : s];
  return s === 0 ? diagonal : o.pad(diagonal, lo, hi, 0);
}

function diagEmbed(x: PyTensor, k: number, dim1: number, dim2: number): PyTensor {
  const rank = x.shape.length + 1;
  const a = T.axis(x, dim1, rank);
  const b = T.axis(x, dim2, rank);
  if (a === b) throw pyError('RuntimeError', `diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return node(x, 'DiagEmbedBackward0', (t) => {
    const placed = placeDiagonal(x, x.shape.length === 0 ? x.rt.ops.reshape(t, [1]) : t, k);
    // The matrix's rows go to dim1 and its columns to dim2; the input's other axes keep their order.
    const perm = Array<number>(rank).fill(-1);
    perm[a] = rank - 2;
    perm[b] = rank - 1;
    for (let i = 0, r = 0; i < rank; i++) if (perm[i] === -1) perm[i] = r++;
    return x.rt.ops.transpose(placed, perm);
  });
}

function diag(x: PyTensor, k: number): PyTensor {
  if (x.shape.length === 1) return node(x, 'DiagBackward0', (t) => placeDiagonal(x, t, k));
  if (x.shape.length === 2) return node(x, 'DiagBackward0', (t) => takeDiagonal(x, t, k, 0, 1));
  throw pyError('RuntimeError', 'matrix or a vector expected');
}

export const TRIANGULAR_METHODS: Readonly<Record<string, Method>> = {
  tril: def('tril', ['diagonal?'], (x, a) => triangle(x, a.int('diagonal', 0), true)),
  triu: def('triu', ['diagonal?'], (x, a) => triangle(x, a.int('diagonal', 0), false)),
  diag: def('diag', ['diagonal?'], (x, a) => diag(x, a.int('diagonal', 0))),
  diagflat: def('diagflat', ['offset?'], (x, a) => node(x, 'DiagBackward0', (t) => placeDiagonal(x, x.rt.ops.reshape(t, [x.numel]), a.int('offset', 0)))),
  diag_embed: def('diag_embed', ['offset?', 'dim1?', 'dim2?'], (x, a) => diagEmbed(x, a.int('offset', 0), a.int('dim1', -2), a.int('dim2', -1))),
};

export const TRIANGULAR_FUNCTION_NAMES = ['tril', 'triu', 'diag', 'diagflat', 'diag_embed'] as const;

/** `torch.tril_indices(row, col, offset)` and `triu_indices`: the triangle's coordinates, row by row, as a [2, N] tensor. */
function triangleIndices(name: string, lower: boolean) {
  return (rt: TorchRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue => {
    const a = bindArgs(name, ['row', 'col', 'offset?', '*', 'dtype?', 'device?', 'layout?'], args, kwargs, ctx);
    checkDeviceArg(a);
    const row = a.int('row');
    const col = a.int('col');
    const offset = a.int('offset', 0);
    if (row < 0) throw pyError('RuntimeError', `row must be non-negative, got${row}`);
    if (col < 0) throw pyError('RuntimeError', `col must be non-negative, got${col}`);
    const dtype = dtypeArg(a.get('dtype')) ?? 'int64';
    if (dtype !== 'int64' && dtype !== 'int32') throw pyError('RuntimeError', `"${name}" not implemented for '${SCALAR_TYPE[dtype]}'`);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < row; i++) {
      for (let j = 0; j < col; j++) {
        if (lower ? j - i <= offset : j - i >= offset) {
          rows.push(i);
          cols.push(j);
        }
      }
    }
    return rt.fromValues([...rows, ...cols], [2, rows.length], dtype);
  };
}

/** `torch.block_diag(a, b, ...)`: the inputs (0-d and 1-d as one row) down the diagonal of one matrix, in their promoted dtype. */
function blockDiag(rt: TorchRuntime, args: PyValue[], _kwargs: Kwargs, ctx: HostContext): PyValue {
  const blocks = args.map((v) => asTensor(rt, v, ctx, 'tensors'));
  blocks.forEach((b, i) => {
    if (b.shape.length > 2) throw pyError('RuntimeError', `torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${b.shape.length} dimensions`);
  });
  const dtype = blocks.reduce<TorchDTypeName>((d, b) => promote(d, b.dtype), blocks.length ? blocks[0].dtype : 'float32');
  const shapes = blocks.map((b) => (b.shape.length === 2 ? b.shape : [1, b.numel]));
  const width = shapes.reduce((w, s) => w + s[1], 0);
  if (blocks.length === 0) return rt.fromValues([], [1, 0], dtype);
  return rt.run(() => rt.result(rt.engine.composite('BlockDiagBackward0', () => {
    const o = rt.ops;
    let left = 0;
    const rows = blocks.map((b, i) => {
      const block = o.reshape(rt.convert(b.t, dtype), shapes[i]);
      const row = o.pad(block, [0, left], [0, width - left - shapes[i][1]], 0);
      left += shapes[i][1];
      return row;
    });
    return rows.length === 1 ? o.bind('reshape', [rows[0]], { newSizes: rows[0].shape }) : o.concatenate(rows, 0);
  }), blocks));
}

/** The torch functions here that are not tensor methods. */
export const MATRIX_FUNCTIONS = {
  tril_indices: triangleIndices('tril_indices', true),
  triu_indices: triangleIndices('triu_indices', false),
  block_diag: blockDiag,
};
