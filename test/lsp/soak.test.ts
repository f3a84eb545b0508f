/**
 * A soak through the language server: evaluations one after another, each at an input shape it has
 * not seen (the example call edited before each), alternating a jax and a torch file. Every new shape
 * compiles new kernels; the server's resident memory must stay flat. `npm run soak` runs 10,000
 * (GRADLENS_SOAK_EVALUATIONS); CI runs a bounded number.
 */
import { strict as assert } from 'node:assert';
import { COMMANDS, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, median, readText, residentMiB } from './client';

const EVALUATIONS = Number(process.env.GRADLENS_SOAK_EVALUATIONS ?? 1200);
/** Resident memory is compared from here on: the first evaluations load the runtime and fill its caches. */
const WARM_UP = Math.min(300, Math.floor(EVALUATIONS / 4));
/** Resident memory is sampled this often (evaluations). */
const SAMPLE_EVERY = 20;
/**
 * The server's and its evaluation process's together, the median of the last quarter's samples
 * against the first quarter's (after the warm-up). NB: one sample against another measured the
 * phase of the evaluation process's cycle: it is replaced every 500 evaluations (or once it grew
 * 96 MiB), so its memory saws between its fresh start and ~10% above; a sample taken just after a
 * replacement (the new process still loading) read 40% below. The kernels' pool of spare arrays
 * once grew it ~30 MiB per 500 evaluations here; the unbounded kernel caches grew it 210% over 3,000.
 */
const MAX_GROWTH = 0.2;
const FILES = ['test/fixtures/lsp/soak_jax.py', 'test/fixtures/lsp/soak_torch.py'];

/** What loss() of either file computes at linspace(-1, 1, n), in float64. */
function expectedLoss(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = n === 1 ? -1 : -1 + (2 * i) / (n - 1);
    sum += Math.tanh(w * 1.5 + 0.25) ** 2;
  }
  return sum / n;
}

describe('language server soak: evaluations at ever new shapes', function () {
  // NB: ~40 ms an evaluation on a quiet machine; at load 20-30 here 10,000 took longer than 2,000 s.
  this.timeout(Math.max(180_000, EVALUATIONS * 600));
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  it(`keeps its resident memory within ${MAX_GROWTH * 100}% over ${EVALUATIONS} evaluations, each at a new input shape`, async () => {
    const docs = FILES.map((file) => {
      const text = readText(file);
      const lines = text.split('\n');
      const call = lines.findIndex((l) => l.startsWith('loss('));
      return { uri: fileUri(file), text, call, callText: lines[call] };
    });
    for (const d of docs) await client.open(d.uri, d.text);
    const pid = client.process.pid!;
    const samples: { at: number; total: number; server: number }[] = [];
    const started = Date.now();
    for (let i = 0; i < EVALUATIONS; i++) {
      const doc = docs[i % 2];
      const n = i + 2;
      const callText = doc.callText.replace(/, \d+\)\)$/, `, ${n}))`);
      await client.change(doc.uri, [{ range: { start: { line: doc.call, character: 0 }, end: { line: doc.call, character: doc.callText.length } }, text: callText }]);
      doc.callText = callText;
      const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri: doc.uri, function: 'loss' }]);
      assert.ok(outcome.ok, `evaluation ${i} (n = ${n}): ${JSON.stringify(outcome)}`);
      assert.ok(Math.abs((outcome.result.value as number) - expectedLoss(n)) < 1e-5, `evaluation ${i} (n = ${n}): loss ${outcome.result.value}, want ${expectedLoss(n)}`);
      if (i + 1 >= WARM_UP && (i + 1) % SAMPLE_EVERY === 0) samples.push({ at: i + 1, total: residentMiB(pid), server: residentMiB(pid, false) });
    }
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const first = samples.slice(0, quarter);
    const last = samples.slice(-quarter);
    const total = { first: median(first.map((s) => s.total)), last: median(last.map((s) => s.total)) };
    const server = { first: median(first.map((s) => s.server)), last: median(last.map((s) => s.server)) };
    const growth = total.last / total.first - 1;
    const percent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
    console.log(`    ${EVALUATIONS} evaluations in ${((Date.now() - started) / 1000).toFixed(1)} s; server RSS with its evaluation process, median of each quarter's samples after ${WARM_UP}: ${[0, 1, 2, 3].map((q) => median(samples.slice(q * quarter, (q + 1) * quarter).map((s) => s.total)).toFixed(0)).join(' ')} MiB (last against first ${percent(growth)}); the server alone ${server.first.toFixed(0)} -> ${server.last.toFixed(0)} MiB (${percent(server.last / server.first - 1)}); peak ${Math.max(...samples.map((s) => s.total)).toFixed(0)} MiB`);
    console.log(`    RSS every 100 (server + evaluation process): ${samples.filter((s) => s.at % 100 === 0).map((s) => `${s.server.toFixed(0)}+${(s.total - s.server).toFixed(0)}`).join(' ')}`);
    assert.ok(growth <= MAX_GROWTH, `the server's RSS grew from ${total.first.toFixed(0)} to ${total.last.toFixed(0)} MiB, median of the first and last quarters (more than ${MAX_GROWTH * 100}%)`);
  });
});

