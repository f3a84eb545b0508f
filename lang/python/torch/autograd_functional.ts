/**
 * `torch.autograd.functional`: jacobian, hessian, vjp, jvp, vhp and hvp, as PyTorch 1.13's
 * torch/autograd/functional.py computes them on the tape: reverse-mode rows for the Jacobian, the
 * Jacobian of the Jacobian for the Hessian, and the double-backward trick for jvp and hvp;
 * forward mode (the engine's dual tensors) for `strategy="forward-mode"` and a Hessian's
 * `outer_jacobian_strategy="forward-mode"` (forward over reverse). Inputs
 * and outputs keep PyTorch's structure (a Tensor for a Tensor, tuples for tuples) and its errors.
 * `vectorize=True` is accepted and computes the same numbers row by row.
 */
import { enterDualLevel, exitDualLevel, makeDual, type Tensor, unpackDual } from '../../../runtime/eager';
import { bindArgs, type HostContext, pyError, pyFunction, PyList, PyTuple, type PyValue, truthy, typeOf } from '../interpreter';
import { PyTensor, type TorchRuntime } from './tensor';

export const AUTOGRAD_FUNCTIONAL_NAMES = ['jacobian', 'hessian', 'vjp', 'jvp', 'vhp', 'hvp'] as const;

type Structured = { isTuple: boolean; items: Tensor[] };

/** PyTorch's `_as_tuple`: a Tensor or a tuple of them, with its TypeError for anything else. */
function asTuple(v: PyValue, argName: string, fnName: string, ctx: HostContext): Structured {
  const isTuple = v instanceof PyTuple;
  const items = isTuple ? v.items : [v];
  return {
    isTuple,
    items: items.map((el, i) => {
      if (el instanceof PyTensor) return el.t;
      const where = isTuple ? `the value at index ${i}` : `the given ${argName}`;
      throw pyError('TypeError', `The ${argName} given to ${fnName} must be either a Tensor or a tuple of Tensors but ${where} has type ${ctx.repr(typeOf(el))}.`);
    }),
  };
}

/** `_grad_preprocess`: fresh leaves over the inputs' memory, or (create_graph) the inputs themselves where they require grad. */
function preprocess(items: readonly Tensor[], createGraph: boolean, needGraph: boolean): Tensor[] {
  return items.map((t) => {
    if (createGraph && t.requiresGrad) return t;
    const leaf = t.detach();
    leaf.requiresGrad = needGraph;
    return leaf;
  });
}

function postprocess(items: readonly Tensor[], createGraph: boolean): Tensor[] {
  return createGraph ? [...items] : items.map((t) => t.detach());
}

function sizeText(t: Tensor): string {
  return `torch.Size([${t.shape.join(', ')}])`;
}

function validateV(v: readonly Tensor[], other: readonly Tensor[], otherIsTuple: boolean): void {
  if (v.length !== other.length) {
    throw pyError('RuntimeError', otherIsTuple ? `v is a tuple of invalid length: should be ${other.length} but got ${v.length}.` : 'The given v should contain a single Tensor.');
  }
  v.forEach((el, i) => {
    if (el.shape.join() !== other[i].shape.join() || el.shape.length !== other[i].shape.length) {
      throw pyError('RuntimeError', `${otherIsTuple ? `Entry ${i} in ` : ''}v has invalid size: should be ${sizeText(other[i])} but got ${sizeText(el)}.`);
    }
  });
}

type RequiresGradStage = 'outputs' | 'grad_inputs' | 'jacobian' | 'hessian';

function checkRequiresGrad(items: readonly (Tensor | null)[], stage: RequiresGradStage, strict: boolean): void {
  if (!strict) return;
  items.forEach((t, i) => {
    if (t === null) throw pyError('RuntimeError', `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
    if (t.requiresGrad) return;
    const message = {
      hessian: `The hessian of the user-provided function with respect to input ${i} is independent of the input. This is not allowed in strict mode. `
        + 'You should ensure that your function is thrice differentiable and that the hessian depends on the inputs.',
      jacobian: `While computing the hessian, found that the jacobian of the user-provided function with respect to input ${i} is independent of the input. `
        + 'This is not allowed in strict mode. You should ensure that your function is twice differentiable and that the jacobian depends on the inputs '
        + '(this would be violated by a linear function for example).',
      grad_inputs: `The gradient with respect to input ${i} is independent of the inputs of the user-provided function. This is not allowed in strict mode.`,
      outputs: `Output ${i} of the user-provided function does not require gradients. The outputs must be computed in a differentiable manner from the input when running in strict mode.`,
    }[stage];
    throw pyError('RuntimeError', message);
  });
}

type ZeroStage = 'back' | 'back_trick' | 'double_back' | 'double_back_trick';

/** `_fill_in_zeros`: an input no gradient reached gets zeros (strict mode refuses it). */
function fillInZeros(rt: TorchRuntime, grads: readonly (Tensor | null)[], refs: readonly Tensor[], strict: boolean, createGraph: boolean, stage: ZeroStage): Tensor[] {
  return grads.map((g, i) => {
    if (g === null) {
      if (strict) {
        throw pyError('RuntimeError', {
          back: `The output of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          back_trick: `The gradient with respect to the input is independent of entry ${i} in the grad_outputs when using the double backward trick to compute forward mode gradients. This is not allowed in strict mode.`,
          double_back: `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`,
          double_back_trick: `The hessian of the user-provided function is independent of entry ${i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the double backward trick to replace forward mode AD.`,
        }[stage]);
      }
      return rt.ops.zerosLike(refs[i]);
    }
    if (strict && createGraph && !g.requiresGrad) {
      throw pyError('RuntimeError', stage.includes('double')
        ? `The hessian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`
        : `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
    }
    return g;
  });
}

/** `_autograd_grad`: autograd.grad over the outputs that require grad, None for an input none reached. */
function autogradGrad(rt: TorchRuntime, outputs: readonly (Tensor | null)[], inputs: readonly Tensor[], gradOutputs: readonly (Tensor | null)[] | null, createGraph: boolean, retainGraph = createGraph): (Tensor | null)[] {
  const keep = outputs.map((o, i) => ({ o, g: gradOutputs?.[i] ?? null })).filter((e): e is { o: Tensor; g: Tensor | null } => e.o !== null && e.o.requiresGrad);
  if (keep.length === 0) return inputs.map(() => null);
  const given = keep.some((e) => e.g !== null) ? keep.map((e) => (e.g ?? undefined) as Tensor) : undefined;
  return rt.engine.grad(keep.map((e) => e.o), inputs, given, { createGraph, retainGraph, allowUnused: true });
}

/** `_tuple_postprocess` for one level. */
function unpack(rt: TorchRuntime, items: readonly Tensor[], isTuple: boolean, dtypes: readonly PyTensor[]): PyValue {
  const wrapped = items.map((t, i) => rt.wrap(t, dtypes[i]?.dtype));
  return isTuple ? new PyTuple(wrapped) : wrapped[0];
}

interface Common {
  func: PyValue;
  createGraph: boolean;
  strict: boolean;
}

function common(name: string, extra: string[], args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) {
  const a = bindArgs(name, ['func', 'inputs', ...extra], args, kwargs, ctx);
  const flag = (n: string) => truthy(a.opt(n) ?? false, ctx);
  return { a, func: a.required('func'), inputs: a.required('inputs'), createGraph: flag('create_graph'), strict: flag('strict') };
}

function pyInputs(rt: TorchRuntime, items: readonly Tensor[], like: readonly PyValue[]): PyTensor[] {
  return items.map((t, i) => rt.wrap(t, (like[i] as PyTensor).dtype));
}

function originals(v: PyValue): readonly PyValue[] {
  return v instanceof PyTuple ? v.items : [v];
}

/** The script's function on prepared inputs, its outputs as PyTorch's `_as_tuple` takes them. */
function callFunc(c: Common, inputs: PyTensor[], fnName: string, ctx: HostContext): { out: Structured; py: PyTensor[] } {
  const result = ctx.call(c.func, inputs);
  const out = asTuple(result, 'outputs of the user-provided function', fnName, ctx);
  return { out, py: originals(result) as PyTensor[] };
}

function vjp(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const c = common('vjp', ['v?', 'create_graph?', 'strict?'], args, kwargs, ctx);
  return rt.run(() => {
    const { outputs, outPy, grads } = rt.engine.withGradMode(true, () => {
      const ins = asTuple(c.inputs, 'inputs', 'vjp', ctx);
      const inputs = preprocess(ins.items, c.createGraph, true);
      const { out, py } = callFunc(c, pyInputs(rt, inputs, originals(c.inputs)), 'vjp', ctx);
      checkRequiresGrad(out.items, 'outputs', c.strict);
      let v: Tensor[] | null = null;
      const given = c.a.opt('v');
      if (given !== undefined && given !== null) {
        v = preprocess(asTuple(given, 'v', 'vjp', ctx).items, c.createGraph, false);
        validateV(v, out.items, out.isTuple);
      } else if (out.items.length !== 1 || out.items[0].size !== 1) {
        throw pyError('RuntimeError', 'The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
      }
      const enable = c.createGraph || rt.gradModeAtOp;
      const res = rt.engine.withGradMode(enable, () => fillInZeros(rt, autogradGrad(rt, out.items, inputs, v, c.createGraph), inputs, c.strict, c.createGraph, 'back'));
      return { outputs: out, outPy: py, grads: { items: res, isTuple: ins.isTuple } };
    });
    return new PyTuple([
      unpack(rt, postprocess(outputs.items, c.createGraph), outputs.isTuple, outPy),
      unpack(rt, postprocess(grads.items, c.createGraph), grads.isTuple, originals(c.inputs) as PyTensor[]),
    ]);
  });
}

function jvp(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const c = common('jvp', ['v?', 'create_graph?', 'strict?'], args, kwargs, ctx);
  return rt.run(() => {
    const { out, py, gradInputs, gradOutputs, v } = rt.engine.withGradMode(true, () => {
      const ins = asTuple(c.inputs, 'inputs', 'jvp', ctx);
      const inputs = preprocess(ins.items, c.createGraph, true);
      let tangent: Tensor[] | null = null;
      const given = c.a.opt('v');
      if (given !== undefined && given !== null) {
        tangent = preprocess(asTuple(given, 'v', 'jvp', ctx).items, c.createGraph, false);
        validateV(tangent, inputs, ins.isTuple);
      } else if (inputs.length !== 1 || inputs[0].size !== 1) {
        throw pyError('RuntimeError', 'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.');
      }
      const called = callFunc(c, pyInputs(rt, inputs, originals(c.inputs)), 'jvp', ctx);
      checkRequiresGrad(called.out.items, 'outputs', c.strict);
      // The double-backward trick: the VJP is linear in its cotangent, so differentiating it in the cotangent gives the JVP.
      const zeros = called.out.items.map((o) => {
        const z = rt.ops.zerosLike(o);
        z.requiresGrad = true;
        return z;
      });
      const gi = autogradGrad(rt, called.out.items, inputs, zeros, true);
      checkRequiresGrad(gi, 'grad_inputs', c.strict);
      return { ...called, gradInputs: gi, gradOutputs: zeros, v: tangent };
    });
    const enable = c.createGraph || rt.gradModeAtOp;
    const res = rt.engine.withGradMode(c.createGraph ? true : enable, () =>
      fillInZeros(rt, autogradGrad(rt, gradInputs, gradOutputs, v, c.createGraph), out.items, c.strict, c.createGraph, 'back_trick'));
    return new PyTuple([
      unpack(rt, postprocess(out.items, c.createGraph), out.isTuple, py),
      unpack(rt, postprocess(res, c.createGraph), out.isTuple, py),
    ]);
  });
}

function selectElement(rt: TorchRuntime, t: Tensor, j: number): Tensor {
  const flat = rt.ops.reshape(t, [t.size]);
  return rt.ops.reshape(rt.ops.slice(flat, [j], [j + 1]), []);
}

/** The Jacobian's blocks, `[output][input]`, each of shape output.shape + input.shape, row by row in reverse mode. */
function jacobianBlocks(rt: TorchRuntime, outputs: readonly Tensor[], inputs: readonly Tensor[], createGraph: boolean, strict: boolean): Tensor[][] {
  return outputs.map((out, i) => {
    const rows: Tensor[][] = inputs.map(() => []);
    for (let j = 0; j < out.size; j++) {
      const vj = autogradGrad(rt, [selectElement(rt, out, j)], inputs, null, createGraph, true);
      vj.forEach((g, k) => {
        if (g !== null) {
          if (strict && createGraph && !g.requiresGrad) {
            throw pyError('RuntimeError', `The jacobian of the user-provided function is independent of input ${i}. This is not allowed in strict mode when create_graph=True.`);
          }
          rows[k].push(g);
        } else {
          if (strict) throw pyError('RuntimeError', `Output ${i} of the user-provided function is independent of input ${k}. This is not allowed in strict mode.`);
          rows[k].push(rt.ops.zerosLike(inputs[k]));
        }
      });
    }
    return rows.map((r, k) => {
      if (r.length === 0) throw pyError('RuntimeError', 'stack expects a non-empty TensorList');
      const stacked = rt.ops.concatenate(r.map((g) => rt.ops.expandDims(g, [0])), 0);
      return rt.ops.reshape(stacked, [...out.shape, ...inputs[k].shape]);
    });
  });
}

function checkStrategy(strategy: PyValue, createGraph: boolean, vectorize: boolean, strict: boolean, isOuterHessian: boolean): void {
  if (strategy !== 'forward-mode' && strategy !== 'reverse-mode') {
    throw pyError('AssertionError', isOuterHessian ? 'Expected strategy to be either "forward-mode" or "reverse-mode".'
      : 'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".');
  }
  if (strategy !== 'forward-mode') return;
  if (createGraph) {
    throw pyError('NotImplementedError', 'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.');
  }
  if (strict) throw pyError('RuntimeError', 'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.');
  if (!vectorize) throw pyError('NotImplementedError', 'Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly implemented for `vectorize=True`.');
}

/** `jacobian`'s result: blocks unpacked as `_tuple_postprocess(res, (outputs tuple, inputs tuple))`. */
function packJacobian(rt: TorchRuntime, blocks: Tensor[][], outTuple: boolean, inTuple: boolean, dtypeOf: (i: number, k: number) => PyTensor | undefined): PyValue {
  const rows = blocks.map((row, i) => {
    const cells = row.map((b, k) => rt.wrap(b, dtypeOf(i, k)?.dtype));
    return inTuple ? new PyTuple(cells) : cells[0];
  });
  return outTuple ? new PyTuple(rows) : rows[0];
}

function jacobian(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const c = common('jacobian', ['create_graph?', 'strict?', 'vectorize?', 'strategy?'], args, kwargs, ctx);
  const vectorize = truthy(c.a.opt('vectorize') ?? false, ctx);
  checkStrategy(c.a.opt('strategy') ?? 'reverse-mode', c.createGraph, vectorize, c.strict, false);
  if (vectorize && c.strict) {
    throw pyError('RuntimeError', 'torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.');
  }
  if (c.a.opt('strategy') === 'forward-mode') {
    const ins = asTuple(c.inputs, 'inputs', 'jacobian', ctx);
    const { blocks, isTuple, py } = jacobianForward(rt, ins.items, (duals) => {
      const { out, py: outPy } = callFunc(c, pyInputs(rt, duals, originals(c.inputs)), 'jacobian', ctx);
      return { items: out.items, isTuple: out.isTuple, py: outPy };
    });
    return packForward(rt, blocks, isTuple, ins.isTuple, (i) => py[i]);
  }
  return rt.run(() => rt.engine.withGradMode(true, () => {
    const ins = asTuple(c.inputs, 'inputs', 'jacobian', ctx);
    const inputs = preprocess(ins.items, c.createGraph, true);
    const { out, py } = callFunc(c, pyInputs(rt, inputs, originals(c.inputs)), 'jacobian', ctx);
    checkRequiresGrad(out.items, 'outputs', c.strict);
    const blocks = jacobianBlocks(rt, out.items, inputs, c.createGraph, c.strict).map((row) => postprocess(row, c.createGraph));
    return packJacobian(rt, blocks, out.isTuple, ins.isTuple, (i) => py[i]);
  }));
}

/**
 * `_jacfwd` with vectorize=True: the inputs made dual with each vector of the standard basis in
 * turn (PyTorch's vmap runs them as one batch), each output's tangent (zeros where none reached
 * it) a column; the blocks `[output][input]` come out as PyTorch permutes and reshapes them.
 */
function jacobianForward(rt: TorchRuntime, inputs: readonly Tensor[], func: (duals: Tensor[]) => { items: readonly Tensor[]; isTuple: boolean; py: readonly PyValue[] }): {
  blocks: Tensor[][]; isTuple: boolean; py: readonly PyValue[];
} {
  const total = inputs.reduce((n, t) => n + t.size, 0);
  const columns: Tensor[][] = [];
  let shape: { isTuple: boolean; py: readonly PyValue[]; outs: readonly Tensor[] } | null = null;
  for (let j = 0; j < total; j++) {
    rt.run(() => enterDualLevel(rt.engine));
    try {
      let offset = j;
      const duals = rt.run(() => inputs.map((t) => {
        const values = new Array<number>(t.size).fill(0);
        if (offset >= 0 && offset < t.size) values[offset] = 1;
        offset -= t.size;
        return makeDual(rt.engine, t, rt.engine.fromValues(values, t.shape, t.dtype));
      }));
      const out = func(duals);
      shape ??= { isTuple: out.isTuple, py: out.py, outs: out.items };
      columns.push(rt.run(() => out.items.map((o) => {
        const { tangent } = unpackDual(rt.engine, o);
        return tangent ?? rt.ops.zerosLike(o);
      })));
    } finally {
      exitDualLevel(rt.engine);
    }
  }
  if (shape === null) throw pyError('RuntimeError', 'jacobian: the inputs have no elements');
  const { outs } = shape;
  const blocks = rt.run(() => outs.map((o, i) => {
    let at = 0;
    return inputs.map((x) => {
      const cols = columns.slice(at, (at += x.size)).map((c) => rt.ops.expandDims(c[i], [o.shape.length]));
      return rt.engine.named('ReshapeAliasBackward0', rt.ops.reshape(rt.ops.concatenate(cols, o.shape.length), [...o.shape, ...x.shape]));
    });
  }));
  return { blocks, isTuple: shape.isTuple, py: shape.py };
}

/** `_tuple_postprocess` of `_jacfwd`'s lists of lists: lists where the structure is kept, tuples where `el[0]` was taken. */
function packForward(rt: TorchRuntime, blocks: Tensor[][], outTuple: boolean, inTuple: boolean, dtypeOf: (i: number) => PyValue | undefined): PyValue {
  const rows = blocks.map((row, i) => row.map((b) => rt.run(() => rt.wrap(b, (dtypeOf(i) as PyTensor | undefined)?.dtype))));
  if (!inTuple) {
    const firsts = new PyTuple(rows.map((r) => r[0]));
    return outTuple ? firsts : firsts.items[0];
  }
  const lists = rows.map((r) => new PyList(r));
  return outTuple ? new PyList(lists) : lists[0];
}

/** The script's function checked as hessian, vhp and hvp want it: one Tensor of one element. */
function scalarOutput(out: Structured, fnName: string, strict: boolean): Tensor {
  checkRequiresGrad(out.items, 'outputs', strict);
  if (out.isTuple) throw pyError('RuntimeError', `The function given to ${fnName} should return a single Tensor`);
  if (out.items[0].size !== 1) throw pyError('RuntimeError', `The Tensor returned by the function given to ${fnName} should contain a single element`);
  return out.items[0];
}

function hessian(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const c = common('hessian', ['create_graph?', 'strict?', 'vectorize?', 'outer_jacobian_strategy?'], args, kwargs, ctx);
  const vectorize = truthy(c.a.opt('vectorize') ?? false, ctx);
  const ins = asTuple(c.inputs, 'inputs', 'hessian', ctx);
  checkStrategy(c.a.opt('outer_jacobian_strategy') ?? 'reverse-mode', c.createGraph, vectorize, c.strict, true);
  if (vectorize && c.strict) {
    throw pyError('RuntimeError', 'torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.');
  }
  const like = originals(c.inputs) as PyTensor[];
  if (c.a.opt('outer_jacobian_strategy') === 'forward-mode') {
    // Forward over reverse: jac_func's inputs are the duals, made to require grad in place as PyTorch's jac_func does.
    const { blocks } = jacobianForward(rt, ins.items, (duals) => rt.engine.withGradMode(true, () => {
      for (const d of duals) d.requiresGrad = true;
      const { out } = callFunc(c, pyInputs(rt, duals, like), 'hessian', ctx);
      const scalar = rt.run(() => rt.ops.reshape(scalarOutput(out, 'hessian', c.strict), []));
      const grads = rt.run(() => jacobianBlocks(rt, [scalar], duals, true, false)[0]);
      return { items: grads, isTuple: ins.isTuple, py: like };
    }));
    return packForward(rt, blocks, ins.isTuple, ins.isTuple, (i) => like[i]);
  }
  return rt.run(() => rt.engine.withGradMode(true, () => {
    // jacobian(jac_func, inputs), where jac_func is the jacobian (create_graph=True) of the scalar function.
    const inputs = preprocess(ins.items, c.createGraph, true);
    const { out } = callFunc(c, pyInputs(rt, inputs, originals(c.inputs)), 'hessian', ctx);
    const scalar = rt.ops.reshape(scalarOutput(out, 'hessian', c.strict), []);
    const grads = jacobianBlocks(rt, [scalar], inputs, true, false)[0];
    checkRequiresGrad(grads, 'jacobian', c.strict);
    const blocks = jacobianBlocks(rt, grads, inputs, c.createGraph, c.strict).map((row) => postprocess(row, c.createGraph));
    return packJacobian(rt, blocks, ins.isTuple, ins.isTuple, (i) => like[i]);
  }));
}

/** vhp and hvp: the Hessian of a scalar function times v, from the left (vhp) or the right (hvp, by the double-backward trick). */
function hessianVector(rt: TorchRuntime, fnName: 'vhp' | 'hvp', args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyValue {
  const c = common(fnName, ['v?', 'create_graph?', 'strict?'], args, kwargs, ctx);
  return rt.run(() => {
    const prepared = rt.engine.withGradMode(true, () => {
      const ins = asTuple(c.inputs, 'inputs', fnName, ctx);
      const inputs = preprocess(ins.items, c.createGraph, true);
      let v: Tensor[] | null = null;
      const given = c.a.opt('v');
      if (given !== undefined && given !== null) {
        v = preprocess(asTuple(given, 'v', fnName, ctx).items, c.createGraph, false);
        validateV(v, inputs, ins.isTuple);
      } else if (inputs.length !== 1 || inputs[0].size !== 1) {
        throw pyError('RuntimeError', 'The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.');
      }
      const called = callFunc(c, pyInputs(rt, inputs, originals(c.inputs)), fnName, ctx);
      scalarOutput(called.out, fnName, c.strict);
      const jac = autogradGrad(rt, called.out.items, inputs, null, true);
      checkRequiresGrad(jac, 'jacobian', c.strict);
      if (fnName === 'vhp') return { ...called, ins, inputs, v, outer: jac, wrt: inputs };
      const gradJac = inputs.map((t) => {
        const z = rt.ops.zerosLike(t);
        z.requiresGrad = true;
        return z;
      });
      const doubleBack = autogradGrad(rt, jac, inputs, gradJac, true);
      checkRequiresGrad(jac, 'hessian', c.strict);
      return { ...called, ins, inputs, v, outer: doubleBack, wrt: gradJac };
    });
    const enable = c.createGraph || rt.gradModeAtOp;
    const res = rt.engine.withGradMode(enable, () => fillInZeros(rt, autogradGrad(rt, prepared.outer, prepared.wrt, prepared.v, c.createGraph), prepared.inputs, c.strict, c.createGraph,
      fnName === 'vhp' ? 'double_back' : 'double_back_trick'));
    return new PyTuple([
      unpack(rt, postprocess(prepared.out.items, c.createGraph), prepared.out.isTuple, prepared.py),
      unpack(rt, postprocess(res, c.createGraph), prepared.ins.isTuple, originals(c.inputs) as PyTensor[]),
    ]);
  });
}

export function autogradFunctionalAttrs(rt: TorchRuntime): Record<(typeof AUTOGRAD_FUNCTIONAL_NAMES)[number], PyValue> {
  const fn = (name: string, f: (rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext) => PyValue) =>
    pyFunction(name, (args, kwargs, ctx) => f(rt, args, kwargs, ctx));
  return {
    jacobian: fn('jacobian', jacobian),
    hessian: fn('hessian', hessian),
    vjp: fn('vjp', vjp),
    jvp: fn('jvp', jvp),
    vhp: fn('vhp', (r, a, k, c) => hessianVector(r, 'vhp', a, k, c)),
    hvp: fn('hvp', (r, a, k, c) => hessianVector(r, 'hvp', a, k, c)),
  };
}
