/**
 * Issue 17's memory goal, as a soak (`npm run soak:training`, GRADLENS_SOAK_TRAINING_EVALUATIONS;
 * only then, as 1,000 evaluations take most of an hour here): the language server's resident
 * memory, with its evaluation process's, stays within 1.2x of what it was after the first
 * evaluation of a 200-step training loop (training_soak.ts). `npm run bench:memory` runs the same
 * soak and writes its row in BENCHMARKS.md.
 */
import { strict as assert } from 'node:assert';
import { LspClient } from './client';
import { describeSamples, describeSoak, MAX_RATIO, soakTraining } from './training_soak';

const EVALUATIONS = Number(process.env.GRADLENS_SOAK_TRAINING_EVALUATIONS ?? 0);

if (EVALUATIONS > 0) {
  describe('language server soak: a 200-step training loop evaluated over and over (issue 17)', function () {
    this.timeout(EVALUATIONS * 60_000);
    let client: LspClient;
    before(async () => {
      client = await LspClient.start();
    });
    after(async () => {
      await client.stop();
    });

    it(`keeps its resident memory within ${MAX_RATIO}x of after the first over ${EVALUATIONS} evaluations`, async () => {
      const soak = await soakTraining(client, EVALUATIONS);
      console.log(`    ${describeSoak(soak)}`);
      console.log(`    ${describeSamples(soak)}`);
      assert.ok(soak.lastTotal <= soak.first.total * MAX_RATIO, `the server's RSS went from ${soak.first.total.toFixed(0)} MiB after the first evaluation to ${soak.lastTotal.toFixed(0)} MiB (more than ${MAX_RATIO}x)`);
    });
  });
}
