import * as assert from 'node:assert/strict';
import { runWithLiveProbe as run } from '../lang/live_probe';

/**
 * Attention layers in a training loop hold only what a step needs: each loop counts the backend's
 * live arrays after its first step and its last (0 is flat). Losses are what PyTorch 1.13 prints
 * for the same program.
 */
describe('torch: attention layers in a training loop hold their temporaries only while they live', () => {
  it('30 SGD steps of nn.MultiheadAttention with a causal mask and dropout hold as many tensors as 1', () => {
    const src = [
      'import torch, probe',
      'import torch.nn as nn',
      'torch.manual_seed(0)',
      'mha = nn.MultiheadAttention(8, 2, dropout=0.1)',
      'opt = torch.optim.SGD(mha.parameters(), lr=0.1)',
      'x = torch.randn(5, 3, 8)',
      "causal = torch.triu(torch.full((5, 5), float('-inf')), diagonal=1)",
      'for t in range(30):',
      '    out, w = mha(x, x, x, attn_mask=causal)',
      '    loss = out.pow(2).mean() + w.var()',
      '    opt.zero_grad()',
      '    loss.backward()',
      '    opt.step()',
      '    if t == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(loss.item(), 4))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 0.0854\n');
  });

  it('20 Adam steps of nn.Transformer (2 encoder layers, 1 decoder layer, dropout) hold as many tensors as 1', () => {
    const src = [
      'import torch, probe',
      'import torch.nn as nn',
      'torch.manual_seed(0)',
      'model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16, dropout=0.1)',
      'opt = torch.optim.Adam(model.parameters(), lr=0.01)',
      'src = torch.randn(5, 3, 8)',
      'tgt = torch.randn(4, 3, 8)',
      'mask = model.generate_square_subsequent_mask(4)',
      'for t in range(20):',
      '    out = model(src, tgt, tgt_mask=mask)',
      '    loss = (out - tgt).pow(2).mean()',
      '    opt.zero_grad()',
      '    loss.backward()',
      '    opt.step()',
      '    if t == 0:',
      '        first = probe.live()',
      'print(probe.live() - first, round(loss.item(), 4))',
      '',
    ].join('\n');
    assert.equal(run(src), '0 0.1863\n');
  });
});
