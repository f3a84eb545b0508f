import * as assert from 'node:assert/strict';
import {
  Args,
  bindArgs,
  createModule,
  ELLIPSIS,
  flattenNested,
  formatError,
  formatValue,
  Interpreter,
  fromJs,
  HostObject,
  hostType,
  nestedFromFlat,
  NOT_IMPLEMENTED,
  PySlice,
  PyTuple,
  pyError,
  pyFunction,
  repr,
  run,
  toFloat,
  toJs,
  type BinaryOp,
  type CompareOp,
  type HostContext,
  type ModuleRegistry,
  type PyValue,
  type UnaryOp,
} from '../../../lang/python';

// A small host type standing in for a tensor: a 1-d vector of floats. It
// implements the protocol the torch, jax and numpy shims build on.
class Vec extends HostObject {
  static readonly type = hostType('Vec', 'vec');
  constructor(readonly data: number[]) {
    super();
  }
  get pyType() {
    return Vec.type;
  }
  private static operand(v: PyValue, ctx: HostContext, n: number): number[] | null {
    if (v instanceof Vec) return v.data;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return new Array(n).fill(toFloat(v, ctx));
    return null;
  }
  override binary(op: BinaryOp, other: PyValue, reflected: boolean, ctx: HostContext): PyValue {
    const o = Vec.operand(other, ctx, this.data.length);
    if (!o) return NOT_IMPLEMENTED;
    if (o.length !== this.data.length) throw new Error(`shape mismatch: ${this.data.length} vs ${o.length}`);
    if (op === '@') return this.data.reduce((s, x, i) => s + x * o[i], 0);
    const f: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
      '+': (a, b) => a + b,
      '-': (a, b) => a - b,
      '*': (a, b) => a * b,
      '/': (a, b) => a / b,
      '**': (a, b) => a ** b,
    };
    const fn = f[op];
    if (!fn) return NOT_IMPLEMENTED;
    return new Vec(this.data.map((x, i) => (reflected ? fn(o[i], x) : fn(x, o[i]))));
  }
  override inplace(op: BinaryOp, other: PyValue, ctx: HostContext): PyValue {
    if (op !== '+') return NOT_IMPLEMENTED;
    const o = Vec.operand(other, ctx, this.data.length)!;
    this.data.forEach((x, i) => (this.data[i] = x + o[i]));
    return this;
  }
  override unary(op: UnaryOp): PyValue {
    if (op === '-') return new Vec(this.data.map((x) => -x));
    if (op === '+') return this;
    throw pyError('TypeError', "bad operand type for unary ~: 'Vec'");
  }
  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    const o = Vec.operand(other, ctx, this.data.length);
    if (!o) return super.compare(op, other, ctx);
    const f: Record<CompareOp, (a: number, b: number) => boolean> = {
      '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b,
      '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
    };
    return new Vec(this.data.map((x, i) => (f[op](x, o[i]) ? 1 : 0)));
  }
  override getitem(index: PyValue, ctx: HostContext): PyValue {
    if (index instanceof PySlice) {
      const n = this.data.length;
      const { start, step, count } = sliceOf(index, n, ctx);
      return new Vec(Array.from({ length: count }, (_, k) => this.data[start + k * step]));
    }
    if (index instanceof PyTuple || index === null || index === ELLIPSIS) return `index ${ctx.repr(index)}`;
    let i = Number(index);
    if (i < 0) i += this.data.length;
    if (i < 0 || i >= this.data.length) throw pyError('IndexError', `index ${index} is out of bounds for dimension 0 with size ${this.data.length}`);
    return this.data[i];
  }
  override setitem(index: PyValue, value: PyValue, ctx: HostContext): void {
    this.data[Number(index)] = toFloat(value, ctx);
  }
  override len(): number {
    return this.data.length;
  }
  override iter(): Iterable<PyValue> {
    return this.data;
  }
  override bool(): boolean {
    if (this.data.length !== 1) throw new Error('Boolean value of Tensor with more than one value is ambiguous');
    return this.data[0] !== 0;
  }
  override float(): number {
    if (this.data.length !== 1) throw pyError('TypeError', 'only one element tensors can be converted to Python scalars');
    return this.data[0];
  }
  override int(): bigint {
    return BigInt(Math.trunc(this.float()));
  }
  override index(): bigint {
    return this.int();
  }
  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    if (name === 'shape') return new PyTuple([BigInt(this.data.length)]);
    if (name === 'sum') return pyFunction('sum', () => this.data.reduce((s, x) => s + x, 0));
    if (name === 'tolist') return pyFunction('tolist', () => fromJs(this.data));
    if (name === 'map') return pyFunction('map', (args) => new Vec(this.data.map((x) => toFloat(ctx.call(args[0], [x]), ctx))));
    return undefined;
  }
  override repr(ctx: HostContext): string {
    return `vec([${this.data.map((x) => ctx.repr(x)).join(', ')}])`;
  }
  override format(spec: string, ctx: HostContext): string {
    if (spec === '') return this.str(ctx);
    return `vec(${this.data.map((x) => formatValue(x, spec, ctx)).join(', ')})`;
  }
}

function sliceOf(s: PySlice, n: number, ctx: HostContext): { start: number; step: number; count: number } {
  const step = s.step === null ? 1 : Number(s.step);
  const clamp = (v: PyValue, d: number) => (v === null ? d : Math.max(0, Math.min(n, Number(v) < 0 ? Number(v) + n : Number(v))));
  const start = clamp(s.start, step > 0 ? 0 : n - 1);
  const stop = clamp(s.stop, step > 0 ? n : -1);
  void ctx;
  return { start, step, count: Math.max(0, Math.ceil((stop - start) / step)) };
}

/** A context manager like `torch.no_grad()`: it flips per-run state on enter and restores it on exit. */
const GRAD = {};
class NoGrad extends HostObject {
  static readonly type = hostType('no_grad', 'vec');
  get pyType() {
    return NoGrad.type;
  }
  private saved = true;
  override enter(ctx: HostContext): PyValue {
    const state = ctx.state(GRAD, () => ({ enabled: true }));
    this.saved = state.enabled;
    state.enabled = false;
    return null;
  }
  override exit(_exc: unknown, ctx: HostContext): boolean {
    ctx.state(GRAD, () => ({ enabled: true })).enabled = this.saved;
    return false;
  }
}

const vecModule = {
  exports: ['vec', 'zeros', 'no_grad', 'is_grad_enabled', 'linspace', 'Vec'],
  create: () =>
    createModule('vec', {
      vec: pyFunction('vec', (args, _kw, ctx) => new Vec(flattenNested(args[0], ctx).data)),
      zeros: pyFunction('zeros', (args, _kw, ctx) => {
        const n = Number(args[0]);
        ctx.allocate(8 * n);
        return new Vec(new Array(n).fill(0));
      }),
      linspace: pyFunction('linspace', (args, kwargs, ctx) => {
        const a: Args = bindArgs('linspace', ['start', 'end', 'steps', '*', 'scale?'], args, kwargs, ctx);
        const steps = a.int('steps');
        const scale = a.float('scale', 1);
        return new Vec(Array.from({ length: steps }, (_, i) => scale * (a.float('start') + ((a.float('end') - a.float('start')) * i) / (steps - 1))));
      }),
      no_grad: pyFunction('no_grad', () => new NoGrad()),
      is_grad_enabled: pyFunction('is_grad_enabled', (_a, _k, ctx) => ctx.state(GRAD, () => ({ enabled: true })).enabled),
      Vec: Vec.type,
    }),
};
const modules: ModuleRegistry = {
  vec: vecModule,
  'vec.linalg': { create: () => createModule('vec.linalg', { norm: pyFunction('norm', (args) => Math.hypot(...(args[0] as Vec).data)) }) },
};

function out(source: string): string {
  const r = run(source, { file: 'x.py', modules });
  assert.equal(r.error, null, r.error ? formatError(r.error) : '');
  return r.output;
}

describe('host objects: the protocol shims implement', () => {
  it('imports shims in every form: import, as, from ... import, dotted submodules', () => {
    assert.equal(
      out('import vec\nimport vec as V\nfrom vec import zeros as z, linspace\nimport vec.linalg as la\nimport vec.linalg\nprint(vec.zeros(2), V.zeros(1), z(3), linspace(0, 1, 3), la.norm(vec.vec([3, 4])), vec.linalg.norm(z(1)))\n'),
      'vec([0.0, 0.0]) vec([0.0]) vec([0.0, 0.0, 0.0]) vec([0.0, 0.5, 1.0]) 5.0 0.0\n',
    );
  });

  it('binds keyword arguments for host functions, with Python errors for bad calls', () => {
    assert.equal(out('from vec import linspace\nprint(linspace(0, 1, steps=2, scale=10))\n'), 'vec([0.0, 10.0])\n');
    const r = run('from vec import linspace\nlinspace(0, 1, 2, 3)\n', { file: 'x.py', modules });
    assert.equal(formatError(r.error!), 'x.py:2:1: error: TypeError: linspace() takes 3 positional arguments but 4 were given');
    const r2 = run('from vec import linspace\nlinspace(0, 1, steps=2, bogus=1)\n', { file: 'x.py', modules });
    assert.match(formatError(r2.error!), /linspace\(\) got an unexpected keyword argument 'bogus'/);
  });

  it('runs operators through binary hooks, reflected when the left side is a Python number', () => {
    assert.equal(
      out('import vec\na = vec.vec([1, 2])\nb = vec.vec([3, 4])\nprint(a + b, a * 2, 2 * a, 1 - a, a / 2, 2 ** a, a @ b, -a, +a)\n'),
      'vec([4.0, 6.0]) vec([2.0, 4.0]) vec([2.0, 4.0]) vec([0.0, -1.0]) vec([0.5, 1.0]) vec([2.0, 4.0]) 11.0 vec([-1.0, -2.0]) vec([1.0, 2.0])\n',
    );
    assert.equal(out('import vec\na = vec.vec([1, 2])\nprint(a < 2, 2 > a, a == a, a != 1)\n'), 'vec([1.0, 0.0]) vec([1.0, 0.0]) vec([1.0, 1.0]) vec([0.0, 1.0])\n');
  });

  it('updates in place through the inplace hook, and falls back to binary', () => {
    assert.equal(out('import vec\na = vec.vec([1, 2])\nb = a\nb += 1\nprint(a)\nc = a\nc *= 2\nprint(a, c)\n'), 'vec([2.0, 3.0])\nvec([2.0, 3.0]) vec([4.0, 6.0])\n');
  });

  it('raises Python\'s TypeError when neither side implements an operator', () => {
    const r = run('import vec\nvec.vec([1]) // "s"\n', { file: 'x.py', modules });
    assert.equal(formatError(r.error!), "x.py:2:1: error: TypeError: unsupported operand type(s) for //: 'Vec' and 'str'");
    const r2 = run('import vec\n~vec.vec([1])\n', { file: 'x.py', modules });
    assert.match(formatError(r2.error!), /TypeError: bad operand type for unary ~: 'Vec'/);
  });

  it('hands indexing Python index objects: ints, slices, tuples, None, Ellipsis', () => {
    assert.equal(
      out('import vec\na = vec.vec([0, 1, 2, 3, 4])\nprint(a[1], a[-1], a[1:4], a[::2], a[::-1], a[:, 0], a[None], a[...], a[..., None])\n'),
      "1.0 4.0 vec([1.0, 2.0, 3.0]) vec([0.0, 2.0, 4.0]) vec([4.0, 3.0, 2.0, 1.0, 0.0]) index (slice(None, None, None), 0) index None index Ellipsis index (Ellipsis, None)\n",
    );
    assert.equal(out('import vec\na = vec.vec([0, 0])\na[1] = 5\nprint(a)\n'), 'vec([0.0, 5.0])\n');
  });

  it('uses len, iter, bool, float, int and index', () => {
    assert.equal(
      out('import vec\na = vec.vec([1.5, 2.5])\nprint(len(a), list(a), [x * 2 for x in a], sum(a), float(a[0:1]), int(vec.vec([2.7])), [10, 20, 30][vec.vec([1])])\nif vec.vec([1]):\n    print("truthy")\nx, y = a\nprint(x, y)\n'),
      '2 [1.5, 2.5] [3.0, 5.0] 4.0 1.5 2 20\ntruthy\n1.5 2.5\n',
    );
  });

  it('reads and sets attributes, and calls host methods that call back into Python', () => {
    assert.equal(out('import vec\na = vec.vec([1, 2])\nprint(a.shape, a.sum(), a.tolist(), a.map(lambda v: v * 10))\n'), '(2,) 3.0 [1.0, 2.0] vec([10.0, 20.0])\n');
    const r = run('import vec\na = vec.vec([1])\nprint(a.nope)\n', { file: 'x.py', modules });
    assert.equal(formatError(r.error!), "x.py:3:7: error: AttributeError: 'Vec' object has no attribute 'nope'");
    const r2 = run('import vec\na = vec.vec([1])\na.grad = 1\n', { file: 'x.py', modules });
    assert.equal(formatError(r2.error!), "x.py:3:1: error: AttributeError: 'Vec' object has no attribute 'grad'");
  });

  it('gives type(), isinstance and messages the host type', () => {
    assert.equal(out('import vec\na = vec.vec([1])\nprint(type(a), isinstance(a, vec.Vec), isinstance(1, vec.Vec), type(a).__name__)\n'), "<class 'vec.Vec'> True False Vec\n");
  });

  it('prints through repr, str and format, in f-strings too', () => {
    assert.equal(
      out('import vec\na = vec.vec([0.5, 2])\nprint(a, str(a), repr([a]), f"{a}", f"{a!r}", f"{a:.2f}", f"{a.sum():.3f}", "{}".format(a), f"{a[0]:>6}|")\n'),
      'vec([0.5, 2.0]) vec([0.5, 2.0]) [vec([0.5, 2.0])] vec([0.5, 2.0]) vec([0.5, 2.0]) vec(0.50, 2.00) 2.500 vec([0.5, 2.0])    0.5|\n',
    );
  });

  it('runs with blocks through enter and exit, also when the block raises', () => {
    assert.equal(
      out(
        'import vec\nprint(vec.is_grad_enabled())\nwith vec.no_grad():\n    print(vec.is_grad_enabled())\nprint(vec.is_grad_enabled())\n' +
          'try:\n    with vec.no_grad() as g:\n        print(g)\n        raise ValueError("inside")\nexcept ValueError as e:\n    print("caught", e, vec.is_grad_enabled())\n',
      ),
      'True\nFalse\nTrue\nNone\ncaught inside True\n',
    );
  });

  it('keeps per-run state per run', () => {
    assert.equal(out('import vec\nwith vec.no_grad():\n    pass\nprint(vec.is_grad_enabled())\n'), 'True\n');
  });

  it('turns a JS error from a hook into RuntimeError at the expression that called the shim', () => {
    const r = run('import vec\na = vec.vec([1, 2])\nb = vec.vec([1, 2, 3])\nprint("before")\nc = a + b\n', { file: 'x.py', modules });
    assert.equal(r.output, 'before\n');
    assert.equal(formatError(r.error!), 'x.py:5:5: error: RuntimeError: shape mismatch: 2 vs 3');
    const r2 = run('import vec\nif vec.vec([1, 2]):\n    pass\n', { file: 'x.py', modules });
    assert.equal(formatError(r2.error!), 'x.py:2:4: error: RuntimeError: Boolean value of Tensor with more than one value is ambiguous');
    const r3 = run('import vec\ntry:\n    vec.vec([1, 2]) + vec.vec([1])\nexcept RuntimeError as e:\n    print("caught:", e)\n', { file: 'x.py', modules });
    assert.equal(r3.output, 'caught: shape mismatch: 2 vs 1\n');
  });

  it('lets shims raise catchable Python exceptions', () => {
    assert.equal(out('import vec\ntry:\n    vec.vec([1])[5]\nexcept IndexError as e:\n    print(e)\n'), 'index 5 is out of bounds for dimension 0 with size 1\n');
  });

  it('charges allocations to the tensor-bytes budget', () => {
    const r = run('import vec\na = vec.zeros(100)\nb = vec.zeros(1000)\n', { file: 'x.py', modules, budgets: { maxTensorBytes: 4096 } });
    assert.equal(r.error!.kind, 'budget');
    assert.equal(r.error!.span.line, 3);
  });

  it('converts between Python values and JS data', () => {
    const got: string[] = [];
    const registry: ModuleRegistry = {
      conv: {
        create: () =>
          createModule('conv', {
            show: pyFunction('show', (args, _kw, ctx) => {
              got.push(JSON.stringify(toJs(args[0], ctx)));
              const n = flattenNested(args[0], ctx);
              got.push(`${n.kind} ${JSON.stringify(n.shape)} ${JSON.stringify(n.data)}`);
              return nestedFromFlat(n.data, n.shape, n.kind);
            }),
          }),
      },
    };
    const r = run('import conv\nprint(conv.show([[1, 2], [3, 4]]), conv.show((1.5, True)), conv.show(3))\n', { modules: registry });
    assert.equal(r.error, null);
    assert.equal(r.output, '[[1, 2], [3, 4]] [1.5, 1.0] 3\n');
    assert.deepEqual(got, ['[[1,2],[3,4]]', 'int [2,2] [1,2,3,4]', '[1.5,true]', 'float [2] [1.5,1]', '3', 'int [] [3]']);
    const ragged = run('import conv\nconv.show([[1, 2], [3]])\n', { modules: registry });
    assert.equal(ragged.error!.message, 'ValueError: expected sequence of length 2 at dim 1 (got 1)');
    // JS numbers are Python floats; bigints are ints.
    assert.equal(repr(fromJs([1, 2.5, [true, null, 'a']]), new Interpreter()), "[1.0, 2.5, [True, None, 'a']]");
    assert.equal(repr(fromJs(3n), new Interpreter()), '3');
  });
});
