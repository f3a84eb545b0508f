import * as assert from 'node:assert/strict';
import { DiagnosticSeverity, type MarkupContent, type Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../lang/python';
import type { EvaluationResult } from '../../../protocol';
import { summarize } from '../../../server/analysis';
import { documentDiagnostics } from '../../../server/diagnostics';
import { hover } from '../../../server/hover';
import { inlayHints } from '../../../server/inlay_hints';

/**
 * Issue 12.6 for the server's markdown surfaces: a result (a forged gradlens/result included)
 * carries text the hover and the inlay hint's tooltip show as markdown; none of it may become a
 * link, an image or HTML there.
 */
const TEXT = 'def f(x):\n    return x * 2\n\nf(2.0)\n';
const analysis = summarize(TEXT, analyze(TEXT));
const document = TextDocument.create('file:///w/f.py', 'python', 1, TEXT);
const textOf = (range: Range) => document.getText(range);
const EVIL = '[run](command:workbench.action.terminal.sendSequence?x) ![i](https://evil.example/p.png) <img src=x onerror=alert(1)> `code`';

const result: EvaluationResult = {
  uri: 'file:///w/f.py', function: 'f', sourceHash: analysis.functions[0].sourceHash, style: 'torch',
  inputs: { [EVIL]: 2 }, inputOrigin: 'call', backend: { name: 'webgpu', adapter: EVIL }, value: 4, grad: { x: 2 },
  eager: { value: 4, grad: { x: 2 }, runMs: 1, ops: 1, lines: [] },
};

/** A markdown link, image or autolink whose brackets are not escaped; raw HTML. */
function active(markdown: string): string[] {
  return [...markdown.matchAll(/(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)<[a-z/!]/gi)].map((m) => m[0]);
}

describe('server: markdown hovers and tooltips hold no link from user-derived text', () => {
  it('the hover on the function name escapes the backend text a result carries', () => {
    const h = hover(analysis, { line: 0, character: 4 }, () => result, textOf);
    const value = (h?.contents as MarkupContent).value;
    assert.match(value, /swiftshader|command/, 'the hover shows the adapter text');
    assert.deepEqual(active(value), [], value);
  });

  it("the inlay hint's tooltip escapes parameter names and backend text", () => {
    const [hint] = inlayHints(analysis, { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } }, () => result);
    const value = (hint.tooltip as MarkupContent).value;
    assert.match(value, /command/);
    assert.deepEqual(active(value), [], value);
  });

  it("the hover on an assigned name and its shape hint's tooltip escape the types a record carries (issue 18)", () => {
    const forged: EvaluationResult = {
      ...result,
      assignments: [{ name: 'x', range: { line: 2, col: 12, endLine: 2, endCol: 13 }, value: { type: EVIL }, grad: { type: EVIL }, count: 2, series: { values: [1, 2], stride: 1 } }],
    };
    const h = hover(analysis, { line: 1, character: 11 }, () => forged, textOf);
    const value = (h?.contents as MarkupContent).value;
    assert.match(value, /command/, 'the hover shows the record');
    assert.deepEqual(active(value), [], value);
    const hints = inlayHints(analysis, { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } }, () => forged, { values: false, shapes: { textOf } });
    const tooltip = (hints[0].tooltip as MarkupContent).value;
    assert.match(tooltip, /command/);
    assert.deepEqual(active(tooltip), [], tooltip);
  });

  it('the guard finds a link when one is there (so the checks above can fail)', () => {
    assert.equal(active(EVIL).length, 3);
  });
});

describe('server: a problem says what its severity says (issue 11.9)', () => {
  it("an evaluation error at warning severity reads without the CLI's 'FILE:LINE:COL: error:' prefix", () => {
    const range = { line: 2, col: 12, endLine: 2, endCol: 17 };
    const [d] = documentDiagnostics({ functions: [], diagnostics: [] }, [{ ok: false, error: { uri: 'file:///w/my%20f.py', function: 'f', sourceHash: 'h', kind: 'error', message: '/w/my f.py:2:12: error: jit cannot trace the if', range } }]);
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.equal(d.message, 'jit cannot trace the if');
  });
});
