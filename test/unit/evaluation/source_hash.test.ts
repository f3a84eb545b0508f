import * as assert from 'node:assert/strict';
import { functionSourceHash, functionText, sourceHashOf } from '../../../evaluation';
import { analyze } from '../../../lang/python';
import { summarize } from '../../../server/analysis';
import { DocumentAnalyzer } from '../../../server/piecewise';

/** Each function's staleness hash as the evaluation computes it (a whole-file parse). */
const hashes = (text: string) => {
  const analysis = analyze(text);
  return Object.fromEntries(analysis.functions.map((f) => [f.qualname, functionSourceHash(text, analysis.parse, f)]));
};
/** As the server computes it: from its analysis of the whole file, and from its pieces. */
const serverHashes = (text: string) => Object.fromEntries(summarize(text, analyze(text)).functions.map((f) => [f.qualname, f.sourceHash]));
const piecewiseHashes = (analyzer: DocumentAnalyzer, text: string) => Object.fromEntries(analyzer.analyze(text).functions.map((f) => [f.qualname, f.sourceHash]));

const MODEL = `import math
import torch

eps = 1e-7
scale = 2.0

def norm(v):
    return torch.sqrt((v * v).sum() + eps)

def unit(v):
    return v / norm(v)

class Affine:
    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        return self.w * x * scale

def unrelated(x):
    return math.sin(x)

def loss(x):
    return (unit(x) - 1.0).pow(2).sum()

print(loss(torch.tensor([1.0, 2.0])))
`;

describe('evaluation: staleness hashes', () => {
  const before = 'import torch\n\n@torch.no_grad()\ndef f(x):\n    return x * 2\n\ndef g(x):\n    return x + 1\n';

  it('hash the function from its first decorator to the end of its body', () => {
    const f = analyze(before).functions.find((fn) => fn.name === 'f')!;
    assert.equal(functionText(before, f), '@torch.no_grad()\ndef f(x):\n    return x * 2');
  });

  it('change when the function\'s text changes, also in its decorator', () => {
    assert.notEqual(hashes(before).f, hashes(before.replace('x * 2', 'x * 3')).f);
    assert.notEqual(hashes(before).f, hashes(before.replace('@torch.no_grad()\n', '')).f);
  });

  it('stay when another function or the rest of the file changes', () => {
    const after = `# a comment\n${before.replace('x + 1', 'x + 100')}\nprint(g(1.0))\n`;
    assert.equal(hashes(before).f, hashes(after).f);
    assert.notEqual(hashes(before).g, hashes(after).g);
  });

  it('change when a module-level value the function reads changes, through the functions it calls too', () => {
    const edited = hashes(MODEL.replace('eps = 1e-7', 'eps = 0.1'));
    const was = hashes(MODEL);
    assert.notEqual(edited.norm, was.norm);
    assert.notEqual(edited.unit, was.unit, 'unit calls norm, which reads eps');
    assert.notEqual(edited.loss, was.loss, 'loss calls unit, which calls norm');
    assert.equal(edited.unrelated, was.unrelated);
    assert.equal(edited['Affine.__call__'], was['Affine.__call__']);
  });

  it('make a caller stale when a function it calls is edited, and not a function that does not reach it', () => {
    const edited = hashes(MODEL.replace('return v / norm(v)', 'return v / (norm(v) + 1.0)'));
    const was = hashes(MODEL);
    assert.notEqual(edited.loss, was.loss);
    assert.equal(edited.norm, was.norm, 'norm does not call unit');
    assert.equal(edited.unrelated, was.unrelated);
  });

  it('follow a method\'s class and the module-level values its class reads', () => {
    const was = hashes(MODEL);
    assert.notEqual(hashes(MODEL.replace('scale = 2.0', 'scale = 3.0'))['Affine.__call__'], was['Affine.__call__']);
    assert.notEqual(hashes(MODEL.replace('self.w = w', 'self.w = w * 1.0'))['Affine.__call__'], was['Affine.__call__']);
    assert.equal(hashes(MODEL.replace('scale = 2.0', 'scale = 3.0')).loss, was.loss);
  });

  it('follow an import the function reads: `import torch` edited to another module makes it stale', () => {
    const was = hashes(MODEL);
    const edited = hashes(MODEL.replace('import math\n', 'import cmath as math\n'));
    assert.notEqual(edited.unrelated, was.unrelated);
    assert.equal(edited.norm, was.norm);
  });

  it('are the same in the server, whole-file and piece by piece, as in the evaluation, also after edits', () => {
    const analyzer = new DocumentAnalyzer({});
    for (const text of [MODEL, MODEL.replace('eps = 1e-7', 'eps = 0.1'), `# header\n\n${MODEL.replace('v / norm(v)', 'v / norm(v) / 2')}`, MODEL]) {
      const expected = hashes(text);
      assert.deepEqual(serverHashes(text), expected);
      assert.deepEqual(piecewiseHashes(analyzer, text), expected);
    }
  });

  // The server keeps each function's hash from one keystroke to the next, by its text: a text that
  // comes back must not bring back the hash it had before a value it reads changed.
  it('are those of the evaluation in the server after a function\'s edit is undone once a value it reads changed meanwhile', () => {
    // Each function's example call in its own piece: the file is analyzed piece by piece.
    const file = 'import torch\n\neps = 1e-7\n\ndef norm(v):\n    return torch.sqrt((v * v).sum() + eps)\n\nnorm(torch.ones(3))\n\ndef twice(x):\n    return x * 2.0\n\ntwice(1.0)\n';
    const analyzer = new DocumentAnalyzer({});
    const editedNorm = file.replace('.sum() + eps)', '.sum() + eps + 0.0)');
    for (const text of [file, editedNorm, editedNorm.replace('eps = 1e-7', 'eps = 0.1'), file.replace('eps = 1e-7', 'eps = 0.1')]) {
      assert.deepEqual(piecewiseHashes(analyzer, text), hashes(text));
    }
  });

  // Issue 18: editing the example call left the result shown as if it were still the call's.
  it('change when the example call changes (f(2.0) -> f(3.0)) or a value it passes does, and not for another call', () => {
    const file = 'import torch\n\nw = torch.ones(3)\n\ndef f(x, v):\n    return (x * v).sum()\n\ndef g(x):\n    return x\n\nf(2.0, w)\ng(1.0)\n';
    const was = hashes(file);
    assert.notEqual(hashes(file.replace('f(2.0, w)', 'f(3.0, w)')).f, was.f);
    assert.notEqual(hashes(file.replace('w = torch.ones(3)', 'w = torch.ones(4)')).f, was.f, 'w is what the call passes');
    assert.equal(hashes(file.replace('g(1.0)', 'g(5.0)')).f, was.f);
    assert.notEqual(hashes(file.replace('g(1.0)', 'g(5.0)')).g, was.g);
    const comment = 'def h(x):\n    return x * x\n\n# gradlens: x=2.0\ndef k(x):\n    return x\n';
    assert.notEqual(hashes(comment.replace('x=2.0', 'x=3.0')).k, hashes(comment).k);
    assert.equal(hashes(comment.replace('x=2.0', 'x=3.0')).h, hashes(comment).h);
    const analyzer = new DocumentAnalyzer({});
    for (const text of [file, file.replace('f(2.0, w)', 'f(3.0, w)'), file.replace('w = torch.ones(3)', 'w = torch.ones(4)'), comment, comment.replace('x=2.0', 'x=3.0')]) {
      assert.deepEqual(serverHashes(text), hashes(text));
      assert.deepEqual(piecewiseHashes(analyzer, text), hashes(text));
    }
  });

  it('are 16 hex digits, equal for equal text', () => {
    assert.match(sourceHashOf('def f(x):\n    return x'), /^[0-9a-f]{16}$/);
    assert.equal(sourceHashOf('é∂x'), sourceHashOf('é∂x'));
    assert.notEqual(sourceHashOf('ab'), sourceHashOf('ba'));
  });
});
