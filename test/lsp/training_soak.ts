/**
 * The memory soak of issue 17, shared by the soak test (`npm run soak:training`, which asserts the
 * goal) and the benchmark (`npm run bench:memory`, which writes the row in BENCHMARKS.md): the
 * language server evaluates a function that trains a small network for 200 steps (nn.Sequential,
 * SGD: ~10,000 eager ops), over and over, and its resident memory, with its evaluation process's,
 * is sampled every few evaluations.
 */
import { strict as assert } from 'node:assert';
import { loadavg } from 'node:os';
import { COMMANDS, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, median, readText, residentMiB } from './client';

export const SOAK_TRAINING_FILE = 'test/fixtures/lsp/soak_training.py';
export const SAMPLE_EVERY = 10;
/** Issue 17's goal: resident memory after 1,000 evaluations within this multiple of after the first. */
export const MAX_RATIO = 1.2;
/** What Debian's PyTorch 1.13 gives for train(0.1) (float32; Gradlens's tfjs-backend-wasm kernels round differently in the last digits). */
const PYTORCH_LOSS = 0.1395488679409027;

export interface MemorySample {
  /** Evaluations done when sampled. */
  at: number;
  /** MiB of the server with its evaluation process. */
  total: number;
  /** MiB of the server alone. */
  server: number;
  /** The machine's 1-minute load average then (the cores are shared; time moves with it, memory should not). */
  load: number;
}

export interface SoakSummary {
  evaluations: number;
  seconds: number;
  samples: MemorySample[];
  /** After the first evaluation. */
  first: MemorySample;
  /** Medians of the last quarter's samples (one sample is noise: the garbage collector runs when it likes). */
  lastTotal: number;
  lastServer: number;
  peak: number;
}

/** Runs `train(0.1)` `evaluations` times through the server, checking each loss against PyTorch's. */
export async function soakTraining(client: LspClient, evaluations: number): Promise<SoakSummary> {
  const uri = fileUri(SOAK_TRAINING_FILE);
  await client.open(uri, readText(SOAK_TRAINING_FILE));
  const pid = client.process.pid!;
  const samples: MemorySample[] = [];
  const started = Date.now();
  for (let i = 0; i < evaluations; i++) {
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'train' }]);
    assert.ok(outcome.ok, `evaluation ${i}: ${JSON.stringify(outcome)}`);
    assert.ok(Math.abs((outcome.result.value as number) - PYTORCH_LOSS) < 1e-5, `evaluation ${i}: loss ${outcome.result.value}, PyTorch gives ${PYTORCH_LOSS}`);
    if (i === 0 || (i + 1) % SAMPLE_EVERY === 0) samples.push({ at: i + 1, total: residentMiB(pid), server: residentMiB(pid, false), load: loadavg()[0] });
  }
  const later = samples.length > 1 ? samples.slice(1) : samples;
  const lastQuarter = later.slice(-Math.max(1, Math.floor(later.length / 4)));
  return {
    evaluations,
    seconds: (Date.now() - started) / 1000,
    samples,
    first: samples[0],
    lastTotal: median(lastQuarter.map((s) => s.total)),
    lastServer: median(lastQuarter.map((s) => s.server)),
    peak: Math.max(...samples.map((s) => s.total)),
  };
}

/** One line a person reads: after the first, after the last, the peak, and the server alone. */
export function describeSoak(s: SoakSummary): string {
  return `${s.evaluations} evaluations in ${s.seconds.toFixed(0)} s; server RSS with its evaluation process ${s.first.total.toFixed(0)} MiB after the first, ${s.lastTotal.toFixed(0)} MiB (median of the last quarter's samples, ${(s.lastTotal / s.first.total).toFixed(2)}x), peak ${s.peak.toFixed(0)} MiB (${(s.peak / s.first.total).toFixed(2)}x); the server alone ${s.first.server.toFixed(0)} -> ${s.lastServer.toFixed(0)} MiB`;
}

/** Every sample as server+evaluation process, in MiB. */
export function describeSamples(s: SoakSummary): string {
  return `RSS every ${SAMPLE_EVERY} (server + evaluation process): ${s.samples.map((m) => `${m.server.toFixed(0)}+${(m.total - m.server).toFixed(0)}`).join(' ')}`;
}
