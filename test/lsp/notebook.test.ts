/**
 * Notebooks over LSP 3.17 notebook document sync (issue 18): a `.ipynb`'s code cells are one
 * document, the cells above a function its context; lenses, hovers and diagnostics land in the
 * cell they are about, at the cell's own line; errors name the cell.
 */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { COMMANDS, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, readText, type NotebookCellContent } from './client';

const NOTEBOOK = 'examples/fit_line.ipynb';

interface IpynbCell {
  readonly cell_type: 'code' | 'markdown';
  readonly source: readonly string[];
}

/** The notebook's cells as VS Code opens them: one document each, `vscode-notebook-cell:` URIs. */
function cellsOf(path: string): NotebookCellContent[] {
  const { cells } = JSON.parse(readText(path)) as { cells: IpynbCell[] };
  return cells.map((c, i) => ({ uri: cellUri(i), kind: c.cell_type, text: c.source.join('') }));
}

function cellUri(i: number): string {
  return `vscode-notebook-cell:${resolve(NOTEBOOK)}#cell${i}`;
}

describe('language server: notebooks (LSP notebook document sync, issue 18)', function () {
  this.timeout(180_000);
  const uri = fileUri(NOTEBOOK);
  const cells = cellsOf(NOTEBOOK);
  let client: LspClient;

  before(async () => {
    client = await LspClient.start();
    await client.openNotebook(uri, cells);
    // Analyzed (in slices, as any document just opened): its diagnostics, none, are published to each code cell.
    await client.diagnosticsOf(cells[2]!.uri);
  });
  after(async () => {
    await client.stop();
  });

  it('announces notebook document sync for every notebook, its markdown cells too', () => {
    assert.deepEqual(client.capabilities.notebookDocumentSync, { notebookSelector: [{ notebook: '*' }] });
  });

  it("puts the lens over `def loss` in its cell, at the cell's first line, naming the notebook's function; none elsewhere", async () => {
    const lenses = await client.codeLenses(cells[2]!.uri);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [[0, '∇ Compute gradient'], [0, 'Graph'], [0, 'Eager vs jit']]);
    assert.deepEqual(lenses[0]!.command?.arguments, [{ uri, function: 'loss' }]);
    for (const other of [0, 1, 3]) assert.deepEqual(await client.codeLenses(cells[other]!.uri), [], `cell ${other + 1}`);
  });

  it("computes loss at the third cell's call, with the data of the first code cell, as PyTorch does", async () => {
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'loss' }]);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    // PyTorch 1.13: loss 1.9642856121063232, w.grad -1.7142856121063232, b.grad -1.0 (float32).
    assert.ok(Math.abs((outcome.result.value as number) - 1.9642856121063232) < 1e-6, String(outcome.result.value));
    assert.ok(Math.abs((outcome.result.grad.w as number) + 1.7142856121063232) < 1e-6, JSON.stringify(outcome.result.grad));
    assert.ok(Math.abs((outcome.result.grad.b as number) + 1.0) < 1e-6, JSON.stringify(outcome.result.grad));
    const lenses = await client.codeLenses(cells[2]!.uri);
    assert.match(lenses[0]!.command?.title ?? '', /∇w = -1\.714.*∇b = -1\.0/);
  });

  it("hovering `err` on the cell's third line reads its shape, f32[8,1]", async () => {
    const hover = await client.hoverText(cells[2]!.uri, { line: 2, character: 5 });
    // -2x - 0.5 at x = -1, -5/7, ..., 1, and its gradient err/4, as PyTorch computes them.
    assert.match(hover?.replace(/\\(.)/g, '$1') ?? '', /^\*\*err\*\* f32\[8,1\]  \[\[1\.5\], \[0\.92857\d*\], .*\[-2\.5\]\]\n\n∇err f32\[8,1\]  \[\[0\.375\], .*\[-0\.625\]\]$/);
    assert.equal(await client.hoverText(cells[1]!.uri, { line: 2, character: 5 }), null, 'the hover is of the cell asked, not of the same line elsewhere');
  });

  it('a later cell defining loss again: its lens computes the new loss at its own cell\'s call, the earlier cell\'s lens the earlier loss, as Jupyter runs them in order', async () => {
    const again = [
      { uri: cellUri(5), kind: 'code' as const, text: 'def loss(w, b):\n    return ((x * w + b - y) ** 2).sum()' },
      { uri: cellUri(6), kind: 'code' as const, text: 'loss(w0, b0)' },
    ];
    await client.changeNotebook(uri, { structure: { start: 4, deleteCount: 0, cells: again } });
    assert.deepEqual((await client.codeLenses(again[0]!.uri))[0]?.command?.arguments, [{ uri, function: 'loss' }]);
    assert.deepEqual((await client.codeLenses(cells[2]!.uri))[0]?.command?.arguments, [{ uri, function: 'loss#1' }]);
    // PyTorch 1.13: the sum, 15.714284896850586 and w.grad -13.714284896850586; the mean before it, 1.9642856121063232.
    const later = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'loss' }]);
    assert.ok(later.ok, JSON.stringify(later));
    assert.ok(Math.abs((later.result.value as number) - 15.714284896850586) < 1e-5, String(later.result.value));
    assert.ok(Math.abs((later.result.grad.w as number) + 13.714284896850586) < 1e-5, JSON.stringify(later.result.grad));
    const earlier = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'loss#1' }]);
    assert.ok(earlier.ok, JSON.stringify(earlier));
    assert.ok(Math.abs((earlier.result.value as number) - 1.9642856121063232) < 1e-6, String(earlier.result.value));
    await client.changeNotebook(uri, { structure: { start: 4, deleteCount: 2, cells: [], closed: again.map((c) => c.uri) } });
    assert.deepEqual((await client.codeLenses(cells[2]!.uri))[0]?.command?.arguments, [{ uri, function: 'loss' }]);
    // The notebook as it was, loss computed again (its result was the later definition's), for the tests after this one.
    const restored = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'loss' }]);
    assert.ok(restored.ok && Math.abs((restored.result.value as number) - 1.9642856121063232) < 1e-6, JSON.stringify(restored));
  });

  it('an error in a cell added later lands in that cell at its line, and names the cell', async () => {
    const broken = { uri: cellUri(4), kind: 'code' as const, text: 'def broken(w):\n    h = x @ torch.ones(3, 2)\n    return (h * w).sum()\n\nbroken(torch.tensor(2.0))' };
    await client.changeNotebook(uri, { structure: { start: 4, deleteCount: 0, cells: [broken] } });
    assert.deepEqual((await client.codeLenses(broken.uri)).map((l) => l.range.start.line), [0, 0, 0]);
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'broken' }]);
    assert.ok(!outcome.ok);
    // PyTorch 1.13: RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x1 and 3x2).
    assert.match(outcome.error.message, /fit_line\.ipynb cell 5, line 2, col \d+: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied \(8x1 and 3x2\)/);
    const diagnostics = await client.diagnosticsOf(broken.uri, (d) => d.some((x) => x.code === 'evaluation'));
    assert.deepEqual(diagnostics.filter((d) => d.code === 'evaluation').map((d) => [d.range.start.line, String(d.message)]), [[1, 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x1 and 3x2)\nx is f32[8,1], torch.ones(3, 2) is f32[3,2]']]);
    assert.deepEqual(await client.diagnosticsOf(cells[2]!.uri), [], 'nothing in the cell of loss');
  });

  it("after an edit to an earlier cell, lenses and diagnostics keep their cells' lines", async () => {
    await client.changeNotebook(uri, { textContent: [{ uri: cells[1]!.uri, changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'import scipy\n' }] }] });
    const first = await client.diagnosticsOf(cells[1]!.uri, (d) => d.length > 0);
    assert.deepEqual(first.map((d) => [d.range.start.line, d.range.start.character]), [[0, 7]], JSON.stringify(first));
    assert.match(String(first[0]!.message), /scipy/);
    assert.deepEqual((await client.codeLenses(cells[2]!.uri)).map((l) => l.range.start.line), [0, 0, 0]);
    // The results kept (the functions' text and what they read did not change) moved with their cells.
    const hover = await client.hoverText(cells[2]!.uri, { line: 2, character: 5 });
    assert.ok(hover?.replace(/\\(.)/g, '$1').startsWith('**err** f32[8,1]  [[1.5]'), String(hover));
    const evaluation = (await client.diagnosticsOf(cellUri(4))).filter((d) => d.code === 'evaluation');
    assert.deepEqual(evaluation.map((d) => d.range.start.line), [1]);
  });

  it('stays up after malformed notebook notifications, and the notebook open still answers', async () => {
    for (const [method, params] of [
      ['notebookDocument/didOpen', null],
      ['notebookDocument/didOpen', { notebookDocument: null, cellTextDocuments: [] }],
      ['notebookDocument/didOpen', { notebookDocument: { uri: 'file:///x.ipynb', notebookType: 'jupyter-notebook', version: 1, cells: null }, cellTextDocuments: null }],
      ['notebookDocument/didChange', { notebookDocument: { uri, version: 9 }, change: { cells: { structure: { array: null } } } }],
      ['notebookDocument/didChange', null],
      ['notebookDocument/didClose', { notebookDocument: null }],
    ] as const) await client.connection.sendNotification(method, params);
    assert.ok(client.alive);
    assert.deepEqual((await client.codeLenses(cells[2]!.uri)).map((l) => l.range.start.line), [0, 0, 0]);
  });

  it("closing the notebook clears its cells' diagnostics", async () => {
    await client.closeNotebook(uri, [...cells.map((c) => c.uri), cellUri(4)]);
    assert.deepEqual(await client.diagnosticsOf(cells[1]!.uri, (d) => d.length === 0), []);
  });
});
