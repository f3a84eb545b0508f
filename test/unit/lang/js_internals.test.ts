import * as assert from 'node:assert/strict';
import { evaluate } from '../../../evaluation/evaluate';
import { profile } from '../../../evaluation/profiled_backend';
import { createReferenceBackend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { Interpreter, PyError, PyModule, PyType, STANDARD_MODULES, getattr, parse, run, type PyValue } from '../../../lang/python';
import { jaxModules } from '../../../lang/python/jax';
import { runTorch, torchModules } from '../../../lang/python/torch';

/** What JavaScript objects have and Python objects must not: each is one property away from the JS runtime. */
const JS_INTERNALS = [
  'constructor', '__proto__', 'prototype', 'valueOf', 'toString', 'toLocaleString', 'hasOwnProperty', 'isPrototypeOf',
  'propertyIsEnumerable', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', 'toJSON', 'then',
  'apply', 'bind', 'call',
];

/** Every module a script may import, and a sample of every kind of value the shims hand out. */
const SAMPLES = `
import math, typing, torch, torch.nn, torch.nn.functional as F, torch.autograd, jax, jax.numpy as jnp, numpy as np
def f(x):
    return x * 2
class C:
    pass
t = torch.ones(2, requires_grad=True)
u = (t * 2).sum()
u.backward()
samples = [
    f, C, C(), ValueError('x'), 'x', 1, 1.5, True, None, [1], (1,), {1: 2}, {1}, frozenset([1]), range(3), slice(1),
    iter([1]), {1: 2}.keys(), {1: 2}.items(), zip([1], [2]), len, print, 'x'.upper, [].append,
    t, u, t.grad, u.grad_fn, t.shape, t.dtype, torch.max(torch.ones(2, 2), 0), torch.float32, torch.no_grad(),
    jnp.ones(2), np.ones(2), jnp.float32, jnp.ones(2).dtype, jax.jit(f), jax.grad(f), jax.vmap(f), jax.value_and_grad(f),
    jax.make_jaxpr(f)(1.0),
]
`;

/** Names a library's Python API defines on purpose as class attributes: `nn.Module.apply(fn)`, `MyFn.apply(x)`. */
const PYTHON_API: ReadonlySet<string> = new Set(['torch.nn.modules.module.Module.apply', 'torch.autograd.function.Function.apply']);

function hasNoJsInternals(v: PyValue, interp: Interpreter, where: string): void {
  for (const name of JS_INTERNALS) {
    if (v instanceof PyType && v.mro.some((t) => PYTHON_API.has(`${t.module}.${t.name}.${name}`) && t.attrs.has(name))) continue;
    let got: PyValue | undefined;
    try {
      got = getattr(v, name, interp);
    } catch (e) {
      assert.ok(e instanceof PyError, `${where}.${name}: threw ${String(e)}`);
      assert.equal(e.exc.type.name, 'AttributeError', `${where}.${name}: ${e.exc.type.name}`);
      continue;
    }
    assert.fail(`${where}.${name} is ${typeof got === 'function' ? String(got).slice(0, 60) : interp.repr(got)}, not an AttributeError`);
  }
}

describe('lang: no JavaScript internals reach Python (issue 12.8)', () => {
  it('every module, type, function and value the shims hand out has none of them', function () {
    this.timeout(60_000);
    const engine = new EagerEngine(createReferenceBackend());
    const modules = { ...STANDARD_MODULES, ...torchModules(engine), ...jaxModules(createReferenceBackend()) };
    const interp = new Interpreter({ file: 'x.py', modules });
    engine.tidy(() => {
      interp.runModule(parse(SAMPLES).module);
      return null;
    });
    const seen = new Set<unknown>();
    const queue: [PyValue, string][] = [...interp.builtins].map(([k, v]) => [v, k] as [PyValue, string]);
    for (const name of Object.keys(modules)) queue.push([interp.importModule(name), name]);
    const samples = interp.globals.get('samples') as unknown as { items: PyValue[] };
    samples.items.forEach((v, i) => queue.push([v, `samples[${i}]`]));
    let walked = 0;
    while (queue.length) {
      const [v, where] = queue.shift()!;
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) continue;
        seen.add(v);
      }
      hasNoJsInternals(v, interp, where);
      walked++;
      // Walk on through namespaces: a module's attributes, a class's methods.
      if (v instanceof PyModule) for (const [k, x] of v.attrs) queue.push([x, `${where}.${k}`]);
      if (v instanceof PyType) for (const [k, x] of v.attrs) queue.push([x, `${where}.${k}`]);
    }
    assert.ok(walked > 500, `walked only ${walked} objects`);
  });

  it("refuses them from Python with Python's AttributeError", () => {
    const engine = new EagerEngine(createReferenceBackend());
    const r = runTorch(
      [
        'import torch',
        "for x in ['x', [1], {}, 1.0, torch.ones(2), torch.ones(2).dtype]:",
        "    for name in ['constructor', '__proto__', 'valueOf', 'toString']:",
        '        try:',
        '            getattr(x, name)',
        "            print('reached', name)",
        '        except AttributeError as e:',
        '            pass',
        "print(hasattr('x', 'valueOf'), hasattr(torch.ones(1), 'constructor'))",
      ].join('\n'),
      engine,
      { file: 'x.py' },
    );
    assert.equal(r.error, null);
    assert.equal(r.output, 'False False\n');
  });

  it('jnp.ones(2).valueOf() is an AttributeError, not an internal error', () => {
    const r = run('import jax.numpy as jnp\njnp.ones(2).valueOf()\n', { file: 'x.py', modules: jaxModules(createReferenceBackend()) });
    assert.equal(r.error?.message, "AttributeError: 'ArrayImpl' object has no attribute 'valueOf'");
  });
});

describe("lang: parameters named like JavaScript internals (issue 12.8)", () => {
  it("def f(__proto__, constructor, x): every input and gradient is kept, in both engines", async () => {
    const text = [
      'import torch',
      'def f(__proto__, constructor, x):',
      '    return (__proto__ * 2 + constructor * 3 + x * x).sum()',
      'f(torch.tensor(1.0), torch.tensor(2.0), torch.tensor([1.0, 2.0]))',
      '',
    ].join('\n');
    const outcome = await evaluate(
      { uri: 'file:///proto.py', text, function: 'f', engines: 'both', backend: 'reference', graphs: false },
      profile(createReferenceBackend()),
      { name: 'reference' },
    );
    if (!outcome.ok) assert.fail(outcome.error.message);
    const { inputs, eager, jit } = outcome.result;
    assert.deepEqual(Object.entries(inputs), [['__proto__', 1], ['constructor', 2], ['x', [1, 2]]]);
    const expected = [['__proto__', 4], ['constructor', 6], ['x', [2, 4]]];
    assert.deepEqual(Object.entries(eager!.grad), expected);
    assert.deepEqual(Object.entries(jit!.grad), expected);
  });
});
