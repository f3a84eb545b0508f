/**
 * `torch.autograd.Function`: a class the script subclasses with `forward(ctx, ...)` and
 * `backward(ctx, *grads)` staticmethods, applied with `MyFn.apply(...)`. The forward runs with
 * grad off; its outputs get one tape node (runtime FunctionNode) whose backward calls the script's
 * `backward` through the interpreter, so double backward works when that backward is itself
 * differentiable. As in PyTorch, `ctx` is the node's Python object: `y.grad_fn is ctx`, printed
 * `<torch.autograd.function.MyFnBackward object at 0x...>`. The PyTorch 2.x form (`forward`
 * without ctx plus `setup_context(ctx, inputs, output)`) is accepted too.
 */
import { FunctionNode, gradEdge, SECOND_BACKWARD_MESSAGE, setTangent, tangentAt, type Tensor, withoutForwardAD } from '../../../runtime/eager';
import { isFloat, savedTensorModifiedMessage } from '../../../runtime/core';
import {
  ClassMethod,
  type HostContext,
  NativeDescriptor,
  PyBuiltin,
  pyError,
  PyInstance,
  PyTuple,
  PyType,
  type PyValue,
  StaticMethod,
  typeName,
} from '../interpreter';
import { functionContexts, nextFunctions } from './autograd';
import { STORAGE } from './dtype';
import { tensorTypeName } from './tensor_types';
import { refuseFunctionInTransform } from './running_transforms';
import { PyTensor, type TorchRuntime } from './tensor';

interface CtxState {
  /** What `save_for_backward` kept, with each tensor's version then; null once freed. */
  saved: { tensor: PyTensor | null; version: number }[] | null;
  freed: boolean;
  nonDifferentiable: Set<Tensor>;
  dirty: Set<Tensor>;
  materializeGrads: boolean;
  node: FunctionNode | null;
  /** What `save_for_forward` kept, which `saved_tensors` gives inside `jvp`. */
  savedForForward: PyValue[] | null;
  inJvp: boolean;
}

const STATES = new WeakMap<PyInstance, CtxState>();

function stateOf(self: PyValue, what: string): CtxState {
  const s = self instanceof PyInstance ? STATES.get(self) : undefined;
  if (!s) throw pyError('TypeError', `${what} needs the ctx of a custom autograd.Function, not '${typeName(self)}'`);
  return s;
}

function ctxMethod(name: string, body: (self: PyInstance, s: CtxState, args: PyValue[]) => PyValue): PyBuiltin {
  return new PyBuiltin(name, (args) => {
    const self = args[0] as PyInstance;
    return body(self, stateOf(self, name), args.slice(1));
  });
}

function tensorArgs(name: string, args: PyValue[]): PyTensor[] {
  return args.map((a) => {
    if (!(a instanceof PyTensor)) throw pyError('TypeError', `${name}(): every argument must be a Tensor, got ${typeName(a)}`);
    return a;
  });
}

class Getter extends NativeDescriptor {
  constructor(private readonly read: (self: PyInstance, ctx: HostContext) => PyValue) {
    super(new PyType('getset_descriptor'));
  }

  get(obj: PyValue | null, _cls: PyType, ctx: HostContext): PyValue {
    if (!(obj instanceof PyInstance)) return this;
    return this.read(obj, ctx);
  }
}

/** The saved tensors as backward reads them; PyTorch's errors once they were freed or changed in place. */
function savedTensors(s: CtxState): PyValue {
  if (s.inJvp && s.savedForForward !== null) return new PyTuple(s.savedForForward);
  if (s.freed || s.saved === null) throw pyError('RuntimeError', SECOND_BACKWARD_MESSAGE);
  return new PyTuple(s.saved.map(({ tensor, version }) => {
    if (tensor !== null && tensor.t.version !== version) {
      const t = tensor.t;
      const madeBy = t.gradFn ? { node: t.gradFn.name, output: 0 } : null;
      throw pyError('RuntimeError', savedTensorModifiedMessage(tensorTypeName(tensor.dtype), t.shape, madeBy, t.version, version));
    }
    return tensor;
  }));
}

/** The methods every ctx has (PyTorch's FunctionCtx and BackwardCFunction). */
function ctxType(): PyType {
  const attrs = new Map<string, PyValue>([
    ['save_for_backward', ctxMethod('save_for_backward', (_self, s, args) => {
      s.saved = args.map((a) => {
        if (a !== null && !(a instanceof PyTensor)) throw pyError('TypeError', `save_for_backward can only save variables, but argument ${s.saved?.length ?? 0} is of type ${typeName(a)}`);
        return { tensor: a, version: a === null ? 0 : a.t.version };
      });
      return null;
    })],
    ['save_for_forward', ctxMethod('save_for_forward', (_self, s, args) => {
      s.savedForForward = args.map((a, i) => {
        if (a !== null && !(a instanceof PyTensor)) throw pyError('AssertionError', `save_for_forward expects all arguments to be tensors; but got ${typeName(a)} at position ${i}`);
        return a;
      });
      return null;
    })],
    ['mark_non_differentiable', ctxMethod('mark_non_differentiable', (_self, s, args) => {
      for (const t of tensorArgs('mark_non_differentiable', args)) s.nonDifferentiable.add(t.t);
      return null;
    })],
    ['mark_dirty', ctxMethod('mark_dirty', (_self, s, args) => {
      for (const t of tensorArgs('mark_dirty', args)) s.dirty.add(t.t);
      return null;
    })],
    ['set_materialize_grads', ctxMethod('set_materialize_grads', (_self, s, args) => {
      s.materializeGrads = args[0] === undefined || args[0] === true;
      return null;
    })],
    ['saved_tensors', new Getter((self) => savedTensors(stateOf(self, 'saved_tensors')))],
    ['name', ctxMethod('name', (self) => self.cls.name)],
    ['next_functions', new Getter((self) => {
      const node = stateOf(self, 'next_functions').node;
      return node ? nextFunctions(node) : new PyTuple([]);
    })],
  ]);
  return new PyType('FunctionCtx', { module: 'torch.autograd.function', attrs });
}

/**
 * The `torch.autograd.Function` type of one run, and the `once_differentiable` decorator of
 * `torch.autograd.function` (a backward run with grad off, whose results refuse a second derivative).
 */
export function functionTypes(rt: TorchRuntime): { Function: PyType; FunctionCtx: PyType; once_differentiable: PyBuiltin } {
  const FunctionCtx = ctxType();
  const backwardTypes = new WeakMap<PyType, PyType>();
  const backwardTypeOf = (cls: PyType): PyType => {
    let t = backwardTypes.get(cls);
    if (!t) backwardTypes.set(cls, (t = new PyType(`${cls.name}Backward`, { module: 'torch.autograd.function', bases: [FunctionCtx] })));
    return t;
  };

  const notImplemented = (message: string) => new StaticMethod(new PyBuiltin('forward', () => {
    throw pyError('NotImplementedError', message);
  }));
  const baseSetupContext = notImplemented('setup_context is not implemented.');
  const attrs = new Map<string, PyValue>([
    ['forward', notImplemented('You must implement the forward function for custom autograd.Function.')],
    ['backward', notImplemented('You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.')],
    ['jvp', notImplemented('You must implement the jvp function for custom autograd.Function to use it with forward mode AD.')],
    ['setup_context', baseSetupContext],
    ['apply', new ClassMethod(new PyBuiltin('apply', (args, kwargs, ctx) => {
      if (kwargs.size > 0) throw pyError('TypeError', 'apply() takes no keyword arguments');
      const cls = args[0];
      if (!(cls instanceof PyType)) throw pyError('TypeError', 'apply() needs a Function subclass');
      return apply(rt, cls, backwardTypeOf(cls), cls.lookup('setup_context') !== baseSetupContext, args.slice(1), ctx);
    }))],
    ['__call__', new PyBuiltin('__call__', () => {
      throw pyError('RuntimeError', 'Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd function with static forward method. '
        + '(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)');
    })],
  ]);
  const Function = new PyType('Function', { module: 'torch.autograd.function', attrs });
  Function.construct = () => new PyInstance(Function);

  const onceDifferentiable = new PyBuiltin('once_differentiable', (args) => {
    const fn = args[0];
    if (fn === undefined) throw pyError('TypeError', 'once_differentiable() missing 1 required positional argument: \'fn\'');
    return new PyBuiltin('backward', (a, kw, ctx) => {
      const outputs = rt.engine.withGradMode(false, () => ctx.call(fn, a, kw));
      const tracked = a.filter((v): v is PyTensor => v instanceof PyTensor && v.t.requiresGrad);
      if (!rt.engine.gradEnabled || tracked.length === 0) return outputs;
      return delayedError(rt, outputs, tracked);
    });
  });
  return { Function, FunctionCtx, once_differentiable: onceDifferentiable };
}

/**
 * A once_differentiable backward's results under create_graph: tensors that require grad through
 * a node that raises PyTorch's error if a second derivative reaches it.
 */
function delayedError(rt: TorchRuntime, outputs: PyValue, inputs: PyTensor[]): PyValue {
  const items = outputs instanceof PyTuple ? outputs.items : [outputs];
  const wrapped = rt.run(() => {
    const node = new FunctionNode(
      'DelayedError',
      inputs.map((t) => gradEdge(t.t)),
      inputs.map((t) => ({ shape: t.t.shape, dtype: t.t.dtype })),
      items.map((v) => (v instanceof PyTensor ? { shape: v.t.shape, dtype: v.t.dtype } : null)),
      () => {
        throw pyError('RuntimeError', 'trying to differentiate twice a function that was marked with @once_differentiable');
      },
      () => {},
      rt.engine.span,
    );
    return items.map((v, i) => {
      if (!(v instanceof PyTensor) || !isFloat(v.t.dtype)) return v;
      const out = v.t.detach();
      out.attachGradFn(node.outputs[i]);
      return rt.wrap(out, v.dtype);
    });
  });
  return outputs instanceof PyTuple ? new PyTuple(wrapped) : wrapped[0];
}

function apply(rt: TorchRuntime, cls: PyType, backwardType: PyType, newStyle: boolean, args: PyValue[], ctx: HostContext): PyValue {
  refuseFunctionInTransform(rt, newStyle);
  const self = new PyInstance(backwardType);
  const state: CtxState = { saved: [], freed: false, nonDifferentiable: new Set(), dirty: new Set(), materializeGrads: true, node: null, savedForForward: null, inJvp: false };
  // Forward AD: the outputs' tangents come from the Function's jvp, never from the ops of its forward.
  const level = rt.engine.forwardLevel;
  if (level === null || !args.some((a) => a instanceof PyTensor && tangentAt(a.t, level) !== null)) return applyTaped(rt, cls, self, state, newStyle, args, ctx);
  const output = withoutForwardAD(rt.engine, () => applyTaped(rt, cls, self, state, newStyle, args, ctx));
  applyJvp(rt, cls, self, state, level, args, output, ctx);
  return output;
}

/** Calls the script's `jvp(ctx, *input_tangents)` and gives each output its tangent. */
function applyJvp(rt: TorchRuntime, cls: PyType, self: PyInstance, state: CtxState, level: object, args: PyValue[], output: PyValue, ctx: HostContext): void {
  const tangents = args.map((a) => {
    if (!(a instanceof PyTensor)) return null;
    const tangent = tangentAt(a.t, level);
    // NB: an input without a tangent gets zeros, as PyTorch materializes them.
    return rt.run(() => rt.wrap(tangent ? rt.engine.adopt(tangent.aliasForSave(true)) : rt.ops.zerosLike(a.t.detach()), a.dtype));
  });
  state.inJvp = true;
  let result: PyValue;
  try {
    result = withoutForwardAD(rt.engine, () => ctx.call(ctx.getattr(cls, 'jvp'), [self, ...tangents]));
  } finally {
    state.inJvp = false;
  }
  const outputs = output instanceof PyTuple ? output.items : [output];
  const given = result instanceof PyTuple ? result.items : [result];
  if (given.length !== outputs.length) throw pyError('RuntimeError', `jvp() should return as many values as there are outputs: expected ${outputs.length}, got ${given.length}`);
  rt.run(() => outputs.forEach((out, i) => {
    const g = given[i];
    if (!(out instanceof PyTensor) || !isFloat(out.t.dtype) || g === null) return;
    if (!(g instanceof PyTensor)) throw pyError('TypeError', `${cls.name}.jvp must return Tensors or None, not ${typeName(g)}`);
    if (g.shape.join() !== out.shape.join()) {
      throw pyError('RuntimeError', `Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [${out.shape.join(', ')}] while the given forward gradient is of size [${g.shape.join(', ')}].`);
    }
    setTangent(rt.engine, out.t, level, rt.engine.adopt(rt.convert(g.t, out.dtype).aliasForSave(true)));
  }));
}

function applyTaped(rt: TorchRuntime, cls: PyType, self: PyInstance, state: CtxState, newStyle: boolean, args: PyValue[], ctx: HostContext): PyValue {
  STATES.set(self, state);
  const tracking = rt.engine.gradEnabled;
  const needs = args.map((a) => tracking && a instanceof PyTensor && a.t.requiresGrad);
  self.dict.set('needs_input_grad', new PyTuple(needs));

  const forward = ctx.getattr(cls, 'forward');
  const output = rt.engine.withGradMode(false, () => {
    if (!newStyle) return ctx.call(forward, [self, ...args]);
    const out = ctx.call(forward, args);
    ctx.call(ctx.getattr(cls, 'setup_context'), [self, new PyTuple(args), out]);
    return out;
  });
  const outputs = output instanceof PyTuple ? output.items : [output];

  for (const t of state.dirty) {
    if (t.isLeaf && t.requiresGrad && tracking) throw pyError('RuntimeError', 'a leaf Variable that requires grad has been used in an in-place operation.');
  }
  const inputs = new Set(args.filter((a): a is PyTensor => a instanceof PyTensor).map((a) => a.t));
  // An input returned unchanged becomes a new tensor over its memory, as PyTorch's view_as(input).
  const fresh = (v: PyTensor): PyTensor => (inputs.has(v.t) && !state.dirty.has(v.t) ? rt.run(() => rt.wrap(v.t.detach(), v.dtype)) : v);
  if (!needs.some(Boolean)) {
    const plain = outputs.map((v) => (v instanceof PyTensor ? fresh(v) : v));
    return output instanceof PyTuple ? new PyTuple(plain) : plain[0];
  }

  // NB: in run(), which points the engine's span at the apply call again (the forward's ops moved it).
  return rt.run(() => {
    const node = new FunctionNode(
      self.cls.name,
      args.map((a, i) => (needs[i] ? gradEdge((a as PyTensor).t) : null)),
      args.map((a) => (a instanceof PyTensor ? { shape: a.t.shape, dtype: a.t.dtype } : null)),
      outputs.map((v) => (v instanceof PyTensor ? { shape: v.t.shape, dtype: v.t.dtype } : null)),
      (grads) => runBackward(rt, cls, self, state, outputs, grads, ctx),
      () => {
        state.freed = true;
        state.saved = null;
      },
      rt.engine.span,
    );
    state.node = node;
    functionContexts.set(node, self);

    const results = outputs.map((v, i) => {
      if (!(v instanceof PyTensor)) return v;
      if (!isFloat(v.t.dtype) || state.nonDifferentiable.has(v.t)) return fresh(v);
      const out = fresh(v);
      if (state.dirty.has(out.t)) out.t.replaceGradFn(node.outputs[i]);
      else out.t.attachGradFn(node.outputs[i]);
      return out;
    });
    return output instanceof PyTuple ? new PyTuple(results) : results[0];
  });
}

/** Calls the script's backward with one gradient per output (zeros where none came, unless told not to). */
function runBackward(rt: TorchRuntime, cls: PyType, self: PyInstance, state: CtxState, outputs: readonly PyValue[], grads: readonly (Tensor | null)[], ctx: HostContext): (Tensor | null)[] {
  return rt.scriptCallback(() => callBackward(rt, cls, self, state, outputs, grads, ctx));
}

function callBackward(rt: TorchRuntime, cls: PyType, self: PyInstance, state: CtxState, outputs: readonly PyValue[], grads: readonly (Tensor | null)[], ctx: HostContext): (Tensor | null)[] {
  const pyGrads = grads.map((g, i) => {
    const out = outputs[i];
    if (!(out instanceof PyTensor)) return null;
    // NB: an alias: the script's names for it free it as its statement ends unless it keeps it.
    if (g !== null) return rt.wrap(rt.engine.adopt(g.aliasForSave(true)), out.dtype);
    if (!state.materializeGrads) return null;
    return rt.run(() => rt.wrap(rt.engine.withGradMode(false, () => rt.ops.full(out.t.shape, 0, STORAGE[out.dtype])), out.dtype));
  });
  const result = ctx.callLending(ctx.getattr(cls, 'backward'), [self, ...pyGrads]);
  const items = result instanceof PyTuple ? result.items : [result];
  const gradients = items.map((v) => {
    // Backward reads an alias: what the script returned may be one it keeps (stash.append(g); return g).
    if (v === null || v instanceof PyTensor) return v === null ? null : rt.engine.adopt(v.t.aliasForSave(true));
    throw pyError('TypeError', `${self.cls.name}.backward must return Tensors or None, not ${typeName(v)}`);
  });
  ctx.doneWith(result);
  return gradients;
}
