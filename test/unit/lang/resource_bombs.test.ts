import * as assert from 'node:assert/strict';
import { run, type Budgets } from '../../../lang/python';

/**
 * Resource bombs (issue 12): programs that would run forever, recurse without end or fill memory.
 * Each must end with its budget's error (or the Python exception CPython raises) and never crash
 * the process. The budgets are small so that the table stays fast; each case must end within its
 * time budget plus 2 s, which is what makes a hang a failure here rather than a stuck suite.
 */
const BUDGETS: Budgets = { maxSteps: 200_000, maxWallMs: 1_000, maxRecursionDepth: 200, maxTensorBytes: 64 << 20 };

const STEPS = /^the script ran more than 200,000 steps; is there an infinite loop\?$/;
const BULK = /^this line would take the script past 200,000 steps \(the step budget\): it needs [\d,]+ at once; make what it builds smaller$/;
/** The step budget, whether reached by a loop or refused at once by a builtin that knows its size. */
const STEP_BUDGET = new RegExp(`${STEPS.source}|${BULK.source}`);
const TIME = /^the script ran longer than 1 s \(the time budget\); is there an infinite loop\?$/;
/** Whichever budget a loop meets first: both are its budget's error. */
const LOOP = new RegExp(`${STEP_BUDGET.source}|${TIME.source}`);
const RECURSION = /^RecursionError: maximum recursion depth exceeded$/;
const DIGITS = /^ValueError: Exceeds the limit \(4300 digits\) for integer string conversion/;
const INT_SIZE = /^MemoryError: .* would have about [\d,]+ bits, more than Gradlens computes \(4,000,000 bits\)$/;
const STR_SIZE = /^MemoryError: a str of [\d,]+ characters is longer than Gradlens allows \(268,435,456\)$/;

type Case = readonly [category: string, source: string, expected: RegExp];

const CASES: readonly Case[] = [
  // Loops that never end.
  ['loop', 'while True:\n    pass\n', LOOP],
  ['loop', 'x = 0\nwhile True:\n    x += 1\n', LOOP],
  ['loop', 'while 1:\n    continue\n', LOOP],
  ['loop', 'xs = [1]\nfor x in xs:\n    xs.append(x)\n', LOOP],
  ['loop', 'for i in range(10**9):\n    for j in range(10**9):\n        pass\n', LOOP],
  ['loop', 'while True:\n    try:\n        raise ValueError("again")\n    except ValueError:\n        pass\n', LOOP],
  ['loop', 'for i in range(10**6):\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n        last = e\n', LOOP],
  ['loop', 'while True:\n    try:\n        pass\n    finally:\n        pass\n', LOOP],
  ['loop', 'class Forever:\n    def __iter__(self):\n        return self\n    def __next__(self):\n        return 1\nfor x in Forever():\n    pass\n', LOOP],
  ['loop', 'class Seq:\n    def __getitem__(self, i):\n        return i\nfor x in Seq():\n    pass\n', LOOP],
  ['loop', 'it = iter(range(10**12))\nwhile True:\n    next(it)\n', LOOP],
  ['loop', 'while True:\n    x = [i for i in range(10)]\n', LOOP],
  // The standard modules' loops: an endless cycle, a day-long sleep.
  ['module', 'import itertools\nfor x in itertools.cycle([1, 2]):\n    pass\n', LOOP],
  ['module', 'import itertools\nprint(sum(itertools.count()))\n', LOOP],
  ['module', 'import time\ntime.sleep(86400)\n', TIME],
  // json's nesting stops at CPython's recursion error, its long documents at the step budget.
  ['module', 'import json\nprint(json.loads("[" * 100000))\n', /^RecursionError: maximum recursion depth exceeded while decoding a JSON array from a unicode string$/],
  ['module', 'import json\nx = []\nfor _ in range(5000):\n    x = [x]\nprint(json.dumps(x))\n', /^RecursionError: maximum recursion depth exceeded while encoding a JSON object$/],
  ['module', 'import json\nprint(len(json.loads("[" + "1," * 10**6 + "1]")))\n', LOOP],
  ['module', 'import heapq\nh = list(range(10**5, 0, -1))\nwhile True:\n    heapq.heapify(h)\n    h.reverse()\n', LOOP],
  ['module', 'import io\nf = io.StringIO()\nwhile True:\n    print("line", file=f)\n', LOOP],
  // re backtracks by steps: a catastrophic pattern ends at the step budget, deep nesting with RecursionError.
  ['module', 'import re\nprint(re.match(r"(a+)+b", "a" * 40))\n', LOOP],
  ['module', 'import re\nprint(re.fullmatch(r"(x|x)*y", "x" * 60))\n', LOOP],
  ['module', 'import re\nprint(re.match(r"((a)|b)*c", "ab" * 100000))\n', /^RecursionError: maximum recursion depth exceeded while matching the regular expression/],
  // Built-in functions over huge iterables: each element is a step.
  ['builtin', 'print(sum(range(10**12)))\n', LOOP],
  ['builtin', 'print(min(range(10**12)))\n', LOOP],
  ['builtin', 'print(max(range(10**12)))\n', LOOP],
  ['builtin', 'print(max(range(10**12), key=lambda v: -v))\n', LOOP],
  ['builtin', 'print(any(x < 0 for x in range(10**12)))\n', LOOP],
  ['builtin', 'print(all(x >= 0 for x in range(10**12)))\n', LOOP],
  ['builtin', 'x = list(range(10**9))\n', BULK],
  ['builtin', 'x = tuple(range(10**9))\n', BULK],
  ['builtin', 'x = sorted(range(10**9))\n', BULK],
  ['builtin', 'x = set(range(10**9))\n', LOOP],
  ['builtin', 'x = frozenset(range(10**9))\n', LOOP],
  ['builtin', 'x = dict.fromkeys(range(10**9))\n', LOOP],
  ['builtin', 'x = dict(zip(range(10**9), range(10**9)))\n', LOOP],
  ['builtin', 'x = dict(enumerate(range(10**9)))\n', LOOP],
  ['builtin', 'x = list(reversed(range(10**9)))\n', LOOP],
  ['builtin', 'x = list(map(abs, range(10**9)))\n', LOOP],
  ['builtin', 'x = list(filter(None, range(10**9)))\n', LOOP],
  ['builtin', 'x = []\nx[0:0] = range(10**9)\n', BULK],
  ['builtin', 'x = []\nx.extend(range(10**9))\n', BULK],
  ['builtin', 'x = [1]\nx += range(10**9)\n', BULK],
  ['builtin', 'x = [*range(10**9)]\n', LOOP],
  ['builtin', 'def f(*a):\n    return len(a)\nf(*range(10**9))\n', LOOP],
  ['builtin', 'x = [0] * 10**10\n', BULK],
  ['builtin', 'x = [0, 1] * 10**8\n', BULK],
  ['builtin', 'x = (0,) * 10**9\n', BULK],
  ['builtin', 'x = [0] * 1000\nwhile True:\n    x = x + x\n', LOOP],
  ['builtin', 'x = list(range(100000))\ny = sorted(x * 10, reverse=True)\n', STEP_BUDGET],
  ['builtin', 'x = list(range(10000))\nfor i in range(10**6):\n    x.insert(0, i)\n', LOOP],
  ['builtin', 'x = list(range(10000))\nwhile True:\n    y = x.copy()\n', LOOP],
  ['builtin', 'x = list(range(10000))\nwhile True:\n    y = -1 in x\n', LOOP],
  ['builtin', 'x = list(range(10000))\nwhile True:\n    y = x == list(x)\n', LOOP],
  ['builtin', 'print(sum(1 for _ in zip(range(10**12), range(10**12))))\n', LOOP],
  ['builtin', 'print(len([i for i, _ in enumerate(range(10**12))]))\n', LOOP],
  // Strings.
  ["str", "x = 'a' * 10**10\n", STR_SIZE],
  ["str", "x = 'ab' * 10**8\n", BULK],
  ["str", "s = 'x'\nwhile True:\n    s = s + s\n", /^MemoryError: a str of|the script ran|this line would/],
  ["str", "s = ''\nwhile True:\n    s += 'x' * 1000\n", LOOP],
  ["str", "x = ' '.join(str(i) for i in range(10**9))\n", LOOP],
  ["str", "x = ('a ' * 10**6).split()\n", LOOP],
  ["str", "x = ('a,' * 10**6).split(',')\n", BULK],
  ["str", "x = ('a' * 10**6).replace('a', 'bbbb')\n", BULK],
  ["str", "x = 'x'.center(10**9)\n", STR_SIZE],
  ["str", "x = 'x'.zfill(10**8)\n", BULK],
  ["str", "x = ('\\t' * 100).expandtabs(10**7)\n", /^MemoryError: a str of|this line would/],
  ["str", "x = repr(list(range(10**6)))\n", BULK],
  ["str", "s = 'ab' * 10**5\nwhile True:\n    t = s.upper()\n", LOOP],
  ["str", "s = 'ab' * 10**5\nwhile True:\n    n = s.count('a')\n", LOOP],
  ["str", "while True:\n    print('x' * 10000)\n", LOOP],
  // Big ints.
  ['int', 'x = 10**10**10\n', INT_SIZE],
  ['int', 'x = 2**2**30\n', INT_SIZE],
  ['int', 'x = 1 << 10**10\n', INT_SIZE],
  ['int', 'x = 3\nwhile True:\n    x = x * x\n', INT_SIZE],
  ['int', "x = int('9' * 10**6)\n", DIGITS],
  ["int", "x = int('f' * 2 * 10**6, 16)\n", INT_SIZE],
  ['int', 'print(10**5000)\n', DIGITS],
  ['int', 'x = str(7**6000)\n', DIGITS],
  ['int', 'x = f"{3**10000}"\n', DIGITS],
  ['int', 'import math\nx = math.factorial(10**7)\n', /^MemoryError: factorial\(\) argument is too large for Gradlens$/],
  ['int', 'import math\nx = math.comb(10**7, 5 * 10**6)\n', INT_SIZE],
  ['int', 'import math\nx = math.perm(10**7, 10**6)\n', INT_SIZE],
  ['int', 'import math\nx = math.prod(range(1, 10**9))\n', LOOP],
  ['int', 'x = pow(3, 10**100000, 10**100000 + 7)\n', LOOP],
  ['int', 'import math\nx = math.lcm(*range(1, 200000))\n', LOOP],
  ['int', 'x = round(1, -10**9)\nassert x == 0\nwhile True:\n    pass\n', LOOP],
  ["str", "x = f\"{'':>{10**9}}\"\n", STR_SIZE],
  ["str", "x = format(1.5, '>200000000')\n", BULK],
  ["str", "x = '{:>1000000000}'.format(1)\n", STR_SIZE],
  // Recursion.
  ['recursion', 'def f():\n    return f()\nf()\n', RECURSION],
  ['recursion', 'def f(n):\n    return g(n)\ndef g(n):\n    return f(n + 1)\nf(0)\n', RECURSION],
  ['recursion', 'f = lambda n: f(n + 1)\nf(0)\n', RECURSION],
  ['recursion', 'class A:\n    def __getattr__(self, name):\n        return self.missing\nA().x\n', RECURSION],
  ['recursion', 'class A:\n    def __repr__(self):\n        return repr(self)\nprint(A())\n', RECURSION],
  ['recursion', 'class A:\n    @property\n    def x(self):\n        return self.x\nA().x\n', RECURSION],
  ['recursion', 'class A:\n    def __eq__(self, other):\n        return self == other\nA() == A()\n', RECURSION],
  ['recursion', 'class A:\n    def __init__(self):\n        self.child = A()\nA()\n', RECURSION],
  ['recursion', 'class A:\n    def __len__(self):\n        return len(self)\nlen(A())\n', RECURSION],
  ['recursion', 'def f(n):\n    try:\n        return f(n + 1)\n    except RecursionError:\n        return f(n + 1)\nf(0)\n', LOOP],
  // The object model (issue 14): deep hierarchies, and recursion through descriptors, __hash__ and __new__.
  ['class', 'class A:\n    pass\nwhile True:\n    class A(A):\n        pass\n', LOOP],
  ['class', 'class A:\n    pass\nfor i in range(10**6):\n    class A(A):\n        pass\nprint(A.__mro__)\n', LOOP],
  ['class', 'class D:\n    def __get__(self, obj, cls):\n        return obj.x\nclass A:\n    x = D()\nA().x\n', RECURSION],
  ['class', 'class H:\n    def __hash__(self):\n        return hash(self)\n{H()}\n', RECURSION],
  ['class', 'class N:\n    def __new__(cls):\n        return N()\nN()\n', RECURSION],
  ['class', 'class S:\n    def __setattr__(self, k, v):\n        setattr(self, k, v)\nS().x = 1\n', RECURSION],
  // Comprehensions and nested containers.
  ['container', 'x = [i for i in range(10**9)]\n', LOOP],
  ['container', 'x = {i: i for i in range(10**9)}\n', LOOP],
  ['container', 'x = {i for i in range(10**9)}\n', LOOP],
  ['container', 'x = [[j for j in range(10**4)] for i in range(10**4)]\n', LOOP],
  ['container', 'x = sum(i * i for i in range(10**12))\n', LOOP],
  ['container', 'x = []\nwhile True:\n    x = [x]\n', LOOP],
  ['container', 'x = {}\nwhile True:\n    x = {"k": x}\n', LOOP],
  ['container', 'x = []\nfor i in range(100000):\n    x = [x]\nprint(x)\n', /^RecursionError: maximum recursion depth exceeded|the script ran|this line would/],
  ['container', 'x = ()\nfor i in range(100000):\n    x = (x,)\nd = {x: 1}\n', /^RecursionError: maximum recursion depth exceeded|the script ran|this line would/],
  ['container', 'x = []\nwhile True:\n    x.append([0] * 1000)\n', LOOP],
  ['container', 'd = {}\ni = 0\nwhile True:\n    d[i] = str(i)\n    i += 1\n', LOOP],
];

describe('lang: resource bombs end with their budget\'s error (issue 12)', () => {
  const figures: { category: string; ms: number; rssMiB: number }[] = [];

  after(() => {
    const byCategory = new Map<string, { n: number; maxMs: number; maxRss: number }>();
    for (const f of figures) {
      const c = byCategory.get(f.category) ?? { n: 0, maxMs: 0, maxRss: 0 };
      byCategory.set(f.category, { n: c.n + 1, maxMs: Math.max(c.maxMs, f.ms), maxRss: Math.max(c.maxRss, f.rssMiB) });
    }
    const lines = [...byCategory].map(([k, c]) => `    ${k.padEnd(10)} ${String(c.n).padStart(3)} cases, slowest ${c.maxMs} ms, peak RSS ${c.maxRss} MiB`);
    console.log(`    resource bombs (budgets: 200,000 steps, 1 s, 200 frames):\n${lines.join('\n')}`);
  });

  for (const [category, source, expected] of CASES) {
    it(`${category}: ${source.trim().replace(/\n\s*/g, '; ')}`, function () {
      this.timeout(BUDGETS.maxWallMs + 10_000);
      const t0 = Date.now();
      const r = run(source, { file: 'bomb.py', budgets: BUDGETS });
      const ms = Date.now() - t0;
      figures.push({ category, ms, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) });
      assert.ok(r.error, `no error; printed ${r.output.length} characters`);
      assert.match(r.error.message, expected);
      assert.ok(ms <= BUDGETS.maxWallMs + 2_000, `took ${ms} ms, past the time budget plus 2 s`);
    });
  }
});
