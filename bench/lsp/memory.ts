/**
 * `npm run bench:memory`: issue 17's memory goal, measured. The language server evaluates a
 * 200-step training loop 1,000 times (GRADLENS_SOAK_TRAINING_EVALUATIONS for fewer, to try it) and
 * its resident memory after the last evaluations is compared with after the first. Writes the
 * `memory` section of BENCHMARKS.md and prints it.
 */
import { cpus, loadavg } from 'node:os';
import { LspClient } from '../../test/lsp/client';
import { describeSamples, MAX_RATIO, SAMPLE_EVERY, soakTraining, SOAK_TRAINING_FILE } from '../../test/lsp/training_soak';
import { writeBenchSection } from '../sections';

const EVALUATIONS = Number(process.env.GRADLENS_SOAK_TRAINING_EVALUATIONS ?? 1000);

async function main(): Promise<void> {
  const startLoad = loadavg()[0];
  const client = await LspClient.start();
  const soak = await soakTraining(client, EVALUATIONS);
  await client.stop();
  const ratio = soak.lastTotal / soak.first.total;
  const loads = soak.samples.map((s) => s.load);
  const meanLoad = loads.reduce((a, b) => a + b, 0) / loads.length;
  const md = [
    '## Memory: the language server over repeated evaluations (`npm run bench:memory`)',
    '',
    'Written by bench/lsp/memory.ts.',
    '',
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- 1-minute load average ${startLoad.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, ${meanLoad.toFixed(1)} on average over the samples (the cores are shared: time moves with the load, memory should not)`,
    '',
    `The server (\`node dist/server.js --stdio\`) evaluates \`train(0.1)\` of ${SOAK_TRAINING_FILE} (nn.Sequential(Linear(1, 16), Tanh(), Linear(16, 1)) + SGD, 200 steps on 64 points: ~10,000 eager ops) ${EVALUATIONS} times with \`gradlens.computeGradient\`, each loss checked against PyTorch's. Resident memory (VmRSS) of the server with its evaluation process, sampled after the first evaluation and every ${SAMPLE_EVERY}; "after the last" is the median of the last quarter's samples. A sample whose evaluation process holds a few MiB is one just replaced: the server replaces it after a number of evaluations, or once its memory has grown past a bound (evaluation/worker/execution.ts).`,
    '',
    '| measurement | after the first | after the last | ratio | peak | goal |',
    '|---|---:|---:|---:|---:|---|',
    `| RSS after ${EVALUATIONS} evaluations of a 200-step training loop (${soak.seconds.toFixed(0)} s) | ${soak.first.total.toFixed(0)} MiB | ${soak.lastTotal.toFixed(0)} MiB | ${ratio.toFixed(2)}× | ${soak.peak.toFixed(0)} MiB (${(soak.peak / soak.first.total).toFixed(2)}×) | ≤ ${MAX_RATIO}×: ${ratio <= MAX_RATIO ? 'met' : `not met (${ratio.toFixed(2)}×)`} |`,
    `| of it, the server alone | ${soak.first.server.toFixed(0)} MiB | ${soak.lastServer.toFixed(0)} MiB | ${(soak.lastServer / soak.first.server).toFixed(2)}× | | |`,
    '',
    `${describeSamples(soak)}.`,
  ].join('\n');
  writeBenchSection('memory', md);
  console.log(md);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
