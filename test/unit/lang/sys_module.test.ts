import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';

// What CPython 3.11 does at the end of a script that calls sys.exit, and where Gradlens's sandbox
// differs from CPython (the recursion limit is the run's budget; stdin has nothing to read).
describe('sys: exit, stderr, the recursion limit', () => {
  it('ends the run at a top-level sys.exit(n) with status n and no error, after what it printed', () => {
    const r = run('import sys\nprint("a")\nsys.exit(3)\nprint("b")\n', { file: 'x.py' });
    assert.equal(r.error, null);
    assert.equal(r.output, 'a\n');
    assert.equal(r.exitCode, 3);
    assert.equal(r.stderr, '');
  });

  it('writes a non-integer status to stderr and ends with status 1, as CPython does', () => {
    const r = run('import sys\nsys.exit("no data found")\n', { file: 'x.py' });
    assert.equal(r.error, null);
    assert.equal(r.stderr, 'no data found\n');
    assert.equal(r.exitCode, 1);
    assert.equal(run('raise SystemExit\n').exitCode, 0);
    assert.equal(run('import sys\nsys.exit(None)\n').exitCode, 0);
    assert.equal(run('print(1)\n').exitCode, undefined);
  });

  it('runs finally blocks on the way out, and lets except SystemExit keep the script going', () => {
    const r = run('import sys\ntry:\n    sys.exit(2)\nfinally:\n    print("cleanup")\n', { file: 'x.py' });
    assert.equal(r.output, 'cleanup\n');
    assert.equal(r.exitCode, 2);
    const caught = run('import sys\ntry:\n    sys.exit(2)\nexcept SystemExit as e:\n    print("caught", e.code)\nprint("on")\n');
    assert.equal(caught.output, 'caught 2\non\n');
    assert.equal(caught.exitCode, undefined);
  });

  it('sends sys.stderr.write and print(file=sys.stderr) to the stderr stream, in order with stdout kept apart', () => {
    const heard: string[] = [];
    const r = run('import sys\nprint("out")\nsys.stderr.write("err 1\\n")\nprint("err", 2, file=sys.stderr)\n', { file: 'x.py', stderr: (t) => heard.push(t) });
    assert.equal(r.output, 'out\n');
    assert.equal(r.stderr, 'err 1\nerr 2\n');
    assert.deepEqual(heard, ['err 1\n', 'err', ' ', '2', '\n']);
  });

  it('gives the run\'s recursion budget as the limit; setrecursionlimit lowers it and refuses to raise it past the budget', () => {
    const r = run('import sys\nprint(sys.getrecursionlimit())\nsys.setrecursionlimit(50)\nprint(sys.getrecursionlimit())\ndef f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(f(40))\nf(60)\n', { file: 'x.py' });
    assert.equal(r.output, '1000\n50\n40\n');
    assert.equal(r.error?.exceptionType, 'RecursionError');
    const over = run('import sys\nsys.setrecursionlimit(10000)\n', { file: 'x.py' });
    assert.equal(
      over.error && formatError(over.error),
      "x.py:2:1: error: sys.setrecursionlimit(10000) asks for more than Gradlens's recursion budget of 1000 frames; write the recursion as a loop, or leave the limit at 1000 or below",
    );
  });

  it('refuses to read stdin, at the line', () => {
    const r = run('import sys\nx = 1\nline = sys.stdin.readline()\n', { file: 'x.py' });
    assert.equal(r.error && formatError(r.error), "x.py:3:8: error: 'sys.stdin.readline' is not available in Gradlens: scripts cannot read input; give the values in the script");
  });

  it('keeps sys.modules read-only and refuses __main__, at the line', () => {
    const write = run('import sys\nimport math\nsys.modules["fake"] = math\n', { file: 'x.py' });
    assert.equal(write.error && formatError(write.error), 'x.py:3:1: error: sys.modules is read-only in Gradlens: a script cannot add or remove modules; import what it needs');
    const main = run('import sys\nf = getattr(sys.modules["__main__"], "train")\n', { file: 'x.py' });
    assert.ok(main.error && formatError(main.error).startsWith("x.py:2:"), main.error ? formatError(main.error) : '');
    assert.ok(main.error && formatError(main.error).includes("sys.modules['__main__'] is not available in Gradlens"));
  });

  it('refuses what pprint and numbers do not build, at the line', () => {
    const wrap = run('import pprint\nnote = "a long note " * 10\npprint.pprint({"note": note}, width=40)\n', { file: 'x.py' });
    assert.equal(wrap.error && formatError(wrap.error), 'x.py:3:1: error: pprint would break this str over lines, a layout Gradlens does not reproduce: give pprint a larger width=, or print it with print()');
    const abc = run('import numbers\nclass Money(numbers.Real):\n    pass\n', { file: 'x.py' });
    assert.equal(abc.error && formatError(abc.error), "x.py:2:1: error: class Money(numbers.Real) is not supported by Gradlens (the numbers ABCs' abstract methods and mixins are not built): derive Money from object and define its operators");
  });
});
