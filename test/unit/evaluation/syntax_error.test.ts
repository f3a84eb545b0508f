/**
 * A file where one definition does not parse (issue 11.11): CPython runs no line of it, but the
 * other functions are computed without that definition's lines, and the result says so. Numbers:
 * Debian's PyTorch 1.13 on the good functions; the error as CPython 3.11's compile() reports it.
 */
import * as assert from 'node:assert/strict';
import { isEvaluationOutcome } from '../../../protocol/webview';
import { evaluated, failed, fileRequest, requestFor } from './support';

const FILE = 'test/fixtures/evaluation/syntax_error.py';
const LOST_INDENT = "IndentationError: expected an indented block after 'if' statement on line 13";

describe('evaluation: a definition that does not parse leaves the others computable (11.11)', () => {
  for (const [fn, value, grad] of [
    ['weighted_norm', 3.774917, [0.132453, -0.529813, 1.589439]],
    ['smooth_max', 2.00062, [0.002473, 6e-6, 0.997522]],
  ] as const) {
    it(`${fn}() computes PyTorch's value and gradient, and says it ran without lines 12–15`, async () => {
      const r = await evaluated(fileRequest(FILE, fn));
      for (const run of [r.eager, r.jit]) {
        assert.ok(run, `${fn}: both engines ran`);
        assert.ok(Math.abs(Number(run.value) - value) < 1e-5, `${fn}: value ${String(run.value)}`);
        (run.grad.x as number[]).forEach((g, i) => assert.ok(Math.abs(g - grad[i]) < 1e-5, `${fn}: ∂/∂x[${i}] = ${g}, PyTorch ${grad[i]}`));
      }
      assert.deepEqual(r.leftOut?.map((l) => [l.range.line, l.range.endLine]), [[12, 15]]);
      assert.equal(r.leftOut?.[0].message,
        `${FILE}:12:1: warning: ${fn}() was computed without lines 12–15 (relu_sum), which do not parse (IndentationError at 14:5); CPython runs no line of the file until they are fixed`);
      assert.ok(isEvaluationOutcome({ ok: true, result: r }), 'the panel passes the result on to the extension');
    });
  }

  it('the broken function itself fails with its error in CPython\'s class and words, at 14:5', async () => {
    const e = await failed(fileRequest(FILE, 'relu_sum'));
    assert.equal(e.message, `${FILE}:14:5: error: ${LOST_INDENT}`);
    assert.deepEqual([e.range?.line, e.range?.col], [14, 5]);
  });

  it('a good function that calls the broken one raises its error there, as the definition left out would', async () => {
    const e = await failed(fileRequest(FILE, 'uses_relu_sum'));
    assert.equal(e.message, `${FILE}:14:5: error: ${LOST_INDENT}`);
  });

  it('an error in the top-level code, outside every definition, still stops every function', async () => {
    const text = 'import torch\nscale = (torch.ones(3)\n\ndef f(x):\n    return (x * x).sum()\n\nf(torch.ones(3))\n';
    const e = await failed(requestFor('top.py', text, 'f'));
    assert.match(e.message, /^top\.py:2:9: error: SyntaxError: '\(' was never closed/);
  });
});
