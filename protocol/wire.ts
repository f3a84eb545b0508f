/**
 * How messages cross the two channels that speak JSON: VS Code's webview postMessage (it
 * serializes with JSON.stringify) and JSON-RPC (the LSP connection). JSON has no NaN, Infinity or
 * -0: JSON.stringify writes `null` for the first two and `0` for the last, so a NaN result arrived
 * as `null` and failed the receiver's validator. On the wire every such number is an object
 * `{ "float": "nan" | "inf" | "-inf" | "-0" }`, and the receiver turns it back. NB: no message
 * holds a string under a lone key `float` (records keyed by parameter names hold numbers).
 *
 * `Wire<T>` is opaque, so a side that forgets to encode or decode fails to compile.
 */
declare const wire: unique symbol;
export type Wire<T> = { readonly [wire]: T };

type SpecialFloat = 'nan' | 'inf' | '-inf' | '-0';

const SPECIAL: Readonly<Record<SpecialFloat, number>> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };

function specialOf(n: number): SpecialFloat | undefined {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Object.is(n, -0)) return '-0';
  return undefined;
}

/** A JSON-safe copy of `value`: every number JSON cannot carry as it is becomes `{ float: ... }`. */
export function toWire<T>(value: T): Wire<T> {
  return encode(value) as Wire<T>;
}

/**
 * The value a `toWire` copy stood for, or, for data from the other side (unchecked), the data
 * with its special floats restored: validate it before use (`fromWire(data, isEvaluationOutcome)`).
 */
export function fromWire<T>(data: Wire<T> | unknown, guard: (x: unknown) => x is T): T | undefined {
  const decoded = decode(data);
  return guard(decoded) ? decoded : undefined;
}

/** `data` with the special floats restored, unchecked: for a message logged as it was meant. */
export function decodeWire(data: unknown): unknown {
  return decode(data);
}

function encode(x: unknown): unknown {
  if (typeof x === 'number') {
    const special = specialOf(x);
    return special === undefined ? x : { float: special };
  }
  if (Array.isArray(x)) return x.map(encode);
  if (typeof x === 'object' && x !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (v !== undefined) define(out, k, encode(v));
    return out;
  }
  return x;
}

function decode(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decode);
  if (typeof x === 'object' && x !== null) {
    const keys = Object.keys(x);
    const special = (x as { float?: unknown }).float;
    if (keys.length === 1 && typeof special === 'string' && Object.hasOwn(SPECIAL, special)) return SPECIAL[special as SpecialFloat];
    const out: Record<string, unknown> = {};
    for (const k of keys) define(out, k, decode((x as Record<string, unknown>)[k]));
    return out;
  }
  return x;
}

/** NB: defined, not assigned: a key `__proto__` (a parameter's name) stays a key. */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}
