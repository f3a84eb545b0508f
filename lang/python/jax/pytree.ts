/**
 * Python pytrees (tuples, lists, dicts, None) of arrays and scalars: flattened to leaves for the
 * runtime's transformations, and rebuilt with the same container types and dict keys.
 */
import { pyError, type HostContext, PyDict, PyList, PyTuple, type PyValue, typeName } from '../interpreter';
import { PyArray } from './array';

export type PyTreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none' }
  | { readonly kind: 'tuple' | 'list'; readonly children: readonly PyTreeDef[] }
  | { readonly kind: 'dict'; readonly keys: readonly PyValue[]; readonly children: readonly PyTreeDef[] };

const LEAF: PyTreeDef = { kind: 'leaf' };

export const isPyLeaf = (x: PyValue): boolean =>
  x instanceof PyArray || typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean';

/** The leaves in order (dict entries sorted by key, as JAX does) and the structure. */
export function flattenPy(tree: PyValue, ctx: HostContext): [PyValue[], PyTreeDef] {
  const leaves: PyValue[] = [];
  const walk = (x: PyValue): PyTreeDef => {
    if (x === null) return { kind: 'none' };
    if (isPyLeaf(x)) {
      leaves.push(x);
      return LEAF;
    }
    if (x instanceof PyTuple) return { kind: 'tuple', children: x.items.map(walk) };
    if (x instanceof PyList) return { kind: 'list', children: x.items.map(walk) };
    if (x instanceof PyDict) {
      const entries = [...x.entries()].sort(([a], [b]) => (ctx.repr(a) < ctx.repr(b) ? -1 : 1));
      return { kind: 'dict', keys: entries.map(([k]) => k), children: entries.map(([, v]) => walk(v)) };
    }
    throw pyError('TypeError', `a pytree leaf must be an array or a Python scalar, got ${typeName(x)}`);
  };
  const def = walk(tree);
  return [leaves, def];
}

export function unflattenPy(def: PyTreeDef, leaves: readonly PyValue[]): PyValue {
  let next = 0;
  const build = (d: PyTreeDef): PyValue => {
    switch (d.kind) {
      case 'leaf': return leaves[next++];
      case 'none': return null;
      case 'tuple': return new PyTuple(d.children.map(build));
      case 'list': return new PyList(d.children.map(build));
      case 'dict': {
        const out = new PyDict();
        d.children.forEach((c, i) => {
          const k = d.keys[i];
          out.setByKey(dictKeyOf(k), k, build(c));
        });
        return out;
      }
    }
  };
  return build(def);
}

function dictKeyOf(k: PyValue): string {
  return typeof k === 'string' ? `s${k}` : typeof k === 'bigint' ? `i${k}` : String(k);
}

export function leafCount(def: PyTreeDef): number {
  return def.kind === 'leaf' ? 1 : def.kind === 'none' ? 0 : def.children.reduce((n, c) => n + leafCount(c), 0);
}

/** A string equal for equal structures (a cache key). */
export function treeKey(def: PyTreeDef, ctx: HostContext): string {
  switch (def.kind) {
    case 'leaf': return '*';
    case 'none': return 'N';
    case 'tuple': return `(${def.children.map((c) => treeKey(c, ctx)).join(',')})`;
    case 'list': return `[${def.children.map((c) => treeKey(c, ctx)).join(',')}]`;
    case 'dict': return `{${def.children.map((c, i) => `${ctx.repr(def.keys[i])}:${treeKey(c, ctx)}`).join(',')}}`;
  }
}

/** One value per leaf from a prefix tree of `def` (`in_axes`): a non-container value applies to the whole subtree. */
export function broadcastPrefixPy<V>(prefix: PyValue, def: PyTreeDef, leafValue: (x: PyValue) => V, ctx: HostContext): V[] {
  const isContainer = prefix instanceof PyTuple || prefix instanceof PyList || prefix instanceof PyDict;
  if (!isContainer) return Array.from({ length: leafCount(def) }, () => leafValue(prefix));
  if ((def.kind === 'tuple' || def.kind === 'list') && (prefix instanceof PyTuple || prefix instanceof PyList) && prefix.items.length === def.children.length) {
    return def.children.flatMap((c, i) => broadcastPrefixPy(prefix.items[i], c, leafValue, ctx));
  }
  if (def.kind === 'dict' && prefix instanceof PyDict) {
    return def.children.flatMap((c, i) => {
      const k = def.keys[i];
      const v = [...prefix.entries()].find(([pk]) => ctx.repr(pk) === ctx.repr(k));
      if (!v) throw pyError('ValueError', `in_axes has no entry for key ${ctx.repr(k)}`);
      return broadcastPrefixPy(v[1], c, leafValue, ctx);
    });
  }
  throw pyError('ValueError', `the axis specification ${ctx.repr(prefix)} does not match the argument structure`);
}
