/**
 * Python's `operator`: the operators as functions (`reduce(operator.mul, shape, 1)`,
 * `sorted(rows, key=operator.itemgetter(1))`), each the interpreter's own operator, so results and
 * errors are the same as writing the operator.
 */
import {
  abs,
  binary,
  type BinaryOp,
  compare,
  type CompareOp,
  contains,
  delitem,
  getattr,
  getitem,
  type HostContext,
  HostObject,
  hostType,
  inplace,
  type Kwargs,
  type ModuleShim,
  pyError,
  pyFunction,
  PyModule,
  PyTuple,
  PyType,
  type PyValue,
  setitem,
  changingFunction,
  toIndex,
  truthy,
  unary,
} from '../interpreter';

const BINARY: Readonly<Record<string, BinaryOp>> = {
  add: '+', sub: '-', mul: '*', truediv: '/', floordiv: '//', mod: '%', pow: '**', matmul: '@',
  and_: '&', or_: '|', xor: '^', lshift: '<<', rshift: '>>', concat: '+',
};

const COMPARISONS: Readonly<Record<string, CompareOp>> = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '==', ne: '!=' };

function arity(name: string, args: PyValue[], kwargs: Kwargs, n: number): void {
  if (kwargs.size) throw pyError('TypeError', `${name}() takes no keyword arguments`);
  if (args.length !== n) throw pyError('TypeError', `${name} expected ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

/** `itemgetter(i)` / `itemgetter(i, j)`: one item, or a tuple of them. */
class ItemGetter extends HostObject {
  static readonly type = hostType('itemgetter', 'operator');

  constructor(readonly items: readonly PyValue[]) {
    super();
  }

  get pyType(): PyType {
    return ItemGetter.type;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    arity('itemgetter', args, kwargs, 1);
    const got = this.items.map((i) => getitem(args[0]!, i, ctx));
    return got.length === 1 ? got[0]! : new PyTuple(got);
  }

  override repr(ctx: HostContext): string {
    return `operator.itemgetter(${this.items.map((i) => ctx.repr(i)).join(', ')})`;
  }
}

/** `attrgetter('a.b')` / `attrgetter('a', 'b')`: dotted names follow attributes. */
class AttrGetter extends HostObject {
  static readonly type = hostType('attrgetter', 'operator');

  constructor(readonly names: readonly string[]) {
    super();
  }

  get pyType(): PyType {
    return AttrGetter.type;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    arity('attrgetter', args, kwargs, 1);
    const got = this.names.map((n) => n.split('.').reduce<PyValue>((v, part) => getattr(v, part, ctx), args[0]!));
    return got.length === 1 ? got[0]! : new PyTuple(got);
  }

  override repr(ctx: HostContext): string {
    return `operator.attrgetter(${this.names.map((n) => ctx.repr(n)).join(', ')})`;
  }
}

/** `methodcaller('name', *args, **kwargs)`. */
class MethodCaller extends HostObject {
  static readonly type = hostType('methodcaller', 'operator');

  constructor(
    readonly name: string,
    readonly args: readonly PyValue[],
    readonly kwargs: Kwargs,
  ) {
    super();
  }

  get pyType(): PyType {
    return MethodCaller.type;
  }

  override call(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
    arity('methodcaller', args, kwargs, 1);
    return ctx.call(getattr(args[0]!, this.name, ctx), [...this.args], this.kwargs);
  }
}

function functions(): Map<string, PyValue> {
  const fns = new Map<string, PyValue>();
  const def = (name: string, n: number, body: (args: PyValue[], ctx: HostContext) => PyValue) => {
    fns.set(name, pyFunction(name, (args, kwargs, ctx) => {
      arity(name, args, kwargs, n);
      return body(args, ctx);
    }));
  };
  for (const [name, op] of Object.entries(BINARY)) {
    def(name, 2, ([a, b], ctx) => binary(op, a!, b!, ctx));
    def(`i${name.replace(/_$/, '')}`, 2, ([a, b], ctx) => inplace(op, a!, b!, ctx));
  }
  for (const [name, op] of Object.entries(COMPARISONS)) def(name, 2, ([a, b], ctx) => compare(op, a!, b!, ctx));
  def('neg', 1, ([a], ctx) => unary('-', a!, ctx));
  def('pos', 1, ([a], ctx) => unary('+', a!, ctx));
  def('invert', 1, ([a], ctx) => unary('~', a!, ctx));
  def('inv', 1, ([a], ctx) => unary('~', a!, ctx));
  def('not_', 1, ([a], ctx) => !truthy(a!, ctx));
  def('truth', 1, ([a], ctx) => truthy(a!, ctx));
  def('abs', 1, (args, ctx) => abs(args, new Map(), ctx));
  def('index', 1, ([a], ctx) => toIndex(a!, ctx));
  def('is_', 2, ([a, b]) => a === b);
  def('is_not', 2, ([a, b]) => a !== b);
  def('contains', 2, ([a, b], ctx) => contains(a!, b!, ctx));
  def('getitem', 2, ([a, b], ctx) => getitem(a!, b!, ctx));
  fns.set('setitem', changingFunction('setitem', (args, kwargs, ctx) => {
    arity('setitem', args, kwargs, 3);
    setitem(args[0]!, args[1]!, args[2]!, ctx);
    return null;
  }));
  fns.set('delitem', changingFunction('delitem', (args, kwargs, ctx) => {
    arity('delitem', args, kwargs, 2);
    delitem(args[0]!, args[1]!, ctx);
    return null;
  }));
  fns.set('itemgetter', pyFunction('itemgetter', (args) => {
    if (args.length === 0) throw pyError('TypeError', 'itemgetter expected 1 argument, got 0');
    return new ItemGetter(args);
  }));
  fns.set('attrgetter', pyFunction('attrgetter', (args) => {
    if (args.length === 0) throw pyError('TypeError', 'attrgetter expected 1 argument, got 0');
    return new AttrGetter(args.map((a) => {
      if (typeof a !== 'string') throw pyError('TypeError', 'attribute name must be a string');
      return a;
    }));
  }));
  fns.set('methodcaller', pyFunction('methodcaller', (args, kwargs) => {
    const [name, ...rest] = args;
    if (typeof name !== 'string') throw pyError('TypeError', 'method name must be a string');
    return new MethodCaller(name, rest, new Map(kwargs));
  }));
  return fns;
}

const FUNCTIONS = functions();

export const operatorModule: ModuleShim = {
  exports: [...FUNCTIONS.keys()],
  create() {
    return new PyModule('operator', new Map(FUNCTIONS), true);
  },
};
