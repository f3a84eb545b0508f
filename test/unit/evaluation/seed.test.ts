import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openExecutionHost, type ExecutionHost } from '../../../evaluation';
import type { EvaluateRequest } from '../../../protocol/evaluate';
import type { EvaluationResult } from '../../../protocol/results';

export function request(file: string, fn: string, extra: Partial<EvaluateRequest> = {}): EvaluateRequest {
  return { uri: file, text: readFileSync(file, 'utf8'), function: fn, engines: 'both', backend: 'wasm', graphs: false, ...extra };
}

export async function evaluated(host: ExecutionHost, req: EvaluateRequest): Promise<EvaluationResult> {
  const outcome = await host.evaluate(req);
  if (!outcome.ok) assert.fail(`${outcome.error.kind}: ${outcome.error.message}`);
  return outcome.result;
}

describe('evaluation: the seed snippets', () => {
  let host: ExecutionHost;
  before(async () => {
    host = await openExecutionHost('wasm');
  });
  after(() => host.dispose());

  for (const [file, style] of [['examples/seed_torch.py', 'torch'], ['examples/seed_jax.py', 'jax']] as const) {
    it(`${file}: f(2.0) = 15.0 and df/dx = 7.0, on the engines it has, with per-line information`, async () => {
      const r = await evaluated(host, request(file, 'f'));
      assert.equal(r.function, 'f');
      assert.equal(r.style, style);
      assert.equal(r.inputOrigin, 'call');
      assert.deepEqual(r.inputs, { x: 2 });
      assert.equal(r.backend.name, 'wasm');
      assert.equal(r.value, 15);
      assert.deepEqual(r.grad, { x: 7 });
      assert.match(r.sourceHash, /^[0-9a-f]{16}$/);
      assert.ok(r.eager, 'an eager run');
      assert.equal(r.eager.value, 15);
      assert.deepEqual(r.eager.grad, { x: 7 });
      assert.ok(r.eager.ops >= 4, `x**2 + 3*x + 5 is at least 4 ops, got ${r.eager.ops}`);
      assert.ok(r.eager.runMs >= 0);
      assert.deepEqual(r.eager.lines.map((l) => l.line), [4 + (style === 'jax' ? 1 : 0)], 'the ops of the return line');
      if (r.jit) {
        assert.equal(r.jit.value, 15);
        assert.deepEqual(r.jit.grad, { x: 7 });
        assert.ok(r.jit.kernels >= 1);
        assert.ok(r.jit.lineKernels.length > 0);
      }
    });
  }
});
