/**
 * Resolved by bench/build.mjs: the fusion compiler of runtime/jit/compile once it is committed,
 * else `compile` is undefined and jit uses its default (simplify, then evaluate op by op).
 */
declare module 'gradlens-bench:fusion' {
  import type { Compile } from '../runtime/jit';
  export const compile: Compile | undefined;
  /** 'fusion' or 'default': printed in the table. */
  export const name: string;
}
