/**
 * Issue 18 over stdio: once a function is computed, the hover on a name it assigns reads its type,
 * values and, for a loop's scalar, its curve; with `inlayShapes`, each assigned name's type follows it.
 */
import { strict as assert } from 'node:assert';
import { COMMANDS, type EvaluationOutcome } from '../../protocol';
import { fileUri, LspClient, positionOf, readText } from './client';

const FILE = 'test/fixtures/lsp/poly_nn_train.py';

describe('language server: shapes and values of assigned names (issue 18)', function () {
  this.timeout(180_000);
  let client: LspClient;
  const uri = fileUri(FILE);
  const text = readText(FILE);
  const lines = text.split('\n');
  const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));

  before(async () => {
    client = await LspClient.start({ inlayShapes: true });
    await client.open(uri, text);
    const outcome = await client.executeCommand<EvaluationOutcome>(COMMANDS.computeGradient, [{ uri, function: 'train' }]);
    assert.ok(outcome.ok, JSON.stringify(outcome));
  });
  after(async () => {
    await client.stop();
  });

  it("the loss of the PyTorch tutorial's training loop: its last value, a sparkline, first/last/min over 100 iterations", async () => {
    const line = lineOf('loss = loss_fn(');
    const hover = (await client.hoverText(uri, positionOf(text, line, 'loss')))?.replace(/\\(.)/g, '$1') ?? '';
    // PyTorch 1.13 prints 73111.265625 for the first loss and 24804.943359375 for the 100th (float32 sums: 4 digits agree).
    assert.match(hover, /^\*\*loss\*\* f32\[\]  24804\.\d+\n/, hover);
    assert.match(hover, /\n█[▁▂▃▄▅▆▇█]{38}▁\n/, hover);
    assert.match(hover, /100 iterations: first 7\.311e\+04  last 2\.48e\+04  min 2\.48e\+04  max 7\.311e\+04/, hover);
  });

  it('a tensor assigned in the loop: its dtype and shape, min, max and mean', async () => {
    const hover = (await client.hoverText(uri, positionOf(text, lineOf('y_pred = model('), 'y_pred')))?.replace(/\\(.)/g, '$1') ?? '';
    assert.match(hover, /^\*\*y_pred\*\* f32\[2000\]  min -?[\d.e+-]+  max [\d.e+-]+  mean -?[\d.e+-]+\n\nthe last of 100 assignments on this line$/, hover);
  });

  it('inlayShapes: the type after each assigned name of the function', async () => {
    const hints = await client.inlayHints(uri, lines.length);
    const typed = hints.filter((h) => h.kind === 1).map((h) => `${lines[h.position.line].slice(0, h.position.character).trim()}${h.label as string}`);
    assert.deepEqual(typed, ['model: Sequential', 'loss_fn: MSELoss', 'optimizer: RMSprop', 'for t: int', 'y_pred: f32[2000]', 'loss: f32[]']);
  });
});
