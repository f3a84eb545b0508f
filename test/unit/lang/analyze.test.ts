import * as assert from 'node:assert/strict';
import {
  analyze,
  captureInputs,
  createModule,
  formatError,
  pyFunction,
  repr,
  type Analysis,
  type FunctionInfo,
  type ModuleRegistry,
} from '../../../lang/python';

const SOURCE = `import math
import scipy.special as sp
from shutil import copy

def deco(f):
    return f

# gradlens: x=2.0, w=[1, 2, 3]
@deco
def g(x, w, *, scale=1.0):
    def inner(t):
        return t * scale
    return inner(x) + sum(w)

def h(a=3.0, b=math.pi, **kw):
    return math.sin(a) * b

def reads(name):
    with open(name) as fh:
        return fh.read()

def uses_scipy(x):
    return sp.gamma(x) + 1

class Model:
    def forward(self, x):
        return x @ self.w

def greet(name):
    print('hi ' + name)

print('start')
v = 1.5
z = g(v + 1, [1.0], scale=0.5)
`;

function fn(a: Analysis, qualname: string): FunctionInfo {
  const f = a.functions.find((x) => x.qualname === qualname);
  assert.ok(f, `no function ${qualname}`);
  return f;
}

describe('analyzer: functions', () => {
  const a = analyze(SOURCE);

  it('finds every def, nested, decorated and in classes, with qualified names', () => {
    assert.deepEqual(
      a.functions.map((f) => f.qualname),
      ['deco', 'g', 'g.<locals>.inner', 'h', 'reads', 'uses_scipy', 'Model.forward', 'greet'],
    );
    assert.equal(fn(a, 'g.<locals>.inner').parent, 'g');
    assert.equal(fn(a, 'Model.forward').className, 'Model');
  });

  it('gives source ranges (decorators included), parameters with defaults, decorators', () => {
    const g = fn(a, 'g');
    assert.deepEqual([g.span.line, g.span.endLine], [9, 13]);
    assert.deepEqual([g.nameSpan.line, g.nameSpan.col], [10, 5]);
    assert.deepEqual(g.decorators.map((d) => d.text), ['deco']);
    assert.deepEqual(
      g.params.map((p) => [p.name, p.kind, p.default?.text ?? null]),
      [['x', 'positional', null], ['w', 'positional', null], ['scale', 'keywordOnly', '1.0']],
    );
    assert.deepEqual(
      fn(a, 'h').params.map((p) => [p.name, p.kind, p.default?.text ?? null]),
      [['a', 'positional', '3.0'], ['b', 'positional', 'math.pi'], ['kw', 'varkw', null]],
    );
  });

  it('tells numeric functions apart: arithmetic or a supported module, not text', () => {
    const numeric = Object.fromEntries(a.functions.map((f) => [f.qualname, f.isNumeric]));
    assert.deepEqual(numeric, {
      deco: false,
      g: true,
      'g.<locals>.inner': true,
      h: true,
      reads: false,
      uses_scipy: true,
      'Model.forward': true,
      greet: false,
    });
  });

  it('lists what cannot run, with spans: unsupported modules, refused builtins', () => {
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.span.line, d.span.col, d.message]),
      [
        ['unsupported-module', 2, 8, "module 'scipy' is not supported by Gradlens"],
        ['unsupported-module', 3, 6, "module 'shutil' is not supported by Gradlens"],
        ['unsupported-call', 19, 10, "'open' is not available in Gradlens: scripts cannot read or write files"],
        ['unsupported-call', 23, 12, "'sp.gamma' comes from module 'scipy', which is not supported by Gradlens"],
      ],
    );
    assert.deepEqual(fn(a, 'reads').unsupported.map((d) => d.span.line), [19]);
    assert.deepEqual(fn(a, 'uses_scipy').unsupported.map((d) => [d.span.line, d.span.col, d.span.endCol]), [[23, 12, 20]]);
    assert.deepEqual(fn(a, 'h').unsupported, []);
    assert.deepEqual(
      a.imports.map((i) => [i.module, i.alias, i.supported]),
      [['math', 'math', true], ['scipy.special', 'sp', false], ['shutil', 'copy', false]],
    );
  });

  it('treats a module the caller registers as supported', () => {
    const scipy: ModuleRegistry = { scipy: { create: () => createModule('scipy', {}) }, 'scipy.special': { create: () => createModule('scipy.special', {}) } };
    const b = analyze(SOURCE, { modules: scipy });
    assert.deepEqual(b.diagnostics.map((d) => d.span.line), [3, 19]);
  });

  it('reports a module attribute the shim does not export', () => {
    const mod: ModuleRegistry = { fake: { exports: ['sin'], create: () => createModule('fake', { sin: pyFunction('sin', () => 0) }) } };
    const b = analyze('import fake\ndef f(x):\n    return fake.sin(x) + fake.fft(x)\n', { modules: mod });
    assert.deepEqual(b.diagnostics.map((d) => [d.code, d.span.line, d.span.col, d.message]), [['unsupported-attribute', 3, 31, "'fake.fft' is not supported by Gradlens"]]);
  });
});

describe('analyzer: example inputs', () => {
  // The file above without its unsupported imports, so that it runs.
  const runnable = SOURCE.replace('import scipy.special as sp\nfrom shutil import copy\n', '\n\n');
  const a = analyze(runnable);

  it('finds a call in the file, the defaults and the # gradlens: comment, best first', () => {
    assert.deepEqual(fn(a, 'g').inputSources.map((s) => s.kind), ['call', 'comment']);
    assert.deepEqual(fn(a, 'h').inputSources.map((s) => s.kind), ['defaults']);
    assert.deepEqual(fn(a, 'g.<locals>.inner').inputSources.map((s) => s.kind), ['call']);
    assert.deepEqual(fn(a, 'greet').inputSources, []);
    const call = fn(a, 'g').inputSources[0];
    assert.equal(call.kind, 'call');
    if (call.kind !== 'call') return;
    assert.equal(call.span.line, 34);
    assert.equal(call.topLevel, true);
    assert.deepEqual(call.bindings.map((b) => [b.param, b.text]), [['x', 'v + 1'], ['w', '[1.0]'], ['scale', '0.5']]);
    const comment = fn(a, 'g').inputSources[1];
    assert.equal(comment.kind, 'comment');
    assert.deepEqual(comment.bindings.map((b) => [b.param, b.text, b.span.line, b.span.col]), [['x', '2.0', 8, 13], ['w', '[1, 2, 3]', 8, 20]]);
  });

  it('captures the argument values at the call by running the script up to it', () => {
    const g = fn(a, 'g');
    const r = captureInputs(a.parse, g, g.inputSources[0], { file: 'x.py' });
    assert.ok(r.ok, r.ok ? '' : formatError(r.error));
    if (!r.ok) return;
    const { values, interpreter, output } = r.inputs;
    assert.equal(output, 'start\n');
    assert.deepEqual([...values].map(([k, v]) => `${k}=${repr(v, interpreter)}`), ['x=2.5', 'w=[1.0]', 'scale=0.5']);
    // The function stays callable through the interpreter the script ran in.
    assert.equal(repr(interpreter.call(r.inputs.fn, [...values.values()].slice(0, 2)), interpreter), '3.5');
  });

  it('captures the defaults and the comment, evaluated where the def runs', () => {
    const h = fn(a, 'h');
    const d = captureInputs(a.parse, h, h.inputSources[0]);
    assert.ok(d.ok);
    if (!d.ok) return;
    assert.deepEqual([...d.inputs.values].map(([k, v]) => `${k}=${repr(v, d.inputs.interpreter)}`), ['a=3.0', 'b=3.141592653589793', 'kw={}']);
    const g = fn(a, 'g');
    const c = captureInputs(a.parse, g, g.inputSources[1]);
    assert.ok(c.ok);
    if (!c.ok) return;
    assert.deepEqual([...c.inputs.values].map(([k, v]) => `${k}=${repr(v, c.inputs.interpreter)}`), ['x=2.0', 'w=[1, 2, 3]', 'scale=1.0']);
  });

  it('captures the first call of a function called in a loop', () => {
    const b = analyze('def k(x, y):\n    return x * y\n\nfor i in range(3):\n    k(i + 1, 0.5)\n');
    const k = fn(b, 'k');
    assert.equal(k.inputSources[0].kind, 'call');
    const r = captureInputs(b.parse, k, k.inputSources[0]);
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([...r.inputs.values].map(([n, v]) => `${n}=${repr(v, r.inputs.interpreter)}`), ['x=1', 'y=0.5']);
  });

  it('reports a comment naming no parameter, and a comment that does not parse', () => {
    const b = analyze('# gradlens: x=2.0, q=1\ndef f(x):\n    return x\n\n# gradlens: x=(\ndef h(x):\n    return x\n');
    assert.deepEqual(
      b.diagnostics.map((d) => [d.code, d.severity, d.span.line, d.span.col]),
      [['bad-inputs-comment', 'warning', 1, 20], ['bad-inputs-comment', 'warning', 5, 11], ['bad-inputs-comment', 'warning', 5, 16]],
    );
    assert.equal(b.diagnostics[0].message, "the function has no parameter 'q'");
    assert.equal(b.diagnostics[1].message, "in the # gradlens: comment: '(' was never closed");
  });

  it('reads `# gradlens: live` as the live-mode mark, not an input: alone, and before the inputs (issue 18)', () => {
    const b = analyze('# gradlens: live\ndef f(x=2.0):\n    return x * x\n\n# gradlens: live, y=3.0\n@staticmethod\ndef g(y):\n    return y\n');
    assert.deepEqual(b.diagnostics, []);
    assert.equal(fn(b, 'f').inputSources[0].kind, 'defaults');
    const g = fn(b, 'g').inputSources[0];
    assert.equal(g.kind, 'comment');
    assert.deepEqual(g.bindings.map((x) => [x.param, x.text, x.span.col]), [['y', '3.0', 19]]);
  });

  it('says when the script never reaches the call', () => {
    const b = analyze('def f(x):\n    return x\n\nif False:\n    f(1.0)\n');
    const f = fn(b, 'f');
    const r = captureInputs(b.parse, f, f.inputSources[0], { file: 'x.py' });
    assert.ok(!r.ok);
    if (!r.ok) assert.equal(formatError(r.error), 'x.py:5:5: error: the script never reached the call of f() on line 5');
  });

  it('reports what it can of a half-typed file', () => {
    const b = analyze('import math\n\ndef f(x):\n    return math.sin(x) *\n\ndef g(y=2.0):\n    return y ** 2\n');
    assert.ok(b.diagnostics.some((d) => d.code === 'syntax' && d.span.line === 4));
    assert.deepEqual(b.functions.map((f) => [f.name, f.isNumeric, f.inputSources.map((s) => s.kind)]), [['f', true, []], ['g', true, ['defaults']]]);
  });
});
