import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';

// A script's parser at the top level, where a parse error or -h ends the run as in CPython 3.11
// (`python3 train.py --lr x` prints the usage and the error on stderr and exits 2).
describe('argparse: at the top of a script', () => {
  const PARSER = 'import argparse, sys\np = argparse.ArgumentParser()\np.add_argument("--lr", type=float, default=0.1)\n';

  it('takes every default from parse_args(), since a run has no command line (sys.argv is the script alone)', () => {
    const r = run(`${PARSER}args = p.parse_args()\nprint(args, sys.argv)\n`, { file: 'train.py' });
    assert.equal(r.output, "Namespace(lr=0.1) ['train.py']\n");
  });

  it('reads sys.argv as the script set it, as CPython\'s parse_args() does', () => {
    const r = run(`${PARSER}sys.argv = ["prog", "--lr", "0.5"]\nprint(p.parse_args().lr)\nsys.argv.append("--lr=2")\nprint(p.parse_args().lr)\n`, { file: 'train.py' });
    assert.equal(r.output, '0.5\n2.0\n');
  });

  it('ends the run with status 2 at a bad argument, the usage and the error on stderr', () => {
    const r = run(`${PARSER}print("start")\nargs = p.parse_args(["--lr", "x"])\nprint("never")\n`, { file: 'train.py' });
    assert.equal(r.error, null);
    assert.equal(r.exitCode, 2);
    assert.equal(r.output, 'start\n');
    assert.equal(r.stderr, "usage: train.py [-h] [--lr LR]\ntrain.py: error: argument --lr: invalid float value: 'x'\n");
  });

  it('prints the help on stdout at -h and ends with status 0', () => {
    const r = run(`${PARSER}p.parse_args(["-h"])\nprint("never")\n`, { file: 'train.py' });
    assert.equal(r.exitCode, 0);
    assert.equal(r.output, 'usage: train.py [-h] [--lr LR]\n\noptions:\n  -h, --help  show this help message and exit\n  --lr LR\n');
  });

  it('refuses what it does not run, at the line, naming what to write instead', () => {
    const line = (src: string) => {
      const r = run(src, { file: 'x.py' });
      return r.error && formatError(r.error);
    };
    assert.equal(
      line('import argparse\np = argparse.ArgumentParser()\nclass A(argparse.ArgumentParser):\n    pass\np.add_subparsers()\n'),
      'x.py:5:1: error: argparse: add_subparsers is not supported by Gradlens; choose the command with a positional argument and choices=[...]',
    );
    assert.equal(
      line('import argparse\np = argparse.ArgumentParser(fromfile_prefix_chars="@")\n'),
      'x.py:2:5: error: argparse: fromfile_prefix_chars is not available in Gradlens: scripts cannot read files; pass the arguments to parse_args([...])',
    );
    assert.match(line('import argparse\nclass Act:\n    pass\np = argparse.ArgumentParser()\np.add_argument("--x", action=Act)\n') ?? '', /^x\.py:5:1: error: argparse: action=<class '__main__\.Act'> \(an Action class\) is not supported by Gradlens; use one of the actions by name: 'store', /);
  });

  it('gives vars(obj) as obj.__dict__, and refuses vars() without an argument', () => {
    assert.equal(run('import argparse\nprint(vars(argparse.Namespace(a=1)))\n').output, "{'a': 1}\n");
    const r = run('x = 1\nvars()\n', { file: 'x.py' });
    assert.equal(r.error && formatError(r.error), "x.py:2:1: error: 'vars()' without an argument is not available in Gradlens: scripts cannot inspect the interpreter; pass the object, vars(obj)");
  });
});
