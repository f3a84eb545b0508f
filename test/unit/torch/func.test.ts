import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runTorch } from '../../../lang/python/torch';

const run = (source: string) => {
  const r = runTorch(source, new EagerEngine(createReferenceBackend()), { file: 'f.py' });
  return r.error ? formatError(r.error) : r.output;
};

/** torch.func, PyTorch 2.x's name for the functorch transforms that PyTorch 1.13 ships (checked in programs.test). */
describe('torch shim: torch.func', () => {
  it('prints what functorch prints for the functorch program, imported from torch.func', () => {
    const dir = 'test/fixtures/torch';
    const source = readFileSync(`${dir}/functorch_transforms.py`, 'utf8');
    const asFunc = source.replace('from functorch import', 'from torch.func import');
    assert.notEqual(asFunc, source);
    assert.equal(run(asFunc), readFileSync(`${dir}/functorch_transforms.expected`, 'utf8'));
  });

  it('functional_call runs a module with the given parameters and buffers, and leaves its own in place', () => {
    const out = run([
      'import torch',
      'from torch.func import functional_call, grad',
      'torch.manual_seed(0)',
      'model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))',
      'x = torch.randn(4, 3)',
      'params = {k: v.detach() * 2 for k, v in model.named_parameters()}',
      'y = functional_call(model, params, (x,))',
      'with torch.no_grad():',
      '    for p in model.parameters():',
      '        p.mul_(2)',
      'print(torch.equal(y, model(x)), y.requires_grad)',
      'with torch.no_grad():',
      '    for p in model.parameters():',
      '        p.div_(2)',
      'print(torch.equal(functional_call(model, {}, x), model(x)))',
      'g = grad(lambda p: functional_call(model, p, (x,)).sum())(params)',
      'print(sorted(g), g["0.weight"].shape, g["2.bias"])',
      'try:',
      '    functional_call(model, {"fc.weight": x}, (x,))',
      'except AttributeError as e:',
      '    print("AttributeError:", e)',
    ].join('\n'));
    assert.equal(out, "True False\nTrue\n['0.bias', '0.weight', '2.bias', '2.weight'] torch.Size([2, 3]) tensor([4.])\nAttributeError: 'Sequential' object has no attribute 'fc.weight'\n");
  });
  const CUBE = [
    'import torch',
    'class Cube(torch.autograd.Function):',
    '    @staticmethod',
    '    def forward(ctx, x):',
    '        ctx.save_for_backward(x)',
    '        return x ** 3',
    '    @staticmethod',
    '    def backward(ctx, g):',
    '        (x,) = ctx.saved_tensors',
    '        return 3 * x ** 2 * g',
    'a = torch.tensor([1.0, 2.0])',
  ];

  it("a custom autograd.Function inside a functorch transform is functorch 1.13's RuntimeError at the apply's line", () => {
    const out = run([...CUBE, 'from functorch import jacrev', 'def f(t):', '    y = t * 2', '    return Cube.apply(y)', 'print(jacrev(f)(a))'].join('\n'));
    assert.equal(out, 'f.py:15:12: error: RuntimeError: functorch functions (vmap, grad, vjp, etc.) currently do not support the use of autograd.Function. '
      + 'Please rewrite your function to not use autograd.Function while we work on fixing this');
  });

  it("inside a torch.func transform, a Function without setup_context is PyTorch 2.x's RuntimeError at the line; one with setup_context runs", () => {
    const out = run([...CUBE, 'from torch.func import vmap', 'print(vmap(Cube.apply)(a))'].join('\n'));
    assert.equal(out, 'f.py:13:7: error: RuntimeError: In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, ...), '
      + 'it must override the setup_context staticmethod. For more details, please see https://pytorch.org/docs/master/notes/extending.func.html');
    const newStyle = run([
      'import torch',
      'from torch.func import grad',
      'class Cube(torch.autograd.Function):',
      '    @staticmethod',
      '    def forward(x):',
      '        return x ** 3',
      '    @staticmethod',
      '    def setup_context(ctx, inputs, output):',
      '        ctx.save_for_backward(inputs[0])',
      '    @staticmethod',
      '    def backward(ctx, g):',
      '        (x,) = ctx.saved_tensors',
      '        return 3 * x ** 2 * g',
      'print(grad(lambda t: Cube.apply(t).sum())(torch.tensor([1.0, 2.0])))',
    ].join('\n'));
    assert.equal(newStyle, 'tensor([ 3., 12.])\n');
  });
  describe("vmap's randomness where Gradlens cannot batch the draw as PyTorch does: refused at the draw's line, saying why", () => {
    const vmapped = (body: string[], call: string) => run(['import torch', 'from functorch import vmap', 'x = torch.full((3, 4), 0.5)', ...body, call].join('\n'));

    it("randomness='error' (the default): functorch's RuntimeError at the draw, not at the vmap", () => {
      assert.equal(vmapped(['def f(a):', '    return a + torch.randn(4)'], 'print(vmap(f)(x))'),
        "f.py:5:16: error: RuntimeError: vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap");
    });

    it("rand_like under 'different' with in_dims=1: PyTorch draws in the batched tensor's memory order, which the transposed batch dim makes entry b's draws b, b + B, ...", () => {
      assert.equal(vmapped(['def f(a):', '    b = a * 2', '    return b + torch.rand_like(b)'], "print(vmap(f, in_dims=1, randomness='different')(x))"),
        "f.py:6:16: error: NotImplementedError: vmap(randomness='different'): torch.rand_like draws over its batched tensor in that tensor's memory order, which an in_dims other than 0 transposes (entry b takes the draws b, b + B, ...) "
        + 'in a way Gradlens, running the function entry by entry, does not follow for tensors computed from the inputs: map over dim 0 (move the batch dim first with x.movedim(d, 0)), or draw outside vmap and pass the values in');
    });

    it("bernoulli of probabilities under 'same': PyTorch refuses a batched operand and shares one draw for an unbatched one", () => {
      assert.equal(vmapped([], "print(vmap(lambda p: torch.bernoulli(p), randomness='same')(x))"),
        "f.py:4:22: error: NotImplementedError: vmap(randomness='same'): PyTorch raises 'Vmap does not currently support same randomness with a batched tensor input' for torch.bernoulli of a tensor computed from the inputs, "
        + "and draws once for all entries when the tensor is not; Gradlens, running the function entry by entry, cannot tell which: use randomness='different', or draw outside vmap and pass the values in");
    });

    it("an in-place sampler under 'different': PyTorch fills a batched tensor over the batch and refuses an unbatched one", () => {
      assert.equal(vmapped([], "print(vmap(lambda p: p.clone().uniform_(), randomness='different')(x))"),
        "f.py:4:22: error: NotImplementedError: vmap(randomness='different'): Tensor.uniform_ fills its tensor in place, which PyTorch does over the whole batch when that tensor is computed from the inputs, "
        + "and refuses ('Cannot ask for different inplace randomness on an unbatched tensor') when it is not; Gradlens, running the function entry by entry, cannot tell which: "
        + 'draw with a size (torch.rand(x.shape)), which PyTorch batches first, or outside vmap and pass the values in');
    });

    it('nested vmaps batch only draws given a size', () => {
      assert.equal(vmapped([], "print(vmap(vmap(lambda p: torch.randperm(3), randomness='different'), randomness='different')(x))"),
        "f.py:4:27: error: NotImplementedError: torch.randperm inside nested vmaps with randomness='different' is not supported by Gradlens "
        + '(it batches only draws given a size there: torch.rand, randn, randint, normal(mean, std, size)): draw with a size, or outside and pass the values in');
    });

    it("dropout with inplace=True under 'different': PyTorch allows it for a batched input and raises for an unbatched one", () => {
      assert.equal(vmapped(['import torch.nn.functional as F'], "print(vmap(lambda a: F.dropout(torch.ones(4), 0.5, inplace=True) + a, randomness='different')(x))"),
        "f.py:5:22: error: NotImplementedError: vmap(randomness='different'): dropout with inplace=True multiplies a mask drawn for the whole batch into its input, which PyTorch allows only when that input is batched; "
        + 'Gradlens, running the function entry by entry, cannot tell whether it is: use inplace=False, or draw outside vmap and pass the values in');
    });

    it('entries that draw differently (Python control flow on their values)', () => {
      assert.equal(vmapped(['def f(a):', '    if a.sum() > 1.9:', '        return a + torch.rand(4)', '    return a'], "print(vmap(f, randomness='different')(x * torch.tensor([[1.0], [0.5], [0.5]])))"),
        "f.py:8:7: error: NotImplementedError: vmap(randomness='different'): the entries drew different random values (Python control flow on an entry's values chose them); "
        + 'PyTorch draws once for the whole batch, which Gradlens, running the function entry by entry, cannot reproduce here: draw outside and pass the values in');
    });

    it('a refused draw leaves the generator and later vmaps as they were', () => {
      const out = vmapped(['torch.manual_seed(0)', 'try:', "    vmap(lambda p: torch.bernoulli(p), randomness='same')(x)", 'except NotImplementedError:', '    pass'],
        "print(vmap(lambda a: a + torch.rand(4), randomness='different')(x)[0])");
      assert.equal(out, 'tensor([0.9963, 1.2682, 0.5885, 0.6320])\n');
    });
  });
});
