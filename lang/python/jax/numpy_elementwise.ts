/**
 * NumPy's integer division and remainder functions, logical functions, `array_equal`, `flip`,
 * `triu`/`tril` and `nan_to_num` on NumPy arrays: exact in any dtype, so computed on the host (or
 * through the `//` and `%` operators' own path), value for value as NumPy 1.24.
 */
import { isFloat } from '../../../runtime/core';
import { bindArgs, type HostContext, type Kwargs, pyError, type PyValue } from '../interpreter';
import { PyArray, type JaxRuntime } from './array';
import * as L from './lax';
import { numpyHostDivMod } from './numpy_float_divmod';

const arr = (rt: JaxRuntime, x: PyValue, ctx: HostContext): PyArray => L.arrayArgument(rt, x, ctx, true);

type Fn = (rt: JaxRuntime, args: PyValue[], kwargs: Kwargs, ctx: HostContext, numpy: boolean) => PyValue;

function refuseOut(kwargs: Kwargs, name: string): void {
  for (const k of ['out', 'where']) {
    if (kwargs.has(k)) throw pyError('NotImplementedError', `numpy.${name}(..., ${k}=...) is not supported by Gradlens: assign the result instead`);
  }
}

const divMod = (name: string, which: '//' | '%'): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const a = bindArgs(name, ['x1', 'x2'], args, kwargs, ctx);
  const x = arr(rt, a.required('x1'), ctx);
  const y = arr(rt, a.required('x2'), ctx);
  return numpyHostDivMod(rt, which, x, y, ctx) ?? L.floorDivMod(rt, which, x, y, ctx);
};

/** A boolean function of the values' truth, broadcast as NumPy broadcasts (through `where`). */
const logical = (name: string, f: (p: boolean, q: boolean) => boolean): Fn => (rt, args, kwargs, ctx) => {
  refuseOut(kwargs, name);
  const a = bindArgs(name, ['x1', 'x2'], args, kwargs, ctx);
  const x = L.binary(rt, 'ne', arr(rt, a.required('x1'), ctx), 0, ctx);
  const y = L.binary(rt, 'ne', arr(rt, a.required('x2'), ctx), 0, ctx);
  // NB: broadcast both by adding a zero of the other's shape, then combine on the host.
  const shape = L.binary(rt, 'add', L.binary(rt, 'mul', x, 0, ctx), L.binary(rt, 'mul', y, 0, ctx), ctx);
  const bx = L.binary(rt, 'ne', L.binary(rt, 'add', shape, x, ctx), 0, ctx).values(ctx, 'numpy');
  const by = L.binary(rt, 'ne', L.binary(rt, 'add', shape, y, ctx), 0, ctx).values(ctx, 'numpy');
  return L.op(rt, () => new PyArray(rt, rt.generate(shape.shape, 'bool', (i) => Number(f(bx[i] !== 0, by[i] !== 0))), false, true));
};

function hostMap(rt: JaxRuntime, x: PyArray, f: (v: number, i: number) => number, ctx: HostContext): PyArray {
  const values = x.values(ctx, 'numpy');
  return L.op(rt, () => new PyArray(rt, rt.generate(x.shape, x.dtype, (i) => f(values[i]!, i)), false, true));
}

/** triu/tril: the last two axes' entries on the kept side of diagonal k, zeros elsewhere. */
const triangle = (name: string, upper: boolean): Fn => (rt, args, kwargs, ctx) => {
  const a = bindArgs(name, ['m', 'k?'], args, kwargs, ctx);
  const x = arr(rt, a.required('m'), ctx);
  if (x.shape.length < 2) throw pyError('NotImplementedError', `numpy.${name} of a ${x.shape.length}-D array is not supported by Gradlens: pass a matrix`);
  const k = a.int('k', 0);
  const cols = x.shape[x.shape.length - 1]!;
  const rows = x.shape[x.shape.length - 2]!;
  return hostMap(rt, x, (v, i) => {
    const j = i % cols;
    const r = Math.floor(i / cols) % rows;
    return (upper ? j - r >= k : j - r <= k) ? v : 0;
  }, ctx);
};

export const ELEMENTWISE_FUNCTIONS: Readonly<Record<string, Fn>> = {
  floor_divide: divMod('floor_divide', '//'),
  mod: divMod('mod', '%'),
  remainder: divMod('remainder', '%'),
  logical_and: logical('logical_and', (p, q) => p && q),
  logical_or: logical('logical_or', (p, q) => p || q),
  logical_xor: logical('logical_xor', (p, q) => p !== q),
  logical_not: (rt, args, kwargs, ctx) => {
    refuseOut(kwargs, 'logical_not');
    return L.binary(rt, 'eq', arr(rt, bindArgs('logical_not', ['x'], args, kwargs, ctx).required('x'), ctx), 0, ctx);
  },
  array_equal: (rt, args, kwargs, ctx) => {
    const a = bindArgs('array_equal', ['a1', 'a2', 'equal_nan?'], args, kwargs, ctx);
    const x = arr(rt, a.required('a1'), ctx);
    const y = arr(rt, a.required('a2'), ctx);
    if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) return false;
    const p = x.values(ctx, 'numpy');
    const q = y.values(ctx, 'numpy');
    const nanEqual = a.bool('equal_nan', false);
    for (let i = 0; i < p.length; i++) {
      if (p[i] !== q[i] && !(nanEqual && Number.isNaN(p[i]!) && Number.isNaN(q[i]!))) return false;
    }
    return true;
  },
  flip: (rt, args, kwargs, ctx) => {
    const a = bindArgs('flip', ['m', 'axis?'], args, kwargs, ctx);
    const x = arr(rt, a.required('m'), ctx);
    const axes = L.axesOf(a.get('axis'), x.shape.length, ctx);
    const values = x.values(ctx, 'numpy');
    const strides = x.shape.map((_, k) => x.shape.slice(k + 1).reduce((p, d) => p * d, 1));
    return hostMap(rt, x, (_v, i) => {
      let src = 0;
      for (let k = 0; k < x.shape.length; k++) {
        const c = Math.floor(i / strides[k]!) % x.shape[k]!;
        src += (axes.includes(k) ? x.shape[k]! - 1 - c : c) * strides[k]!;
      }
      return values[src]!;
    }, ctx);
  },
  triu: triangle('triu', true),
  tril: triangle('tril', false),
  nan_to_num: (rt, args, kwargs, ctx) => {
    const a = bindArgs('nan_to_num', ['x', 'copy?', 'nan?', 'posinf?', 'neginf?'], args, kwargs, ctx);
    const x = arr(rt, a.required('x'), ctx);
    if (!isFloat(x.dtype)) return hostMap(rt, x, (v) => v, ctx);
    const big = x.dtype === 'float64' ? Number.MAX_VALUE : 3.4028234663852886e38;
    const nan = a.float('nan', 0);
    const posinf = a.opt('posinf') === undefined || a.opt('posinf') === null ? big : a.float('posinf');
    const neginf = a.opt('neginf') === undefined || a.opt('neginf') === null ? -big : a.float('neginf');
    return hostMap(rt, x, (v) => (Number.isNaN(v) ? nan : v === Infinity ? posinf : v === -Infinity ? neginf : v), ctx);
  },
};
