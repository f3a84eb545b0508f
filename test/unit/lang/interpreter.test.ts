import * as assert from 'node:assert/strict';
import {
  createModule,
  formatError,
  hostType,
  Interpreter,
  parse,
  PyFunction,
  PyInstance,
  pyFunction,
  run,
  StopRun,
  STANDARD_MODULES,
  type ModuleRegistry,
  type PyValue,
} from '../../../lang/python';

function out(source: string, modules?: ModuleRegistry): string {
  const r = run(source, { file: 'x.py', modules });
  assert.equal(r.error, null, r.error ? formatError(r.error) : '');
  return r.output;
}

describe('interpreter: modules', () => {
  it('builds each module once per run, and binds every import form', () => {
    let created = 0;
    const modules: ModuleRegistry = {
      pkg: { create: () => (created++, createModule('pkg', { one: 1n, two: 2n, _hidden: 0n })) },
      'pkg.sub': { create: () => createModule('pkg.sub', { three: 3n }) },
    };
    const source = [
      'import pkg',
      'import pkg as p',
      'import pkg.sub',
      'import pkg.sub as s',
      'from pkg import one, two as deux',
      'from pkg.sub import three',
      'from pkg import sub',
      'from pkg import *',
      'print(pkg is p, pkg.sub is s, s is sub, one, deux, three, two, pkg.sub.three)',
      'try:',
      '    _hidden',
      'except NameError:',
      '    print("star import skips _names")',
    ].join('\n');
    assert.equal(out(source, modules), 'True True True 1 2 3 2 3\nstar import skips _names\n');
    assert.equal(created, 1);
  });

  it('reads a submodule the parent module holds as an attribute', () => {
    const modules: ModuleRegistry = {
      top: { create: () => createModule('top', { inner: createModule('top.inner', { v: 'inner value' }) }) },
    };
    assert.equal(out('import top.inner as i\nfrom top.inner import v\nprint(i.v, v)\n', modules), 'inner value inner value\n');
    const r = run('import top.missing\n', { modules, file: 'x.py' });
    assert.equal(formatError(r.error!), "x.py:1:8: error: module 'top.missing' is not supported by Gradlens");
  });

  it('ships abc, argparse, bisect, cmath, collections, contextlib, copy, csv, dataclasses, datetime, enum, fractions, functools, heapq, io, itertools, json, logging, math, numbers, operator, os, os.path, pathlib, pprint, random, re, statistics, string, sys, textwrap, time, tqdm, tqdm.auto, types, typing for annotations, warnings, and accepts __future__ imports', () => {
    assert.deepEqual(Object.keys(STANDARD_MODULES).sort(), ['abc', 'argparse', 'bisect', 'cmath', 'collections', 'contextlib', 'copy', 'csv', 'dataclasses', 'datetime', 'enum', 'fractions', 'functools', 'heapq', 'io', 'itertools', 'json', 'logging', 'math', 'numbers', 'operator', 'os', 'os.path', 'pathlib', 'pprint', 'random', 're', 'statistics', 'string', 'sys', 'textwrap', 'time', 'tqdm', 'tqdm.auto', 'types', 'typing', 'unicodedata', 'warnings']);
    const source = [
      'from __future__ import annotations',
      'from typing import List, Optional',
      'def mean(xs: List[float], w: Optional[float] = None) -> float:',
      '    return sum(xs) / len(xs)',
      'print(mean([1.0, 2.0]))',
    ].join('\n');
    assert.equal(out(source), '1.5\n');
  });

  it('lets a script class subclass a host type', () => {
    const Module = hostType('Module', 'nnx');
    Module.attrs.set(
      '__init__',
      pyFunction('__init__', (args) => {
        (args[0] as PyInstance).dict.set('training', true);
        return null;
      }),
    );
    Module.attrs.set(
      '__call__',
      pyFunction('__call__', (args, kwargs, ctx) => {
        const self = args[0] as PyInstance;
        return ctx.call(self.cls.lookup('forward')!, [self, ...args.slice(1)], kwargs);
      }),
    );
    const modules: ModuleRegistry = { nnx: { create: () => createModule('nnx', { Module }) } };
    const source = [
      'import nnx',
      'class Net(nnx.Module):',
      '    def __init__(self, k):',
      '        super().__init__()',
      '        self.k = k',
      '    def forward(self, x, shift=0):',
      '        return x * self.k + shift',
      'net = Net(3)',
      'print(net(5), net(5, shift=1), net.training, isinstance(net, nnx.Module), type(net).__name__)',
    ].join('\n');
    assert.equal(out(source, modules), '15 16 True True Net\n');
  });
});

describe('interpreter: embedding', () => {
  it('keeps its globals after a run; functions can be called again through it', () => {
    const parsed = parse('def f(x, y=2):\n    return x ** y\nbase = 10\n');
    const interp = new Interpreter({ file: 'x.py' });
    interp.runModule(parsed.module);
    const f = interp.globals.get('f')!;
    assert.ok(f instanceof PyFunction);
    assert.equal(interp.repr(interp.call(f, [3n])), '9');
    assert.equal(interp.repr(interp.call(f, [2.0], new Map([['y', 0.5]]))), '1.4142135623730951');
    assert.deepEqual([...interp.bindArguments(f, [7n])].map(([k, v]) => `${k}=${interp.repr(v)}`), ['x=7', 'y=2']);
    const expr = parse('f(base, 3) + 1').module.body[0];
    assert.equal(expr.kind, 'ExprStmt');
    if (expr.kind === 'ExprStmt') assert.equal(interp.repr(interp.evaluate(expr.value)), '1001');
  });

  it('runs only up to a statement when asked', () => {
    const parsed = parse('print("a")\nx = 1\nprint("b")\n');
    let printed = '';
    const interp = new Interpreter({ write: (t) => (printed += t) });
    interp.runModule(parsed.module, parsed.module.body[1]);
    assert.equal(printed, 'a\n');
    assert.equal(interp.globals.get('x'), 1n);
  });

  it('stops at a call through the onCall hook, with the arguments of that call', () => {
    const parsed = parse('def f(a, *, b):\n    return a\nfor i in range(5):\n    f(i * 2, b=-i)\n');
    const seen: string[] = [];
    const interp = new Interpreter({
      onCall: (fn, args, kwargs) => {
        if (!(fn instanceof PyFunction)) return;
        seen.push(`${fn.name}(${args.map(String).join(', ')}, b=${String(kwargs.get('b'))})`);
        if (seen.length === 3) throw new StopRun();
      },
    });
    assert.throws(() => interp.runModule(parsed.module), StopRun);
    assert.deepEqual(seen, ['f(0, b=0)', 'f(2, b=-1)', 'f(4, b=-2)']);
  });

  it('exposes per-run state to host code', () => {
    const key = {};
    const modules: ModuleRegistry = {
      st: {
        create: (ctx) =>
          createModule('st', {
            bump: pyFunction('bump', (_a, _k, c) => {
              const s = c.state(key, () => ({ n: 0n }));
              s.n += 1n;
              return s.n;
            }),
            same: pyFunction('same', (_a, _k, c) => c === ctx),
          }),
      },
    };
    assert.equal(out('import st\nst.bump(); st.bump()\nprint(st.bump(), st.same())\n', modules), '3 True\n');
    assert.equal(out('import st\nprint(st.bump())\n', modules), '1\n');
  });

  it('hands host code the span of the expression it is evaluating', () => {
    const lines: string[] = [];
    const modules: ModuleRegistry = {
      where: {
        create: () =>
          createModule('where', {
            here: pyFunction('here', (_a, _k, ctx) => (lines.push(`${ctx.span.line}:${ctx.span.col}`), null as PyValue)),
          }),
      },
    };
    out('import where\nx = [where.here()]\ndef f():\n    return 1 + (where.here() or 0)\nf()\n', modules);
    assert.deepEqual(lines, ['2:6', '4:17']);
  });
});
