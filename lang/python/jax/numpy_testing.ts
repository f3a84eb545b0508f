/**
 * `numpy.testing` as NumPy 1.24 checks and words it (numpy/testing/_private/utils.py:
 * assert_array_compare and build_err_msg): `assert_allclose`, `assert_array_equal`,
 * `assert_array_almost_equal`, `assert_array_less`, `assert_almost_equal`, `assert_equal` and
 * `assert_raises`. Arrays' shapes must agree (or one be a scalar), nan and infinities must sit at
 * the same places, the rest pass the comparison; the AssertionError names the header (the
 * tolerances), the mismatched count, the largest absolute and relative differences and both
 * arrays (their first three lines), with `err_msg` where NumPy puts it.
 */
import { isFloat, type DType } from '../../../runtime/core';
import { regexSearches } from '../modules';
import {
  type Args,
  bindArgs,
  createModule,
  dictKey,
  eq,
  ExceptionObject,
  formatFloat,
  HostObject,
  type HostContext,
  hostType,
  type Kwargs,
  PyComplex,
  PyDict,
  PyError,
  PyList,
  pyError,
  pyFunction,
  type PyModule,
  PyTuple,
  PyType,
  type PyValue,
  toFloat,
  toIndex,
  typeName,
} from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import { array2string, numpyRepr } from './print';
import * as L from './lax';

function asArray(rt: JaxRuntime, x: PyValue, ctx: HostContext, name: string): PyArray {
  if (x instanceof PyArray) return x;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyList || x instanceof PyTuple) return L.arrayFromData(rt, x, undefined, ctx, true);
  throw pyError('TypeError', `${name}: expected an array, got ${typeName(x)}`);
}

/** `array2string` of a 0-d result in `dtype` (precision 8, floatmode 'maxprec'), as NumPy prints the largest differences. */
function scalarText(v: number, dtype: DType): string {
  return array2string({ values: [v], shape: [], dtype });
}

/** Python's '%g'. */
const g = (v: number) => formatFloat(v, 'g');

/** NumPy's build_err_msg: the header, the message, then each array's repr (array_repr at `precision`) cut to three lines. */
function failure(header: string, errMsg: string, arrays: readonly PyArray[], ctx: HostContext, precision = 6): never {
  const lines = [`\n${header}`];
  if (errMsg !== '') {
    if (!errMsg.includes('\n') && errMsg.length < 79 - header.length) lines[0] += ` ${errMsg}`;
    else lines.push(errMsg);
  }
  for (const [i, a] of arrays.entries()) {
    let r = numpyRepr({ values: a.values(ctx, 'numpy'), shape: a.shape, dtype: a.dtype }, precision);
    if ((r.match(/\n/g) ?? []).length > 3) r = `${r.split('\n').slice(0, 3).join('\n')}...`;
    lines.push(` ${i === 0 ? 'x' : 'y'}: ${r}`);
  }
  throw pyError('AssertionError', lines.join('\n'));
}

/** How one of assert_array_compare's callers compares: its header, and whether a pair of values passes. */
interface Comparison {
  readonly name: string;
  readonly header: string;
  readonly ok: (x: number, y: number) => boolean;
  /** nan at the same places pass (and are left out); else they are compared. */
  readonly equalNan: boolean;
  /** ±inf at the same places pass (and are left out); else they are compared. */
  readonly equalInf: boolean;
  /** The digits the arrays print with in the message (assert_array_almost_equal's `decimal`; assert_array_compare's 6 else). */
  readonly precision?: number;
}

/**
 * NumPy's assert_array_compare: shapes must agree (or one be a scalar), nan and infinities sit at
 * the same places, the rest pass `ok`; else the AssertionError names the mismatched count and the
 * largest absolute and relative differences over the values compared.
 */
function compareArrays(c: Comparison, x: PyArray, y: PyArray, errMsg: string, ctx: HostContext): null {
  const same = x.shape.length === y.shape.length && x.shape.every((d, i) => d === y.shape[i]);
  if (!same && x.shape.length > 0 && y.shape.length > 0) {
    failure(c.header, `${errMsg}\n(shapes (${x.shape.join(', ')}${x.shape.length === 1 ? ',' : ''}), (${y.shape.join(', ')}${y.shape.length === 1 ? ',' : ''}) mismatch)`, [x, y], ctx, c.precision);
  }
  const size = (s: readonly number[]) => s.reduce((m, d) => m * d, 1);
  const n = Math.max(size(x.shape), size(y.shape));
  const xs = Array.from(x.values(ctx, 'numpy'));
  const ys = Array.from(y.values(ctx, 'numpy'));
  const at = (vs: number[], i: number) => vs[vs.length === 1 ? 0 : i]!;
  // nan, +inf and -inf must be at the same places; those places are left out of the comparison.
  const special: [string, (v: number) => boolean][] = [];
  if (c.equalNan) special.push(['nan', Number.isNaN]);
  if (c.equalInf) special.push(['+inf', (v) => v === Infinity], ['-inf', (v) => v === -Infinity]);
  const skip = new Array<boolean>(n).fill(false);
  for (const [name, is] of special) {
    for (let i = 0; i < n; i++) {
      if (is(at(xs, i)) !== is(at(ys, i))) failure(c.header, `${errMsg}\nx and y ${name} location mismatch:`, [x, y], ctx, c.precision);
      if (is(at(xs, i))) skip[i] = true;
    }
  }
  const kept = [...Array(n).keys()].filter((i) => !skip[i]);
  const mismatched = kept.filter((i) => !c.ok(at(xs, i), at(ys, i))).length;
  if (mismatched === 0) return null;
  const percent = Number(((100 * mismatched) / n).toPrecision(3));
  const remarks = [`Mismatched elements: ${mismatched} / ${n} (${percent}%)`];
  // NB: NumPy cannot subtract booleans: their failures name no differences.
  if (x.dtype !== 'bool' || y.dtype !== 'bool') {
    // NB: NumPy subtracts and divides in the arrays' common dtype: float32 differences print as float32.
    const dtype: DType = !isFloat(x.dtype) && !isFloat(y.dtype) ? 'int64' : x.dtype === 'float32' && y.dtype === 'float32' ? 'float32' : 'float64';
    const rel: DType = dtype === 'int64' ? 'float64' : dtype;
    const round = (d: DType, v: number) => (d === 'float32' ? Math.fround(v) : v);
    const errors = kept.map((i) => round(dtype, Math.abs(at(xs, i) - at(ys, i))));
    const maxAbs = errors.reduce((m, e) => (e > m || Number.isNaN(e) ? e : m), -Infinity);
    const nonzero = kept.map((i, k) => [i, k] as const).filter(([i]) => at(ys, i) !== 0);
    const maxRel = nonzero.length === 0 ? Infinity : nonzero.reduce((m, [i, k]) => Math.max(m, round(rel, errors[k]! / Math.abs(at(ys, i)))), -Infinity);
    remarks.push(`Max absolute difference: ${scalarText(maxAbs, dtype)}`, `Max relative difference: ${scalarText(maxRel, rel)}`);
  }
  return failure(c.header, `${errMsg}\n${remarks.join('\n')}`, [x, y], ctx, c.precision);
}

const errMsgOf = (a: Args, ctx: HostContext): string => (a.opt('err_msg') === undefined ? '' : ctx.str(a.required('err_msg')));

function assertAllclose(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('assert_allclose', ['actual', 'desired', 'rtol?', 'atol?', 'equal_nan?', 'err_msg?', 'verbose?'], args, kwargs, ctx);
  const rtol = a.float('rtol', 1e-7);
  const atol = a.float('atol', 0);
  const comparison: Comparison = {
    name: 'assert_allclose',
    header: `Not equal to tolerance rtol=${g(rtol)}, atol=${g(atol)}`,
    ok: (x, y) => Math.abs(x - y) <= atol + rtol * Math.abs(y),
    equalNan: a.bool('equal_nan', true),
    equalInf: true,
  };
  return compareArrays(comparison, asArray(rt, a.required('actual'), ctx, comparison.name), asArray(rt, a.required('desired'), ctx, comparison.name), errMsgOf(a, ctx), ctx);
}

const ARRAYS_EQUAL: Comparison = { name: 'assert_array_equal', header: 'Arrays are not equal', ok: (x, y) => x === y, equalNan: true, equalInf: true };

function assertArrayEqual(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('assert_array_equal', ['x', 'y', 'err_msg?', 'verbose?', '*', 'strict?'], args, kwargs, ctx);
  return compareArrays(ARRAYS_EQUAL, asArray(rt, a.required('x'), ctx, ARRAYS_EQUAL.name), asArray(rt, a.required('y'), ctx, ARRAYS_EQUAL.name), errMsgOf(a, ctx), ctx);
}

const almostEqual = (decimal: number): Comparison => ({
  name: 'assert_array_almost_equal',
  header: `Arrays are not almost equal to ${decimal} decimals`,
  ok: (x, y) => (Number.isFinite(x) && Number.isFinite(y) ? Math.abs(x - y) < 1.5 * 10 ** -decimal : x === y),
  equalNan: true,
  equalInf: true,
  precision: decimal,
});

function assertArrayAlmostEqual(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('assert_array_almost_equal', ['x', 'y', 'decimal?', 'err_msg?', 'verbose?'], args, kwargs, ctx);
  const c = almostEqual(Number(toIndex(a.get('decimal') ?? 6n, ctx)));
  return compareArrays(c, asArray(rt, a.required('x'), ctx, c.name), asArray(rt, a.required('y'), ctx, c.name), errMsgOf(a, ctx), ctx);
}

const LESS: Comparison = { name: 'assert_array_less', header: 'Arrays are not less-ordered', ok: (x, y) => x < y, equalNan: true, equalInf: false };

function assertArrayLess(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('assert_array_less', ['x', 'y', 'err_msg?', 'verbose?'], args, kwargs, ctx);
  return compareArrays(LESS, asArray(rt, a.required('x'), ctx, LESS.name), asArray(rt, a.required('y'), ctx, LESS.name), errMsgOf(a, ctx), ctx);
}

const isSequence = (v: PyValue): v is PyList | PyTuple => v instanceof PyList || v instanceof PyTuple;
const isArrayLike = (v: PyValue): boolean => v instanceof PyArray || isSequence(v);
const isScalar = (v: PyValue): boolean => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string' || v instanceof PyComplex;

/** NumPy's build_err_msg for two values that are not arrays: `ACTUAL:` and `DESIRED:` with their reprs. */
function itemsFailure(header: string, errMsg: string, actual: PyValue, desired: PyValue, ctx: HostContext): never {
  let first = `\n${header}`;
  const lines: string[] = [];
  if (errMsg !== '') {
    if (!errMsg.includes('\n') && errMsg.length < 79 - header.length) first += ` ${errMsg}`;
    else lines.push(errMsg);
  }
  throw pyError('AssertionError', [first, ...lines, ` ACTUAL: ${ctx.repr(actual)}`, ` DESIRED: ${ctx.repr(desired)}`].join('\n'));
}

/** `assert_equal`: dicts key by key, lists and tuples item by item, arrays as assert_array_equal, the rest with ==. */
function assertEqual(rt: JaxRuntime, actual: PyValue, desired: PyValue, errMsg: string, ctx: HostContext): null {
  const items = 'Items are not equal:';
  if (desired instanceof PyDict) {
    if (!(actual instanceof PyDict)) throw pyError('AssertionError', ctx.repr(ctx.getattr(actual, '__class__')));
    assertEqual(rt, BigInt(actual.size), BigInt(desired.size), errMsg, ctx);
    for (const [k, v] of desired.entries()) {
      const mine = actual.getByKey(dictKey(k, ctx));
      if (mine === undefined) throw pyError('AssertionError', ctx.repr(k));
      assertEqual(rt, mine, v, `key=${ctx.repr(k)}\n${errMsg}`, ctx);
    }
    return null;
  }
  if (isSequence(desired) && isSequence(actual)) {
    assertEqual(rt, BigInt(actual.items.length), BigInt(desired.items.length), errMsg, ctx);
    desired.items.forEach((d, k) => assertEqual(rt, actual.items[k]!, d, `item=${k}\n${errMsg}`, ctx));
    return null;
  }
  if (actual instanceof PyArray || desired instanceof PyArray) return compareArrays(ARRAYS_EQUAL, asArray(rt, actual, ctx, 'assert_equal'), asArray(rt, desired, ctx, 'assert_equal'), errMsg, ctx);
  if (isScalar(actual) !== isScalar(desired)) itemsFailure(items, errMsg, actual, desired, ctx);
  const number = (v: PyValue) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : null);
  const [p, q] = [number(actual), number(desired)];
  if (p !== null && q !== null) {
    if (Number.isNaN(p) && Number.isNaN(q)) return null;
    // Signed zeros differ: assert_equal(0.0, -0.0) fails, as NumPy's signbit check has it.
    if (p === 0 && q === 0 && Object.is(p, -0) !== Object.is(q, -0)) itemsFailure(items, errMsg, actual, desired, ctx);
  }
  if (!eq(desired, actual, ctx)) itemsFailure(items, errMsg, actual, desired, ctx);
  return null;
}

/** `assert_almost_equal`: arrays, lists and tuples as assert_array_almost_equal; scalars within 1.5 * 10**-decimal. */
function assertAlmostEqual(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('assert_almost_equal', ['actual', 'desired', 'decimal?', 'err_msg?', 'verbose?'], args, kwargs, ctx);
  const decimal = Number(toIndex(a.get('decimal') ?? 7n, ctx));
  const [actual, desired] = [a.required('actual'), a.required('desired')];
  const c = almostEqual(decimal);
  const errMsg = errMsgOf(a, ctx);
  if (isArrayLike(actual) || isArrayLike(desired)) return compareArrays(c, asArray(rt, actual, ctx, c.name), asArray(rt, desired, ctx, c.name), errMsg, ctx);
  const [p, q] = [toFloat(actual, ctx), toFloat(desired, ctx)];
  const bothNan = Number.isNaN(p) && Number.isNaN(q);
  if (!bothNan && !c.ok(p, q)) itemsFailure(c.header, errMsg, actual, desired, ctx);
  return null;
}

/**
 * `assert_raises(E, f, *args, **kwargs)` calls f and passes when it raises E; `with
 * assert_raises(E):` passes when the block does (unittest's assertRaises, which NumPy reuses).
 */
class AssertRaisesContext extends HostObject {
  static readonly type = hostType('_AssertRaisesContext', 'unittest.case');

  constructor(
    private readonly expected: PyType,
    private readonly regex: string | null = null,
    private readonly ctx: HostContext | null = null,
  ) {
    super();
  }

  get pyType(): PyType {
    return AssertRaisesContext.type;
  }

  override enter(): PyValue {
    return this;
  }

  override exit(exc: ExceptionObject | null): boolean {
    if (exc === null) throw pyError('AssertionError', `${this.expected.name} not raised`);
    if (!exc.type.isSubtypeOf(this.expected)) return false;
    if (this.regex !== null) matchesRegex(this.regex, exc, this.ctx!);
    return true;
  }
}

/** unittest's assertRaisesRegex check: re.search(regex, str(exc)), or its AssertionError. */
function matchesRegex(regex: string, exc: ExceptionObject, ctx: HostContext): void {
  const text = ctx.str(exc);
  if (!regexSearches(regex, text, ctx)) throw pyError('AssertionError', `"${regex}" does not match "${text}"`);
}

/** `assert_raises_regex(E, regex, f, *args, **kwargs)`, or `with assert_raises_regex(E, regex):`. */
function assertRaisesRegex(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const [expected, regex] = args;
  if (!(expected instanceof PyType && expected.isException)) throw pyError('TypeError', 'assert_raises_regex() arg 1 must be an exception type');
  if (typeof regex !== 'string') throw pyError('TypeError', 'assert_raises_regex() arg 2 must be a str pattern');
  if (args.length === 2 && kwargs.size === 0) return new AssertRaisesContext(expected, regex, ctx);
  const f = args[2]!;
  try {
    ctx.call(f, args.slice(3), kwargs);
  } catch (e) {
    if (e instanceof PyError && e.exc.type.isSubtypeOf(expected)) {
      matchesRegex(regex, e.exc, ctx);
      return null;
    }
    throw e;
  }
  throw pyError('AssertionError', `${expected.name} not raised by ${ctx.str(ctx.getattr(f, '__name__'))}`);
}

function assertRaises(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const expected = args[0];
  if (!(expected instanceof PyType && expected.isException)) throw pyError('TypeError', 'assert_raises() arg 1 must be an exception type');
  if (args.length === 1 && kwargs.size === 0) return new AssertRaisesContext(expected);
  const f = args[1]!;
  try {
    ctx.call(f, args.slice(2), kwargs);
  } catch (e) {
    if (e instanceof PyError && e.exc.type.isSubtypeOf(expected)) return null;
    throw e;
  }
  throw pyError('AssertionError', `${expected.name} not raised by ${ctx.str(ctx.getattr(f, '__name__'))}`);
}

/** The `numpy.testing` module. */
export function testingModule(rt: JaxRuntime): PyModule {
  return createModule('numpy.testing', {
    assert_allclose: pyFunction('assert_allclose', (args, kwargs, ctx) => assertAllclose(rt, args, kwargs, ctx)),
    assert_array_equal: pyFunction('assert_array_equal', (args, kwargs, ctx) => assertArrayEqual(rt, args, kwargs, ctx)),
    assert_array_almost_equal: pyFunction('assert_array_almost_equal', (args, kwargs, ctx) => assertArrayAlmostEqual(rt, args, kwargs, ctx)),
    assert_array_less: pyFunction('assert_array_less', (args, kwargs, ctx) => assertArrayLess(rt, args, kwargs, ctx)),
    assert_almost_equal: pyFunction('assert_almost_equal', (args, kwargs, ctx) => assertAlmostEqual(rt, args, kwargs, ctx)),
    assert_equal: pyFunction('assert_equal', (args, kwargs, ctx) => {
      const a = bindArgs('assert_equal', ['actual', 'desired', 'err_msg?', 'verbose?'], args, kwargs, ctx);
      return assertEqual(rt, a.required('actual'), a.required('desired'), errMsgOf(a, ctx), ctx);
    }),
    assert_raises: pyFunction('assert_raises', assertRaises),
    assert_raises_regex: pyFunction('assert_raises_regex', assertRaisesRegex),
  });
}
