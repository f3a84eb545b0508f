import { allocate, sizeOf, type AbstractValue, type AnyTypedArray } from '../../core';
import { ReferenceArray } from './array';
import { broadcastIndex } from './indexing';

export type Arithmetic = 'add' | 'sub' | 'mul' | 'div';

/**
 * add, sub, mul and div with the operation written in the loop. Through `binary`'s f, a call per
 * element that V8 cannot inline (every kernel passes its own f) boxes each double it returns:
 * collecting those boxes was a quarter of W6's time (NumPy's polynomial fit, 2,000 steps on 2,000
 * float64 points). A size-1 operand (a Python scalar) is read in place: stride 0, no broadcast index.
 */
export function arithmetic(op: Arithmetic, a: ReferenceArray, b: ReferenceArray, out: AbstractValue): ReferenceArray {
  const n = sizeOf(out.shape);
  const d = allocate(out.dtype, n);
  const da = a.data;
  const db = b.data;
  const sa = da.length === 1 ? 0 : 1;
  const sb = db.length === 1 ? 0 : 1;
  const ia = sa ? broadcastIndex(a.shape, out.shape) : null;
  const ib = sb ? broadcastIndex(b.shape, out.shape) : null;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) d[i] = da[ia ? ia[i] : i * sa] + db[ib ? ib[i] : i * sb]; break;
    case 'sub': for (let i = 0; i < n; i++) d[i] = da[ia ? ia[i] : i * sa] - db[ib ? ib[i] : i * sb]; break;
    case 'mul': for (let i = 0; i < n; i++) d[i] = da[ia ? ia[i] : i * sa] * db[ib ? ib[i] : i * sb]; break;
    case 'div': for (let i = 0; i < n; i++) d[i] = da[ia ? ia[i] : i * sa] / db[ib ? ib[i] : i * sb]; break;
  }
  return new ReferenceArray(out.shape, out.dtype, d);
}

/**
 * x**y for an integer y into `out`, by repeated squaring in doubles (a negative y takes the
 * reciprocal last, so 2**-2 is exactly 0.25), in the loop for the reason above; the host backend's
 * integer_pow runs it too. The common powers are unrolled to the same products: x*x and x*(x*x).
 */
export function integerPowerInto(src: AnyTypedArray, y: number, out: AnyTypedArray): void {
  if (y === 2) { for (let i = 0; i < out.length; i++) out[i] = src[i] * src[i]; return; }
  if (y === 3) { for (let i = 0; i < out.length; i++) { const v = src[i]; out[i] = v * (v * v); } return; }
  const magnitude = Math.abs(y);
  for (let i = 0; i < out.length; i++) {
    let base = src[i];
    let e = magnitude;
    let acc = 1;
    while (e > 0) {
      if (e & 1) acc *= base;
      base *= base;
      e = Math.floor(e / 2);
    }
    out[i] = y < 0 ? 1 / acc : acc;
  }
}

export function integerPower(x: ReferenceArray, y: number, out: AbstractValue): ReferenceArray {
  const d = allocate(out.dtype, x.data.length);
  integerPowerInto(x.data, y, d);
  return new ReferenceArray(out.shape, out.dtype, d);
}
