/**
 * A soak through the language server: evaluations one after another, each at an input shape it has
 * not seen (the example call edited before each), alternating a jax and a torch file. Every new shape
 * compiles new kernels; the server's resident memory must stay flat. `npm run soak` runs 10,000
 * (GRADLENS_SOAK_EVALUATIONS); CI runs a bounded number.
 */
import { strict as assert } from 'node:assert';
import { COMMANDS, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, readText, residentMiB } from './client';

const EVALUATIONS = Number(process.env.GRADLENS_SOAK_EVALUATIONS ?? 1200);
/** Resident memory is compared from here on: the first evaluations load the runtime and fill its caches. */
const WARM_UP = Math.min(300, Math.floor(EVALUATIONS / 4));
/**
 * The server's and its evaluation process's together. NB: a worker thread held 28–58% above the
 * post-warm-up level (a terminated thread does not hand all of its native memory back); a child
 * process, whose exit returns everything, held 9–10% (measured at 400 and 1,200 evaluations); the unbounded
 * kernel caches this guards against grew it 210% over 3,000.
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
  this.timeout(Math.max(180_000, EVALUATIONS * 200));
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
    const samples: { at: number; mib: number }[] = [];
    let base = 0;
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
      if (i + 1 === WARM_UP) base = residentMiB(pid);
      if ((i + 1) % 100 === 0 || i + 1 === EVALUATIONS) samples.push({ at: i + 1, mib: residentMiB(pid) });
    }
    const end = residentMiB(pid);
    const peak = Math.max(...samples.map((s) => s.mib));
    console.log(`    ${EVALUATIONS} evaluations in ${((Date.now() - started) / 1000).toFixed(1)} s; server RSS (with its evaluation process) ${base.toFixed(0)} MiB after ${WARM_UP}, ${end.toFixed(0)} MiB at the end (${end >= base ? '+' : ''}${((end / base - 1) * 100).toFixed(1)}%), peak ${peak.toFixed(0)} MiB`);
    console.log(`    RSS every 100: ${samples.map((s) => s.mib.toFixed(0)).join(' ')}`);
    assert.ok(end <= base * (1 + MAX_GROWTH), `the server's RSS grew from ${base.toFixed(0)} to ${end.toFixed(0)} MiB (more than ${MAX_GROWTH * 100}%)`);
  });
});
