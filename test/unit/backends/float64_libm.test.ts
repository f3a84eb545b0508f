import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { MT19937 } from '../../../runtime/core';
import type { Primitive } from '../../../runtime/primitives';

/**
 * A float64 array's exp, log, sin, cos, tan, expm1, log1p and pow (what `np.exp(x)` and `x ** y` of
 * a NumPy array run) are glibc's, bit for bit: each kernel over 20,000 arguments of a stream of
 * test/fixtures/random/glibc_libm.json (recorded with CPython's math module, which calls glibc, as
 * NumPy does on a CPU without AVX-512), on the reference backend, and once a function on wasm,
 * which keeps float64 arrays on the host. V8's Math differs from glibc for 1-17% of these arguments.
 */
const RECORDED: { streams: { name: string; seed: number; count: number; sha256: string }[] } =
  JSON.parse(readFileSync('test/fixtures/random/glibc_libm.json', 'utf8'));

const KERNELS: Record<string, [Primitive, (u: number) => number[]]> = {
  'exp(60 u - 30)': ['exp', (u) => [60 * u - 30]],
  'exp(1454 u - 745)': ['exp', (u) => [1454 * u - 745]],
  'log(1 - u)': ['log', (u) => [1 - u]],
  'log(u * u)': ['log', (u) => [u * u]],
  'log(1 + u / 15)': ['log', (u) => [1 + u / 15]],
  'sin(2 pi u)': ['sin', (u) => [2 * Math.PI * u]],
  'sin(1e300 u)': ['sin', (u) => [1e300 * u]],
  'cos(-3 pi u)': ['cos', (u) => [-3 * Math.PI * u]],
  'cos(1e22 u)': ['cos', (u) => [1e22 * u]],
  'tan(200 u - 100)': ['tan', (u) => [200 * u - 100]],
  'expm1(80 u - 40)': ['expm1', (u) => [80 * u - 40]],
  'log1p(6 u - 0.9)': ['log1p', (u) => [6 * u - 0.9]],
  'pow(10 u, 40 u - 20)': ['pow', (u) => [10 * u, 40 * u - 20]],
  'pow(0.5 + u, 200 u - 100)': ['pow', (u) => [0.5 + u, 200 * u - 100]],
};

describe('float64 kernels: glibc\'s exp, log, sin, cos, tan, expm1, log1p and pow, bit for bit', () => {
  const backends = new Map<string, Backend>();
  before(async () => {
    backends.set('reference', createReferenceBackend());
    backends.set('wasm', await createTfjsBackend('wasm'));
  });

  const seen = new Set<Primitive>();
  for (const stream of RECORDED.streams.filter((s) => s.name in KERNELS)) {
    // NB: wasm runs the same host kernels as the reference: one stream of each function shows it.
    const prim = KERNELS[stream.name]![0];
    const on = seen.has(prim) ? ['reference'] : ['reference', 'wasm'];
    seen.add(prim);
    for (const backendName of on) {
      it(`${stream.name} over ${stream.count} float64 arguments on ${backendName}`, () => {
        const args = KERNELS[stream.name]![1];
        const engine = MT19937.fromSeed(stream.seed);
        const rows = Array.from({ length: stream.count }, () => args(engine.nextDouble53()));
        const backend = backends.get(backendName)!;
        const aval = { shape: [stream.count], dtype: 'float64' as const };
        const inputs = rows[0]!.map((_, k) => backend.upload(rows.map((r) => r[k]!), aval));
        const out = backend.run(prim, inputs, {} as never, aval);
        const values = backend.readSync(out);
        for (const x of [...inputs, out]) backend.dispose(x);
        assert.ok(values instanceof Float64Array);
        assert.equal(createHash('sha256').update(Buffer.from(values.buffer, values.byteOffset, values.byteLength)).digest('hex'), stream.sha256);
      });
    }
  }
});
