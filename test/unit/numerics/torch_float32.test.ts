import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTfjsBackend } from '../../../runtime/backends';
import { EagerEngine, TorchOps } from '../../../runtime/eager';
import { computesTorchCpuUnary, torchCpuUnary } from '../../../runtime/eager/torch_cpu_unary';

/**
 * torch.exp, torch.log, torch.tanh and torch.sigmoid of float32 tensors as PyTorch 1.13 computes
 * them on an AVX2 CPU, bit for bit: SLEEF's expf_u10, logf_u10 and tanhf_u10, and sigmoid's vector
 * formula for 16 elements at a time with its scalar one (glibc's expf) for the rest of each inner
 * loop. At every 65,537th float32 bit pattern and 100,000 evenly spaced arguments of each range
 * recorded (test/fixtures/random/torch_float32.py: overflow, underflow, subnormals, saturation);
 * sigmoid's also as rows of 15 of a (n, 16) tensor, all through its scalar formula. Before, the wasm
 * polynomials differed from PyTorch for 1% of exp's arguments, 5% of log's, 10% of tanh's and 24%
 * of sigmoid's (the lead's probe of 4,000 in [-20, 20]).
 */
type Name = 'exp' | 'log' | 'tanh' | 'sigmoid';
const RECORDED: {
  step: number;
  ranges: Record<Name, [number, number][]>;
  streams: { function: Name; arguments: string; count: number; third: string[]; sha256: string }[];
} = JSON.parse(readFileSync('test/fixtures/random/torch_float32.json', 'utf8'));

const fromRepr = (s: string) => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));

function argumentsOf(name: Name, label: string, count: number): Float32Array {
  if (label.startsWith('bits')) return new Float32Array(Uint32Array.from({ length: count }, (_, i) => i * RECORDED.step).buffer);
  const [lo, hi] = RECORDED.ranges[name][Number(/range (\d+)/.exec(label)![1])]!;
  return Float32Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / count);
}

function assertRecorded(values: Float32Array, r: (typeof RECORDED.streams)[number]): void {
  // NB: hashed as the recorder hashes: every NaN the quiet NaN JavaScript stores.
  const canonical = values.map((v) => (Number.isNaN(v) ? NaN : v));
  const third = Math.floor(r.count / 3);
  assert.deepEqual(Array.from(canonical.slice(third, third + 4)), r.third.map(fromRepr));
  assert.equal(createHash('sha256').update(Buffer.from(canonical.buffer)).digest('hex'), r.sha256);
}

describe('numerics: torch float32 exp, log, tanh and sigmoid as PyTorch 1.13 on AVX2, bit for bit', () => {
  let torch: TorchOps;
  let engine: EagerEngine;
  before(async () => {
    engine = new EagerEngine(await createTfjsBackend('wasm'));
    torch = new TorchOps(engine, () => true);
  });
  for (const r of RECORDED.streams) {
    it(`${r.function} at ${r.count} arguments (${r.arguments})`, () => {
      if (r.arguments.endsWith('rows of 15')) {
        const whole = argumentsOf(r.function, r.arguments, Math.floor(r.count / 15) * 16);
        const rows = whole.filter((_, i) => i % 16 !== 15);
        assertRecorded(torchCpuUnary('logistic', rows, [rows.length / 15, 15], [16, 1]), r);
        return;
      }
      const op = r.function === 'sigmoid' ? 'logistic' : r.function;
      // NB: torch.unary computes tanh and sigmoid here up to TORCH_ACTIVATION_MAX elements; the streams check the function itself.
      if (!computesTorchCpuUnary(op, r.count)) {
        assertRecorded(torchCpuUnary(op, argumentsOf(r.function, r.arguments, r.count), [r.count], [1]), r);
        return;
      }
      const x = engine.fromValues(argumentsOf(r.function, r.arguments, r.count), [r.count], 'float32');
      const y = torch.unary(op, x);
      assertRecorded(y.dataSync() as Float32Array, r);
      x.dispose();
      y.dispose();
    });
  }
});
