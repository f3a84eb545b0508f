/**
 * Autograd from Python: grad_fn objects, `torch.no_grad()` / `enable_grad()` /
 * `set_grad_enabled()` (context managers and decorators), `backward`, and `torch.autograd.grad`.
 */
import { AccumulateGrad, FunctionNode, type GradNode, OutputSlot, type Tensor } from '../../../runtime/eager';
import { bindArgs, pyError, HostObject, hostType, pyFunction, type HostContext, PyFunction, PyList, PyTuple, PyType, type Kwargs, type PyValue, truthy, typeName } from '../interpreter';
import { type TorchRuntime, PyTensor } from './tensor';
import { refuseAutograd } from './jit_refusals';

const nodeTypes = new Map<string, PyType>();
const nodeObjects = new WeakMap<GradNode, GradFnObject>();
/** A custom autograd.Function's node is its `ctx` (autograd_function.ts). */
export const functionContexts = new WeakMap<FunctionNode, PyValue>();

/** `grad_fn.next_functions`: `(node, output index)` per input. */
export function nextFunctions(node: GradNode): PyTuple {
  // A custom Function's arguments that are not tensors have no edge.
  const edges = node instanceof FunctionNode ? node.next.filter((_, i) => node.inputAvals[i] !== null) : node.shownNext ?? node.next;
  return new PyTuple(edges.map((n) => new PyTuple([gradFnObject(n), n instanceof OutputSlot ? BigInt(n.index) : 0n])));
}

/** A grad_fn as Python sees it: `<AddBackward0 object at 0x...>`, with `name()` and `next_functions`. */
export class GradFnObject extends HostObject {
  constructor(readonly node: GradNode) {
    super();
  }

  get pyType(): PyType {
    let t = nodeTypes.get(this.node.name);
    // PyTorch's C++ node types have no module: `<class 'MulBackward0'>`.
    if (!t) nodeTypes.set(this.node.name, (t = new PyType(this.node.name, { module: 'builtins' })));
    return t;
  }

  override getattr(name: string): PyValue | undefined {
    // PyTorch names its C++ leaf node by its qualified name.
    // NB: the nodes PyTorch writes by hand in C++ name themselves with their namespace.
    if (name === 'name') return pyFunction('name', () => (this.node.name === 'AccumulateGrad' || this.node.name === 'CopySlices' ? `torch::autograd::${this.node.name}` : this.node.name));
    if (name === 'next_functions') return nextFunctions(this.node);
    return undefined;
  }
}

export function gradFnObject(node: GradNode | null): PyValue {
  if (node === null) return null;
  const fn = node instanceof OutputSlot ? node.fn : node;
  const context = fn instanceof FunctionNode ? functionContexts.get(fn) : undefined;
  if (context !== undefined) return context;
  // A node with a backward of Gradlens's own (a loss whose backward refuses its dtypes) prints as PyTorch's C++ node.
  let o = nodeObjects.get(fn);
  if (!o) nodeObjects.set(fn, (o = new GradFnObject(fn)));
  return o;
}

export { AccumulateGrad };

const gradModeTypes = {
  no_grad: hostType('no_grad', 'torch.autograd.grad_mode'),
  enable_grad: hostType('enable_grad', 'torch.autograd.grad_mode'),
  set_grad_enabled: hostType('set_grad_enabled', 'torch.autograd.grad_mode'),
};

/** `with torch.no_grad():`, `@torch.no_grad()`, and the same for enable_grad / set_grad_enabled. */
export class GradMode extends HostObject {
  private readonly saved: boolean[] = [];

  constructor(
    private readonly rt: TorchRuntime,
    private readonly kind: keyof typeof gradModeTypes,
    private readonly enabled: boolean,
    /** set_grad_enabled switches at construction; `with` then restores the mode before it. */
    private readonly before: boolean | null = null,
  ) {
    super();
  }

  get pyType() {
    return gradModeTypes[this.kind];
  }

  override enter(): PyValue {
    this.saved.push(this.before ?? this.rt.engine.gradEnabled);
    this.rt.engine.setGradEnabled(this.enabled);
    return null;
  }

  override exit(): boolean {
    this.rt.engine.setGradEnabled(this.saved.pop() ?? true);
    return false;
  }

  override get wrapsItsArgument(): boolean {
    return true;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    const fn = args[0];
    if (args.length !== 1 || kwargs.size > 0 || !(fn instanceof PyFunction || fn instanceof HostObject)) {
      throw pyError('TypeError', `'${this.kind}' object is not callable with these arguments`);
    }
    const name = fn instanceof PyFunction ? fn.name : this.kind;
    return pyFunction(name, (a, kw, c) => this.rt.engine.withGradMode(this.enabled, () => c.call(fn, a, kw)));
    void ctx;
  }
}

/** What `torch` and `torch.autograd` both export to switch grad mode. */
export const GRAD_MODE_NAMES = ['no_grad', 'inference_mode', 'enable_grad', 'set_grad_enabled', 'is_grad_enabled'] as const;

export function gradModeFactories(rt: TorchRuntime): Record<(typeof GRAD_MODE_NAMES)[number], PyValue> {
  const make = (kind: 'no_grad' | 'enable_grad', enabled: boolean) =>
    new PyType(kind, { module: 'torch.autograd.grad_mode', construct: (args, kwargs, ctx) => {
      bindArgs(kind, [], args, kwargs, ctx);
      return new GradMode(rt, kind, enabled);
    } });
  return {
    no_grad: make('no_grad', false),
    // Gradlens has no inference tensors; inference mode is no_grad.
    inference_mode: make('no_grad', false),
    enable_grad: make('enable_grad', true),
    set_grad_enabled: pyFunction('set_grad_enabled', (args, kwargs, ctx) => {
      const a = bindArgs('set_grad_enabled', ['mode'], args, kwargs, ctx);
      const before = rt.engine.gradEnabled;
      const mode = truthy(a.required('mode'), ctx);
      rt.engine.setGradEnabled(mode);
      return new GradMode(rt, 'set_grad_enabled', mode, before);
    }),
    is_grad_enabled: pyFunction('is_grad_enabled', () => rt.engine.gradEnabled),
  };
}

/** A tensor or a sequence of them, as autograd functions accept. */
function tensors(v: PyValue, what: string): PyTensor[] {
  if (v instanceof PyTensor) return [v];
  if (v instanceof PyTuple || v instanceof PyList) {
    return v.items.map((x) => {
      if (!(x instanceof PyTensor)) throw pyError('TypeError', `${what} must be a sequence of Tensors, not one containing ${typeName(x)}`);
      return x;
    });
  }
  throw pyError('TypeError', `${what} must be a Tensor or a sequence of Tensors, not ${typeName(v)}`);
}

function optionalTensors(v: PyValue | undefined, what: string): (PyTensor | null)[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof PyTuple || v instanceof PyList) return v.items.map((x) => (x === null ? null : tensors(x, what)[0]));
  return tensors(v, what);
}

/** Gradients for the roots: given ones, or None entries left for the engine to fill for scalars. */
function rootGrads(rt: TorchRuntime, roots: PyTensor[], given: (PyTensor | null)[] | undefined): Tensor[] | undefined {
  if (!given) return undefined;
  return roots.map((r, i) => {
    const g = given[i];
    if (g) return g.t;
    if (r.numel !== 1) throw pyError('RuntimeError', 'grad can be implicitly created only for scalar outputs');
    return rt.ops.onesLike(r.t.detach());
  });
}

export function backward(rt: TorchRuntime, self: PyTensor, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  refuseAutograd(self.t, 'backward()', ctx);
  const a = bindArgs('backward', ['gradient?', 'retain_graph?', 'create_graph?', 'inputs?'], args, kwargs, ctx);
  if (a.opt('inputs') !== undefined) throw pyError('NotImplementedError', 'backward(inputs=...) is not supported by Gradlens');
  const createGraph = a.bool('create_graph', false);
  const retainGraph = a.bool('retain_graph', createGraph);
  rt.run(() => {
    const grads = rootGrads(rt, [self], optionalTensors(a.opt('gradient'), 'gradient'));
    rt.engine.backward([self.t], grads, { retainGraph, createGraph });
  });
  return null;
}

export const AUTOGRAD_FUNCTION_NAMES = ['grad', 'backward'] as const;

export function autogradFunctions(rt: TorchRuntime): Record<(typeof AUTOGRAD_FUNCTION_NAMES)[number], PyValue> {
  return {
    grad: pyFunction('grad', (args, kwargs, ctx) => {
      const a = bindArgs('grad', ['outputs', 'inputs', 'grad_outputs?', 'retain_graph?', 'create_graph?', 'only_inputs?', 'allow_unused?', 'is_grads_batched?'], args, kwargs, ctx);
      const outputs = tensors(a.required('outputs'), 'outputs');
      const inputs = tensors(a.required('inputs'), 'inputs');
      for (const t of [...outputs, ...inputs]) refuseAutograd(t.t, 'torch.autograd.grad()', ctx);
      const createGraph = a.bool('create_graph', false);
      const retainGraph = a.bool('retain_graph', createGraph);
      const allowUnused = a.bool('allow_unused', false);
      return rt.run(() => {
        const grads = rootGrads(rt, outputs, optionalTensors(a.opt('grad_outputs'), 'grad_outputs'));
        let result: (Tensor | null)[];
        try {
          result = rt.engine.grad(outputs.map((o) => o.t), inputs.map((i) => i.t), grads, { retainGraph, createGraph, allowUnused });
        } catch (e) {
          // PyTorch's message does not say which input.
          if (e instanceof Error && /^One of the differentiated Tensors \(input \d+\)/.test(e.message)) {
            throw pyError('RuntimeError', e.message.replace(/ \(input \d+\)/, ''));
          }
          throw e;
        }
        return new PyTuple(result.map((g, i) => (g === null ? null : rt.wrap(g, inputs[i].dtype))));
      });
    }),
    backward: pyFunction('backward', (args, kwargs, ctx) => {
      const a = bindArgs('backward', ['tensors', 'grad_tensors?', 'retain_graph?', 'create_graph?', 'grad_variables?', 'inputs?'], args, kwargs, ctx);
      const roots = tensors(a.required('tensors'), 'tensors');
      for (const t of roots) refuseAutograd(t.t, 'torch.autograd.backward()', ctx);
      const createGraph = a.bool('create_graph', false);
      const retainGraph = a.bool('retain_graph', createGraph);
      rt.run(() => {
        const grads = rootGrads(rt, roots, optionalTensors(a.opt('grad_tensors'), 'grad_tensors'));
        rt.engine.backward(roots.map((r) => r.t), grads, { retainGraph, createGraph });
      });
      return null;
    }),
  };
}
