import * as assert from 'node:assert/strict';
import { functionText, sourceHashOf } from '../../../evaluation';
import { analyze } from '../../../lang/python';

const hashes = (text: string) => Object.fromEntries(analyze(text).functions.map((f) => [f.qualname, sourceHashOf(functionText(text, f))]));

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
    const after = `# a comment\n${before.replace('x + 1', 'x + 100')}\nprint(f(1.0))\n`;
    assert.equal(hashes(before).f, hashes(after).f);
    assert.notEqual(hashes(before).g, hashes(after).g);
  });

  it('are 16 hex digits, equal for equal text', () => {
    assert.match(sourceHashOf('def f(x):\n    return x'), /^[0-9a-f]{16}$/);
    assert.equal(sourceHashOf('é∂x'), sourceHashOf('é∂x'));
    assert.notEqual(sourceHashOf('ab'), sourceHashOf('ba'));
  });
});
