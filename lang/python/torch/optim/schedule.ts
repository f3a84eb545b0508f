/** What a learning-rate schedule is to the scheduler that steps it (lr_scheduler.ts). */
import type { Args, HostContext, PyDict, PyInstance } from '../../interpreter';

export interface Schedule {
  readonly name: string;
  readonly spec: readonly string[];
  /** Runs before the groups' `initial_lr` is set, as a subclass's `__init__` runs before `_LRScheduler.__init__`. */
  readonly setup?: (self: PyInstance, a: Args, ctx: HostContext) => void;
  /** The new lr of each group at `self.last_epoch` (already advanced). */
  readonly lr: (s: SchedulerState, ctx: HostContext) => number[];
}

export interface SchedulerState {
  readonly self: PyInstance;
  readonly groups: PyDict[];
  readonly baseLrs: number[];
  readonly epoch: number;
  readonly stepCount: number;
  num(name: string): number;
}
