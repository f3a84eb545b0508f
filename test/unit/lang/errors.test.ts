import * as assert from 'node:assert/strict';
import {
  analyze,
  createModule,
  formatError,
  HostObject,
  hostType,
  pyFunction,
  run,
  sharedCancelFlag,
  type ModuleRegistry,
  type RunOptions,
  type ScriptError,
} from '../../../lang/python';

function fails(source: string, options: RunOptions = {}): { error: ScriptError; output: string } {
  const r = run(source, { file: 'x.py', ...options });
  assert.ok(r.error, `expected an error, got output ${JSON.stringify(r.output)}`);
  return { error: r.error, output: r.output };
}

/** `x.py:LINE:COL: error: MESSAGE` */
function errorLine(source: string, options: RunOptions = {}): string {
  return formatError(fails(source, options).error);
}

describe('errors: uncaught Python exceptions', () => {
  // Lines and messages as CPython 3.11 reports them; columns point at the expression that raised.
  const cases: [string, string][] = [
    ['def f(x):\n    y = x * 2\n    return y / 0\n\nz = f(3)\n', 'x.py:3:12: error: ZeroDivisionError: division by zero'],
    ['print(undefined_thing + 1)\n', "x.py:1:7: error: NameError: name 'undefined_thing' is not defined"],
    ['items = [1, 2, 3]\nprint(items[5])\n', 'x.py:2:7: error: IndexError: list index out of range'],
    ["d = {'a': 1}\nprint(d['b'])\n", "x.py:2:7: error: KeyError: 'b'"],
    ['x = 5\nassert x < 3, f"x too big: {x}"\n', 'x.py:2:1: error: AssertionError: x too big: 5'],
    ['assert 1 == 2\n', 'x.py:1:1: error: AssertionError'],
    ['class Bad(Exception):\n    pass\nraise Bad("custom failure")\n', 'x.py:3:1: error: Bad: custom failure'],
    ['import math\nprint(math.sqrt(-1))\n', 'x.py:2:7: error: ValueError: math domain error'],
    ['x = 1 + "a"\n', "x.py:1:5: error: TypeError: unsupported operand type(s) for +: 'int' and 'str'"],
    ['x = None\nx.foo\n', "x.py:2:1: error: AttributeError: 'NoneType' object has no attribute 'foo'"],
    ['class A:\n    pass\nclass B(A):\n    pass\nclass C(A, B):\n    pass\n', 'x.py:5:1: error: TypeError: Cannot create a consistent method resolution\norder (MRO) for bases A, B'],
    ['class A:\n    pass\nclass B(A, A):\n    pass\n', 'x.py:3:1: error: TypeError: duplicate base class A'],
    ['class P:\n    def __eq__(self, o):\n        return True\ns = {1, P()}\n', "x.py:4:5: error: TypeError: unhashable type: 'P'"],
    ['class H:\n    def __hash__(self):\n        return "h"\nd = {}\nd[H()] = 1\n', 'x.py:5:1: error: TypeError: __hash__ method should return an integer'],
    ['class A:\n    pass\nprint(reversed(A()))\n', "x.py:3:7: error: TypeError: 'A' object is not reversible"],
    ['from collections import namedtuple\nP = namedtuple("P", "x y")\np = P(1, 2, 3)\n', 'x.py:3:5: error: TypeError: P.__new__() takes 3 positional arguments but 4 were given'],
    ['from typing import NamedTuple\nclass Bad(NamedTuple):\n    a: int = 1\n    b: int\n', 'x.py:2:1: error: TypeError: Non-default namedtuple field b cannot follow default field a'],
    ['from collections import namedtuple\nP = namedtuple("P", "x y")\nP(1, 2).x = 3\n', "x.py:3:1: error: AttributeError: can't set attribute"],
    ['a, b = [1, 2, 3]\n', 'x.py:1:1: error: ValueError: too many values to unpack (expected 2)'],
    // A nested class is named by its qualname, as CPython's traceback names it.
    ['class Trainer:\n    class DivergedError(Exception):\n        pass\nraise Trainer.DivergedError("loss is nan")\n', 'x.py:4:1: error: Trainer.DivergedError: loss is nan'],
    ['def f(a, b):\n    return a\nf(1)\n', "x.py:3:1: error: TypeError: f() missing 1 required positional argument: 'b'"],
    ['int("3.5")\n', "x.py:1:1: error: ValueError: invalid literal for int() with base 10: '3.5'"],
    ['raise ValueError("a", 1)\n', "x.py:1:1: error: ValueError: ('a', 1)"],
    ['class E(Exception):\n    def __str__(self):\n        return "mine"\nraise E()\n', 'x.py:4:1: error: E: mine'],
    ['x = 2.0 ** 10000\n', "x.py:1:5: error: OverflowError: (34, 'Numerical result out of range')"],
    ['def g():\n    return h()\ndef h():\n    return [][0]\ng()\n', 'x.py:4:12: error: IndexError: list index out of range'],
    ['a = [1, 2, 3]\nfor x, y in zip(a, [1], strict=True):\n    z = x * 2\n', 'x.py:2:1: error: ValueError: zip() argument 2 is shorter than argument 1'],
    ['xs = [v for v in zip([1], [2, 3], strict=True)]\n', 'x.py:1:6: error: ValueError: zip() argument 2 is longer than argument 1'],
  ];
  for (const [source, expected] of cases) {
    it(expected.replace(/^x\.py:\d+:\d+: error: /, ''), () => assert.equal(errorLine(source), expected));
  }

  it('keeps what was printed before the error apart from the error', () => {
    const { error, output } = fails('print("before")\nprint(1 / 0)\nprint("after")\n');
    assert.equal(output, 'before\n');
    assert.equal(error.kind, 'exception');
    assert.equal(error.exceptionType, 'ZeroDivisionError');
    assert.deepEqual([error.span.line, error.span.col], [2, 7]);
  });

  it('records the traceback, innermost frame first', () => {
    const { error } = fails('def inner():\n    raise RuntimeError("deep")\ndef outer():\n    inner()\nouter()\n');
    assert.deepEqual(
      error.traceback.map((f) => [f.name, f.span.line]),
      [['inner', 2], ['outer', 4], ['<module>', 5]],
    );
  });

  it('writes "line N: message" without a file name', () => {
    const r = run('x = 1\ny = x / 0\n');
    assert.equal(formatError(r.error!), 'line 2: ZeroDivisionError: division by zero');
  });

  it('streams output to stdout as it is printed', () => {
    const chunks: string[] = [];
    const r = run('print("a")\nprint("b", end="")\nraise KeyError(3)\n', { stdout: (t) => chunks.push(t) });
    assert.deepEqual(chunks, ['a\n', 'b']);
    assert.equal(r.error!.message, 'KeyError: 3');
  });
});

describe('errors: syntax', () => {
  it('reports a syntax error at its position and runs nothing', () => {
    const { error, output } = fails('print("never")\ndef f(x):\n    return x ** 2 +\n\nprint(f(2))\n');
    assert.equal(output, '');
    assert.equal(error.kind, 'syntax');
    assert.equal(formatError(error), 'x.py:3:20: error: SyntaxError: invalid syntax');
  });

  it('names the Python 2 print statement', () => {
    assert.match(errorLine('print "hi"\n'), /^x\.py:1:1: error: SyntaxError: Missing parentheses in call to 'print'/);
  });
});

describe('errors: the sandbox', () => {
  const refused: [string, RegExp][] = [
    ["data = open('secret.txt')\n", /x\.py:1:8: error: 'open' is not available in Gradlens: scripts cannot read or write files/],
    ["eval('1 + 1')\n", /'eval' is not available in Gradlens: scripts cannot run code from strings/],
    ["exec('x = 1')\n", /'exec' is not available in Gradlens/],
    ["__import__('os')\n", /'__import__' is not available in Gradlens/],
    ['input()\n', /'input' is not available in Gradlens: scripts cannot read input/],
    ['globals()\n', /'globals' is not available in Gradlens/],
  ];
  for (const [source, pattern] of refused) {
    it(`refuses ${source.trim()}`, () => {
      const { error } = fails(source);
      assert.equal(error.kind, 'sandbox');
      assert.match(formatError(error), pattern);
    });
  }

  it('prints into an object with write() (no script can open a file), and fails as CPython on one without', () => {
    const { error, output } = fails("import io\nbuf = io.StringIO()\nprint('x', 1, file=buf)\nprint(repr(buf.getvalue()))\nprint('z', file=None)\nprint('y', file=1)\n");
    assert.equal(output, "'x 1\\n'\nz\n");
    assert.equal(formatError(error), "x.py:6:1: error: AttributeError: 'int' object has no attribute 'write'");
  });

  it('cannot be caught by the script', () => {
    const { error, output } = fails('try:\n    open("f")\nexcept Exception:\n    print("caught")\nfinally:\n    print("finally")\n');
    assert.equal(error.kind, 'sandbox');
    assert.equal(output, '');
  });

  it('refuses a module that has no shim, at the import', () => {
    const { error } = fails('import math\nimport scipy\n');
    assert.equal(formatError(error), "x.py:2:8: error: module 'scipy' is not supported by Gradlens");
    assert.equal(errorLine('import shutil.util\n'), "x.py:1:8: error: module 'shutil' is not supported by Gradlens");
    assert.equal(errorLine('from math import nope\n'), "x.py:1:18: error: cannot import name 'nope' from 'math': Gradlens does not support it");
  });

  it('refuses each module that reaches files, the network, processes or the environment, at the module name', () => {
    for (const name of ['subprocess', 'socket', 'pickle', 'shutil']) {
      assert.equal(errorLine(`x = 1\nimport math, ${name}\n`), `x.py:2:14: error: module '${name}' is not supported by Gradlens`);
      assert.equal(errorLine(`from ${name} import path\n`), `x.py:1:6: error: module '${name}' is not supported by Gradlens`);
    }
  });

  it('lets the script fall back when an import fails, as Python code does', () => {
    const r = run('try:\n    import numpy as np\nexcept ImportError as e:\n    print("fallback:", e)\n');
    assert.equal(r.output, "fallback: module 'numpy' is not supported by Gradlens\n");
  });

  it('has no __builtins__, no way to reach the process', () => {
    assert.match(errorLine('__builtins__\n'), /NameError: name '__builtins__' is not defined/);
    assert.match(errorLine('(1).__class__.__subclasses__()\n'), /AttributeError: type object 'int' has no attribute '__subclasses__'/);
    assert.match(errorLine('print.__self__\n'), /AttributeError/);
  });

  it('stops at syntax it does not run', () => {
    const cases: [string, RegExp][] = [
      ['async def f():\n    pass\n', /Gradlens does not support 'async def'/],
      ['from . import sibling\n', /relative imports/],
    ];
    for (const [source, pattern] of cases) {
      const { error } = fails(source);
      assert.equal(error.kind, 'unsupported', source);
      assert.match(formatError(error), pattern);
    }
  });
});

describe('errors: the object model and its modules (issue 14)', () => {
  it('refuses to copy a host value whose shim has no __copy__/__deepcopy__, at the call, saying what to write', () => {
    class Handle extends HostObject {
      static readonly type = hostType('Handle', 'hw');
      get pyType() {
        return Handle.type;
      }
    }
    const modules: ModuleRegistry = { hw: { create: () => createModule('hw', { h: new Handle() }) } };
    assert.equal(
      errorLine('import copy\nfrom hw import h\nx = copy.deepcopy({"k": [h]})\n', { modules }),
      "x.py:3:5: error: TypeError: copy.deepcopy of a 'Handle' is not supported by Gradlens; build a new one instead (for a tensor: t.clone().detach())",
    );
    assert.match(errorLine('import copy\nfrom hw import h\ny = copy.copy(h)\n', { modules }), /^x\.py:3:5: error: TypeError: copy\.copy of a 'Handle'/);
  });

  it('refuses __del__ at its definition: it would never run, where CPython runs it at the last reference', () => {
    const loader = 'class Loader:\n    def __init__(self, path):\n        self.path = path\n\n    def __del__(self):\n        print("closing", self.path)\n\nl = Loader("train.csv")\nl = None\n';
    const r = run(loader, { file: 'x.py' });
    assert.equal(r.output, '');
    assert.equal(r.error?.kind, 'unsupported');
    assert.equal(
      formatError(r.error!),
      "x.py:5:5: error: Gradlens does not support __del__: it never frees an object when its last reference goes, as CPython does, so __del__ would never run; release what the object holds explicitly (a close() method, or __enter__/__exit__ and a 'with' block)",
    );
    assert.match(errorLine('class A:\n    x = 1\n    __del__ = print\n'), /^x\.py:3:5: error: Gradlens does not support __del__/);
    assert.match(errorLine('class A:\n    pass\nA.__del__ = lambda self: None\n'), /^x\.py:3:1: error: Gradlens does not support __del__/);
    const a = analyze(loader);
    assert.deepEqual(a.diagnostics.map((d) => [d.code, d.span.line, d.span.col]), [['unsupported-syntax', 5, 5]]);
  });

  it('reports a dataclass or statistics misuse at the call, with CPython\'s message', () => {
    assert.equal(
      errorLine('from dataclasses import dataclass\n@dataclass\nclass C:\n    x: int\nc = C()\n'),
      "x.py:5:5: error: TypeError: C.__init__() missing 1 required positional argument: 'x'",
    );
    assert.equal(
      errorLine('from dataclasses import dataclass\n@dataclass(frozen=True)\nclass C:\n    x: int\nc = C(1)\nc.x = 2\n'),
      "x.py:6:1: error: dataclasses.FrozenInstanceError: cannot assign to field 'x'",
    );
    assert.equal(errorLine('import statistics\nm = statistics.stdev([1.0])\n'), 'x.py:2:5: error: statistics.StatisticsError: stdev requires at least two data points');
  });
});

describe('errors: budgets and cancellation', () => {
  it('stops an infinite loop at the step budget, naming the line', function () {
    this.timeout(30_000);
    const { error } = fails('x = 1\nwhile True:\n    x += 1\n');
    assert.equal(error.kind, 'budget');
    assert.equal(formatError(error), 'x.py:3:5: error: the script ran more than 10,000,000 steps; is there an infinite loop?');
  });

  it('takes a smaller step budget, and counts comprehension iterations and calls', () => {
    const small = { budgets: { maxSteps: 1000 } };
    assert.equal(errorLine('for i in range(10 ** 9):\n    pass\n', small), 'x.py:2:5: error: the script ran more than 1,000 steps; is there an infinite loop?');
    assert.match(errorLine('xs = [i for i in range(10 ** 9)]\n', small), /^x\.py:1:6: error: the script ran more than 1,000 steps/);
    assert.match(errorLine('def f(n):\n    return 0 if n == 0 else f(n - 1)\nf(5000)\n', { budgets: { maxSteps: 1000, maxRecursionDepth: 100_000 } }), /more than 1,000 steps/);
    assert.equal(run('s = 0\nfor i in range(100):\n    s += i\nprint(s)\n', small).output, '4950\n');
  });

  it('stops a run past its wall-clock budget', () => {
    const { error } = fails('while True:\n    pass\n', { budgets: { maxWallMs: 50, maxSteps: Number.MAX_SAFE_INTEGER } });
    assert.equal(error.kind, 'budget');
    assert.equal(formatError(error), 'x.py:2:5: error: the script ran longer than 0.05 s (the time budget); is there an infinite loop?');
  });

  it('raises RecursionError past the frame budget, which the script can catch', () => {
    assert.equal(errorLine('def rec(n):\n    return rec(n + 1)\nrec(0)\n'), 'x.py:2:12: error: RecursionError: maximum recursion depth exceeded');
    const r = run('def rec(n):\n    return rec(n + 1)\ntry:\n    rec(0)\nexcept RecursionError as e:\n    print("caught:", e)\n');
    assert.equal(r.output, 'caught: maximum recursion depth exceeded\n');
    const deep = run('def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(f(150))\n');
    assert.equal(deep.output, '150\n');
  });

  it('turns a JS stack overflow into RecursionError when the frame budget is set high', () => {
    const { error } = fails('def rec(n):\n    return rec(n + 1)\nrec(0)\n', { budgets: { maxRecursionDepth: 1e9 } });
    assert.equal(error.exceptionType, 'RecursionError');
  });

  it('stops at the tensor-bytes budget that host shims charge', () => {
    class Blob extends HostObject {
      static readonly type = hostType('Blob', 'mem');
      get pyType() {
        return Blob.type;
      }
    }
    const modules: ModuleRegistry = {
      mem: {
        create: () =>
          createModule('mem', {
            zeros: pyFunction('zeros', (args, _kw, ctx) => {
              ctx.allocate(Number(args[0]) * Number(args[1]) * 4);
              return new Blob();
            }),
          }),
      },
    };
    const { error, output } = fails('import mem\nsmall = mem.zeros(10, 10)\nprint("ok")\nhuge = mem.zeros(100000, 100000)\nprint("never")\n', { modules });
    assert.equal(output, 'ok\n');
    assert.equal(error.kind, 'budget');
    assert.equal(
      formatError(error),
      "x.py:4:8: error: the script's tensors would take more than the tensor budget of 1 GiB (gradlens.budget.tensorMiB): this allocation needs 37.3 GiB with 400 bytes already held; make the tensors smaller or raise the budget",
    );
    const limited = fails('import mem\na = mem.zeros(512, 512)\nb = mem.zeros(1, 1)\n', { modules, budgets: { maxTensorBytes: 1 << 20 } });
    assert.equal(formatError(limited.error), "x.py:3:5: error: the script's tensors would take more than the tensor budget of 1 MiB (gradlens.budget.tensorMiB): this allocation needs 4 bytes with 1 MiB already held; make the tensors smaller or raise the budget");
  });

  it('can be cancelled through an AbortSignal', () => {
    const controller = new AbortController();
    const modules: ModuleRegistry = {
      ctl: { create: () => createModule('ctl', { cancel: pyFunction('cancel', () => (controller.abort(), null)) }) },
    };
    const { error, output } = fails('import ctl\nprint("start")\nctl.cancel()\nwhile True:\n    pass\n', { modules, signal: controller.signal });
    assert.equal(output, 'start\n');
    assert.equal(error.kind, 'cancelled');
    assert.match(formatError(error), /^x\.py:[45]:\d+: error: the run was cancelled$/);
  });

  it('can be cancelled through a flag shared with another thread', () => {
    const flag = sharedCancelFlag();
    const modules: ModuleRegistry = { ctl: { create: () => createModule('ctl', { cancel: pyFunction('cancel', () => (flag.cancel(), null)) }) } };
    const { error } = fails('import ctl\nctl.cancel()\nfor i in range(10 ** 8):\n    pass\n', { modules, signal: flag });
    assert.equal(error.kind, 'cancelled');
    assert.ok(error.span.line >= 3, `line ${error.span.line}`);
  });

  it('does not let except clauses swallow a budget stop', () => {
    const { error, output } = fails('try:\n    while True:\n        pass\nexcept BaseException:\n    print("swallowed")\n', { budgets: { maxSteps: 500 } });
    assert.equal(error.kind, 'budget');
    assert.equal(output, '');
  });

  it('turns an error a host shim throws into a RuntimeError at the call', () => {
    const modules: ModuleRegistry = {
      shapes: {
        create: () =>
          createModule('shapes', {
            add: pyFunction('add', () => {
              throw new Error('The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0');
            }),
          }),
      },
    };
    const source = 'import shapes\ndef f(a, b):\n    return shapes.add(a, b)\nprint(f(1, 2))\n';
    assert.equal(
      errorLine(source, { modules }),
      'x.py:3:12: error: RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0',
    );
    const caught = run(`${source.split('print')[0]}try:\n    f(1, 2)\nexcept RuntimeError as e:\n    print("caught", type(e).__name__)\n`, { modules });
    assert.equal(caught.output, 'caught RuntimeError\n');
  });
});
