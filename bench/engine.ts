import type { Workload } from './workloads';

/** What one timed call produced: the value (when the workload reads it per call) and the gradients. */
export interface Outcome {
  readonly value?: number;
  readonly grads: readonly ArrayLike<number>[];
}

/**
 * One engine set up for one workload, inputs already resident where the engine keeps arrays.
 * `call` is what is timed: W1 reads value and gradient back as numbers; W2 and W3 end when the
 * gradients are computed (sync engines) or ready (jax-js's blockUntilReady), not copied out.
 */
export interface Runner<H = unknown> {
  call(): H | Promise<H>;
  /** Reads a call's result to the host for the correctness check (untimed). */
  read(handle: H): Outcome | Promise<Outcome>;
  /** Frees a call's result (untimed). */
  free(handle: H): void;
  dispose(): void;
}

export interface Engine {
  readonly id: string;
  readonly label: string;
  /** Null where the engine cannot run the workload; the reason goes into the notes. */
  prepare(w: Workload): Promise<Runner | null>;
}
