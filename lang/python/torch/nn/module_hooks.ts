/**
 * nn.Module's hooks as PyTorch 1.13's Module._call_impl runs them: forward pre-hooks
 * (`hook(module, input)`, which may return new positional arguments), then forward, then forward
 * hooks (`hook(module, input, output)`, which may return a new output), each kind in registration
 * order; full backward hooks (`hook(module, grad_input, grad_output)`, which may return new
 * gradients for the inputs). As torch.utils.hooks.BackwardHook, a call with backward hooks passes
 * its tensor inputs and outputs through an identity node each (BackwardHookFunctionBackward): the
 * outputs' node keeps grad_output as backward reaches it, the inputs' node calls the hooks.
 */
import { FunctionNode, gradEdge, type Tensor } from '../../../../runtime/eager';
import { type HostContext, PyBuiltin, pyError, PyInstance, PyTuple, type PyValue, typeName } from '../../interpreter';
import { removableHandle } from '../hooks';
import { markCustomFunctionView, PyTensor, type TorchRuntime } from '../tensor';

interface ModuleHooks {
  readonly forwardPre: Map<number, PyValue>;
  readonly forward: Map<number, PyValue>;
  readonly backward: Map<number, PyValue>;
  /** Whether the backward hooks are full ones; null before the first (PyTorch's `_is_full_backward_hook`). */
  full: boolean | null;
}

const HOOKS = new WeakMap<PyInstance, ModuleHooks>();

function hooksOf(m: PyInstance): ModuleHooks {
  let h = HOOKS.get(m);
  if (!h) HOOKS.set(m, (h = { forwardPre: new Map(), forward: new Map(), backward: new Map(), full: null }));
  return h;
}

const BOTH_KINDS = 'Cannot use both regular backward hooks and full backward hooks on a single Module. Please use only one of them.';

function register(self: PyValue, kind: 'forwardPre' | 'forward' | 'backward', hook: PyValue | undefined): PyInstance {
  if (!(self instanceof PyInstance)) throw pyError('TypeError', `descriptor of 'Module' object needs a Module, not '${typeName(self ?? null)}'`);
  if (hook === undefined) throw pyError('TypeError', "missing 1 required positional argument: 'hook'");
  const table = hooksOf(self)[kind];
  const handle = removableHandle((id) => table.delete(id));
  table.set(Number(handle.dict.get('id')), hook);
  return handle;
}

/** `module.register_forward_pre_hook(hook)`, for native code (a lazy module's deep copy registers its own). */
export function registerForwardPreHook(module: PyInstance, hook: PyValue): PyInstance {
  return register(module, 'forwardPre', hook);
}

/** The Module methods that register hooks. */
export const MODULE_HOOK_METHODS: Readonly<Record<string, PyBuiltin>> = {
  register_forward_pre_hook: new PyBuiltin('register_forward_pre_hook', ([self, hook]) => register(self, 'forwardPre', hook)),
  register_forward_hook: new PyBuiltin('register_forward_hook', ([self, hook]) => register(self, 'forward', hook)),
  register_full_backward_hook: new PyBuiltin('register_full_backward_hook', ([self, hook]) => {
    if (self instanceof PyInstance && hooksOf(self).full === false) throw pyError('RuntimeError', BOTH_KINDS);
    const handle = register(self, 'backward', hook);
    hooksOf(self as PyInstance).full = true;
    return handle;
  }),
  // NB: the old hook sees the gradients of the last autograd node of forward, not the module's.
  register_backward_hook: new PyBuiltin('register_backward_hook', ([self]) => {
    if (self instanceof PyInstance && hooksOf(self).full === true) throw pyError('RuntimeError', BOTH_KINDS);
    throw pyError('NotImplementedError', "Module.register_backward_hook (deprecated in PyTorch) passes the gradients of forward's last autograd node, which Gradlens does not reproduce; use register_full_backward_hook(hook), whose hook(module, grad_input, grad_output) sees the module's own");
  }),
};

/** Whether `m` has a hook of any kind: a call without one runs forward alone. */
export function hasHooks(m: PyInstance): boolean {
  const h = HOOKS.get(m);
  return h !== undefined && (h.forwardPre.size > 0 || h.forward.size > 0 || h.backward.size > 0);
}

/** `module(*input, **kwargs)` with its hooks, as Module._call_impl; `forward` runs the module's forward on the positional arguments it is given (the keywords go as they came). */
export function callWithHooks(rt: TorchRuntime, self: PyInstance, given: readonly PyValue[], ctx: HostContext, forward: (input: PyValue[]) => PyValue): PyValue {
  const h = hooksOf(self);
  let input = [...given];
  for (const hook of [...h.forwardPre.values()]) {
    const result = ctx.call(hook, [self, new PyTuple(input)]);
    if (result !== null) input = result instanceof PyTuple ? [...result.items] : [result];
  }
  const backward = h.backward.size > 0 ? new BackwardHook(rt, self, [...h.backward.values()], ctx) : null;
  if (backward) input = backward.setupInput(input);
  let result = forward(input);
  for (const hook of [...h.forward.values()]) {
    const replaced = ctx.call(hook, [self, new PyTuple(input), result]);
    if (replaced !== null) result = replaced;
  }
  if (backward) result = backward.setupOutput(result);
  return result;
}

/** torch.utils.hooks.BackwardHook: one module call's identity nodes and the gradients between them. */
class BackwardHook {
  private gradOutputs: PyTuple | null = null;
  private inputCount = 0;
  /** The positions of the tensor inputs that pass through the inputs' node; null when none requires grad. */
  private inputIndex: number[] | null = null;
  private outputCount = 0;
  private outputIndex: number[] | null = null;

  constructor(
    private readonly rt: TorchRuntime,
    private readonly module: PyInstance,
    private readonly hooks: readonly PyValue[],
    private readonly ctx: HostContext,
  ) {}

  setupInput(args: PyValue[]): PyValue[] {
    this.inputCount = args.length;
    const [out, index] = this.throughIdentity(args, (grads) => this.onInputGrads(grads));
    this.inputIndex = index;
    return out;
  }

  setupOutput(result: PyValue): PyValue {
    const tuple = result instanceof PyTuple;
    const args = tuple ? [...result.items] : [result];
    this.outputCount = args.length;
    const [out, index] = this.throughIdentity(args, (grads) => this.onOutputGrads(grads));
    this.outputIndex = index;
    return tuple ? new PyTuple(out) : out[0];
  }

  /**
   * The tensors among `args` through one identity node whose backward is `onGrads`; the other
   * arguments as they were, and the tensors' positions (null, and no node, when none requires grad).
   */
  private throughIdentity(args: PyValue[], onGrads: (grads: readonly (Tensor | null)[]) => (Tensor | null)[]): [PyValue[], number[] | null] {
    const rt = this.rt;
    const index = args.flatMap((a, i) => (a instanceof PyTensor ? [i] : []));
    const tensors = index.map((i) => args[i] as PyTensor);
    if (!(rt.engine.gradEnabled && tensors.some((t) => t.t.requiresGrad))) return [args, null];
    const outputs = rt.run(() => {
      const node = new FunctionNode(
        'BackwardHookFunctionBackward',
        tensors.map((t) => (t.t.requiresGrad ? gradEdge(t.t) : null)),
        tensors.map((t) => ({ shape: t.t.shape, dtype: t.t.dtype })),
        tensors.map((t) => ({ shape: t.t.shape, dtype: t.t.dtype })),
        onGrads,
        () => {},
        rt.engine.span,
      );
      return tensors.map((t, k) => {
        // A view of the tensor, as BackwardHookFunction's forward returns its arguments.
        const out = rt.wrap(t.t.detach(), t.dtype);
        if (t.t.requiresGrad) {
          out.t.attachGradFn(node.outputs[k]);
          markCustomFunctionView(out.t, k, node.outputs[k]);
        }
        return out;
      });
    });
    const replaced = [...args];
    index.forEach((i, k) => (replaced[i] = outputs[k]));
    return [replaced, index];
  }

  /** A gradient as the hook sees it: an alias it may keep (as a tensor hook's), None where none came. */
  private asPython(g: Tensor | null): PyValue {
    return g === null ? null : this.rt.wrap(this.rt.engine.adopt(g.aliasForSave(true)));
  }

  private packed(index: readonly number[], values: readonly PyValue[], size: number): PyTuple {
    const out: PyValue[] = new Array<PyValue>(size).fill(null);
    index.forEach((i, k) => (out[i] = values[k]));
    return new PyTuple(out);
  }

  private onOutputGrads(grads: readonly (Tensor | null)[]): (Tensor | null)[] {
    return this.rt.scriptCallback(() => {
      const index = this.outputIndex ?? [];
      this.gradOutputs = this.packed(index, grads.map((g) => this.asPython(g)), this.outputCount);
      // No input requires grad: the inputs' node never runs, so the hooks run here with grad_input all None.
      if (this.inputIndex === null) {
        const none = new PyTuple(new Array<PyValue>(this.inputCount).fill(null));
        for (const hook of this.hooks) {
          const res = this.ctx.call(hook, [this.module, none, this.gradOutputs]);
          if (res !== null && !(res instanceof PyTuple && res.items.every((v) => v === null))) {
            throw pyError('RuntimeError', 'Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
          }
        }
        this.gradOutputs = null;
      }
      return [...grads];
    });
  }

  private onInputGrads(grads: readonly (Tensor | null)[]): (Tensor | null)[] {
    // Gradient reached the inputs without passing the outputs (double backward): no hook runs.
    if (this.gradOutputs === null || this.inputIndex === null) return [...grads];
    const gradOutputs = this.gradOutputs;
    const index = this.inputIndex;
    return this.rt.scriptCallback(() => {
      let res = this.packed(index, grads.map((g) => this.asPython(g)), this.inputCount);
      for (const hook of this.hooks) {
        const out = this.ctx.call(hook, [this.module, res, gradOutputs]);
        if (out === null) continue;
        const items = out instanceof PyTuple ? out.items : null;
        if (items === null) throw pyError('TypeError', `object of type '${typeName(out)}' has no len()`);
        if (items.length !== res.items.length) throw pyError('RuntimeError', `Backward hook returned an invalid number of grad_input, got ${items.length}, but expected ${res.items.length}`);
        res = out as PyTuple;
      }
      this.gradOutputs = null;
      return index.map((i) => {
        const g = res.items[i];
        if (g === null) return null;
        if (!(g instanceof PyTensor)) throw pyError('TypeError', `backward hook must return Tensors or None, not ${typeName(g)}`);
        return this.rt.engine.adopt(g.t.aliasForSave(true));
      });
    });
  }
}
