import * as assert from 'node:assert/strict';
import { analyze, captureInputs, formatError, parse, type CaptureResult } from '../../../lang/python';

function capture(source: string, name: string, kind: 'call' | 'defaults' | 'comment'): CaptureResult {
  const parsed = parse(source);
  const fn = analyze(parsed).functions.find((f) => f.name === name)!;
  const src = fn.inputSources.find((s) => s.kind === kind);
  assert.ok(src, `no ${kind} source for ${name}: ${fn.inputSources.map((s) => s.kind).join(', ')}`);
  return captureInputs(parsed, fn, src, { file: 'x.py' });
}

function values(r: CaptureResult): string[] {
  assert.ok(r.ok, r.ok ? '' : formatError(r.error));
  const i = r.inputs;
  return [...i.values].map(([k, v]) => `${k}=${i.interpreter.repr(v)}`);
}

const DECORATED = `
def traced(fn):
    def wrapper(*args, **kwargs):
        print('calling', fn.__name__)
        return fn(*args, **kwargs)
    return wrapper

# gradlens: x=4.0
@traced
def f(x, scale=[1.5]):
    return x * scale[0]

y = f(3.0)
`;

describe('example inputs through decorators', () => {
  it('binds a call to the decorated def by its own parameters', () => {
    const r = capture(DECORATED, 'f', 'call');
    assert.deepEqual(values(r), ['x=3.0', 'scale=[1.5]']);
    assert.ok(r.ok);
    // The captured callable is what the script calls: the wrapper, which still works.
    const again = r.inputs.interpreter.call(r.inputs.fn, [2.0]);
    assert.equal(r.inputs.interpreter.repr(again), '3.0');
  });

  it('binds the defaults of the def itself, not of its wrapper', () => {
    const src = DECORATED.replace('# gradlens: x=4.0\n', '').replace('def f(x, scale', 'def f(x=2.0, scale');
    const r = capture(src, 'f', 'defaults');
    assert.deepEqual(values(r), ['x=2.0', 'scale=[1.5]']);
    // The script ran only up to the def: nothing called f.
    assert.ok(r.ok && r.inputs.output === '');
  });

  it('fills what a # gradlens: comment leaves out from the defaults', () => {
    const r = capture(DECORATED, 'f', 'comment');
    assert.deepEqual(values(r), ['x=4.0', 'scale=[1.5]']);
  });

  it('says which input a comment misses', () => {
    const r = capture('# gradlens: x=1.0\ndef g(x, w):\n    return x * w\n', 'g', 'comment');
    assert.ok(!r.ok);
    assert.equal(formatError(r.error), "x.py:1:1: error: the # gradlens: comment does not give every input: g() missing 1 required positional argument: 'w'");
  });

  it('evaluates comment expressions in the script globals, after the def', () => {
    const r = capture('import math\nscale = 3\n# gradlens: x=math.pi / scale, n=len([1, 2])\ndef h(x, n):\n    return x * n\n', 'h', 'comment');
    assert.deepEqual(values(r), ['x=1.0471975511965976', 'n=2']);
  });

  it('captures the arguments of the first call in a loop', () => {
    const src = 'def k(a, b=1):\n    return a + b\nwrapped = k\nfor i in range(3):\n    k(i, b=10 * i)\n';
    assert.deepEqual(values(capture(src, 'k', 'call')), ['a=0', 'b=0']);
  });
});
