import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TorchGenerator, torchDropoutNoise, torchRandint, torchShuffledEpoch } from '../../../runtime/core';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';
import { assertSameStream, type RecordedStream } from '../support/recorded_streams';

/**
 * PyTorch's random streams, bit for bit: each case of test/fixtures/random/torch_streams.json is a
 * snippet and the values PyTorch 1.13 (CPU, AVX2 kernels) gave for it (torch_streams.py records
 * them; about 1,050 draws of each function over three seeds). float32 cases run on wasm, as users'
 * scripts do; float64 ones on the reference backend.
 */
interface DropoutCase {
  readonly seed: number;
  readonly dtype: 'float32' | 'float64';
  readonly calls: { p: number; kept: string; scale: number }[];
}

interface LoaderCase {
  readonly seed: number;
  readonly n: number;
  readonly epochs: number[][];
  readonly after: number[];
  readonly with_generator: number[];
}

const FIXTURE: { cases: (RecordedStream & { float64: boolean })[]; dropout: DropoutCase[]; loader: LoaderCase[] } =
  JSON.parse(readFileSync('test/fixtures/random/torch_streams.json', 'utf8'));

describe('torch random streams: bit for bit as PyTorch 1.13 draws them', () => {
  let wasm: Backend;
  before(async () => {
    wasm = await createTfjsBackend('wasm');
  });

  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const backend = c.float64 ? createReferenceBackend() : wasm;
      const r = runTorch(`import torch\n${c.code}\nprint(out.flatten().tolist())\n`, new EagerEngine(backend), { file: 'streams.py' });
      assert.equal(r.error ? formatError(r.error) : null, null);
      assertSameStream(JSON.parse(r.output), c);
    });
  }
});

describe('torch random streams: the dropout noise', () => {
  for (const c of FIXTURE.dropout) {
    it(`F.dropout(ones(350), p) for p = 0.5, 0.2, 0.1 in a row, ${c.dtype}, seed ${c.seed}`, () => {
      const g = new TorchGenerator(BigInt(c.seed));
      for (const call of c.calls) {
        const noise = torchDropoutNoise(g, call.kept.length, call.p, c.dtype);
        assert.equal(Array.from(noise, (v) => (v === 0 ? '0' : '1')).join(''), call.kept);
        assert.deepEqual(new Set(noise.filter((v) => v !== 0)), new Set([call.scale]));
      }
    });
  }
});

describe('torch random streams: what a shuffling DataLoader draws', () => {
  for (const c of FIXTURE.loader) {
    it(`two epochs of ${c.n} items, then the global stream; and with its own generator, seed ${c.seed}`, () => {
      const global = new TorchGenerator(BigInt(c.seed));
      assert.deepEqual(c.epochs.map(() => Array.from(torchShuffledEpoch(global, c.n))), c.epochs);
      assert.deepEqual(torchRandint(global, 3, 0n, 1000n).map(Number), c.after);
      const own = new TorchGenerator(BigInt(c.seed));
      assert.deepEqual(Array.from(torchShuffledEpoch(global, c.n, own)), c.with_generator);
    });
  }
});

describe('torch random streams: what cannot be drawn says so at its line', () => {
  const cases: [string, string][] = [
    ['x = torch.randint(5, 5, (3,))', "RuntimeError: random_ expects 'from' to be less than 'to', but got from=5 >= to=5"],
    ['x = torch.rand(3, dtype=torch.int64)', `RuntimeError: "check_uniform_bounds" not implemented for 'Long'`],
    ['x = torch.randn(2, dtype=torch.int32)', `RuntimeError: "normal_kernel_cpu" not implemented for 'Int'`],
    ['x = torch.randint(0, 2**60, (3,))', 'is past 2**53, where Gradlens stores int64 exactly'],
    ['x = torch.zeros(3, dtype=torch.int64).random_()', 'random_() on an int64 tensor draws up to 2**63'],
    ["g = torch.Generator(device='cuda')", 'Gradlens runs on the CPU only'],
    ['x = torch.multinomial(torch.tensor([0.5, 0.0]), 2)', 'not enough non-negative category to sample'],
    ['x = torch.normal(0.0, -1.0, (3,))', 'normal expects std >= 0.0, but found std -1'],
    ['x = torch.rand(3, out=torch.zeros(3))', 'rand(out=...) is not supported by Gradlens'],
    ['x = torch.rand(3, generator=3)', "rand(): argument 'generator' must be torch.Generator, not int"],
  ];
  for (const [line, message] of cases) {
    it(line, async () => {
      const engine = new EagerEngine(await createTfjsBackend('wasm'));
      const r = runTorch(`import torch\n${line}\n`, engine, { file: 'bad.py' });
      assert.ok(r.error, 'an error');
      const text = formatError(r.error);
      assert.ok(text.startsWith('bad.py:2:'), text);
      assert.ok(text.includes(message), text);
    });
  }
});
