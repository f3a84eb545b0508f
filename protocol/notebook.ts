/**
 * A notebook as one Python document: its Python code cells in order, one after the other, so that
 * the cells before a function's cell are its context (imports, data, models) as the lines above a
 * function are in a file. The language server analyzes this text and the hosts evaluate it; the
 * server and the VS Code client both build it here, from the same cells, so it is the same text.
 * Each cell keeps its lines: a position moves between a cell and the notebook's text by a line
 * offset, the characters unchanged.
 */

/** One cell as the editor holds it. */
export interface NotebookCellText {
  /** The cell's own document (VS Code: `vscode-notebook-cell:...#...`). */
  readonly uri: string;
  /** Its place among all the notebook's cells, markdown ones included, from 1: what the user counts. */
  readonly number: number;
  readonly text: string;
}

/** Where a code cell's lines are in the notebook's text. */
export interface CellLines {
  readonly uri: string;
  readonly number: number;
  /** Its first line in the notebook's text, 0-based. */
  readonly firstLine: number;
  readonly lineCount: number;
}

export interface NotebookText {
  readonly text: string;
  readonly cells: readonly CellLines[];
}

export interface Place {
  readonly line: number;
  readonly character: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * IPython's cell magics whose body is Python (`%%time` times it); any other (`%%bash`,
 * `%%writefile`) holds no Python, and its cell is left out (blank lines).
 */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun']);

/**
 * A cell's text as Python: IPython's line magics and shell escapes (`%matplotlib inline`,
 * `!pip install torch`) become comments, character for character, so positions hold.
 */
export function cellAsPython(text: string): string {
  const lines = text.split(LINE_BREAK);
  const first = lines.find((l) => l.trim() !== '')?.trim() ?? '';
  const cellMagic = /^%%(\w*)/.exec(first);
  if (cellMagic && !PYTHON_CELL_MAGICS.has(cellMagic[1]!)) return lines.map(() => '').join('\n');
  return lines.map((l) => l.replace(/^(\s*)[%!]/, '$1#')).join('\n');
}

/** The notebook's Python code cells (in their order) as one text, and where each cell's lines are in it. */
export function notebookText(cells: readonly NotebookCellText[]): NotebookText {
  const placed: CellLines[] = [];
  const texts: string[] = [];
  let firstLine = 0;
  for (const cell of cells) {
    const text = cellAsPython(cell.text);
    const lineCount = text.split('\n').length;
    placed.push({ uri: cell.uri, number: cell.number, firstLine, lineCount });
    texts.push(text);
    firstLine += lineCount;
  }
  return { text: texts.join('\n'), cells: placed };
}

/** The cell that holds line `line` (0-based) of the notebook's text. */
export function cellOfLine(cells: readonly CellLines[], line: number): CellLines | undefined {
  return cells.find((c) => line >= c.firstLine && line < c.firstLine + c.lineCount);
}

/** A position in a cell as the position in the notebook's text. */
export function toNotebook(cell: CellLines, at: Place): Place {
  return { line: cell.firstLine + at.line, character: at.character };
}

/** A position in the notebook's text as the cell that holds it and the position in that cell; undefined past the last cell. */
export function toCell(cells: readonly CellLines[], at: Place): { readonly cell: CellLines; readonly at: Place } | undefined {
  const cell = cellOfLine(cells, at.line);
  return cell && { cell, at: { line: at.line - cell.firstLine, character: at.character } };
}

/** A 1-based line of a document's text as the user finds it: `line 7` in a file, `cell 3, line 2` in a notebook. */
export function lineText(line: number, cells: readonly CellLines[] | undefined): string {
  const inCell = cells && toCell(cells, { line: line - 1, character: 0 });
  return inCell ? `cell ${inCell.cell.number}, line ${inCell.at.line + 1}` : `line ${line}`;
}

/**
 * A message's places in the notebook's text (`/w/nb.ipynb:7:5: error: ...`, 1-based as errors
 * write them) named by cell instead: `/w/nb.ipynb cell 3, line 2, col 5: error: ...`.
 */
export function placesInCells(message: string, file: string, cells: readonly CellLines[]): string {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (whole, line: string, col: string) => {
    const inCell = toCell(cells, { line: Number(line) - 1, character: Number(col) - 1 });
    return inCell ? `${file} cell ${inCell.cell.number}, line ${inCell.at.line + 1}, col ${col}` : whole;
  });
}
