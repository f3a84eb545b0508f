/**
 * `finfo`, `iinfo`, `issubdtype` and NumPy's abstract scalar types (`floating`, `integer`, ...) for
 * jax.numpy and numpy: what `jnp.finfo(jnp.float32).eps` and `jnp.issubdtype(x.dtype,
 * jnp.floating)` answer in NumPy 1.24 (JAX's dtypes.finfo and issubdtype give NumPy's answers for
 * NumPy's dtypes).
 */
import { intRange, isComplex, isFloat, isInteger, isWrappingInt, WRAPPING_INT, type DType } from '../../../runtime/core';
import { bindArgs, HostObject, hostType, type HostContext, pyError, pyFunction, type PyValue } from '../interpreter';
import { DTypeObject, dtypeObject, PyArray, ScalarType, toDtype, type JaxRuntime } from './array';
import * as L from './lax';
import { scalarStr } from './print';
import { ABSTRACT_SCALAR_TYPES } from './numpy_scalar_types';

type Kind = 'generic' | 'number' | 'integer' | 'signedinteger' | 'unsignedinteger' | 'inexact' | 'floating' | 'complexfloating';

/** Each abstract type's parent in NumPy's scalar hierarchy. */
const PARENT: Readonly<Record<Kind, Kind | null>> = {
  generic: null, number: 'generic', integer: 'number', signedinteger: 'integer', unsignedinteger: 'integer',
  inexact: 'number', floating: 'inexact', complexfloating: 'inexact',
};

function leafKind(d: DType): Kind {
  if (d === 'uint64' || (isWrappingInt(d) && !WRAPPING_INT[d].signed)) return 'unsignedinteger';
  if (isInteger(d)) return 'signedinteger';
  if (isFloat(d)) return 'floating';
  if (isComplex(d)) return 'complexfloating';
  return 'generic';
}

function within(d: DType, kind: Kind): boolean {
  for (let k: Kind | null = leafKind(d); k !== null; k = PARENT[k]) if (k === kind) return true;
  return false;
}

/** A dtype-like argument as NumPy reads it (no x64 canonicalization: jnp.finfo(jnp.float64) is float64's). */
function dtypeLike(rt: JaxRuntime, v: PyValue): DType {
  if (v instanceof DTypeObject) return v.name;
  if (v instanceof ScalarType) return v.dtype;
  if (v instanceof PyArray) return v.dtype;
  return toDtype(v, rt, true);
}

interface FloatInfo {
  readonly bits: number;
  readonly eps: number;
  readonly epsneg: number;
  readonly max: number;
  readonly tiny: number;
  readonly resolution: number;
  readonly precision: number;
  readonly machep: number;
  readonly negep: number;
  readonly minexp: number;
  readonly maxexp: number;
  readonly nexp: number;
  readonly smallestSubnormal: number;
}

// IEEE 754 single and double precision, as np.finfo reports them.
const FLOAT_INFO: Readonly<Partial<Record<DType, FloatInfo>>> = {
  float32: {
    bits: 32, eps: 2 ** -23, epsneg: 2 ** -24, max: (2 - 2 ** -23) * 2 ** 127, tiny: 2 ** -126, resolution: 1e-6, precision: 6,
    machep: -23, negep: -24, minexp: -126, maxexp: 128, nexp: 8, smallestSubnormal: 2 ** -149,
  },
  float64: {
    bits: 64, eps: 2 ** -52, epsneg: 2 ** -53, max: Number.MAX_VALUE, tiny: 2 ** -1022, resolution: 1e-15, precision: 15,
    machep: -52, negep: -53, minexp: -1022, maxexp: 1024, nexp: 11, smallestSubnormal: Number.MIN_VALUE,
  },
};

class FInfo extends HostObject {
  static readonly type = hostType('finfo', 'numpy');
  constructor(private readonly rt: JaxRuntime, readonly dtype: DType, private readonly info: FloatInfo) {
    super();
  }
  get pyType() { return FInfo.type; }
  /** A NumPy scalar of the float type (prints as np.float32 does). */
  private scalar(v: number): PyArray {
    return L.op(this.rt, () => new PyArray(this.rt, this.rt.upload([v], [], this.dtype), false, true));
  }
  private show(v: number): string { return scalarStr(v, this.dtype); }
  override getattr(name: string): PyValue | undefined {
    const i = this.info;
    switch (name) {
      case 'bits': return BigInt(i.bits);
      case 'dtype': return dtypeObject(this.dtype);
      case 'precision': return BigInt(i.precision);
      case 'eps': case 'epsneg': case 'max': case 'tiny': case 'resolution': return this.scalar(i[name]);
      case 'min': return this.scalar(-i.max);
      case 'smallest_normal': return this.scalar(i.tiny);
      case 'smallest_subnormal': return this.scalar(i.smallestSubnormal);
      case 'machep': case 'negep': case 'minexp': case 'maxexp': case 'nexp': return BigInt(i[name]);
      default: return undefined;
    }
  }
  /** NumPy 1.24's finfo.__str__: its table, each float in `%.7e` (single) or `%.16e` (double). */
  override str(): string {
    const i = this.info;
    const e = (v: number) => (this.dtype === 'float32' ? Math.fround(v).toExponential(7) : v.toExponential(16)).replace(/e([+-])(\d)$/, 'e$10$2');
    const pad = (v: number, w: number) => String(v).padStart(w);
    const rule = '---------------------------------------------------------------';
    return [
      `Machine parameters for ${this.dtype}`, rule,
      `precision = ${pad(i.precision, 3)}   resolution = ${e(i.resolution)}`,
      `machep = ${pad(i.machep, 6)}   eps =        ${e(i.eps)}`,
      `negep =  ${pad(i.negep, 6)}   epsneg =     ${e(i.epsneg)}`,
      `minexp = ${pad(i.minexp, 6)}   tiny =       ${e(i.tiny)}`,
      `maxexp = ${pad(i.maxexp, 6)}   max =        ${e(i.max)}`,
      `nexp =   ${pad(i.nexp, 6)}   min =        -max`,
      `smallest_normal = ${e(i.tiny)}   smallest_subnormal = ${e(i.smallestSubnormal)}`, rule, '',
    ].join('\n');
  }
  override repr(): string {
    return `finfo(resolution=${this.show(this.info.resolution)}, min=${this.show(-this.info.max)}, max=${this.show(this.info.max)}, dtype=${this.dtype})`;
  }
}

class IInfo extends HostObject {
  static readonly type = hostType('iinfo', 'numpy');
  constructor(readonly dtype: DType) {
    super();
  }
  get pyType() { return IInfo.type; }
  private get bits(): number { return this.dtype === 'int64' || this.dtype === 'uint64' ? 64 : isWrappingInt(this.dtype) ? WRAPPING_INT[this.dtype].bits : 32; }
  private get min(): bigint { return this.dtype === 'uint64' ? 0n : isWrappingInt(this.dtype) ? BigInt(intRange(this.dtype).min) : -(2n ** BigInt(this.bits - 1)); }
  private get max(): bigint { return this.dtype === 'uint64' ? 2n ** 64n - 1n : isWrappingInt(this.dtype) ? BigInt(intRange(this.dtype).max) : 2n ** BigInt(this.bits - 1) - 1n; }
  override getattr(name: string): PyValue | undefined {
    if (name === 'bits') return BigInt(this.bits);
    if (name === 'min') return this.min;
    if (name === 'max') return this.max;
    if (name === 'dtype') return dtypeObject(this.dtype);
    return undefined;
  }
  override str(): string {
    const rule = '---------------------------------------------------------------';
    return [`Machine parameters for ${this.dtype}`, rule, `min = ${this.min}`, `max = ${this.max}`, rule, ''].join('\n');
  }
  override repr(): string { return `iinfo(min=${this.min}, max=${this.max}, dtype=${this.dtype})`; }
}

const KINDS: readonly Kind[] = ['generic', 'number', 'integer', 'signedinteger', 'unsignedinteger', 'inexact', 'floating', 'complexfloating'];

/** The module attributes: finfo, iinfo, issubdtype and the abstract scalar types. */
export function dtypeInfoAttrs(rt: JaxRuntime): Record<string, PyValue> {
  const attrs: Record<string, PyValue> = { ...ABSTRACT_SCALAR_TYPES };
  attrs.finfo = pyFunction('finfo', (args, kwargs, ctx: HostContext) => {
    const d = dtypeLike(rt, bindArgs('finfo', ['dtype'], args, kwargs, ctx).required('dtype'));
    const info = FLOAT_INFO[d];
    if (!info) throw pyError('ValueError', `data type <class 'numpy.${d}'> not inexact`);
    return new FInfo(rt, d, info);
  });
  attrs.iinfo = pyFunction('iinfo', (args, kwargs, ctx: HostContext) => {
    const d = dtypeLike(rt, bindArgs('iinfo', ['int_type'], args, kwargs, ctx).required('int_type'));
    if (!isInteger(d)) throw pyError('ValueError', `Invalid integer data type '${d === 'bool' ? 'b' : d.startsWith('complex') ? 'c' : 'f'}'.`);
    return new IInfo(d);
  });
  attrs.issubdtype = pyFunction('issubdtype', (args, kwargs, ctx: HostContext) => {
    const a = bindArgs('issubdtype', ['arg1', 'arg2'], args, kwargs, ctx);
    const d = dtypeLike(rt, a.required('arg1'));
    const of = a.required('arg2');
    const kind = KINDS.find((k) => ABSTRACT_SCALAR_TYPES[k] === of);
    return kind !== undefined ? within(d, kind) : d === dtypeLike(rt, of);
  });
  return attrs;
}

export const DTYPE_INFO_NAMES = ['finfo', 'iinfo', 'issubdtype', ...KINDS];
