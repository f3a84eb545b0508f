/**
 * The in-place forms of the shape ops (`h.t_()`, `h.transpose_(0, 1)`, `h.unsqueeze_(0)`,
 * `h.squeeze_()`, `h.resize_(n)`, `h.detach_()`): the tensor keeps its identity and takes the new
 * shape, its grad_fn the node PyTorch 1.13 records (`TBackward1`, `UnsqueezeBackward1`,
 * `SqueezeBackward2`/`3`, `TransposeBackward1`).
 */
import { dropDims, permuteLayout, unsqueezeLayout, type Layout, type Tensor } from '../../../runtime/eager';
import { bindArgs, type Args, pyError, type HostContext, type PyValue } from '../interpreter';
import { sizeArgs } from './creation';
import { PyTensor, checkInPlace, type Method } from './tensor';
import * as T from './tensor_ops';

function def(name: string, spec: readonly string[], body: (x: PyTensor, a: Args, ctx: HostContext) => PyValue): Method {
  return (self, args, kwargs, ctx) => body(self, bindArgs(name, spec, args, kwargs, ctx), ctx);
}

/**
 * x becomes `view(x.t)`, recorded as PyTorch's node `name` when x is on the tape, and a view of
 * what x was (its memory shared, by `layout`), so that x's views and base still see x's changes;
 * resize_, never on the tape, has no name and, its elements new, no layout.
 */
function viewInPlace(x: PyTensor, name: string | null, view: (t: Tensor) => Tensor, layout: ((from: Layout) => Layout) | null): PyTensor {
  checkInPlace(x);
  const rt = x.rt;
  const old = x.t;
  const value = rt.run(() => {
    const out = name === null ? view(old) : T.rename(view(old), [old], name);
    return layout === null ? out : T.asView(x, out, layout);
  });
  if (old.isLeaf) {
    // NB: a leaf that requires grad gets here only under no_grad; it stays one, with its .grad.
    value.requiresGrad = old.requiresGrad;
    value.grad = old.grad;
    old.grad = null;
  }
  x.becomeView(value);
  return x;
}

function transposeInPlace(name: string): Method {
  return def(name, ['dim0', 'dim1'], (x, a) => {
    const d0 = T.axis(x, a.int('dim0'));
    const d1 = T.axis(x, a.int('dim1'));
    const perm = x.shape.map((_, i) => (i === d0 ? d1 : i === d1 ? d0 : i));
    return viewInPlace(x, 'TransposeBackward1', (t) => x.rt.ops.bind('transpose', [t], { permutation: perm }), (l) => permuteLayout(l, perm));
  });
}

/** resize_: the first elements, in order, as many as the new shape holds. */
function resize(x: PyTensor, shape: readonly number[]): PyTensor {
  if (x.t.requiresGrad) throw pyError('RuntimeError', 'cannot resize variables that require grad');
  x.rt.charge(shape, x.dtype);
  const n = shape.reduce((p, d) => p * d, 1);
  return viewInPlace(x, null, (t) => {
    const o = x.rt.ops;
    const flat = o.reshape(t, [x.numel]);
    // NB: PyTorch leaves the elements past the old ones uninitialized; Gradlens makes them zeros, as its torch.empty does.
    const fitted = n <= x.numel ? o.slice(flat, [0], [n]) : o.pad(flat, [0], [n - x.numel], 0);
    return o.reshape(fitted, shape);
  }, null);
}

export const VIEW_IN_PLACE_METHODS: Readonly<Record<string, Method>> = {
  t_: def('t_', [], (x) => {
    if (x.shape.length > 2) throw pyError('RuntimeError', `t_() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
    const perm = x.shape.length === 2 ? [1, 0] : x.shape.map((_, i) => i);
    return viewInPlace(x, 'TBackward1', (t) => x.rt.ops.bind('transpose', [t], { permutation: perm }), (l) => permuteLayout(l, perm));
  }),
  transpose_: transposeInPlace('transpose_'),
  swapaxes_: transposeInPlace('swapaxes_'),
  swapdims_: transposeInPlace('swapdims_'),
  unsqueeze_: def('unsqueeze_', ['dim'], (x, a) => {
    const d = T.axis(x, a.int('dim'), x.shape.length + 1);
    return viewInPlace(x, 'UnsqueezeBackward1', (t) => x.rt.ops.expandDims(t, [d]), (l) => unsqueezeLayout(l, x.shape, d));
  }),
  squeeze_: def('squeeze_', ['dim?'], (x, a) => {
    const d = a.opt('dim') === undefined ? null : T.axis(x, a.int('dim'));
    const dims = x.shape.flatMap((s, i) => (s === 1 && (d === null || i === d) ? [i] : []));
    return viewInPlace(x, d === null ? 'SqueezeBackward2' : 'SqueezeBackward3', (t) => x.rt.ops.bind('reshape', [t], { newSizes: x.shape.filter((_, i) => !dims.includes(i)) }), (l) => dropDims(l, dims));
  }),
  resize_: def('resize_', ['*sizes', 'memory_format?'], (x, a, ctx) => resize(x, sizeArgs(a.rest, ctx, 'resize_'))),
  resize_as_: def('resize_as_', ['the_template', 'memory_format?'], (x, a) => {
    const template = a.required('the_template');
    if (!(template instanceof PyTensor)) throw pyError('TypeError', "resize_as_(): argument 'the_template' must be Tensor");
    return resize(x, template.shape);
  }),
  detach_: def('detach_', [], (x) => {
    const rt = x.rt;
    const value = rt.run(() => x.t.detach());
    value.requiresGrad = false;
    x.becomeView(value);
    return x;
  }),
};
