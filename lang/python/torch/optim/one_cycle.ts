/**
 * OneCycleLR as PyTorch 1.13 computes it (torch/optim/lr_scheduler.py): the groups' `initial_lr`,
 * `max_lr` and `min_lr` set from `max_lr / div_factor` and `/ final_div_factor`, then each step
 * anneals (cos or linear) through two phases (three with three_phase) and moves the momentum, or
 * Adam's first beta, the other way. Values in doubles, as Python computes them.
 */
import { type Args, type HostContext, PyDict, pyError, PyList, PyTuple, type PyValue, iterate, toFloat, typeName } from '../../interpreter';
import { libm } from '../../../../runtime/core';
import { getItem, groupsOf, setItem } from './optimizer';
import type { Schedule } from './schedule';

interface Phase {
  readonly endStep: number;
  readonly startLr: string;
  readonly endLr: string;
  readonly startMomentum: string;
  readonly endMomentum: string;
}

interface OneCycle {
  readonly totalSteps: number;
  readonly phases: readonly Phase[];
  readonly anneal: (start: number, end: number, pct: number) => number;
  readonly momentum: 'momentum' | 'betas' | null;
}

const cycles = new WeakMap<object, OneCycle>();

const annealCos = (start: number, end: number, pct: number) => end + ((start - end) / 2.0) * (libm.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number) => (end - start) * pct + start;

/** `_format_param`: one value a group, from a list or tuple of them or one for all. */
function perGroup(name: string, value: PyValue, groups: number, ctx: HostContext): number[] {
  if (value instanceof PyList || value instanceof PyTuple) {
    if (value.items.length !== groups) throw pyError('ValueError', `expected ${groups} values for ${name}, got ${value.items.length}`);
    return value.items.map((v) => toFloat(v, ctx));
  }
  return Array.from({ length: groups }, () => toFloat(value, ctx));
}

function positiveInt(a: Args, name: string, ctx: HostContext): number {
  const v = a.get(name) ?? null;
  if (typeof v !== 'bigint' || v <= 0n) throw pyError('ValueError', `Expected positive integer ${name}, but got ${ctx.str(v)}`);
  return Number(v);
}

function setup(self: Parameters<NonNullable<Schedule['setup']>>[0], a: Args, ctx: HostContext): void {
  const optimizer = self.dict.get('optimizer') ?? null;
  const groups = groupsOf(optimizer);
  if (a.opt('total_steps') === undefined && a.opt('epochs') === undefined && a.opt('steps_per_epoch') === undefined) {
    throw pyError('ValueError', 'You must define either total_steps OR (epochs AND steps_per_epoch)');
  }
  const totalSteps = a.opt('total_steps') !== undefined ? positiveInt(a, 'total_steps', ctx) : positiveInt(a, 'epochs', ctx) * positiveInt(a, 'steps_per_epoch', ctx);
  self.dict.set('total_steps', BigInt(totalSteps));
  const pctStart = a.get('pct_start') ?? 0.3;
  if (typeof pctStart !== 'number' || pctStart < 0 || pctStart > 1) {
    throw pyError('ValueError', `Expected float between 0 and 1 pct_start, but got ${ctx.str(pctStart)}`);
  }
  const phase = (endStep: number, startLr: string, endLr: string, startMomentum: string, endMomentum: string): Phase => ({ endStep, startLr, endLr, startMomentum, endMomentum });
  const phases = a.bool('three_phase', false)
    ? [
        phase(pctStart * totalSteps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
        phase(2 * pctStart * totalSteps - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
        phase(totalSteps - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
      ]
    : [phase(pctStart * totalSteps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'), phase(totalSteps - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum')];
  const strategy = a.get('anneal_strategy') ?? 'cos';
  if (strategy !== 'cos' && strategy !== 'linear') throw pyError('ValueError', `anneal_strategy must by one of 'cos' or 'linear', instead got ${ctx.str(strategy)}`);
  const divFactor = a.float('div_factor', 25);
  const finalDivFactor = a.float('final_div_factor', 1e4);
  perGroup('max_lr', a.required('max_lr'), groups.length, ctx).forEach((maxLr, i) => {
    setItem(groups[i], 'initial_lr', maxLr / divFactor);
    setItem(groups[i], 'max_lr', maxLr);
    setItem(groups[i], 'min_lr', maxLr / divFactor / finalDivFactor);
  });
  let momentum: OneCycle['momentum'] = null;
  if (a.bool('cycle_momentum', true)) {
    const defaults = ctx.getattr(optimizer, 'defaults');
    const has = (k: string) => defaults instanceof PyDict && getItem(defaults, k) !== undefined;
    if (!has('momentum') && !has('betas')) throw pyError('ValueError', 'optimizer must support momentum with `cycle_momentum` option enabled');
    momentum = has('betas') ? 'betas' : 'momentum';
    const maxMomentums = perGroup('max_momentum', a.get('max_momentum') ?? 0.95, groups.length, ctx);
    const baseMomentums = perGroup('base_momentum', a.get('base_momentum') ?? 0.85, groups.length, ctx);
    groups.forEach((g, i) => {
      setMomentum(g, momentum!, maxMomentums[i], ctx);
      setItem(g, 'max_momentum', maxMomentums[i]);
      setItem(g, 'base_momentum', baseMomentums[i]);
    });
  }
  self.dict.set('cycle_momentum', momentum !== null);
  if (momentum !== null) self.dict.set('use_beta1', momentum === 'betas');
  cycles.set(self, { totalSteps, phases, anneal: strategy === 'cos' ? annealCos : annealLinear, momentum });
}

function setMomentum(group: PyDict, key: 'momentum' | 'betas', value: number, ctx: HostContext): void {
  if (key === 'momentum') return setItem(group, 'momentum', value);
  const betas = getItem(group, 'betas') ?? null;
  if (betas === null) throw pyError('KeyError', "'betas'");
  setItem(group, 'betas', new PyTuple([value, ...[...iterate(betas, ctx)].slice(1)]));
}

export const ONE_CYCLE: Schedule = {
  name: 'OneCycleLR',
  spec: ['max_lr', 'total_steps?', 'epochs?', 'steps_per_epoch?', 'pct_start?', 'anneal_strategy?', 'cycle_momentum?', 'base_momentum?', 'max_momentum?', 'div_factor?', 'final_div_factor?', 'three_phase?'],
  setup,
  lr(s, ctx) {
    const cycle = cycles.get(s.self);
    if (!cycle) throw pyError('RuntimeError', `${typeName(s.self)}.__init__ was not called`);
    const step = s.epoch;
    if (step > cycle.totalSteps) throw pyError('ValueError', `Tried to step ${step + 1} times. The specified number of total steps is ${cycle.totalSteps}`);
    const num = (g: PyDict, k: string) => toFloat(getItem(g, k) ?? null, ctx);
    // The phase the step is in (the last one past its end), and where the phase before it ended.
    let i = 0;
    while (i < cycle.phases.length - 1 && step > cycle.phases[i].endStep) i++;
    const p = cycle.phases[i];
    const start = i === 0 ? 0 : cycle.phases[i - 1].endStep;
    const pct = (step - start) / (p.endStep - start);
    return s.groups.map((g) => {
      if (cycle.momentum) setMomentum(g, cycle.momentum, cycle.anneal(num(g, p.startMomentum), num(g, p.endMomentum), pct), ctx);
      return cycle.anneal(num(g, p.startLr), num(g, p.endLr), pct);
    });
  },
};
