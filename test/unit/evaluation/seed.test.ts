import * as assert from 'node:assert/strict';
import { evaluated, fileRequest } from './support';

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
      assert.deepEqual(r.eager.lines.map((l) => [l.line, l.ops]), [[line, 4]], 'the four forward ops of the return line');
      if (style === 'jax') {
        assert.ok(r.jit, 'a jit run');
        assert.equal(r.jit.value, 15);
        assert.deepEqual(r.jit.grad, { x: 7 });
        assert.ok(r.jit.kernels >= 1 && r.jit.kernels <= 2, `value and gradient fuse into at most 2 kernels, got ${r.jit.kernels}`);
        assert.deepEqual(r.jit.lineKernels, [{ line, kernels: [0] }]);
      }
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
      if (style === 'torch') {
        const tape = r.graphs.find((g) => g.kind === 'tape')!;
        assert.deepEqual(tape.nodes.map((n) => n.label), ['x', 'PowBackward0', 'MulBackward0', 'AddBackward0', 'AddBackward0', 'out']);
        assert.ok(tape.nodes.filter((n) => n.kind === 'op').every((n) => n.range?.line === line && n.ms !== undefined));
      } else {
        const forward = r.graphs.find((g) => g.kind === 'forward')!;
        assert.deepEqual(forward.nodes.map((n) => n.label), ['x', 'integer_pow', 'mul 3.0', 'add', 'add 5.0', 'out']);
        assert.ok(forward.nodes.filter((n) => n.kind === 'op').every((n) => n.range?.line === line && n.ms !== undefined));
        assert.deepEqual(forward.groups.map((k) => k.nodes), [['e0', 'e1', 'e2', 'e3']], 'one fused kernel');
        assert.match(forward.text ?? '', /integer_pow\[y=2\] a/);
        const gradient = r.graphs.find((g) => g.kind === 'gradient')!;
        assert.ok(gradient.nodes.some((n) => n.label === 'integer_pow' && n.range?.line === line));
      }
    });
  }
});
