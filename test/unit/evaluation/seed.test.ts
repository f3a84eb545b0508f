import * as assert from 'node:assert/strict';
import { evaluated, fileRequest, requestFor } from './support';

describe('evaluation: the seed snippets', () => {
  for (const [file, style, line] of [['examples/seed_torch.py', 'torch', 4], ['examples/seed_jax.py', 'jax', 5]] as const) {
    it(`${file}: f(2.0) = 15.0 and df/dx = 7.0, with the return line's time and kernels`, async () => {
      const r = await evaluated(fileRequest(file, 'f'));
      assert.equal(r.function, 'f');
      assert.equal(r.style, style);
      assert.equal(r.inputOrigin, 'call');
      assert.deepEqual(r.inputs, { x: 2 });
      assert.equal(r.backend.name, 'wasm');
      assert.equal(r.value, 15);
      assert.deepEqual(r.grad, { x: 7 });
      assert.match(r.sourceHash, /^[0-9a-f]{16}$/);
      assert.ok(r.eager, 'an eager run');
      assert.equal(r.eager.value, 15);
      assert.deepEqual(r.eager.grad, { x: 7 });
      assert.ok(r.eager.ops >= 4, `x**2 + 3*x + 5 is at least 4 ops, got ${r.eager.ops}`);
      // PyTorch's backward runs outside the line; JAX's gradient equations carry the line of the forward op they derive from.
      const lineOps = style === 'torch' ? 4 : r.eager.ops;
      assert.deepEqual(r.eager.lines.map((l) => [l.line, l.ops]), [[line, lineOps]], 'the return line\'s ops');
      assert.ok(r.jit, 'a jit run');
      assert.equal(r.jit.value, 15);
      assert.deepEqual(r.jit.grad, { x: 7 });
      assert.ok(r.jit.kernels >= 1 && r.jit.kernels <= 2, `value and gradient fuse into at most 2 kernels, got ${r.jit.kernels}`);
      assert.deepEqual(r.jit.lineKernels, [{ line, kernels: [...Array(r.jit.kernels).keys()] }], 'the value\'s and the gradient\'s kernels, all from the return line');
      assert.ok(r.jit.traceMs >= 0 && r.jit.compileMs >= 0 && r.jit.runMs >= 0);
    });

    it(`${file}: the graphs hold the ops of x**2 + 3*x + 5, typed, placed on line ${line}`, async () => {
      const r = await evaluated(fileRequest(file, 'f', { graphs: true }));
      assert.ok(r.graphs && r.graphs.length > 0);
      for (const g of r.graphs) {
        for (const e of g.edges) {
          assert.ok(g.nodes.some((n) => n.id === e.from) && g.nodes.some((n) => n.id === e.to), `edge ${e.from} -> ${e.to} joins nodes`);
          assert.equal(e.type, 'f32[]');
        }
      }
      assert.deepEqual(r.graphs.map((g) => g.kind), style === 'torch' ? ['tape', 'forward', 'gradient'] : ['forward', 'gradient']);
      if (style === 'torch') {
        const tape = r.graphs.find((g) => g.kind === 'tape')!;
        assert.deepEqual(tape.nodes.map((n) => n.label), ['x', 'PowBackward0', 'MulBackward0', 'AddBackward0', 'AddBackward0', 'out']);
        assert.ok(tape.nodes.filter((n) => n.kind === 'op').every((n) => n.range?.line === line && n.ms !== undefined));
      }
      const forward = r.graphs.find((g) => g.kind === 'forward')!;
      const ops = forward.nodes.filter((n) => n.kind === 'op');
      assert.deepEqual(ops.map((n) => n.label.split(' ')[0]).sort(), ['add', 'add', 'integer_pow', 'mul'], 'the four ops of x**2 + 3*x + 5');
      assert.ok(ops.every((n) => n.range?.line === line && n.ms !== undefined));
      assert.deepEqual(forward.groups.map((k) => k.nodes), [ops.map((n) => n.id)], 'one fused kernel');
      assert.ok(forward.groups[0].source && forward.groups[0].language === 'wat', 'the kernel\'s WebAssembly, as text');
      assert.match(forward.text ?? '', /integer_pow\[y=2\] a/);
      const gradient = r.graphs.find((g) => g.kind === 'gradient')!;
      assert.ok(gradient.nodes.some((n) => n.label === 'integer_pow 2.0' || n.label === 'integer_pow'));
    });
  }
});

describe('evaluation: torch code the jit engine cannot trace', () => {
  it('still has its eager result, and says why jit did not run, at the line', async () => {
    const text = 'import torch\n\ndef f(x):\n    y = x.detach() * 2\n    return x * y\n\nf(torch.tensor(3.0))\n';
    const r = await evaluated(requestFor('stop.py', text, 'f'));
    assert.equal(r.value, 18);
    assert.deepEqual(r.grad, { x: 6 }, 'the detached factor is a constant, as in PyTorch');
    assert.equal(r.jit, undefined);
    assert.match(r.jitError ?? '', /^stop\.py:4:\d+: error: .*jit cannot trace 'x\.detach\(\)'/);
  });
});
