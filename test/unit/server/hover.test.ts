import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { MarkupContent, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../lang/python';
import { summarize } from '../../../server/analysis';
import { hover } from '../../../server/hover';
import { evaluated, requestFor } from '../evaluation/support';

/**
 * Issue 11: the hover on a function said nothing of where its gradient was cut (`float(y)`,
 * `.item()`) nor of the values read on the CPU for a GPU that cannot be read synchronously; the
 * panel and the diagnostics said so, the hover did not.
 */
const FILE = 'test/fixtures/evaluation/plain_math.py';
const TEXT = readFileSync(FILE, 'utf8');
const analysis = summarize(TEXT, analyze(TEXT));
const document = TextDocument.create('file:///w/f.py', 'python', 1, TEXT);
const textOf = (range: Range) => document.getText(range);
const lineOf = (text: string) => TEXT.split('\n').findIndex((l) => l.includes(text));

/** The hover's markdown as it reads, its escapes undone. */
const shown = (h: ReturnType<typeof hover>) => ((h?.contents as MarkupContent | undefined)?.value ?? '').replace(/\\(.)/g, '$1');

describe('server: the hover names where the gradient was cut and the values read on the CPU (issue 11)', () => {
  it("on the function's name: each cut, by line, without the path", async () => {
    const result = await evaluated(requestFor(FILE, TEXT, 'polar_angle', { engines: 'eager' }));
    const def = lineOf('def polar_angle');
    const value = shown(hover(analysis, { line: def, character: 4 }, () => result, textOf));
    const body = def + 2;
    assert.match(value, /gradient was cut at 2 places/, value);
    assert.ok(value.includes(`line ${body}: 'math.atan2(y, x)' is not differentiated by Gradlens`), value);
    assert.ok(value.includes(`line ${body}: 'float(y)' makes a constant of a differentiated float`), value);
    assert.doesNotMatch(value, /plain_math\.py:\d+/, 'the place is named once, by line');
  });

  it('on the line that cut it: what it cut', async () => {
    const result = await evaluated(requestFor(FILE, TEXT, 'polar_angle', { engines: 'eager' }));
    const value = shown(hover(analysis, { line: lineOf('def polar_angle') + 1, character: 12 }, () => result, textOf));
    assert.match(value, /'float\(y\)' makes a constant of a differentiated float: the gradient stops here/, value);
  });

  it('no cut, no note; values read on the CPU are counted', async () => {
    const result = await evaluated(requestFor(FILE, TEXT, 'softplus', { engines: 'eager' }));
    const at = { line: lineOf('def softplus'), character: 4 };
    assert.doesNotMatch(shown(hover(analysis, at, () => result, textOf)), /cut|read at once/);
    // NB: only a GPU that cannot be read synchronously (SwiftShader's WebGPU, in the panel) counts host reads.
    assert.match(shown(hover(analysis, at, () => ({ ...result, hostReads: 2 }), textOf)), /2 values read at once \(\.item\(\), print, float, if\) computed on the CPU/);
  });
});
