/**
 * `torch.optim.lr_scheduler`: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR and
 * OneCycleLR, with PyTorch 1.13's chainable updates (each step rewrites `group['lr']` from its
 * current value) in doubles, as Python computes them (glibc's cos, which libm matches).
 */
import { bindArgs, hashKey, type HostContext, PyBuiltin, PyDict, pyError, PyInstance, PyList, PyType, type PyValue, toFloat } from '../../interpreter';
import { libm } from '../../../../runtime/core';
import { counterType } from '../../modules';
import { ONE_CYCLE } from './one_cycle';
import { getItem, groupsOf, setItem } from './optimizer';
import type { Schedule, SchedulerState } from './schedule';

const current = (s: SchedulerState, ctx: HostContext) => s.groups.map((g) => toFloat(getItem(g, 'lr') ?? 0, ctx));

const SCHEDULES: readonly Schedule[] = [
  {
    name: 'StepLR',
    spec: ['step_size', 'gamma?'],
    setup(self, a) {
      // Kept as given: the text classification tutorial's StepLR(optimizer, 1.0, gamma=0.1) steps on a float.
      self.dict.set('step_size', a.required('step_size'));
      self.dict.set('gamma', a.get('gamma') ?? 0.1);
    },
    lr(s, ctx) {
      const lrs = current(s, ctx);
      if (s.epoch === 0 || s.epoch % s.num('step_size') !== 0) return lrs;
      return lrs.map((lr) => lr * s.num('gamma'));
    },
  },
  {
    name: 'MultiStepLR',
    spec: ['milestones', 'gamma?'],
    setup(self, a, ctx) {
      self.dict.set('milestones', ctx.call(counterType, [a.required('milestones')]));
      self.dict.set('gamma', a.get('gamma') ?? 0.1);
    },
    lr(s, ctx) {
      const lrs = current(s, ctx);
      const times = (s.self.dict.get('milestones') as PyDict).getByKey(hashKey(BigInt(s.epoch))!);
      if (times === undefined) return lrs;
      const factor = s.num('gamma') ** Number(times);
      return lrs.map((lr) => lr * factor);
    },
  },
  {
    name: 'ExponentialLR',
    spec: ['gamma'],
    setup(self, a) {
      self.dict.set('gamma', a.required('gamma'));
    },
    lr(s, ctx) {
      const lrs = current(s, ctx);
      return s.epoch === 0 ? lrs : lrs.map((lr) => lr * s.num('gamma'));
    },
  },
  {
    name: 'CosineAnnealingLR',
    spec: ['T_max', 'eta_min?'],
    setup(self, a) {
      self.dict.set('T_max', a.required('T_max'));
      self.dict.set('eta_min', a.get('eta_min') ?? 0n);
    },
    lr(s, ctx) {
      const lrs = current(s, ctx);
      const T = s.num('T_max');
      const etaMin = s.num('eta_min');
      const e = s.epoch;
      if (e === 0) return lrs;
      if (s.stepCount === 1 && e > 0) return s.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + libm.cos((e * Math.PI) / T))) / 2);
      if ((((e - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) return lrs.map((lr, i) => lr + ((s.baseLrs[i] - etaMin) * (1 - libm.cos(Math.PI / T))) / 2);
      return lrs.map((lr) => ((1 + libm.cos((Math.PI * e) / T)) / (1 + libm.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
    },
  },
  {
    name: 'LambdaLR',
    spec: ['lr_lambda'],
    setup(self, a) {
      const f = a.required('lr_lambda');
      const n = groupsOf(self.dict.get('optimizer') ?? null).length;
      const fs = f instanceof PyList ? f.items : Array.from({ length: n }, () => f);
      if (fs.length !== n) throw pyError('ValueError', `Expected ${n} lr_lambdas, but got ${fs.length}`);
      self.dict.set('lr_lambdas', new PyList(fs));
    },
    lr(s, ctx) {
      const fs = (s.self.dict.get('lr_lambdas') as PyList).items;
      return s.baseLrs.map((base, i) => base * toFloat(ctx.call(fs[i], [BigInt(s.epoch)]), ctx));
    },
  },
  ONE_CYCLE,
];

function stateOf(self: PyInstance, ctx: HostContext): SchedulerState {
  const groups = groupsOf(self.dict.get('optimizer') ?? null);
  const base = self.dict.get('base_lrs');
  return {
    self,
    groups,
    baseLrs: base instanceof PyList ? base.items.map((v) => toFloat(v, ctx)) : [],
    epoch: Number(self.dict.get('last_epoch') ?? -1n),
    stepCount: Number(self.dict.get('_step_count') ?? 0n),
    num: (name) => toFloat(self.dict.get(name) ?? 0, ctx),
  };
}

function step(self: PyInstance, schedule: Schedule, ctx: HostContext): void {
  self.dict.set('_step_count', BigInt(Number(self.dict.get('_step_count') ?? 0n) + 1));
  self.dict.set('last_epoch', BigInt(Number(self.dict.get('last_epoch') ?? -1n) + 1));
  // What _enable_get_lr_call leaves behind after each step; state_dict shows it.
  self.dict.set('_get_lr_called_within_step', false);
  const s = stateOf(self, ctx);
  const lrs = schedule.lr(s, ctx);
  s.groups.forEach((g, i) => setItem(g, 'lr', lrs[i]));
  self.dict.set('_last_lr', new PyList(lrs));
}

export function schedulerTypes(): Record<string, PyType> {
  const base = new PyType('_LRScheduler', { module: 'torch.optim.lr_scheduler' });
  // Its optimizer and state are all in its `__dict__`: it holds them while it lives (HostContext.madeInstance).
  base.instanceContents = () => [];
  const out: Record<string, PyType> = { _LRScheduler: base };
  for (const schedule of SCHEDULES) {
    const attrs = new Map<string, PyValue>();
    const cls = new PyType(schedule.name, { module: 'torch.optim.lr_scheduler', bases: [base], attrs });
    const self0 = (args: PyValue[]) => {
      const self = args[0];
      if (!(self instanceof PyInstance)) throw pyError('TypeError', `${schedule.name} method needs an instance`);
      return self;
    };
    const init = new PyBuiltin('__init__', (args, kwargs, ctx) => {
      const self = self0(args);
      const a = bindArgs(schedule.name, ['optimizer', ...schedule.spec, 'last_epoch?', 'verbose?'], args.slice(1), kwargs, ctx);
      const optimizer = a.required('optimizer');
      const groups = groupsOf(optimizer);
      self.dict.set('optimizer', optimizer);
      const lastEpoch = a.int('last_epoch', -1);
      if (lastEpoch !== -1) throw pyError('NotImplementedError', `${schedule.name}(last_epoch=${lastEpoch}) is not supported by Gradlens; resume with last_epoch=-1 and step the scheduler again`);
      schedule.setup?.(self, a, ctx);
      for (const g of groups) if (getItem(g, 'initial_lr') === undefined) setItem(g, 'initial_lr', getItem(g, 'lr') ?? null);
      self.dict.set('base_lrs', new PyList(groups.map((g) => getItem(g, 'initial_lr') ?? null)));
      self.dict.set('last_epoch', -1n);
      self.dict.set('verbose', a.bool('verbose', false));
      self.dict.set('_step_count', 0n);
      step(self, schedule, ctx);
      return null;
    });
    attrs.set('__init__', init);
    attrs.set('step', new PyBuiltin('step', (args, kwargs, ctx) => {
      const a = bindArgs('step', ['epoch?'], args.slice(1), kwargs, ctx);
      if (a.opt('epoch') !== undefined) throw pyError('NotImplementedError', 'scheduler.step(epoch) is deprecated in PyTorch and not supported by Gradlens; call scheduler.step()');
      step(self0(args), schedule, ctx);
      return null;
    }));
    attrs.set('get_last_lr', new PyBuiltin('get_last_lr', (args) => {
      const lrs = self0(args).dict.get('_last_lr');
      return lrs instanceof PyList ? new PyList([...lrs.items]) : new PyList([]);
    }));
    attrs.set('state_dict', new PyBuiltin('state_dict', (args) => {
      const d = new PyDict();
      for (const [k, v] of self0(args).dict) if (k !== 'optimizer' && k !== 'lr_lambdas' && k !== 'anneal_func') d.setByKey(hashKey(k)!, k, v);
      return d;
    }));
    cls.instanceContents = base.instanceContents;
    cls.construct = (args, kwargs, ctx) => {
      const inst = new PyInstance(cls);
      ctx.madeInstance(inst);
      ctx.call(init, [inst, ...args], kwargs);
      return inst;
    };
    out[schedule.name] = cls;
  }
  return out;
}
