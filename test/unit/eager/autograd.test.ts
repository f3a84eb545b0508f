import * as assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine, exportTape, SECOND_BACKWARD_MESSAGE, TorchOps, type Tensor } from '../../../runtime/eager';

// Each expectation below is what PyTorch 1.13 prints for the same program.
describe('eager engine: PyTorch autograd semantics', () => {
  let engine: EagerEngine;
  let torch: TorchOps;
  const scalar = (v: number, requiresGrad = false): Tensor => engine.scalar(v, 'float32').requiresGrad_(requiresGrad);
  const vector = (vs: number[], requiresGrad = false): Tensor =>
    engine.fromValues(vs, [vs.length], 'float32').requiresGrad_(requiresGrad);

  beforeEach(() => {
    engine = new EagerEngine(createReferenceBackend());
    torch = new TorchOps(engine);
  });

  it('computes the seed snippet: f(2) = 15, f\'(2) = 7, grad_fn AddBackward0', () => {
    const x = scalar(2, true);
    const y = torch.add(torch.add(torch.pow(x, 2), torch.mul(3, x)), 5);
    assert.equal(y.gradFn?.name, 'AddBackward0');
    y.backward();
    assert.equal(y.item(), 15);
    assert.equal(x.grad?.item(), 7);
  });

  it('requires_grad flows to results; results of constants have no grad_fn', () => {
    const x = scalar(3, true);
    const c = scalar(4);
    assert.equal(torch.mul(x, c).requiresGrad, true);
    assert.equal(torch.mul(c, c).requiresGrad, false);
    assert.equal(torch.mul(c, c).gradFn, null);
    assert.equal(x.isLeaf, true);
    assert.equal(torch.mul(x, c).isLeaf, false);
  });

  it('only floating-point leaves can require grad', () => {
    const i = engine.fromValues([1, 2], [2], 'int32');
    assert.throws(() => i.requiresGrad_(), /only Tensors of floating point dtype can require gradients/);
  });

  it('accumulates .grad across backward calls: two backward() of x*x at x=3 give 12', () => {
    const x = scalar(3, true);
    torch.mul(x, x).backward();
    torch.mul(x, x).backward();
    assert.equal(x.grad?.item(), 12);
  });

  it('grad.zero_() resets the accumulated gradient in place', () => {
    const x = scalar(3, true);
    torch.mul(x, x).backward();
    const grad = x.grad as Tensor;
    engine.withGradMode(false, () => engine.inPlace(grad, (g) => engine.ops.zerosLike(g)));
    assert.equal(grad.item(), 0);
    torch.mul(x, x).backward();
    assert.equal(x.grad, grad, 'the same .grad tensor keeps accumulating');
    assert.equal(x.grad?.item(), 6);
  });

  it('backward() on a non-scalar needs a gradient argument', () => {
    const v = vector([1, 2, 3], true);
    const y = torch.mul(v, v);
    assert.throws(() => y.backward(), /grad can be implicitly created only for scalar outputs/);
    y.backward(vector([1, 0.5, -1]));
    assert.deepEqual(Array.from(v.grad!.dataSync()), [2, 2, -6]);
  });

  it('a gradient argument of the wrong shape names both shapes', () => {
    const v = vector([1, 2, 3], true);
    assert.throws(() => torch.mul(v, v).backward(vector([1, 2])),
      /Mismatch in shape: grad_output\[0\] has a shape of torch.Size\(\[2\]\) and output\[0\] has a shape of torch.Size\(\[3\]\)/);
  });

  it('frees the graph after backward: a second backward raises PyTorch\'s error', () => {
    const x = scalar(3, true);
    const y = torch.mul(x, x);
    y.backward();
    assert.throws(() => y.backward(), (e: Error) => e.message === SECOND_BACKWARD_MESSAGE);
    assert.equal(x.grad?.item(), 6, 'the failed backward left .grad as it was');
  });

  it('retain_graph=True keeps the graph for a second backward', () => {
    const x = scalar(3, true);
    const y = torch.mul(x, x);
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assert.equal(x.grad?.item(), 12);
  });

  it('a node that saved nothing can be walked twice, as in PyTorch', () => {
    const x = scalar(3, true);
    const y = torch.add(x, 1);
    y.backward();
    y.backward();
    assert.equal(x.grad?.item(), 2);
  });

  it('no_grad() records nothing', () => {
    const x = scalar(3, true);
    const y = engine.withGradMode(false, () => torch.mul(x, x));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.throws(() => y.backward(), /element 0 of tensors does not require grad and does not have a grad_fn/);
  });

  it('detach() shares the value and cuts the graph', () => {
    const x = scalar(3, true);
    const y = torch.mul(x, x);
    const d = y.detach();
    assert.equal(d.item(), 9);
    assert.equal(d.requiresGrad, false);
    const z = torch.mul(torch.mul(d, x), 1);
    z.backward();
    assert.equal(x.grad?.item(), 9, 'd is a constant: dz/dx = d');
  });

  it('requires_grad_() turns a leaf on, and is refused on a non-leaf', () => {
    const x = scalar(2);
    x.requiresGrad_();
    torch.pow(x, 3).backward();
    assert.equal(x.grad?.item(), 12);
    const y = torch.mul(x, 2);
    assert.throws(() => { y.requiresGrad = false; }, /you can only change requires_grad flags of leaf variables/);
  });

  it('autograd.grad with create_graph gives second derivatives', () => {
    const x = scalar(2, true);
    const y = torch.pow(x, 3);
    const [dy] = engine.grad([y], [x], undefined, { createGraph: true });
    assert.equal(dy?.item(), 12);
    assert.equal(dy?.requiresGrad, true);
    const [d2y] = engine.grad([dy as Tensor], [x], undefined);
    assert.equal(d2y?.item(), 12);
    assert.equal(x.grad, null, 'autograd.grad leaves .grad alone');
  });

  it('third derivative of sin through create_graph is -cos', () => {
    const x = scalar(0.7, true);
    let d = torch.unary('sin', x);
    for (let k = 0; k < 3; k++) [d] = engine.grad([d], [x], undefined, { createGraph: true }) as Tensor[];
    assert.ok(Math.abs(d.item() + Math.cos(0.7)) < 1e-6);
  });

  it('autograd.grad refuses an unused input unless allow_unused', () => {
    const x = scalar(2, true);
    const z = scalar(1, true);
    const y = torch.mul(x, x);
    assert.throws(() => engine.grad([y], [z], undefined, { retainGraph: true }), /appears to not have been used in the graph/);
    assert.deepEqual(engine.grad([y], [z], undefined, { allowUnused: true }), [null]);
  });

  it('names grad_fns as PyTorch does', () => {
    const x = scalar(2, true);
    const v = vector([1, 2, 3], true);
    const m = engine.fromValues([1, 2, 3, 4, 5, 6], [2, 3], 'float32').requiresGrad_();
    const names: [string, Tensor][] = [
      ['PowBackward0', torch.pow(x, 2)],
      ['PowBackward1', torch.pow(x, x)],
      ['RsubBackward1', torch.sub(5, x)],
      ['SubBackward0', torch.sub(x, 5)],
      ['MulBackward0', torch.div(2, x)],
      ['DivBackward0', torch.div(x, 2)],
      ['NegBackward0', torch.neg(x)],
      ['MeanBackward0', torch.mean(v)],
      ['SumBackward0', torch.sum(v)],
      ['SumBackward1', torch.sum(m, 1, true)],
      ['MaxBackward1', torch.amax(v)],
      ['TBackward0', torch.t(m)],
      ['TransposeBackward0', torch.transpose(m, 0, 1)],
      ['MmBackward0', torch.matmul(m, torch.t(m))],
      ['DotBackward0', torch.matmul(v, v)],
      ['MvBackward0', torch.matmul(m, v)],
      ['SigmoidBackward0', torch.unary('logistic', v)],
      ['ReluBackward0', torch.relu(v)],
      ['SoftmaxBackward0', torch.softmax(v, 0)],
      ['LogSoftmaxBackward0', torch.logSoftmax(v, 0)],
      ['LogsumexpBackward0', torch.logsumexp(v, 0)],
      ['CatBackward0', torch.cat([v, v])],
      ['UnsqueezeBackward0', torch.unsqueeze(v, 0)],
      ['ExpBackward0', torch.unary('exp', x)],
    ];
    for (const [name, t] of names) assert.equal(t.gradFn?.name, name);
  });

  it('retain_grad() keeps the gradient of a non-leaf', () => {
    const x = scalar(2, true);
    const y = torch.mul(x, 3);
    y.retainGrad();
    torch.mul(y, y).backward();
    assert.equal(y.grad?.item(), 12);
    assert.equal(x.grad?.item(), 36);
  });

  it('an in-place update under no_grad works on a leaf (an SGD step)', () => {
    const w = scalar(1, true);
    torch.mul(w, w).backward();
    engine.withGradMode(false, () => engine.inPlace(w, (old) => torch.sub(old, torch.mul(0.1, w.grad as Tensor))));
    assert.ok(Math.abs(w.item() - 0.8) < 1e-7);
    assert.equal(w.isLeaf, true);
    assert.equal(w.requiresGrad, true);
  });

  it('an in-place op on a leaf that requires grad is refused in grad mode', () => {
    const w = scalar(1, true);
    assert.throws(() => engine.inPlace(w, (old) => torch.add(old, 1)), /a leaf Variable that requires grad is being used in an in-place operation/);
  });

  it('detects a saved value modified in place before backward', () => {
    const x = scalar(2, true);
    const a = torch.mul(x, 1);
    const y = torch.mul(a, a);
    engine.inPlace(a, (old) => torch.add(old, 1));
    assert.throws(() => y.backward(), /modified by an inplace operation/);
  });

  it('computes no cotangent for an operand that requires no grad (PyTorch\'s needs_input_grad)', () => {
    // A backend that lists the primitives it runs: backward of sum(b * x) and of sum(x @ w), with
    // only b and w requiring grad, must run one product each (g * x, x^T g), not also g * b and g w^T.
    const ran: string[] = [];
    const reference = createReferenceBackend();
    engine = new EagerEngine({ ...reference, run: (prim, inputs, params, out) => (ran.push(prim), reference.run(prim, inputs as never, params, out)) });
    torch = new TorchOps(engine);
    const b = scalar(-0.5, true);
    const x = vector([1, 2, 3]);
    const y = torch.sum(torch.mul(b, x));
    ran.length = 0;
    y.backward();
    assert.equal(ran.filter((p) => p === 'mul').length, 1, `backward ran ${ran.join(', ')}`);
    assert.equal(b.grad?.item(), 6);
    const w = engine.fromValues([1, -1, 2, 0.5, 3, 1], [3, 2], 'float32').requiresGrad_(true);
    const m = engine.fromValues([1, 2, 3, 4, 5, 6], [2, 3], 'float32');
    const z = torch.sum(torch.matmul(m, w));
    ran.length = 0;
    z.backward();
    assert.equal(ran.filter((p) => p === 'dot_general').length, 1, `backward ran ${ran.join(', ')}`);
    assert.deepEqual(Array.from(w.grad!.dataSync()), [5, 5, 7, 7, 9, 9]);
  });

  it('gives mean, softmax and matmul gradients PyTorch gives', () => {
    const m = engine.fromValues([1, 2, 3, 4, 5, 6], [2, 3], 'float32').requiresGrad_();
    const v = vector([1, -1, 2], true);
    torch.sum(torch.matmul(m, v)).backward();
    assert.deepEqual(Array.from(v.grad!.dataSync()), [5, 7, 9]);
    assert.deepEqual(Array.from(m.grad!.dataSync()), [1, -1, 2, 1, -1, 2]);
    const p = vector([1, 2, 3], true);
    torch.sum(torch.mul(torch.softmax(p, 0), vector([1, 0, 0]))).backward();
    const s = [1, 2, 3].map((t) => Math.exp(t) / (Math.E + Math.exp(2) + Math.exp(3)));
    const expected = [s[0] * (1 - s[0]), -s[0] * s[1], -s[0] * s[2]];
    Array.from(p.grad!.dataSync()).forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-6, `softmax grad ${i}`));
  });

  it('bad input is a clear error naming the op and the shapes', () => {
    assert.throws(() => torch.add(vector([1, 2, 3]), vector([1, 2])), /add: shapes do not broadcast together \(got f32\[3\], f32\[2\]\)/);
    assert.throws(() => engine.fromValues([1], [], 'float16' as never), /unknown dtype 'float16'/);
    assert.throws(() => torch.matmul(engine.fromValues([1, 2, 3, 4, 5, 6], [2, 3], 'float32'), vector([1, 2])),
      /dot_general: contracting dims/);
  });

  it('exports the tape with names, shapes, source spans and edges for the viewer', () => {
    const x = scalar(2, true);
    engine.span = { line: 4, column: 12, endLine: 4, endColumn: 18 };
    const y = torch.add(torch.mul(x, x), 1);
    const graph = exportTape([y]);
    assert.deepEqual(graph.nodes.map((n) => n.name), ['AccumulateGrad', 'MulBackward0', 'AddBackward0']);
    const [leaf, mul, add] = graph.nodes;
    assert.deepEqual(graph.edges.map((e) => [e.from, e.to, e.index]), [[leaf.id, mul.id, 0], [leaf.id, mul.id, 1], [mul.id, add.id, 0]]);
    assert.deepEqual(graph.outputs, [add.id]);
    assert.equal(mul.span?.line, 4);
    assert.deepEqual(add.output, { shape: [], dtype: 'float32' });
    y.backward();
    assert.equal(exportTape([y]).nodes[1].freed, true);
  });
});
