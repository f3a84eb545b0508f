import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { scopeChain, scopeLabel, type OpScope } from '../../../runtime/core';
import { EagerEngine, exportTape, type TapeGraph } from '../../../runtime/eager';
import { pyFunction } from '../../../lang/python/interpreter/values/host';
import { formatError, run } from '../../../lang/python/run';
import { createModule } from '../../../lang/python/interpreter/module_shims';
import { type PyTensor, torchModules } from '../../../lang/python/torch';

/** Runs `source` (which calls `probe.keep(y)` on its result) and exports y's tape with its scopes. */
function tapeOf(source: string, check: (tape: TapeGraph, printed: string) => void): void {
  const engine = new EagerEngine(createReferenceBackend());
  engine.tidy(() => {
    const kept: PyTensor[] = [];
    let printed = '';
    const modules = { ...torchModules(engine), probe: { create: () => createModule('probe', { keep: pyFunction('keep', (args) => (kept.push(args[0] as PyTensor), null)) }) } };
    const r = run(`import torch\nimport torch.nn as nn\nimport probe\ntorch.manual_seed(0)\n${source}`, { file: 'model.py', modules, stdout: (t) => (printed += t) });
    assert.equal(r.error ? formatError(r.error) : null, null);
    check(exportTape([kept[0].t], engine.parameterScopes), printed);
    return null;
  });
}

/** Each node as `name@scope path` (the scopes' labels from the outermost, `/`-joined). */
function scoped(tape: TapeGraph): string[] {
  return tape.nodes.map((n) => `${n.kind === 'leaf' ? `leaf${n.output.shape.length ? `[${n.output.shape.join(',')}]` : ''}` : n.name}@${path(n.scope)}`);
}
const path = (s: OpScope | null): string => scopeChain(s).map(scopeLabel).join('/');

describe('torch: each recorded op knows the nn.Module call it ran in', () => {
  it('an MLP in nn.Sequential: each layer\'s ops and parameters under `0 (Linear)`, `1 (ReLU)`, `2 (Linear)` inside the Sequential', () => {
    tapeOf([
      'model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))',
      'x = torch.randn(5, 4)',
      'loss = model(x).pow(2).sum()',
      'probe.keep(loss)',
    ].join('\n'), (tape) => {
      assert.deepEqual(scoped(tape), [
        'leaf[8,4]@Sequential/0 (Linear)',
        'TBackward0@Sequential/0 (Linear)',
        'MmBackward0@Sequential/0 (Linear)',
        'leaf[8]@Sequential/0 (Linear)',
        'AddmmBackward0@Sequential/0 (Linear)',
        'ReluBackward0@Sequential/1 (ReLU)',
        'leaf[2,8]@Sequential/2 (Linear)',
        'TBackward0@Sequential/2 (Linear)',
        'MmBackward0@Sequential/2 (Linear)',
        'leaf[2]@Sequential/2 (Linear)',
        'AddmmBackward0@Sequential/2 (Linear)',
        'PowBackward0@',
        'SumBackward0@',
      ]);
      const layer0 = tape.nodes.find((n) => n.name === 'AddmmBackward0')!.scope!;
      assert.deepEqual([layer0.kind, layer0.name, layer0.className, layer0.depth], ['module', '0', 'Linear', 1]);
      assert.deepEqual([layer0.parent!.name, layer0.parent!.className, layer0.parent!.depth], ['', 'Sequential', 0]);
    });
  });

  const NET = [
    'class Block(nn.Module):',
    '    def __init__(self, d):',
    '        super().__init__()',
    '        self.fc = nn.Linear(d, d)',
    '        self.act = nn.Tanh()',
    '    def forward(self, x):',
    '        return x + self.act(self.fc(x))',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.embed = nn.Linear(3, 4)',
    '        self.layers = nn.ModuleList([Block(4) for _ in range(2)])',
    '        self.head = nn.Linear(4, 1)',
    '    def forward(self, x):',
    '        h = self.embed(x)',
    '        for layer in self.layers:',
    '            h = layer(h)',
    '        return self.head(h)',
    '',
    'model = Net()',
  ];

  it('a custom Module with submodules and a ModuleList: paths as named_modules() names them (`layers.1.fc`), with their classes', () => {
    tapeOf([
      ...NET,
      'print([name for name, _ in model.named_modules()])',
      'out = model(torch.randn(2, 3)).sum()',
      'probe.keep(out)',
    ].join('\n'), (tape, printed) => {
      const modules = new Set<string>();
      for (const n of tape.nodes) for (const s of scopeChain(n.scope)) modules.add(`${s.name}:${s.className}`);
      assert.deepEqual([...modules], [
        ':Net', 'embed:Linear', 'layers.0:Block', 'layers.0.fc:Linear', 'layers.0.act:Tanh', 'layers.1:Block', 'layers.1.fc:Linear', 'layers.1.act:Tanh', 'head:Linear',
      ]);
      // Every path is one PyTorch's named_modules() gives (printed by the script itself).
      assert.equal(printed, "['', 'embed', 'layers', 'layers.0', 'layers.0.fc', 'layers.0.act', 'layers.1', 'layers.1.fc', 'layers.1.act', 'head']\n");
      // The residual add is the Block's own op; tanh is its `act`'s; the ModuleList, never called, is no scope.
      const adds = tape.nodes.filter((n) => n.name === 'AddBackward0').map((n) => path(n.scope));
      assert.deepEqual(adds, ['Net/layers.0 (Block)', 'Net/layers.1 (Block)']);
      assert.deepEqual(tape.nodes.filter((n) => n.name === 'TanhBackward0').map((n) => path(n.scope)), ['Net/layers.0 (Block)/layers.0.act (Tanh)', 'Net/layers.1 (Block)/layers.1.act (Tanh)']);
      // Parameters sit in their own module: layers.1.fc's weight and bias.
      const leaves = tape.nodes.filter((n) => n.kind === 'leaf').map((n) => `${n.parameter} ${n.output.shape.join('x')}@${n.scope?.name}`);
      assert.deepEqual(leaves, [
        'embed.weight 4x3@embed', 'embed.bias 4@embed', 'layers.0.fc.weight 4x4@layers.0.fc', 'layers.0.fc.bias 4@layers.0.fc',
        'layers.1.fc.weight 4x4@layers.1.fc', 'layers.1.fc.bias 4@layers.1.fc', 'head.weight 1x4@head', 'head.bias 1@head',
      ]);
      // Two calls of one module are two scopes; a scope is one object for all its ops.
      const fc = tape.nodes.filter((n) => n.scope?.name === 'layers.0.fc' && n.kind === 'op');
      assert.ok(fc.length >= 2 && fc.every((n) => n.scope === fc[0].scope));
      assert.equal(tape.nodes.find((n) => n.name === 'SumBackward0')!.scope, null);
    });
  });

  it('a small CNN (features Sequential of Conv2d, ReLU, MaxPool2d; Flatten; classifier Linear)', () => {
    tapeOf([
      'class SmallCNN(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.features = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))',
      '        self.flatten = nn.Flatten()',
      '        self.classifier = nn.Linear(2 * 2 * 2, 3)',
      '    def forward(self, x):',
      '        return self.classifier(self.flatten(self.features(x)))',
      '',
      'net = SmallCNN()',
      'logits = net(torch.randn(2, 1, 4, 4))',
      'loss = nn.functional.cross_entropy(logits, torch.tensor([0, 2]))',
      'probe.keep(loss)',
    ].join('\n'), (tape) => {
      const ops = new Map<string, string[]>();
      for (const n of tape.nodes) if (n.kind === 'op') ops.set(path(n.scope), [...(ops.get(path(n.scope)) ?? []), n.name]);
      assert.deepEqual([...ops.keys()], [
        'SmallCNN/features (Sequential)/features.0 (Conv2d)',
        'SmallCNN/features (Sequential)/features.1 (ReLU)',
        'SmallCNN/features (Sequential)/features.2 (MaxPool2d)',
        'SmallCNN/flatten (Flatten)',
        'SmallCNN/classifier (Linear)',
        '',
      ]);
      assert.ok(ops.get('SmallCNN/features (Sequential)/features.0 (Conv2d)')!.includes('ConvolutionBackward0'), [...ops].join('\n'));
      const conv = tape.nodes.filter((n) => n.kind === 'leaf' && n.output.shape.length === 4);
      assert.deepEqual(conv.map((n) => n.scope?.name), ['features.0']);
    });
  });

  it('a module call that raises leaves no scope behind: ops after the caught error record none', () => {
    tapeOf([
      'layer = nn.Linear(3, 2)',
      'w = torch.ones(2, requires_grad=True)',
      'try:',
      '    layer(torch.ones(4, 4))',
      'except RuntimeError as e:',
      '    print(e)',
      'probe.keep((w * 2).sum())',
    ].join('\n'), (tape, printed) => {
      assert.match(printed, /mat1 and mat2 shapes cannot be multiplied \(4x4 and 3x2\)/);
      assert.deepEqual(scoped(tape), ['leaf[2]@', 'MulBackward0@', 'SumBackward0@']);
    });
  });

  it('a loss module called at the top level is a scope of its own, named by its class', () => {
    tapeOf([
      'model = nn.Linear(2, 1)',
      'loss_fn = nn.MSELoss()',
      'loss = loss_fn(model(torch.ones(3, 2)), torch.zeros(3, 1))',
      'probe.keep(loss)',
    ].join('\n'), (tape) => {
      assert.deepEqual([...new Set(tape.nodes.filter((n) => n.kind === 'op').map((n) => path(n.scope)))], ['Linear', 'MSELoss']);
    });
  });
});
