/**
 * `numpy.testing.assert_allclose` as NumPy 1.24 checks and words it (numpy/testing/_private/
 * utils.py: assert_array_compare and build_err_msg): shapes must agree (or one be a scalar), nan
 * and infinities must sit at the same places, the rest within atol + rtol * |desired|; the
 * AssertionError names the tolerances, the mismatched count, the largest absolute and relative
 * differences and both arrays (their first three lines), with `err_msg` where NumPy puts it.
 */
import { bindArgs, createModule, formatFloat, type HostContext, type Kwargs, PyList, pyError, pyFunction, type PyModule, PyTuple, type PyValue, typeName } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';

function asArray(rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray {
  if (x instanceof PyArray) return x;
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' || x instanceof PyList || x instanceof PyTuple) return L.arrayFromData(rt, x, undefined, ctx, true);
  throw pyError('TypeError', `assert_allclose: expected an array, got ${typeName(x)}`);
}

/**
 * `array2string` of a 0-d result (precision 8, floatmode 'maxprec'): ints as ints, floats with at
 * most 8 digits after the point, trailing zeros trimmed to the point ('1.'), in scientific
 * notation below 1e-4 and from 1e16 on.
 */
function scalarText(v: number, integer: boolean): string {
  if (integer) return String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const trim = (digits: string) => digits.replace(/0+$/, '');
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    const [mantissa, exponent] = v.toExponential(8).split('e');
    const e = Number(exponent);
    return `${trim(mantissa!)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return trim(v.toFixed(8));
}

/** Python's '%g'. */
const g = (v: number) => formatFloat(v, 'g');

/** NumPy's build_err_msg: the header, the message, then each array's repr cut to three lines. */
function failure(header: string, errMsg: string, arrays: readonly PyArray[], ctx: HostContext): never {
  const lines = [`\n${header}`];
  if (errMsg !== '') {
    if (!errMsg.includes('\n') && errMsg.length < 79 - header.length) lines[0] += ` ${errMsg}`;
    else lines.push(errMsg);
  }
  for (const [i, a] of arrays.entries()) {
    let r = ctx.repr(a);
    if ((r.match(/\n/g) ?? []).length > 3) r = `${r.split('\n').slice(0, 3).join('\n')}...`;
    lines.push(` ${i === 0 ? 'x' : 'y'}: ${r}`);
  }
  throw pyError('AssertionError', lines.join('\n'));
}

function assertAllclose(rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('assert_allclose', ['actual', 'desired', 'rtol?', 'atol?', 'equal_nan?', 'err_msg?', 'verbose?'], args, kwargs, ctx);
  const x = asArray(rt, a.required('actual'), ctx);
  const y = asArray(rt, a.required('desired'), ctx);
  const rtol = a.float('rtol', 1e-7);
  const atol = a.float('atol', 0);
  const equalNan = a.bool('equal_nan', true);
  const errMsg = a.opt('err_msg') === undefined ? '' : ctx.str(a.required('err_msg'));
  const header = `Not equal to tolerance rtol=${g(rtol)}, atol=${g(atol)}`;
  const same = x.shape.length === y.shape.length && x.shape.every((d, i) => d === y.shape[i]);
  if (!same && x.shape.length > 0 && y.shape.length > 0) {
    failure(header, `${errMsg}\n(shapes (${x.shape.join(', ')}${x.shape.length === 1 ? ',' : ''}), (${y.shape.join(', ')}${y.shape.length === 1 ? ',' : ''}) mismatch)`, [x, y], ctx);
  }
  const size = (s: readonly number[]) => s.reduce((m, d) => m * d, 1);
  const n = Math.max(size(x.shape), size(y.shape));
  const xs = Array.from(x.values(ctx, 'numpy'));
  const ys = Array.from(y.values(ctx, 'numpy'));
  const at = (vs: number[], i: number) => vs[vs.length === 1 ? 0 : i]!;
  // nan, +inf and -inf must be at the same places; those places are left out of the comparison.
  const special: [string, (v: number) => boolean][] = [['+inf', (v) => v === Infinity], ['-inf', (v) => v === -Infinity]];
  if (equalNan) special.unshift(['nan', Number.isNaN]);
  const skip = new Array<boolean>(n).fill(false);
  for (const [name, is] of special) {
    for (let i = 0; i < n; i++) {
      if (is(at(xs, i)) !== is(at(ys, i))) failure(header, `${errMsg}\nx and y ${name} location mismatch:`, [x, y], ctx);
      if (is(at(xs, i))) skip[i] = true;
    }
  }
  const kept = [...Array(n).keys()].filter((i) => !skip[i]);
  const mismatched = kept.filter((i) => !(Math.abs(at(xs, i) - at(ys, i)) <= atol + rtol * Math.abs(at(ys, i)))).length;
  if (mismatched === 0) return null;
  const integer = x.dtype.startsWith('int') && y.dtype.startsWith('int');
  const errors = kept.map((i) => Math.abs(at(xs, i) - at(ys, i)));
  const maxAbs = errors.reduce((m, e) => (e > m || Number.isNaN(e) ? e : m), -Infinity);
  const nonzero = kept.map((i, k) => [i, k] as const).filter(([i]) => at(ys, i) !== 0);
  const maxRel = nonzero.length === 0 ? Infinity : nonzero.reduce((m, [i, k]) => Math.max(m, errors[k]! / Math.abs(at(ys, i))), -Infinity);
  const percent = Number(((100 * mismatched) / n).toPrecision(3));
  const remarks = [
    `Mismatched elements: ${mismatched} / ${n} (${percent}%)`,
    `Max absolute difference: ${scalarText(maxAbs, integer)}`,
    `Max relative difference: ${scalarText(maxRel, false)}`,
  ];
  return failure(header, `${errMsg}\n${remarks.join('\n')}`, [x, y], ctx);
}

/** The `numpy.testing` module. */
export function testingModule(rt: JaxRuntime): PyModule {
  return createModule('numpy.testing', {
    assert_allclose: pyFunction('assert_allclose', (args, kwargs, ctx) => assertAllclose(rt, args, kwargs, ctx)),
  });
}
