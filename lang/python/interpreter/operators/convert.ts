/**
 * Helpers for host shims: binding Python call arguments to parameters, and
 * converting Python values to and from plain JS data (numbers, nested arrays).
 */
import { pyError, type HostContext, HostObject, PyList, PyRange, PyTuple, type Kwargs, type PyValue, typeName } from '../values';
import { complexRefusal, PyComplex } from './complex';
import { toFloat, toIndex } from './conversions';
import { truthy } from './repr';

/**
 * Call arguments bound to named parameters, as Python binds them.
 * Build with `bindArgs`; read with `get` or the typed getters.
 */
export class Args {
  constructor(
    readonly fname: string,
    private readonly values: Map<string, PyValue>,
    /** Extra positional arguments, when the spec has `*name`. */
    readonly rest: PyValue[],
    /** Extra keyword arguments, when the spec has `**name`. */
    readonly extraKwargs: Kwargs,
    private readonly ctx: HostContext,
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The argument, or `undefined` when the caller left an optional parameter out. */
  get(name: string): PyValue | undefined {
    return this.values.get(name);
  }

  /** The argument, with None read as absent. */
  opt(name: string): PyValue | undefined {
    const v = this.values.get(name);
    return v === null ? undefined : v;
  }

  required(name: string): PyValue {
    const v = this.values.get(name);
    if (v === undefined) throw pyError('TypeError', `${this.fname}() missing required argument: '${name}'`);
    return v;
  }

  float(name: string, dflt?: number): number {
    const v = this.opt(name);
    if (v === undefined) {
      if (dflt === undefined) return toFloat(this.required(name), this.ctx);
      return dflt;
    }
    return toFloat(v, this.ctx);
  }

  int(name: string, dflt?: number): number {
    const v = this.opt(name);
    if (v === undefined) {
      if (dflt === undefined) return Number(toIndex(this.required(name), this.ctx));
      return dflt;
    }
    return Number(toIndex(v, this.ctx));
  }

  bool(name: string, dflt: boolean): boolean {
    const v = this.opt(name);
    return v === undefined ? dflt : truthy(v, this.ctx);
  }

  str(name: string, dflt?: string): string {
    const v = this.opt(name);
    if (v === undefined && dflt !== undefined) return dflt;
    const s = v ?? this.required(name);
    if (typeof s !== 'string') throw pyError('TypeError', `${this.fname}(): argument '${name}' must be str, not ${typeName(s)}`);
    return s;
  }

  /** An int or a sequence of ints (a shape, `dim=(0, 1)`), or `undefined` when absent or None. */
  ints(name: string): number[] | undefined {
    const v = this.opt(name);
    if (v === undefined) return undefined;
    return toIntList(v, this.ctx);
  }
}

/**
 * Binds positional and keyword arguments to a parameter spec:
 * `'x'` required, `'x?'` optional, `'*'` keyword-only from here, `'*args'`
 * collects extra positionals, `'**kwargs'` extra keywords.
 *
 *   const a = bindArgs('linspace', ['start', 'end', 'steps', '*', 'requires_grad?'], args, kwargs, ctx);
 */
export function bindArgs(fname: string, spec: readonly string[], args: readonly PyValue[], kwargs: Kwargs, ctx: HostContext): Args {
  const positional: { name: string; optional: boolean }[] = [];
  const keywordOnly: { name: string; optional: boolean }[] = [];
  let varargs = false;
  let varkw = false;
  let kwOnly = false;
  for (const p of spec) {
    if (p === '*') kwOnly = true;
    else if (p.startsWith('**')) varkw = true;
    else if (p.startsWith('*')) {
      varargs = true;
      kwOnly = true;
    } else {
      const optional = p.endsWith('?');
      const entry = { name: optional ? p.slice(0, -1) : p, optional };
      (kwOnly ? keywordOnly : positional).push(entry);
    }
  }
  const values = new Map<string, PyValue>();
  const rest: PyValue[] = [];
  args.forEach((a, i) => {
    if (i < positional.length) values.set(positional[i].name, a);
    else if (varargs) rest.push(a);
  });
  if (args.length > positional.length && !varargs) {
    const req = positional.filter((p) => !p.optional).length;
    const takes = req === positional.length ? `${req}` : `from ${req} to ${positional.length}`;
    const plural = positional.length === 1 && req === positional.length ? 'argument' : 'arguments';
    throw pyError('TypeError', `${fname}() takes ${takes} positional ${plural} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`);
  }
  const extraKwargs: Kwargs = new Map();
  const known = new Set([...positional, ...keywordOnly].map((p) => p.name));
  for (const [k, v] of kwargs) {
    if (!known.has(k)) {
      if (varkw) {
        extraKwargs.set(k, v);
        continue;
      }
      throw pyError('TypeError', `${fname}() got an unexpected keyword argument '${k}'`);
    }
    if (values.has(k)) throw pyError('TypeError', `${fname}() got multiple values for argument '${k}'`);
    values.set(k, v);
  }
  const missing = [...positional, ...keywordOnly].filter((p) => !p.optional && !values.has(p.name)).map((p) => `'${p.name}'`);
  if (missing.length) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw pyError('TypeError', `${fname}() missing ${missing.length} required argument${missing.length > 1 ? 's' : ''}: ${list}`);
  }
  return new Args(fname, values, rest, extraKwargs, ctx);
}

/** An int or a list/tuple of ints. */
export function toIntList(v: PyValue, ctx: HostContext): number[] {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map((x) => Number(toIndex(x, ctx)));
  return [Number(toIndex(v, ctx))];
}

/** Plain JS data for a Python value: numbers (ints as JS numbers), booleans, null, strings, arrays. */
export type JsData = number | boolean | null | string | JsData[];

export function toJs(v: PyValue, ctx: HostContext): JsData {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
    case 'boolean':
    case 'string':
      return v;
  }
  if (v === null) return null;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map((x) => toJs(x, ctx));
  if (v instanceof PyComplex) complexRefusal(ctx);
  if (v instanceof HostObject) return v.float(ctx);
  throw pyError('TypeError', `cannot convert '${typeName(v)}' to data`);
}

/** The Python value of plain JS data: numbers become floats, bigints ints, arrays lists. */
export function fromJs(v: JsData | bigint): PyValue {
  if (Array.isArray(v)) return new PyList(v.map(fromJs));
  return v;
}

/** Nested lists or tuples of numbers, flattened row-major, with their shape and element kind. */
export interface NestedNumbers {
  shape: number[];
  data: number[];
  /** The widest element kind seen: a tensor of bools, ints, or floats. */
  kind: 'bool' | 'int' | 'float';
}

/**
 * Flattens `[[1, 2], [3, 4]]` (lists, tuples, numbers, bools, 0-d host values)
 * into data and shape, raising PyTorch's error for ragged input.
 */
export function flattenNested(v: PyValue, ctx: HostContext): NestedNumbers {
  const data: number[] = [];
  let shape: number[] | null = null;
  let kind: NestedNumbers['kind'] = 'bool';
  const widen = (k: NestedNumbers['kind']) => {
    if (k === 'float' || (k === 'int' && kind === 'bool')) kind = k;
  };
  const walk = (x: PyValue, dims: number[]): void => {
    const items = x instanceof PyList || x instanceof PyTuple ? x.items : x instanceof PyRange ? rangeItems(x, ctx) : null;
    if (items) {
      const depth = dims.length;
      if (shape && depth < shape.length && shape[depth] !== items.length) {
        throw pyError('ValueError', `expected sequence of length ${shape[depth]} at dim ${depth} (got ${items.length})`);
      }
      if (shape && depth >= shape.length) throw pyError('ValueError', `too many dimensions in nested sequence at dim ${depth}`);
      if (!shape && items.length === 0) {
        shape = [...dims, 0];
        return;
      }
      for (const item of items) walk(item, [...dims, items.length]);
      return;
    }
    if (shape === null) shape = dims;
    else if (dims.length !== shape.length) throw pyError('ValueError', `expected sequence at dim ${dims.length}`);
    if (typeof x === 'boolean') data.push(x ? 1 : 0);
    else if (typeof x === 'bigint') {
      widen('int');
      data.push(Number(x));
    } else if (typeof x === 'number') {
      widen('float');
      data.push(x);
    } else if (x instanceof PyComplex) complexRefusal(ctx);
    else if (x instanceof HostObject) {
      widen('float');
      data.push(x.float(ctx));
    } else throw pyError('TypeError', `must be real number, not ${typeName(x)}`);
  };
  walk(v, []);
  return { shape: shape ?? [], data, kind };
}

/** A range's ints, as NumPy and PyTorch read `range(n)` as a sequence; each counted as a step, as iterating it would be. */
function rangeItems(r: PyRange, ctx: HostContext): bigint[] {
  const n = Number(r.length);
  ctx.tick(n);
  return Array.from({ length: n }, (_, i) => r.at(BigInt(i)));
}

/** Nested Python lists from flat data and a shape (`tensor.tolist()`); ints stay ints when `kind` says so. */
export function nestedFromFlat(data: ArrayLike<number>, shape: readonly number[], kind: NestedNumbers['kind'] | 'complex'): PyValue {
  // NB: a complex array's data holds each element's real and imaginary parts one after the other.
  const scalar = (k: number): PyValue => {
    if (kind === 'complex') return new PyComplex(data[2 * k], data[2 * k + 1]);
    const x = data[k];
    return kind === 'bool' ? x !== 0 : kind === 'int' ? BigInt(Math.trunc(x)) : x;
  };
  if (shape.length === 0) return scalar(0);
  let offset = 0;
  const build = (d: number): PyValue => {
    const items: PyValue[] = [];
    for (let i = 0; i < shape[d]; i++) items.push(d === shape.length - 1 ? scalar(offset++) : build(d + 1));
    return new PyList(items);
  };
  return build(0);
}
