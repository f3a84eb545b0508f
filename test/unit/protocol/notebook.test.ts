/**
 * A notebook as one Python text (issue 18): its code cells in order, each cell's lines kept, so a
 * position moves between a cell and the notebook's text both ways; IPython's magics are comments;
 * errors' places in the text are named by cell.
 */
import { strict as assert } from 'node:assert';
import { cellAsPython, cellOfLine, errorText, formatLocation, lineText, messageOnly, notebookText, placesInCells, toCell, toNotebook, type NotebookCellText } from '../../../protocol';

const CELLS: NotebookCellText[] = [
  // Cell 1 is markdown: not among the code cells, but counted.
  { uri: 'cell:2', number: 2, text: 'import torch\nx = torch.ones(3)\n' },
  { uri: 'cell:3', number: 3, text: 'def f(w):\n    return (x * w).sum()' },
  { uri: 'cell:5', number: 5, text: '%matplotlib inline\nf(2.0)\r\n' },
];

describe('notebooks as one document (issue 18)', () => {
  it("joins the code cells in order, each cell's lines at an offset: the text of the lines before is the context", () => {
    const { text, cells } = notebookText(CELLS);
    assert.equal(text, 'import torch\nx = torch.ones(3)\n\ndef f(w):\n    return (x * w).sum()\n#matplotlib inline\nf(2.0)\n');
    assert.deepEqual(cells.map((c) => [c.uri, c.number, c.firstLine, c.lineCount]), [
      ['cell:2', 2, 0, 3],
      ['cell:3', 3, 3, 2],
      ['cell:5', 5, 5, 3],
    ]);
  });

  it('moves positions from a cell to the text and back, for every character of every cell', () => {
    const { text, cells } = notebookText(CELLS);
    const lines = text.split('\n');
    for (const [i, cell] of cells.entries()) {
      const own = CELLS[i]!.text.split(/\r\n|\n/);
      for (const [line, content] of own.entries()) {
        for (let character = 0; character <= content.length; character++) {
          const there = toNotebook(cell, { line, character });
          // The character at the position is the same in both (magics aside, which become comments).
          if (!content.startsWith('%')) assert.equal(lines[there.line]![character], content[character], `${cell.uri} ${line}:${character}`);
          assert.deepEqual(toCell(cells, there), { cell, at: { line, character } });
        }
      }
    }
    assert.equal(toCell(cells, { line: 8, character: 0 }), undefined);
    assert.equal(cellOfLine(cells, 4)?.uri, 'cell:3');
  });

  it("IPython's line magics and shell escapes become comments of the same length; cell magics other than %%time leave their cell blank", () => {
    assert.equal(cellAsPython('  !pip install torch\n%timeit f(2.0)\ny = 1 % 2'), '  #pip install torch\n#timeit f(2.0)\ny = 1 % 2');
    assert.equal(cellAsPython('%%bash\nls -l\necho done'), '\n\n');
    assert.equal(cellAsPython('%%time\nf(2.0)'), '#%time\nf(2.0)');
  });

  it("names an error's place by cell: file, cell number as the user counts it, line in the cell, column", () => {
    const { cells } = notebookText(CELLS);
    const message = '/w/fit.ipynb:5:12: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x1 and 3x2) (called from /w/fit.ipynb:7:1)';
    assert.equal(
      placesInCells(message, '/w/fit.ipynb', cells),
      '/w/fit.ipynb cell 3, line 2, col 12: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x1 and 3x2) (called from /w/fit.ipynb cell 5, line 2, col 1)',
    );
    // Another file's places are left as they are.
    assert.equal(placesInCells('/w/other.py:5:12: error: x', '/w/fit.ipynb', cells), '/w/other.py:5:12: error: x');
  });

  it('a place named by cell reads as a file:line:col one does: the file name once in a notification, the message alone in a diagnostic', () => {
    const { cells } = notebookText(CELLS);
    const message = placesInCells('/w/fit.ipynb:5:12: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x1 and 3x2)', '/w/fit.ipynb', cells);
    const error = { uri: 'file:///w/fit.ipynb', function: 'f', sourceHash: '', kind: 'error' as const, message };
    assert.equal(errorText(error), 'fit.ipynb cell 3, line 2, col 12: error: RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x1 and 3x2)');
    assert.equal(messageOnly(message), 'RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x1 and 3x2)');
    assert.equal(formatLocation('file:///w/fit.ipynb', { line: 7, col: 1, endLine: 7, endCol: 7 }, cells), 'fit.ipynb cell 5, line 2, col 1');
    assert.equal(lineText(4, cells), 'cell 3, line 1');
    assert.equal(lineText(4, undefined), 'line 4');
  });
});
