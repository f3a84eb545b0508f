import * as assert from 'node:assert/strict';
import { definitionLine } from '../../../protocol';

/** Issue 11.8: the panel names the line of the function whose result it shows, found in the document's text. */
describe('protocol: the line a function is defined on', () => {
  const TEXT = ['import torch', '', 'def loss(w):', '    return w', '', 'class Model:', '    def loss(self, x):', '        return x', '', '@jax.jit', 'async def step(x):', '    pass'].join('\n');
  it('finds top-level functions, methods by qualified name, and async ones', () => {
    assert.equal(definitionLine(TEXT, 'loss'), 3);
    assert.equal(definitionLine(TEXT, 'Model.loss'), 7);
    assert.equal(definitionLine(TEXT, 'step'), 11);
  });
  it('is undefined for a function the text lacks (renamed since)', () => {
    assert.equal(definitionLine(TEXT, 'predict'), undefined);
    assert.equal(definitionLine(TEXT, 'Other.loss'), undefined);
  });
});
