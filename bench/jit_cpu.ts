// Fused CPU kernels against op-by-op evaluation on a W2-like elementwise chain of 2^20 float32.
// Run: npx esbuild bench/jit_cpu.ts --bundle --platform=node --outfile=/tmp/b.js && node /tmp/b.js
import { createReferenceBackend, createTfjsBackend, type Backend, type DeviceArray } from '../runtime/backends';
import { aval, Random } from '../runtime/core';
import { evalJaxpr, makeJaxpr } from '../runtime/jit';
import { compile } from '../runtime/jit/compile';

const N = 1 << 20;
const RUNS = Number(process.env.RUNS ?? 15);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time<A extends DeviceArray>(backend: Backend<A>, run: () => A[]): { ms: number; value: number } {
  let value = NaN;
  const once = () => {
    const t = performance.now();
    const outs = run();
    value = backend.readSync(outs[0])[0];
    const ms = performance.now() - t;
    outs.forEach((o) => backend.dispose(o));
    return ms;
  };
  for (let k = 0; k < 3; k++) once();
  return { ms: median(Array.from({ length: RUNS }, once)), value };
}

async function main(): Promise<void> {
  const f32 = aval([N], 'float32');
  const jaxpr = makeJaxpr((o, x, y) => o.reduceSum(o.add(o.mul(o.tanh(x), y), o.integerPow(o.sin(x), 2)), [0]), [f32, f32]);
  const w2 = makeJaxpr((o, x) => {
    const a = o.integerPow(o.tanh(o.add(o.mul(x, o.lit(1.5)), o.lit(0.3))), 2);
    return o.reduceSum(o.add(a, o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x))))), [0]);
  }, [f32]);
  const rng = new Random(1);
  const xs = [rng.normals(N), rng.normals(N)];
  const ref = createReferenceBackend();
  const wasm = await createTfjsBackend('wasm');
  const rows: string[] = [];
  for (const [name, j] of [['sum(tanh(x)*y + sin(x)**2)', jaxpr], ['W2 forward: sum(tanh(1.5x+0.3)**2 + sin(x)*exp(-x*x))', w2]] as const) {
    const r = j.invars.map((v, i) => ref.upload(xs[i], v.aval));
    const w = j.invars.map((v, i) => wasm.upload(xs[i], v.aval));
    const t0 = performance.now();
    const exeRef = compile(j, ref);
    const compileMs = performance.now() - t0;
    const exeWasm = compile(j, wasm);
    const results = [
      ['Gradlens jit, fused JS kernel (reference arrays)', time(ref, () => exeRef.run(r))],
      ['Gradlens jit, fused JS kernel (tfjs wasm arrays: readSync + kernel + upload)', time(wasm, () => exeWasm.run(w))],
      ['op-by-op, tfjs wasm (evalJaxpr)', time(wasm, () => evalJaxpr(j, wasm, w))],
      ['op-by-op, reference (evalJaxpr)', time(ref, () => evalJaxpr(j, ref, r))],
    ] as const;
    const base = results[0][1].ms;
    rows.push(`\n### ${name}, x of 2^20 float32 (${j.eqns.length} equations, ${exeRef.plan.kernels.length} kernel(s), compile ${compileMs.toFixed(2)} ms)\n`);
    rows.push('| engine | median ms | vs fused | value |', '|---|---:|---:|---:|');
    for (const [label, { ms, value }] of results) rows.push(`| ${label} | ${ms.toFixed(2)} | ${(ms / base).toFixed(2)}x | ${value.toPrecision(8)} |`);
    r.forEach((a) => ref.dispose(a));
    w.forEach((a) => wasm.dispose(a));
  }
  console.log(`Node ${process.version}, ${RUNS} runs each, median\n${rows.join('\n')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
