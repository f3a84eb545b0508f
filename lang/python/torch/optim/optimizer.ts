/**
 * `torch.optim.Optimizer` and its subclasses (SGD, Adam, AdamW, RMSprop, Adagrad), as PyTorch
 * 1.13 has them: `param_groups` is a list of dicts the script may edit between steps, `state`
 * a dict from each parameter to its buffers, and each step is PyTorch's `_single_tensor_*`
 * update, op for op in float32 (its `foreach=None` default on the CPU).
 */
import { libm } from '../../../../runtime/core';
import type { Tensor } from '../../../../runtime/eager';
import {
  type Args,
  bindArgs,
  hashKey,
  type HostContext,
  iterate,
  PyBuiltin,
  PyDict,
  pyError,
  PyInstance,
  PyList,
  PyTuple,
  PyType,
  type PyValue,
  toFloat,
  truthy,
  typeName,
} from '../../interpreter';
import { zeroGrads } from '../nn/module';
import { adamOnHost, sgdOnHost } from './host_steps';
import { PyTensor, type TorchRuntime } from '../tensor';
import { tensorTypeName } from '../tensor_types';

/** The update rule of one optimizer: PyTorch's `_single_tensor_<name>` for one parameter. */
interface Rule {
  readonly name: string;
  /** The constructor's parameters after `params`, with defaults, in PyTorch's `defaults` order. */
  readonly options: readonly [string, PyValue][];
  /** The order of the `defaults` dict when it differs from the signature's. */
  readonly order?: readonly string[];
  readonly validate?: (a: Args, ctx: HostContext) => void;
  /** The per-parameter state made when the optimizer is built (Adagrad), else at the first step. */
  readonly eagerState?: boolean;
  readonly step: (u: Update) => void;
}

/** One parameter's update: its tensors, its group's hyperparameters and its state. */
interface Update {
  readonly rt: TorchRuntime;
  readonly param: PyTensor;
  readonly grad: Tensor;
  readonly group: PyDict;
  readonly state: PyDict;
  num(name: string): number;
  flag(name: string): boolean;
}

const REQUIRED = Symbol('required');

function getItem(d: PyDict, key: string): PyValue | undefined {
  return d.getByKey(hashKey(key)!);
}

function setItem(d: PyDict, key: string, value: PyValue): void {
  d.setByKey(hashKey(key)!, key, value);
}

/** Tensor arithmetic in the parameter's dtype, each op as ATen's CPU kernel orders it. */
class Arith {
  constructor(readonly rt: TorchRuntime) {}
  private c(v: number, like: Tensor): Tensor {
    return this.rt.ops.scalarLike(v, like);
  }
  mul(a: Tensor, v: number): Tensor {
    return this.rt.ops.mul(a, this.c(v, a));
  }
  /** `a.add(b, alpha=v)`: a + v b; a float32 and a float64 operand meet in float64, TensorIterator's common dtype. */
  add(a: Tensor, b: Tensor, v = 1): Tensor {
    if (a.dtype !== b.dtype) [a, b] = [this.rt.ops.convert(a, 'float64'), this.rt.ops.convert(b, 'float64')];
    return this.rt.ops.add(a, v === 1 ? b : this.rt.ops.mul(b, this.c(v, b)));
  }
  addScalar(a: Tensor, v: number): Tensor {
    return this.rt.ops.add(a, this.c(v, a));
  }
  /** `a.addcmul(b, c, value=v)`: a + v b c. */
  addcmul(a: Tensor, b: Tensor, c: Tensor, v = 1): Tensor {
    return this.rt.ops.add(a, this.rt.ops.mul(v === 1 ? b : this.rt.ops.mul(this.c(v, b), b), c));
  }
  /** `a.addcdiv(b, c, value=v)`: a + v b / c. */
  addcdiv(a: Tensor, b: Tensor, c: Tensor, v = 1): Tensor {
    return this.rt.ops.add(a, this.rt.ops.div(v === 1 ? b : this.rt.ops.mul(this.c(v, b), b), c));
  }
  div(a: Tensor, v: number): Tensor {
    return this.rt.ops.div(a, this.c(v, a));
  }
  sqrt(a: Tensor): Tensor {
    return this.rt.ops.sqrt(a);
  }
  neg(a: Tensor): Tensor {
    return this.rt.ops.neg(a);
  }
  maximum(a: Tensor, b: Tensor): Tensor {
    return this.rt.ops.max(a, b);
  }
}

/**
 * Replaces `t`'s values (a parameter or a state buffer) with `value`, outside autograd, cast to
 * t's dtype as an in-place op's result is (SGD's float32 momentum buffer of a parameter made float64 since).
 */
function write(t: PyTensor, value: (old: Tensor) => Tensor): void {
  t.rt.engine.inPlace(t.t, (old) => t.rt.ops.convert(value(old), old.dtype));
}

function buffer(u: Update, name: string, init: () => Tensor): PyTensor {
  const have = getItem(u.state, name);
  if (have instanceof PyTensor) return have;
  const t = u.rt.wrap(u.rt.engine.withGradMode(false, init), u.param.dtype);
  setItem(u.state, name, t);
  return t;
}

/** Steps taken, by state dict: read here rather than from the step tensor (WebGPU cannot read it back synchronously). */
const STEPS = new WeakMap<PyDict, number>();

/** The `step` counter Adam, AdamW and Adagrad keep as a float32 tensor, incremented. */
function countStep(u: Update): number {
  const step = buffer(u, 'step', () => u.rt.engine.fromValues([0], [], 'float32'));
  const n = (STEPS.get(u.state) ?? 0) + 1;
  STEPS.set(u.state, n);
  write(step, () => u.rt.engine.fromValues([n], [], 'float32'));
  return n;
}

const RULES: readonly Rule[] = [
  {
    name: 'SGD',
    options: [['lr', REQUIRED as unknown as PyValue], ['momentum', 0n], ['dampening', 0n], ['weight_decay', 0n], ['nesterov', false], ['maximize', false], ['foreach', null], ['differentiable', false]],
    validate(a) {
      if (a.has('lr') && a.float('lr') < 0) throw pyError('ValueError', `Invalid learning rate: ${a.float('lr')}`);
      if (a.float('momentum', 0) < 0) throw pyError('ValueError', `Invalid momentum value: ${a.float('momentum', 0)}`);
      if (a.float('weight_decay', 0) < 0) throw pyError('ValueError', `Invalid weight_decay value: ${a.float('weight_decay', 0)}`);
      if (a.bool('nesterov', false) && (a.float('momentum', 0) <= 0 || a.float('dampening', 0) !== 0)) throw pyError('ValueError', 'Nesterov momentum requires a momentum and zero dampening');
    },
    step(u) {
      const A = new Arith(u.rt);
      const [lr, momentum, dampening, wd] = [u.num('lr'), u.num('momentum'), u.num('dampening'), u.num('weight_decay')];
      const had = getItem(u.state, 'momentum_buffer');
      const momentumBuffer = momentum === 0 ? null : {
        tensor: had instanceof PyTensor ? had.t : null,
        make: (values: Float32Array | Float64Array) => buffer(u, 'momentum_buffer', () => u.rt.engine.fromValues(values, u.param.shape, u.param.t.dtype)),
      };
      const h = { lr, momentum, dampening, weightDecay: wd, nesterov: u.flag('nesterov'), maximize: u.flag('maximize') };
      if (sgdOnHost(u.rt.engine, u.param.t, u.grad, momentumBuffer, h)) return;
      let d = u.flag('maximize') ? A.neg(u.grad) : u.grad;
      if (wd !== 0) d = A.add(d, u.param.t, wd);
      if (momentum !== 0) {
        const buf = buffer(u, 'momentum_buffer', () => u.rt.ops.add(d, u.rt.ops.scalarLike(0, d)));
        if (had instanceof PyTensor) write(buf, (old) => A.add(A.mul(old, momentum), d, 1 - dampening));
        d = u.flag('nesterov') ? A.add(d, buf.t, momentum) : buf.t;
      }
      write(u.param, (old) => A.add(old, d, -lr));
    },
  },
  adamRule('Adam', 0, false),
  adamRule('AdamW', 1e-2, true),
  {
    name: 'RMSprop',
    options: [['lr', 1e-2], ['alpha', 0.99], ['eps', 1e-8], ['weight_decay', 0n], ['momentum', 0n], ['centered', false], ['foreach', null], ['maximize', false], ['differentiable', false]],
    order: ['lr', 'momentum', 'alpha', 'eps', 'centered', 'weight_decay', 'foreach', 'maximize', 'differentiable'],
    validate(a) {
      for (const [k, what] of [['lr', 'learning rate'], ['eps', 'epsilon value'], ['momentum', 'momentum value'], ['weight_decay', 'weight_decay value'], ['alpha', 'alpha value']] as const) {
        if (a.has(k) && a.float(k) < 0) throw pyError('ValueError', `Invalid ${what}: ${a.float(k)}`);
      }
    },
    step(u) {
      const A = new Arith(u.rt);
      const [lr, alpha, eps, wd, momentum] = [u.num('lr'), u.num('alpha'), u.num('eps'), u.num('weight_decay'), u.num('momentum')];
      const stepCount = getItem(u.state, 'step');
      setItem(u.state, 'step', typeof stepCount === 'bigint' ? stepCount + 1n : 1n);
      let grad = u.flag('maximize') ? A.neg(u.grad) : u.grad;
      if (wd !== 0) grad = A.add(grad, u.param.t, wd);
      const sq = buffer(u, 'square_avg', () => u.rt.ops.zerosLike(u.param.t));
      const momentumBuf = momentum > 0 ? buffer(u, 'momentum_buffer', () => u.rt.ops.zerosLike(u.param.t)) : null;
      const gradAvg = u.flag('centered') ? buffer(u, 'grad_avg', () => u.rt.ops.zerosLike(u.param.t)) : null;
      write(sq, (old) => A.addcmul(A.mul(old, alpha), grad, grad, 1 - alpha));
      let avg: Tensor;
      if (gradAvg) {
        write(gradAvg, (old) => A.add(A.mul(old, alpha), grad, 1 - alpha));
        avg = A.sqrt(A.addcmul(sq.t, gradAvg.t, gradAvg.t, -1));
      } else avg = A.sqrt(sq.t);
      avg = A.addScalar(avg, eps);
      if (momentumBuf) {
        write(momentumBuf, (old) => A.addcdiv(A.mul(old, momentum), grad, avg));
        write(u.param, (old) => A.add(old, momentumBuf.t, -lr));
      } else write(u.param, (old) => A.addcdiv(old, grad, avg, -lr));
    },
  },
  {
    name: 'Adagrad',
    options: [['lr', 1e-2], ['lr_decay', 0n], ['weight_decay', 0n], ['initial_accumulator_value', 0n], ['eps', 1e-10], ['foreach', null], ['maximize', false]],
    order: ['lr', 'lr_decay', 'eps', 'weight_decay', 'initial_accumulator_value', 'foreach', 'maximize'],
    eagerState: true,
    validate(a) {
      for (const [k, what] of [['lr', 'learning rate'], ['lr_decay', 'lr_decay value'], ['weight_decay', 'weight_decay value'], ['initial_accumulator_value', 'initial_accumulator_value value'], ['eps', 'epsilon value']] as const) {
        if (a.has(k) && a.float(k) < 0) throw pyError('ValueError', `Invalid ${what}: ${a.float(k)}`);
      }
    },
    step(u) {
      const A = new Arith(u.rt);
      const [lr, lrDecay, wd, eps] = [u.num('lr'), u.num('lr_decay'), u.num('weight_decay'), u.num('eps')];
      const sum = buffer(u, 'sum', () => u.rt.ops.full(u.param.shape, u.num('initial_accumulator_value'), u.param.t.dtype));
      const step = countStep(u);
      let grad = u.flag('maximize') ? A.neg(u.grad) : u.grad;
      if (wd !== 0) grad = A.add(grad, u.param.t, wd);
      const clr = lr / (1 + (step - 1) * lrDecay);
      write(sum, (old) => A.addcmul(old, grad, grad, 1));
      const std = A.addScalar(A.sqrt(sum.t), eps);
      write(u.param, (old) => A.addcdiv(old, grad, std, -clr));
    },
  },
];

function adamRule(name: 'Adam' | 'AdamW', weightDecay: number, decoupled: boolean): Rule {
  const options: [string, PyValue][] = decoupled
    ? [['lr', 1e-3], ['betas', new PyTuple([0.9, 0.999])], ['eps', 1e-8], ['weight_decay', weightDecay], ['amsgrad', false], ['maximize', false], ['foreach', null], ['capturable', false]]
    : [['lr', 1e-3], ['betas', new PyTuple([0.9, 0.999])], ['eps', 1e-8], ['weight_decay', 0n], ['amsgrad', false], ['foreach', null], ['maximize', false], ['capturable', false], ['differentiable', false], ['fused', false]];
  return {
    name,
    options,
    order: decoupled ? ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'foreach', 'maximize', 'capturable'] : ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize', 'foreach', 'capturable', 'differentiable', 'fused'],
    validate(a, ctx) {
      if (a.has('lr') && a.float('lr') < 0) throw pyError('ValueError', `Invalid learning rate: ${a.float('lr')}`);
      if (a.has('eps') && a.float('eps') < 0) throw pyError('ValueError', `Invalid epsilon value: ${a.float('eps')}`);
      const betas = a.opt('betas');
      if (betas !== undefined) {
        const [b1, b2] = [...iterate(betas, ctx)].map((b) => toFloat(b, ctx));
        if (!(b1 >= 0 && b1 < 1)) throw pyError('ValueError', `Invalid beta parameter at index 0: ${b1}`);
        if (!(b2 >= 0 && b2 < 1)) throw pyError('ValueError', `Invalid beta parameter at index 1: ${b2}`);
      }
      if (a.has('weight_decay') && a.float('weight_decay') < 0) throw pyError('ValueError', `Invalid weight_decay value: ${a.float('weight_decay')}`);
    },
    step(u) {
      const A = new Arith(u.rt);
      const betas = [...iterate(getItem(u.group, 'betas') ?? null, u.rt.ctx)].map((b) => toFloat(b, u.rt.ctx));
      const [beta1, beta2] = betas;
      const [lr, eps, wd] = [u.num('lr'), u.num('eps'), u.num('weight_decay')];
      const zeros = () => u.rt.ops.zerosLike(u.param.t);
      const step = countStep(u);
      const expAvg = buffer(u, 'exp_avg', zeros);
      const expAvgSq = buffer(u, 'exp_avg_sq', zeros);
      const maxSq = u.flag('amsgrad') ? buffer(u, 'max_exp_avg_sq', zeros) : null;
      const h = { lr, beta1, beta2, eps, weightDecay: wd, decoupled, maximize: u.flag('maximize'), step };
      if (adamOnHost(u.rt.engine, u.param.t, u.grad, expAvg.t, expAvgSq.t, maxSq?.t ?? null, h)) return;
      let grad = u.flag('maximize') ? A.neg(u.grad) : u.grad;
      if (decoupled) write(u.param, (old) => A.mul(old, 1 - lr * wd));
      else if (wd !== 0) grad = A.add(grad, u.param.t, wd);
      write(expAvg, (old) => A.add(A.mul(old, beta1), grad, 1 - beta1));
      write(expAvgSq, (old) => A.addcmul(A.mul(old, beta2), grad, grad, 1 - beta2));
      const biasCorrection1 = 1 - libm.pow(beta1, step);
      const biasCorrection2 = 1 - libm.pow(beta2, step);
      const stepSize = lr / biasCorrection1;
      const bc2Sqrt = Math.sqrt(biasCorrection2);
      let second = expAvgSq.t;
      if (maxSq) {
        write(maxSq, (old) => A.maximum(old, expAvgSq.t));
        second = maxSq.t;
      }
      const denom = A.addScalar(A.div(A.sqrt(second), bc2Sqrt), eps);
      write(u.param, (old) => A.addcdiv(old, expAvg.t, denom, -stepSize));
    },
  };
}

interface OptimizerState {
  readonly rule: Rule;
  readonly defaults: PyDict;
}

const OPTIMIZERS = new WeakMap<PyInstance, OptimizerState>();

function optimizerOf(self: PyValue): OptimizerState & { self: PyInstance } {
  const s = self instanceof PyInstance ? OPTIMIZERS.get(self) : undefined;
  if (!s) throw pyError('TypeError', `expected an optimizer, got ${typeName(self)}`);
  return { ...s, self: self as PyInstance };
}

function groups(self: PyInstance): PyDict[] {
  const g = self.dict.get('param_groups');
  if (!(g instanceof PyList)) throw pyError('AttributeError', "optimizer has no 'param_groups' list");
  return g.items.filter((x): x is PyDict => x instanceof PyDict);
}

function groupParams(group: PyDict): PyTensor[] {
  const ps = getItem(group, 'params');
  return ps instanceof PyList ? ps.items.filter((p): p is PyTensor => p instanceof PyTensor) : [];
}

/** Checks and adds one param group (a dict, or an iterable of tensors), filling its defaults. */
function addGroup(self: PyInstance, group: PyValue, defaults: PyDict, ctx: HostContext): void {
  const g = new PyDict();
  let params: PyValue;
  if (group instanceof PyDict) {
    params = getItem(group, 'params') ?? null;
    for (const [hk, [k, v]] of group.map) g.setByKey(hk, k, v);
  } else params = group;
  const list = params instanceof PyTensor ? [params] : [...iterate(params, ctx)];
  for (const p of list) {
    if (!(p instanceof PyTensor)) throw pyError('TypeError', `optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`);
    if (!p.t.isLeaf) throw pyError('ValueError', "can't optimize a non-leaf Tensor");
  }
  setItem(g, 'params', new PyList(list));
  for (const [k, v] of defaults.entries()) {
    if (g.getByKey(hashKey(k)!) !== undefined) continue;
    if (v === (REQUIRED as unknown as PyValue)) throw pyError('ValueError', `parameter group didn't specify a value of required optimization parameter ${ctx.str(k)}`);
    g.setByKey(hashKey(k)!, k, v);
  }
  const existing = new Set(groups(self).flatMap(groupParams));
  if (list.some((p) => existing.has(p as PyTensor))) throw pyError('ValueError', 'some parameters appear in more than one parameter group');
  (self.dict.get('param_groups') as PyList).items.push(g);
}

function stateDictOf(self: PyInstance): PyDict {
  const state = self.dict.get('state');
  if (!(state instanceof PyDict)) throw pyError('AttributeError', "optimizer has no 'state' dict");
  return state;
}

function stateFor(self: PyInstance, p: PyTensor): PyDict {
  const state = stateDictOf(self);
  const key = hashKey(p)!;
  let s = state.getByKey(key);
  if (!(s instanceof PyDict)) {
    s = new PyDict();
    state.setByKey(key, p, s);
  }
  return s as PyDict;
}

function runStep(rt: TorchRuntime, self: PyInstance, rule: Rule, ctx: HostContext): void {
  // NB: every parameter is checked before any is updated, so a refused step leaves parameters and state as they were.
  if (rule.name !== 'SGD') {
    for (const param of groups(self).flatMap(groupParams)) {
      const state = stateDictOf(self).getByKey(hashKey(param)!);
      if (param.t.grad && state instanceof PyDict) checkStateDType(rule, param, state);
    }
  }
  for (const group of groups(self)) {
    const num = (name: string) => toFloat(getItem(group, name) ?? 0, ctx);
    const flag = (name: string) => truthy(getItem(group, name) ?? false, ctx);
    for (const param of groupParams(group)) {
      const grad = param.t.grad;
      if (!grad) continue;
      const state = stateFor(self, param);
      rt.run(() => rt.engine.withGradMode(false, () => rule.step({ rt, param, grad, group, state, num, flag })));
    }
  }
}

/**
 * Refuses a step whose state tensors (Adam's exp_avg) kept a dtype the parameter no longer has,
 * as after `model.double()` past the first step: PyTorch 1.13 stops there too, with an internal
 * assert in its addcmul_/addcdiv_ kernels. SGD's momentum buffer mixes dtypes as PyTorch's does.
 */
function checkStateDType(rule: Rule, param: PyTensor, state: PyDict): void {
  for (const [key, value] of state.entries()) {
    if (key === 'step' || !(value instanceof PyTensor) || value.dtype === param.dtype) continue;
    throw pyError('RuntimeError', `${rule.name}.step(): the state '${String(key)}' of a parameter is ${value.dtype} but the parameter is now ${param.dtype} `
      + '(the model changed dtype after the optimizer made its state); PyTorch 1.13 fails here too, with an INTERNAL ASSERT, after updating the parameters before it; Gradlens updated none. '
      + 'Build the optimizer after model.double(), or reload its state with optimizer.load_state_dict(optimizer.state_dict()), which casts it to each parameter\'s dtype');
  }
}

function stateDict(self: PyInstance): PyDict {
  const index = new Map<PyTensor, bigint>();
  const packedGroups = groups(self).map((g) => {
    const packed = new PyDict();
    for (const [hk, [k, v]] of g.map) if (k !== 'params') packed.setByKey(hk, k, v);
    const ids = groupParams(g).map((p) => {
      if (!index.has(p)) index.set(p, BigInt(index.size));
      return index.get(p)!;
    });
    setItem(packed, 'params', new PyList(ids));
    return packed;
  });
  const packedState = new PyDict();
  const state = self.dict.get('state');
  if (state instanceof PyDict) {
    for (const [p, s] of state.entries()) {
      if (!(p instanceof PyTensor) || !index.has(p) || !(s instanceof PyDict)) continue;
      const id = index.get(p)!;
      packedState.setByKey(hashKey(id)!, id, s);
    }
  }
  const out = new PyDict();
  setItem(out, 'state', packedState);
  setItem(out, 'param_groups', new PyList(packedGroups));
  return out;
}

/** A copy of `value` for `param`'s state (PyTorch's deepcopy and cast): tensors cloned, float ones in the parameter's dtype but `step`. */
function castState(rt: TorchRuntime, param: PyTensor, value: PyValue, key: PyValue, ctx: HostContext): PyValue {
  if (value instanceof PyTensor) {
    const dtype = key !== 'step' && (param.dtype === 'float32' || param.dtype === 'float64') ? param.dtype : value.dtype;
    return rt.run(() => rt.wrap(rt.engine.withGradMode(false, () => rt.convert(rt.ops.add(value.t, rt.ops.scalarLike(0, value.t)), dtype)), dtype));
  }
  if (value instanceof PyDict) {
    const d = new PyDict();
    for (const [hk, [k, v]] of value.map) d.setByKey(hk, k, castState(rt, param, v, k, ctx));
    return d;
  }
  if (value instanceof PyList) return new PyList(value.items.map((v) => castState(rt, param, v, null, ctx)));
  if (value instanceof PyTuple) return new PyTuple(value.items.map((v) => castState(rt, param, v, null, ctx)));
  return value;
}

/** `optimizer.load_state_dict(sd)`: PyTorch 1.13's, matching saved parameter ids to this optimizer's parameters in order. */
function loadStateDict(rt: TorchRuntime, self: PyInstance, sd: PyValue, ctx: HostContext): PyValue {
  const list = (v: PyValue): PyValue[] => [...iterate(v, ctx)];
  const mine = groups(self);
  const saved = list(ctx.getitem(sd, 'param_groups'));
  if (mine.length !== saved.length) throw pyError('ValueError', 'loaded state dict has a different number of parameter groups');
  const savedIds = saved.map((g) => list(ctx.getitem(g, 'params')));
  if (mine.some((g, i) => groupParams(g).length !== savedIds[i].length)) {
    throw pyError('ValueError', "loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
  }
  const idMap = new Map<string, PyTensor>();
  savedIds.forEach((ids, i) => ids.forEach((id, k) => idMap.set(hashKey(id) ?? '', groupParams(mine[i])[k])));
  const state = new PyDict();
  const savedState = ctx.getitem(sd, 'state');
  for (const k of list(savedState)) {
    const v = ctx.getitem(savedState, k);
    const param = idMap.get(hashKey(k) ?? '');
    if (!param) {
      state.setByKey(hashKey(k)!, k, v);
      continue;
    }
    const copy = castState(rt, param, v, null, ctx);
    state.setByKey(hashKey(param)!, param, copy);
    // The step count Adam, AdamW and Adagrad read (see STEPS) comes with it.
    const step = copy instanceof PyDict ? getItem(copy, 'step') : undefined;
    if (copy instanceof PyDict && step !== undefined) STEPS.set(copy, step instanceof PyTensor ? step.values('item')[0] : toFloat(step, ctx));
  }
  const groupsNow = saved.map((g, i) => {
    const d = new PyDict();
    for (const k of list(g)) d.setByKey(hashKey(k)!, k, castState(rt, groupParams(mine[i])[0], ctx.getitem(g, k), k, ctx));
    setItem(d, 'params', getItem(mine[i], 'params') ?? new PyList([]));
    return d;
  });
  self.dict.set('state', state);
  self.dict.set('param_groups', new PyList(groupsNow));
  return null;
}

/** `torch.optim` for one run: Optimizer and its subclasses. */
export function optimizerTypes(rt: TorchRuntime): Record<string, PyType> {
  const baseAttrs = new Map<string, PyValue>();
  const Optimizer = new PyType('Optimizer', { module: 'torch.optim.optimizer', attrs: baseAttrs });
  const method = (name: string, spec: readonly string[], body: (s: OptimizerState & { self: PyInstance }, a: Args, ctx: HostContext) => PyValue) =>
    new PyBuiltin(name, (args, kwargs, ctx) => body(optimizerOf(args[0] ?? null), bindArgs(name, spec, args.slice(1), kwargs, ctx), ctx));
  const entries: Record<string, PyValue> = {
    zero_grad: method('zero_grad', ['set_to_none?'], (s, a) => {
      zeroGrads(groups(s.self).flatMap(groupParams), a.bool('set_to_none', false));
      return null;
    }),
    step: method('step', ['closure?'], (s, a, ctx) => {
      const closure = a.opt('closure');
      let loss: PyValue = null;
      if (closure !== undefined) {
        const was = rt.engine.gradEnabled;
        rt.engine.setGradEnabled(true);
        try {
          loss = ctx.call(closure, []);
        } finally {
          rt.engine.setGradEnabled(was);
        }
      }
      runStep(rt, s.self, s.rule, ctx);
      return loss;
    }),
    add_param_group: method('add_param_group', ['param_group'], (s, a, ctx) => {
      addGroup(s.self, a.required('param_group'), s.defaults, ctx);
      return null;
    }),
    state_dict: method('state_dict', [], (s) => stateDict(s.self)),
    load_state_dict: method('load_state_dict', ['state_dict'], (s, a, ctx) => loadStateDict(rt, s.self, a.required('state_dict'), ctx)),
    __repr__: method('__repr__', [], (s, _a, ctx) => {
      let text = `${s.self.cls.name} (`;
      groups(s.self).forEach((g, i) => {
        text += `\nParameter Group ${i}`;
        const keys = [...g.keys()].filter((k): k is string => typeof k === 'string' && k !== 'params').sort();
        for (const k of keys) text += `\n    ${k}: ${ctx.str(getItem(g, k) ?? null)}`;
      });
      return `${text}\n)`;
    }),
  };
  for (const [k, v] of Object.entries(entries)) baseAttrs.set(k, v);
  // Its parameters, groups and state are all in its `__dict__`.
  Optimizer.instanceContents = () => [];
  Optimizer.construct = () => {
    throw pyError('NotImplementedError', 'torch.optim.Optimizer is a base class: build SGD, Adam, AdamW, RMSprop or Adagrad');
  };

  const out: Record<string, PyType> = { Optimizer };
  for (const rule of RULES) {
    const cls = new PyType(rule.name, { module: `torch.optim.${rule.name.toLowerCase()}`, bases: [Optimizer] });
    cls.instanceContents = Optimizer.instanceContents;
    const init = new PyBuiltin('__init__', (args, kwargs, ctx) => {
      const self = args[0];
      if (!(self instanceof PyInstance)) throw pyError('TypeError', `${rule.name}.__init__ needs an instance`);
      const spec = ['params', ...rule.options.map(([k]) => `${k}?`)];
      const a = bindArgs('__init__', spec, args.slice(1), kwargs, ctx);
      rule.validate?.(a, ctx);
      const defaults = new PyDict();
      const given = new Map(rule.options.map(([k, d]) => [k, a.has(k) ? a.get(k)! : d]));
      for (const k of rule.order ?? rule.options.map(([k]) => k)) setItem(defaults, k, given.get(k)!);
      OPTIMIZERS.set(self, { rule, defaults });
      self.dict.set('defaults', defaults);
      self.dict.set('state', new PyDict());
      self.dict.set('param_groups', new PyList([]));
      const params = a.required('params');
      if (params instanceof PyTensor) throw pyError('TypeError', `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${tensorTypeName(params.dtype)}`);
      const list = [...iterate(params, ctx)];
      if (list.length === 0) throw pyError('ValueError', 'optimizer got an empty parameter list');
      if (list.every((g) => g instanceof PyDict)) for (const g of list) addGroup(self, g, defaults, ctx);
      else addGroup(self, new PyList(list), defaults, ctx);
      if (rule.eagerState) {
        for (const g of groups(self)) {
          for (const p of groupParams(g)) {
            const state = stateFor(self, p);
            rt.run(() => {
              setItem(state, 'step', rt.wrap(rt.engine.fromValues([0], [], 'float32')));
              setItem(state, 'sum', rt.wrap(rt.ops.full(p.shape, toFloat(getItem(g, 'initial_accumulator_value') ?? 0, ctx), p.t.dtype), p.dtype));
            });
          }
        }
      }
      return null;
    });
    cls.attrs.set('__init__', init);
    cls.construct = (args, kwargs, ctx) => {
      const inst = new PyInstance(cls);
      ctx.madeInstance(inst);
      ctx.call(init, [inst, ...args], kwargs);
      return inst;
    };
    out[rule.name] = cls;
  }
  return out;
}

/** The learning rates of an optimizer's groups, for the schedulers. */
export function groupsOf(optimizer: PyValue): PyDict[] {
  return groups(optimizerOf(optimizer).self);
}

export { getItem, setItem };
