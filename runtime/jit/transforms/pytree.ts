import type { DeviceArray } from '../../backends';
import { Tracer } from '../trace';

/** A leaf of a pytree: an array (traced or concrete) or a JS number. */
export type Leaf = Tracer | DeviceArray | number;
/** Nested lists (tuples) and objects (dicts) of leaves; null is an empty node, as JAX's None. */
export type Pytree<L = Leaf> = L | null | undefined | readonly Pytree<L>[] | { readonly [key: string]: Pytree<L> };

export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'dict'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

const LEAF: TreeDef = { kind: 'leaf' };
const NONE: TreeDef = { kind: 'none' };

export function isLeaf(x: unknown): x is Leaf {
  return typeof x === 'number' || x instanceof Tracer
    || (typeof x === 'object' && x !== null && 'backend' in x && 'shape' in x && 'dtype' in x);
}

/** The leaves of `tree` in order (dict keys sorted, as JAX does) and its structure. */
export function flatten<L = Leaf>(tree: unknown, leaf: (x: unknown) => boolean = isLeaf): [L[], TreeDef] {
  const leaves: L[] = [];
  const walk = (x: unknown): TreeDef => {
    if (x === null || x === undefined) return NONE;
    if (leaf(x)) {
      leaves.push(x as L);
      return LEAF;
    }
    if (Array.isArray(x)) return { kind: 'list', children: x.map(walk) };
    if (typeof x === 'object') {
      const keys = Object.keys(x).sort();
      return { kind: 'dict', keys, children: keys.map((k) => walk((x as Record<string, unknown>)[k])) };
    }
    throw new TypeError(`a pytree leaf must be an array or a number, got ${typeof x}`);
  };
  const def = walk(tree);
  return [leaves, def];
}

export function unflatten<L>(def: TreeDef, leaves: readonly L[]): Pytree<L> {
  let next = 0;
  const build = (d: TreeDef): Pytree<L> => {
    switch (d.kind) {
      case 'leaf': return leaves[next++];
      case 'none': return null;
      case 'list': return d.children.map(build);
      case 'dict': return Object.fromEntries(d.keys.map((k, i) => [k, build(d.children[i])]));
    }
  };
  const out = build(def);
  if (next !== leaves.length) throw new Error(`unflatten: the tree holds ${next} leaves, ${leaves.length} given`);
  return out;
}

export function leafCount(def: TreeDef): number {
  return def.kind === 'leaf' ? 1 : def.kind === 'none' ? 0 : def.children.reduce((n, c) => n + leafCount(c), 0);
}

/** A string that two trees share exactly when their structures are equal (a cache key). */
export function treeKey(def: TreeDef): string {
  switch (def.kind) {
    case 'leaf': return '*';
    case 'none': return 'N';
    case 'list': return `(${def.children.map(treeKey).join(',')})`;
    case 'dict': return `{${def.keys.map((k, i) => `${JSON.stringify(k)}:${treeKey(def.children[i])}`).join(',')}}`;
  }
}

/**
 * One value per leaf of `def` from a tree prefix of it, as JAX's `in_axes`: a value where the
 * prefix stops (`isValue`) applies to every leaf below.
 */
export function broadcastPrefix<V>(prefix: unknown, def: TreeDef, isValue: (x: unknown) => x is V): V[] {
  if (isValue(prefix)) return Array.from({ length: leafCount(def) }, () => prefix);
  if (def.kind === 'list' && Array.isArray(prefix) && prefix.length === def.children.length) {
    return def.children.flatMap((c, i) => broadcastPrefix(prefix[i], c, isValue));
  }
  if (def.kind === 'dict' && typeof prefix === 'object' && prefix !== null && !Array.isArray(prefix)) {
    const p = prefix as Record<string, unknown>;
    return def.children.flatMap((c, i) => broadcastPrefix(p[def.keys[i]], c, isValue));
  }
  throw new TypeError(`axis specification ${JSON.stringify(prefix)} is not a prefix of the argument tree ${treeKey(def)}`);
}
