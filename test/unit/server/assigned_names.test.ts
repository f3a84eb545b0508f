import * as assert from 'node:assert/strict';
import type { InlayHint, MarkupContent, Position, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../lang/python';
import type { EvaluationError, EvaluationResult } from '../../../protocol';
import { summarize } from '../../../server/analysis';
import { documentDiagnostics } from '../../../server/diagnostics';
import { hover } from '../../../server/hover';
import { inlayHints } from '../../../server/inlay_hints';
import { evaluated, failed, requestFor } from '../evaluation/support';

/**
 * Issue 18: after an evaluation, a hover on any name the function assigns reads its dtype, shape,
 * values (or min/max/mean) and gradient; a loop's scalar its curve; `gradlens.inlayShapes` puts
 * the type after each assignment.
 */
const TEXT = `import torch

def f(x, w):
    h = x @ w
    big = torch.cat([h, h, h])
    loss = (big * big).mean()
    for step in range(50):
        loss = loss * 0.9
    return loss

x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
w = torch.tensor([[0.3, -0.2], [0.8, 0.5], [-0.4, 0.9]])
f(x, w)
`;
const document = TextDocument.create('file:///w/t.py', 'python', 1, TEXT);
const textOf = (range: Range) => document.getText(range);
const analysis = summarize(TEXT, analyze(TEXT));
const pos = (line: number, needle: string): Position => ({ line: line - 1, character: TEXT.split('\n')[line - 1].indexOf(needle) });
/** The hover's markdown as it reads, its escapes undone. */
const shown = (h: ReturnType<typeof hover>) => ((h?.contents as MarkupContent | undefined)?.value ?? '').replace(/\\(.)/g, '$1');

let result: EvaluationResult;
before(async function () {
  this.timeout(60_000);
  result = await evaluated(requestFor('file:///w/t.py', TEXT, 'f'));
});

describe('server: the hover on an assigned name (issue 18)', () => {
  it('a small tensor: its type and values in full, and its gradient', () => {
    const value = shown(hover(analysis, pos(4, 'h'), () => result, textOf));
    // PyTorch 1.13's float32 values of x @ w (tolist), and of d loss/d h with h.retain_grad().
    assert.match(value, /^\*\*h\*\* f32\[2,2\]  \[\[-1\.45, 1\.1999999\], \[0\.95000005, -0\.85\]\]\n/, value);
    assert.match(value, /\n∇h f32\[2,2\]  \[\[-0\.0037364\d*, 0\.0030922\d*\], \[0\.0024480\d*, -0\.0021903\d*\]\]$/, value);
  });

  it('a larger tensor: min, max and mean', () => {
    const value = shown(hover(analysis, pos(5, 'big'), () => result, textOf));
    assert.match(value, /^\*\*big\*\* f32\[6,2\]  min -1\.45  max 1\.2  mean -0\.0375/, value);
  });

  it("a loop's scalar: first, last, min and a sparkline over its iterations", () => {
    const value = shown(hover(analysis, pos(8, 'loss'), () => result, textOf));
    assert.match(value, /^\*\*loss\*\* f32\[\]  0\.\d+/, value);
    assert.match(value, /\n█[▇▆▅▄▃▂▁]+▁\n/, value);
    assert.match(value, /50 iterations: first 1\.163  last 0\.006658  min 0\.006658  max 1\.163/, value);
  });

  it("jax: a name in lax.cond's branch says why it has no gradient; one holding a parameter reads the parameter's", async () => {
    const text = [
      'import jax.numpy as jnp', 'from jax import lax', '', '', 'def g(params, x):', '    W, b = params', '', '    def double(v):', '        twice = v * 2.0',
      '        return twice', '', '    y = lax.cond(x.sum() > 0, double, lambda v: v, x @ W + b)', '    return jnp.sum(y ** 2)', '', '',
      'g((jnp.array([[1.0, 0.5], [0.0, 2.0]]), jnp.array([0.5, -1.0])), jnp.array([1.0, 2.0]))', '',
    ].join('\n');
    const doc = TextDocument.create('file:///w/j.py', 'python', 1, text);
    const r = await evaluated(requestFor('file:///w/j.py', text, 'g'));
    const at = (line: number, needle: string): Position => ({ line: line - 1, character: text.split('\n')[line - 1].indexOf(needle) });
    const read = (line: number, needle: string) => shown(hover(summarize(text, analyze(text)), at(line, needle), () => r, (range) => doc.getText(range)));
    assert.match(read(9, 'twice'), /\n∇twice: not computed: assigned in a branch of lax\.cond, which JAX traces into a jaxpr of its own/);
    // PyTorch 1.13: y = 2 (x @ W + b) = [3, 7]; d sum(y ** 2)/dW = 2 y * 2 outer x = [[12, 28], [24, 56]].
    assert.match(read(6, 'W'), /\n∇W f32\[2,2\]  \[\[12\.0, 28\.0\], \[24\.0, 56\.0\]\]$/);
  });

  it('nothing once the name is no longer where the result put it (a line inserted above)', () => {
    const moved = TextDocument.create('file:///w/t.py', 'python', 2, `\n${TEXT}`);
    const h = hover(summarize(moved.getText(), analyze(moved.getText())), pos(4, 'h'), () => result, (r) => moved.getText(r));
    assert.doesNotMatch(shown(h), /f32\[2,2\]/);
  });
});

describe('server: shape inlay hints (gradlens.inlayShapes)', () => {
  const all: Range = { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } };
  const label = (h: InlayHint) => `${h.position.line + 1}:${h.position.character}${h.label as string}`;

  it('off: only the value hint after the def', () => {
    assert.deepEqual(inlayHints(analysis, all, () => result).map((h) => h.position.line + 1), [3]);
  });

  it('on: the type after each assigned name, once each', () => {
    const hints = inlayHints(analysis, all, () => result, { values: false, shapes: { textOf } });
    assert.deepEqual(hints.map(label), ['4:5: f32[2,2]', '5:7: f32[6,2]', '6:8: f32[]', '7:12: int', '8:12: f32[]']);
  });
});

describe('server: after a shape error (issue 18)', () => {
  const SHAPE = `import torch

def f(x):
    h = x * 2.0
    w = torch.ones(4)
    y = h + w
    return y.sum()

f(torch.ones(2, 3))
`;
  const doc = TextDocument.create('file:///w/shape.py', 'python', 1, SHAPE);
  const shapeAnalysis = summarize(SHAPE, analyze(SHAPE));
  const at = (line: number, needle: string): Position => ({ line: line - 1, character: SHAPE.split('\n')[line - 1].indexOf(needle) });
  let error: EvaluationError;
  before(async function () {
    this.timeout(60_000);
    error = await failed(requestFor('file:///w/shape.py', SHAPE, 'f'));
  });

  it('the diagnostic reads PyTorch\'s words, then what each operand is', () => {
    const d = documentDiagnostics(shapeAnalysis, [{ ok: false, error }]).find((x) => x.code === 'evaluation')!;
    assert.equal(d.message, 'RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1\nh is f32[2,3], w is f32[4]');
    assert.deepEqual(d.range, { start: { line: 5, character: 8 }, end: { line: 5, character: 13 } });
  });

  it('names assigned before the failing line keep their hover and shape hint; the failing line has none', () => {
    const records = () => error.assignments;
    assert.match(shown(hover(shapeAnalysis, at(4, 'h'), () => undefined, (r) => doc.getText(r), records)), /^\*\*h\*\* f32\[2,3\]  \[\[2\.0, 2\.0, 2\.0\], \[2\.0, 2\.0, 2\.0\]\]/);
    assert.match(shown(hover(shapeAnalysis, at(5, 'w'), () => undefined, (r) => doc.getText(r), records)), /^\*\*w\*\* f32\[4\]  \[1\.0, 1\.0, 1\.0, 1\.0\]/);
    assert.equal(hover(shapeAnalysis, at(6, 'y'), () => undefined, (r) => doc.getText(r), records), null);
    const all: Range = { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } };
    const hints = inlayHints(shapeAnalysis, all, () => undefined, { values: true, shapes: { textOf: (r) => doc.getText(r), assignmentsOf: records } });
    assert.deepEqual(hints.map((h) => `${h.position.line + 1}:${h.label as string}`), ['4:: f32[2,3]', '5:: f32[4]']);
  });
});
