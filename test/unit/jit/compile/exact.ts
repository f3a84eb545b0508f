import * as assert from 'node:assert/strict';
import type { Backend, DeviceArray } from '../../../../runtime/backends';
import type { Jaxpr } from '../../../../runtime/ir';
import { evalJaxpr } from '../../../../runtime/jit';
import { compile } from '../../../../runtime/jit/compile';

/**
 * Each output of `jaxpr` on `inputs`, op by op (`want`) and compiled (`got`) to JS kernels or
 * interpreted kernels (the bit-exact paths); everything uploaded is disposed.
 */
export function both<A extends DeviceArray>(
  backend: Backend<A>, jaxpr: Jaxpr, inputs: readonly (readonly number[])[], codegen: 'js' | 'interpret' = 'js',
): { want: number[][]; got: number[][] } {
  const xs = inputs.map((v, i) => backend.upload(v, jaxpr.invars[i].aval));
  const values = (outs: A[]) => {
    const r = outs.map((o) => Array.from(backend.readSync(o)));
    outs.forEach((o) => backend.dispose(o));
    return r;
  };
  try {
    const want = values(evalJaxpr(jaxpr, backend, xs));
    const got = values(compile(jaxpr, backend, { codegen }).run(xs));
    return { want, got };
  } finally {
    xs.forEach((x) => backend.dispose(x));
  }
}

/** Equal as stored values: -0 is not 0, and any NaN equals any NaN. */
export const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** The outputs of JS kernels and of interpreted kernels equal the op-by-op ones bit for bit. */
export function assertExact<A extends DeviceArray>(backend: Backend<A>, jaxpr: Jaxpr, inputs: readonly (readonly number[])[], what: string): void {
  for (const codegen of ['js', 'interpret'] as const) {
    const { want, got } = both(backend, jaxpr, inputs, codegen);
    assert.equal(got.length, want.length, `${what}: output count`);
    want.forEach((w, k) => w.forEach((v, i) => assert.ok(same(got[k][i], v), `${what}: output ${k}[${i}]: ${codegen} ${got[k][i]}, reference ${v}`)));
  }
}
