import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';
import type { FigureData, LineArtist } from '../../../protocol/figures';

/**
 * Issue 18 / 14: matplotlib.pyplot as a recording shim. Scripts in the spirit of the PyTorch
 * tutorials and d2l print what matplotlib 3.6.3 (Debian's python3-matplotlib, Agg) printed for
 * them (test/fixtures/matplotlib/*.out, addresses as 0x...), and record the figures they show.
 */
function runScript(source: string, file = 'plots.py'): { output: string; error: string | null; stderr: string; figures: FigureData[] } {
  const backend = createReferenceBackend();
  const figures: FigureData[] = [];
  const r = runPython(source, new EagerEngine(backend), { file }, (f) => figures.push(f));
  assert.equal(backend.liveCount(), 0, 'every array is freed when the run ends');
  return { output: r.output, error: r.error ? formatError(r.error) : null, stderr: r.stderr, figures };
}

const fixture = (name: string) => readFileSync(`test/fixtures/matplotlib/${name}`, 'utf8');
const addresses = (s: string) => s.replace(/0x[0-9a-f]+>/g, '0x...>');

describe('matplotlib.pyplot (a recording shim)', function () {
  this.timeout(60_000);

  it("a PyTorch training loop's loss curve: what matplotlib returns and prints, and the figure plt.show() shows", () => {
    const r = runScript(fixture('loss_curve.py'), 'loss_curve.py');
    assert.equal(r.error, null);
    assert.equal(addresses(r.output), fixture('loss_curve.out'));
    assert.equal(r.figures.length, 1);
    const [fig] = r.figures;
    assert.deepEqual([fig.number, fig.width, fig.height, fig.rows, fig.cols], [1, 6.4, 4.8, 1, 1]);
    const [ax] = fig.axes;
    assert.deepEqual([ax.title, ax.xlabel, ax.ylabel, ax.grid, ax.legend], ['training loss', 'epoch', 'MSE', true, true]);
    const line = ax.artists[0] as LineArtist;
    assert.deepEqual([line.kind, line.label, line.color, line.linestyle, line.marker], ['line', 'train', '#1f77b4', '-', 'o']);
    assert.deepEqual(line.x, [0, 1, 2, 3]);
    // PyTorch 1.13's four losses (loss.item(), float32), as /usr/bin/python3 printed them.
    assert.deepEqual(line.y.map((v) => Number(v!.toFixed(4))), [3.3337, 2.8602, 2.4541, 2.1056]);
  });

  it('d2l-style subplots: the Axes array indexed as NumPy does, images, a shared y axis, hist counts as np.histogram', () => {
    const r = runScript(fixture('grid.py'), 'grid.py');
    assert.equal(r.error, null);
    assert.equal(r.output, fixture('grid.out'));
    // Nothing called plt.show(): the two figures open at the end are shown, as Jupyter shows them.
    assert.deepEqual(r.figures.map((f) => [f.number, f.axes.length, f.rows, f.cols, f.suptitle]), [[1, 6, 2, 3, 'samples'], [2, 2, 1, 2, '']]);
    const image = r.figures[0].axes[5];
    assert.deepEqual([image.row, image.col, image.title, image.axisOff], [1, 2, 'digit 5', true]);
    assert.deepEqual(image.artists[0].kind === 'image' && [image.artists[0].rows, image.artists[0].cols, image.artists[0].cmap, image.artists[0].vmin, image.artists[0].vmax], [4, 5, 'gray', 10, 11.9]);
    const [histAxes, barAxes] = r.figures[1].axes;
    assert.deepEqual(histAxes.ylim, [0, 6.3], 'the shared y axis fits both Axes');
    assert.deepEqual(histAxes.artists[0].kind === 'bars' && histAxes.artists[0].height, [1, 3, 1, 2]);
    assert.deepEqual(barAxes.artists[0].kind === 'bars' && [barAxes.artists[0].left, barAxes.artists[0].color, barAxes.artists[0].label], [[0.6, 1.6, 2.6], '#2ca02c', 'count']);
    assert.equal(r.figures[1].savedAs, 'hist.png');
  });

  it('scatter with colour values, a dashed line, a rule, a band, error bars and text on a log axis: the limits matplotlib gives', () => {
    const r = runScript(fixture('scatter_log.py'), 'scatter_log.py');
    assert.equal(r.error, null);
    assert.equal(addresses(r.output), fixture('scatter_log.out'));
    const kinds = r.figures[0].axes[0].artists.map((a) => a.kind);
    assert.deepEqual(kinds, ['scatter', 'line', 'rule', 'band', 'line', 'text', 'line']);
  });

  it('torch tensors and jax arrays are drawn through __array__; plt.show() closes what it shows', () => {
    const r = runScript([
      'import matplotlib.pyplot as plt',
      'from matplotlib import pyplot as plt2',
      'import torch, jax.numpy as jnp',
      'w = torch.tensor([0.5, 0.25], requires_grad=True)',
      'plt.plot(w.detach(), label="w")',
      'plt.plot(jnp.arange(3.0) * 2, label="jax")',
      'print(plt is plt2, plt.get_fignums())',
      'plt.show()',
      'print(plt.get_fignums())',
    ].join('\n') + '\n');
    assert.equal(r.error, null);
    assert.equal(r.output, 'True [1]\n[]\n');
    const lines = r.figures[0].axes[0].artists as LineArtist[];
    assert.deepEqual(lines.map((l) => [l.y, l.color]), [[[0.5, 0.25], '#1f77b4'], [[0, 2, 4], '#ff7f0e']]);
  });

  const errors: [string, string][] = [
    ['plt.plot(torch.ones(3, requires_grad=True))', "RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."],
    ['plt.plot([torch.tensor(1.0, requires_grad=True), torch.tensor(2.0)])', "RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."],
    ['plt.imshow(np.zeros((1, 28, 28)))', 'TypeError: Invalid shape (1, 28, 28) for image data'],
    ['plt.plot([1, 2, 3], [1, 2])', 'ValueError: x and y must have same first dimension, but have shapes (3,) and (2,)'],
    ['plt.plot([1, 2], foo=3)', "AttributeError: Line2D.set() got an unexpected keyword argument 'foo'"],
    ["plt.plot([1, 2], 'q')", "ValueError: 'q' is not a valid format string (unrecognized character 'q')"],
    ['plt.scatter([1, 2], [1, 2, 3])', 'ValueError: x and y must be the same size'],
    ['plt.subplot(2, 2, 5)', 'ValueError: num must be 1 <= num <= 4, not 5'],
    ["plt.yscale('bogus')", "ValueError: 'bogus' is not a valid value for scale; supported values are 'linear', 'log', 'symlog', 'asinh', 'logit', 'function', 'functionlog'"],
  ];
  for (const [line, message] of errors) {
    it(`${line}: matplotlib's own error at the line`, () => {
      const r = runScript(`import matplotlib.pyplot as plt\nimport numpy as np\nimport torch\n\ny = ${line}\n`);
      assert.equal(r.error, `plots.py:5:5: error: ${message}`);
    });
  }

  const refused: [string, RegExp][] = [
    ["fig = plt.figure()\nax = fig.add_subplot(111, projection='3d')", /^plots\.py:3:6: error: '3d' axes \(projection='3d'\) are not supported by Gradlens; remove the plot/],
    ['plt.ion()', /^plots\.py:2:1: error: interactive mode \(plt.ion\) is not supported by Gradlens; remove it/],
    ['for i in range(3):\n    plt.plot([i])\n    plt.pause(0.1)', /^plots\.py:4:5: error: plt.pause\(\) \(an animation or live-update loop\) is not supported by Gradlens; remove it/],
    ['import matplotlib.animation as animation', /module 'matplotlib.animation' is not supported by Gradlens/],
    ['fig, ax = plt.subplots()\nax.twinx()', /^plots\.py:3:1: error: Axes.twinx\(\) \(a second y or x axis\) is not supported by Gradlens's matplotlib; remove it/],
  ];
  for (const [code, message] of refused) {
    it(`${code.split('\n').pop()}: stops at its line, saying what to do`, () => {
      const r = runScript(`import matplotlib.pyplot as plt\n${code}\n`);
      assert.match(r.error ?? '', message);
    });
  }
});
