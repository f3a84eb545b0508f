import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine, torchSleefTrig, type SleefTrig } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';
import { assertSameStream, type RecordedStream } from '../support/recorded_streams';

/**
 * PyTorch 1.13's CPU float32 sin, cos, exp, log, tanh and sigmoid bit for bit, as Debian's AVX2 build
 * computes them: Sleef's vector functions 8 floats at a time from each row's start (sin and cos
 * choosing their reduction per vector), sigmoid's last (row mod 16) elements through glibc's expf
 * (test/fixtures/random/torch_float32_trig.py records them). Streams: every 65,537th float32 bit pattern
 * and 20,003 arguments of each range in contiguous tensors (145,548 a function for sin and cos:
 * [-pi, pi], [-1e-3, 1e-3], [-1e4, 1e4], and [-200, 200] scrambled so vectors mix both reductions);
 * cases: views whose rows TensorIterator hands its loop one by one, and mm where OpenBLAS adds
 * each output as one FMA chain, each program run on wasm, cpu and reference. Before, Gradlens missed PyTorch's last bit for 1-38% of the arguments of the first
 * case, by function and backend (sin: 18% on wasm, 5% on cpu; sigmoid: 38% on cpu).
 */
const RECORDED: {
  step: number;
  count: number;
  scramble: number;
  ranges: Record<string, [number, number]>;
  streams: { function: SleefTrig | 'exp' | 'log' | 'tanh' | 'sigmoid'; arguments: string; count: number; third: string[]; sha256: string }[];
  cases: RecordedStream[];
} = JSON.parse(readFileSync('test/fixtures/random/torch_float32_trig.json', 'utf8'));

const fromRepr = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));

function argumentsOf(kind: string, count: number): Float32Array {
  if (kind === 'bits') return new Float32Array(Uint32Array.from({ length: count }, (_, i) => i * RECORDED.step).buffer);
  const [lo, hi] = RECORDED.ranges[kind]!;
  const at = kind === 'scrambled' ? (i: number) => (i * RECORDED.scramble) % count : (i: number) => i;
  return Float32Array.from({ length: count }, (_, i) => lo + ((hi - lo) * at(i)) / count);
}

describe('torch float32 sin and cos (and exp, log, tanh, sigmoid and small mm over views): PyTorch\'s Sleef vectors and FMA chains, bit for bit', () => {
  // NB: exp, log, tanh and sigmoid's streams are torch_float32.test.ts's (torch_cpu_unary.ts); their programs below still run here.
  for (const r of RECORDED.streams.filter((s): s is typeof s & { function: SleefTrig } => s.function === 'sin' || s.function === 'cos')) {
    it(`${r.function} of ${r.count} arguments (${r.arguments}) in a contiguous tensor`, () => {
      const x = argumentsOf(r.arguments, r.count);
      const values = torchSleefTrig(x, [x.length], [1], r.function);
      // NB: hashed as the recorder hashes: every NaN the quiet NaN.
      values.forEach((v, i) => { if (Number.isNaN(v)) values[i] = NaN; });
      const third = Math.floor(r.count / 3);
      assert.deepEqual(Array.from(values.slice(third, third + 4)), r.third.map(fromRepr));
      assert.equal(createHash('sha256').update(Buffer.from(values.buffer)).digest('hex'), r.sha256);
    });
  }

  const backends: [string, () => Promise<Backend>][] = [
    ['wasm', () => createTfjsBackend('wasm')],
    ['cpu', () => createTfjsBackend('cpu')],
    ['reference', async () => createReferenceBackend()],
  ];
  for (const [name, open] of backends) {
    it(`${name}: ${RECORDED.cases.length} programs over views, every value as PyTorch prints it`, async () => {
      const backend = await open();
      for (const c of RECORDED.cases) {
        const r = runPython(`import torch\n${c.code}\nprint(out.tolist())\n`, new EagerEngine(backend), { file: 'sleef.py' });
        assert.equal(r.error ? formatError(r.error) : null, null, c.name);
        assertSameStream(JSON.parse(r.output).flat(Infinity), c);
      }
    });
  }
});
