import * as assert from 'node:assert/strict';
import { analyze } from '../../../lang/python';
import { notebookText } from '../../../protocol/notebook';
import { evaluated, requestFor } from './support';

/**
 * A name defined twice (two notebook cells defining `f`, as Jupyter runs them in order): each
 * definition is its own function, with the calls between it and the next as its example inputs;
 * the last keeps the name (what `f` is once the cells ran), the earlier ones are `f#1`, `f#2`.
 */
const CELLS = [
  'import torch',
  'def f(x):\n    return x * 2.0',
  'y1 = f(torch.tensor(1.5))',
  'def f(x):\n    return x ** 3',
  'y2 = f(torch.tensor(2.0))',
];
const notebook = notebookText(CELLS.map((text, i) => ({ uri: `vscode-notebook-cell:/w/nb.ipynb#cell${i}`, number: i + 1, text })));

describe('evaluation: a function defined again in a later cell (issue 18)', () => {
  it('tells the definitions apart: the earlier f#1, the later f, each with the call of its own cells', () => {
    const fns = analyze(notebook.text).functions;
    assert.deepEqual(fns.map((f) => [f.qualname, f.span.line]), [['f#1', 2], ['f', 5]]);
    const calls = fns.map((f) => (f.inputSources[0]?.kind === 'call' ? f.inputSources[0].span.line : null));
    assert.deepEqual(calls, [4, 7]);
  });

  it("the earlier cell's lens computes the earlier definition at its call; the later the later", async () => {
    const request = (fn: string) => requestFor('file:///w/nb.ipynb', notebook.text, fn, { cells: notebook.cells });
    const first = await evaluated(request('f#1'));
    assert.equal(first.value, 3);
    assert.deepEqual(first.grad, { x: 2 });
    const last = await evaluated(request('f'));
    assert.equal(last.value, 8);
    assert.deepEqual(last.grad, { x: 12 });
  });

  it('a file alone: a def redefined after its call', async () => {
    const text = 'def g(x):\n    return x + 1.0\n\ng(1.0)\n\ndef g(x):\n    return x * x\n\ng(3.0)\n';
    assert.equal((await evaluated(requestFor('g.py', text, 'g#1'))).value, 2);
    assert.equal((await evaluated(requestFor('g.py', text, 'g'))).value, 9);
  });
});
