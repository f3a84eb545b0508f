/**
 * Python pytrees as JAX defines them: tuples, lists, dicts (entries in sorted key order), None,
 * namedtuples, and the classes a script registers (`register_pytree_node`,
 * `register_pytree_node_class`, `register_dataclass`) are nodes; anything else is a leaf.
 * Flattened to leaves for the runtime's transformations and for `jax.tree`, and rebuilt with the
 * same container types, keys and node data. Error texts are jaxlib's (pytree.cc) and
 * tree_util.py's.
 */
import { compare, eq, getattrOrUndefined, HostObject, pyError, type HostContext, PyDict, PyList, PyTuple, type PyType, type PyValue, truthy, typeName, typeOf, iterate } from '../interpreter';
import { PyArray } from './array';

/** A class registered as a pytree node by the script. */
export interface NodeRegistration {
  readonly type: PyType;
  /**
   * `register_pytree_node`'s functions: flatten returns (children, aux), unflatten takes (aux,
   * children); `register_pytree_with_keys` adds its flatten_with_keys, whose keys name each child
   * in key paths (and whose children are flatten's when no flatten function is given).
   */
  readonly custom?: { readonly flatten: PyValue | null; readonly unflatten: PyValue; readonly flattenWithKeys?: (x: PyValue, ctx: HostContext) => KeyedChildren };
  /** `register_dataclass`'s fields: children are the data fields, node data the meta fields' values. */
  readonly dataclass?: { readonly dataFields: readonly string[]; readonly metaFields: readonly string[] };
  /** collections.OrderedDict (keys in insertion order) and defaultdict (sorted keys), as jax registers them. */
  readonly dictLike?: { readonly ordered: boolean };
}

const DICT_LIKE = new WeakMap<PyType, NodeRegistration>();

/** The registration of `x`'s class: the script's, or jax's own for OrderedDict and defaultdict. */
function registrationOf(x: PyValue, ctx: HostContext): NodeRegistration | undefined {
  const t = typeOf(x);
  const reg = nodeRegistry(ctx).get(t);
  if (reg || !(x instanceof PyDict) || t.module !== 'collections' || (t.name !== 'OrderedDict' && t.name !== 'defaultdict')) return reg;
  if (!DICT_LIKE.has(t)) DICT_LIKE.set(t, { type: t, dictLike: { ordered: t.name === 'OrderedDict' } });
  return DICT_LIKE.get(t);
}

/** What a `flatten_with_keys` function gives: each child with its key entry, and the node data. */
export interface KeyedChildren {
  readonly children: readonly PyValue[];
  readonly keys: readonly KeyEntry[];
  readonly aux: PyValue;
}

export type PyTreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none' }
  | { readonly kind: 'tuple' | 'list'; readonly children: readonly PyTreeDef[] }
  | { readonly kind: 'dict'; readonly keys: readonly PyValue[]; readonly children: readonly PyTreeDef[] }
  | { readonly kind: 'namedtuple'; readonly type: PyType; readonly fields: readonly string[]; readonly children: readonly PyTreeDef[] }
  | { readonly kind: 'custom'; readonly node: NodeRegistration; readonly aux: PyValue; readonly children: readonly PyTreeDef[] }
  | { readonly kind: 'host'; readonly node: HostTreeNode; readonly children: readonly PyTreeDef[] };

/**
 * A value implemented in TypeScript that is a pytree node, as the classes a library registers
 * (optax's states, example_libraries' OptimizerState): its children, their keys, and how a node
 * of the same kind is rebuilt from new children.
 */
export abstract class HostTreeNode extends HostObject {
  abstract treeChildren(): readonly PyValue[];
  override held(): readonly PyValue[] { return this.treeChildren(); }
  abstract treeKeys(): readonly KeyEntry[];
  abstract treeRebuild(children: readonly PyValue[]): PyValue;
  /** Equal for nodes of one structure; what PyTreeDef prints (`namedtuple[ScaleByAdamState]`). */
  abstract treeNodeName(): string;
}

/** One step of a key path: `[0]`, `['w']`, `.field`, `[<flat index 0>]`. */
export type KeyEntry =
  | { readonly kind: 'sequence'; readonly idx: number }
  | { readonly kind: 'dict'; readonly key: PyValue }
  | { readonly kind: 'attr'; readonly name: string }
  | { readonly kind: 'flat'; readonly idx: number };

const LEAF: PyTreeDef = { kind: 'leaf' };
const REGISTRY = {};

/** The run's registered pytree node classes. */
export function nodeRegistry(ctx: HostContext): Map<PyType, NodeRegistration> {
  return ctx.state(REGISTRY, () => new Map<PyType, NodeRegistration>());
}

export function registerNode(reg: NodeRegistration, ctx: HostContext): void {
  const registry = nodeRegistry(ctx);
  if (registry.has(reg.type)) throw pyError('ValueError', `Duplicate custom PyTreeDef type registration for ${ctx.repr(reg.type)}.`);
  registry.set(reg.type, reg);
}

export const isPyLeaf = (x: PyValue): boolean =>
  x instanceof PyArray || typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean';

const tupleType = typeOf(new PyTuple([]));

/** A namedtuple's field names, or null when `x` is not one (a tuple subclass with `_fields`, as jaxlib tests). */
function namedtupleFields(x: PyValue, ctx: HostContext): string[] | null {
  if (!(x instanceof PyTuple) || !x.subclass) return null;
  const t = typeOf(x);
  if (t === tupleType || !t.isSubtypeOf(tupleType)) return null;
  const fields = getattrOrUndefined(x, '_fields', ctx);
  if (!(fields instanceof PyTuple)) return null;
  return fields.items.map((f) => String(f));
}

/** Python's `sorted(d.keys())`; keys of types that do not order fall back to their type name, then repr, as jaxlib does. */
function sortedKeys(d: PyDict, ctx: HostContext): PyValue[] {
  const keys = [...d.entries()].map(([k]) => k);
  try {
    return keys.sort((a, b) => (truthy(compare('<', a, b, ctx), ctx) ? -1 : truthy(compare('<', b, a, ctx), ctx) ? 1 : 0));
  } catch {
    return keys.sort((a, b) => {
      const ta = typeName(a), tb = typeName(b);
      if (ta !== tb) return ta < tb ? -1 : 1;
      return ctx.repr(a) < ctx.repr(b) ? -1 : 1;
    });
  }
}

/** The node's children with their keys, and what rebuilds it; null for a leaf. */
export interface Node {
  readonly def: (children: readonly PyTreeDef[]) => PyTreeDef;
  readonly children: readonly PyValue[];
  readonly keys: readonly KeyEntry[];
}

export function nodeOf(x: PyValue, ctx: HostContext): Node | null {
  if (x === null) return { def: () => ({ kind: 'none' }), children: [], keys: [] };
  // NB: as jaxlib, only the exact builtin containers are nodes; a subclass is a namedtuple or a
  // registered class, else a leaf.
  if ((x instanceof PyTuple || x instanceof PyList || x instanceof PyDict) && x.subclass) return subclassNode(x, ctx);
  if (x instanceof PyTuple) return { def: (children) => ({ kind: 'tuple', children }), children: x.items, keys: x.items.map((_, idx) => ({ kind: 'sequence', idx })) };
  if (x instanceof PyList) return { def: (children) => ({ kind: 'list', children }), children: [...x.items], keys: x.items.map((_, idx) => ({ kind: 'sequence', idx })) };
  if (x instanceof PyDict) {
    const keys = sortedKeys(x, ctx);
    return { def: (children) => ({ kind: 'dict', keys, children }), children: keys.map((k) => ctx.getitem(x, k)), keys: keys.map((key) => ({ kind: 'dict', key })) };
  }
  if (typeof x !== 'object' || x instanceof PyArray) return null;
  if (x instanceof HostTreeNode) return { def: (children) => ({ kind: 'host', node: x, children }), children: x.treeChildren(), keys: x.treeKeys() };
  return registeredNode(x, ctx);
}

/** The node of an instance of a class the script registered, or null. */
function registeredNode(x: PyValue, ctx: HostContext): Node | null {
  const reg = registrationOf(x, ctx);
  if (reg?.dictLike && x instanceof PyDict) {
    const keys = reg.dictLike.ordered ? [...x.entries()].map(([k]) => k) : sortedKeys(x, ctx);
    const aux = reg.dictLike.ordered ? new PyList(keys) : new PyTuple([ctx.getattr(x, 'default_factory'), new PyList(keys)]);
    return { def: (cs) => ({ kind: 'custom', node: reg, aux, children: cs }), children: keys.map((k) => ctx.getitem(x, k)), keys: keys.map((key) => ({ kind: 'dict', key })) };
  }
  if (reg?.custom) {
    const { flatten, flattenWithKeys } = reg.custom;
    const def = (aux: PyValue) => (cs: readonly PyTreeDef[]): PyTreeDef => ({ kind: 'custom', node: reg, aux, children: cs });
    if (flatten === null) {
      const keyed = flattenWithKeys!(x, ctx);
      return { def: def(keyed.aux), children: keyed.children, keys: keyed.keys };
    }
    const out = ctx.call(flatten, [x]);
    if (!(out instanceof PyTuple) || out.items.length !== 2) {
      throw pyError('ValueError', `The flatten function of the pytree node ${ctx.repr(reg.type)} must return a pair (children, aux_data), got ${ctx.repr(out)}.`);
    }
    const children = [...iterate(out.items[0], ctx)];
    // NB: as jaxlib, the keys come from flatten_with_keys only where a key path is asked for.
    let keys: readonly KeyEntry[] | null = null;
    return {
      def: def(out.items[1]),
      children,
      get keys() {
        keys ??= flattenWithKeys ? flattenWithKeys(x, ctx).keys : children.map((_, idx) => ({ kind: 'flat', idx }));
        return keys;
      },
    };
  }
  if (reg?.dataclass) {
    const { dataFields, metaFields } = reg.dataclass;
    const aux = new PyTuple(metaFields.map((f) => ctx.getattr(x, f)));
    return { def: (cs) => ({ kind: 'custom', node: reg, aux, children: cs }), children: dataFields.map((f) => ctx.getattr(x, f)), keys: dataFields.map((name) => ({ kind: 'attr', name })) };
  }
  return null;
}

function subclassNode(x: PyTuple | PyList | PyDict, ctx: HostContext): Node | null {
  const fields = namedtupleFields(x, ctx);
  if (fields && x instanceof PyTuple) {
    const type = typeOf(x);
    return { def: (children) => ({ kind: 'namedtuple', type, fields, children }), children: x.items, keys: fields.map((name) => ({ kind: 'attr', name })) };
  }
  return registeredNode(x, ctx);
}

/** Whether `x` is a leaf of a pytree under `isLeaf` (jax's `is_leaf=`), asked first as jaxlib does. */
export function asLeaf(x: PyValue, ctx: HostContext, isLeaf: PyValue | null): boolean {
  return isLeaf !== null && truthy(ctx.call(isLeaf, [x]), ctx);
}

/** The leaves in order with their key paths, and the structure. */
export function flattenWithPathPy(tree: PyValue, ctx: HostContext, isLeaf: PyValue | null = null): [KeyEntry[][], PyValue[], PyTreeDef] {
  return walkTree(tree, ctx, isLeaf, true);
}

/** The leaves in order (dict entries sorted by key, as JAX does) and the structure. */
export function flattenPy(tree: PyValue, ctx: HostContext, isLeaf: PyValue | null = null): [PyValue[], PyTreeDef] {
  const [, leaves, def] = walkTree(tree, ctx, isLeaf, false);
  return [leaves, def];
}

/** The leaves and structure, and the leaves' key paths where `withPaths` asks for them (each path empty otherwise). */
export function walkTree(tree: PyValue, ctx: HostContext, isLeaf: PyValue | null, withPaths: boolean): [KeyEntry[][], PyValue[], PyTreeDef] {
  const leaves: PyValue[] = [];
  const paths: KeyEntry[][] = [];
  const walk = (x: PyValue, path: KeyEntry[]): PyTreeDef => {
    const node = asLeaf(x, ctx, isLeaf) ? null : nodeOf(x, ctx);
    if (!node) {
      leaves.push(x);
      paths.push(path);
      return LEAF;
    }
    return node.def(node.children.map((c, i) => walk(c, withPaths ? [...path, node.keys[i]] : path)));
  };
  const def = walk(tree, []);
  return [paths, leaves, def];
}

export function unflattenPy(def: PyTreeDef, leaves: readonly PyValue[], ctx?: HostContext): PyValue {
  const n = leafCount(def);
  if (leaves.length !== n) throw pyError('ValueError', leaves.length < n ? 'Too few leaves for PyTreeDef' : 'Too many leaves for PyTreeDef');
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
      case 'namedtuple': return needCtx(ctx).call(d.type, d.children.map(build));
      case 'host': return d.node.treeRebuild(d.children.map(build));
      case 'custom': {
        const c = needCtx(ctx);
        const children = d.children.map(build);
        if (d.node.custom) return c.call(d.node.custom.unflatten, [d.aux, new PyTuple(children)]);
        if (d.node.dictLike) {
          const keys = d.node.dictLike.ordered ? (d.aux as PyList).items : ((d.aux as PyTuple).items[1] as PyList).items;
          const pairs = new PyList(keys.map((k, i) => new PyTuple([k, children[i]])));
          return d.node.dictLike.ordered ? c.call(d.node.type, [pairs]) : c.call(d.node.type, [(d.aux as PyTuple).items[0], pairs]);
        }
        const { dataFields, metaFields } = d.node.dataclass!;
        const kwargs = new Map<string, PyValue>();
        dataFields.forEach((f, i) => kwargs.set(f, children[i]));
        metaFields.forEach((f, i) => kwargs.set(f, (d.aux as PyTuple).items[i]));
        return c.call(d.node.type, [], kwargs);
      }
    }
  };
  return build(def);
}

function needCtx(ctx: HostContext | undefined): HostContext {
  if (!ctx) throw new Error('rebuilding a namedtuple or registered pytree node needs the running script');
  return ctx;
}

function dictKeyOf(k: PyValue): string {
  return typeof k === 'string' ? `s${k}` : typeof k === 'bigint' ? `i${k}` : typeof k === 'number' && Number.isInteger(k) ? `i${BigInt(k)}` : typeof k === 'boolean' ? `i${k ? 1 : 0}` : `f${String(k)}`;
}

export function leafCount(def: PyTreeDef): number {
  return def.kind === 'leaf' ? 1 : def.kind === 'none' ? 0 : def.children.reduce((n, c) => n + leafCount(c), 0);
}

export function nodeCount(def: PyTreeDef): number {
  return def.kind === 'leaf' || def.kind === 'none' ? 1 : 1 + def.children.reduce((n, c) => n + nodeCount(c), 0);
}

const typeIds = new WeakMap<object, number>();
let nextTypeId = 1;
const typeId = (t: object): number => {
  if (!typeIds.has(t)) typeIds.set(t, nextTypeId++);
  return typeIds.get(t)!;
};

/** A string equal for equal structures (a cache key). */
export function treeKey(def: PyTreeDef, ctx: HostContext): string {
  const kids = (d: { children: readonly PyTreeDef[] }) => d.children.map((c) => treeKey(c, ctx)).join(',');
  switch (def.kind) {
    case 'leaf': return '*';
    case 'none': return 'N';
    case 'tuple': return `(${kids(def)})`;
    case 'list': return `[${kids(def)}]`;
    case 'dict': return `{${def.children.map((c, i) => `${ctx.repr(def.keys[i])}:${treeKey(c, ctx)}`).join(',')}}`;
    case 'namedtuple': return `nt${typeId(def.type)}(${kids(def)})`;
    case 'custom': return `c${typeId(def.node)}[${ctx.repr(def.aux)}](${kids(def)})`;
    case 'host': return `h${def.node.treeNodeName()}(${kids(def)})`;
  }
}

/** Structural equality as `treedef == other` (node data compared with Python's ==). */
export function sameTree(a: PyTreeDef, b: PyTreeDef, ctx: HostContext): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf' || a.kind === 'none') return true;
  const bc = (b as { children: readonly PyTreeDef[] }).children;
  if (a.children.length !== bc.length) return false;
  if (a.kind === 'dict' && !a.keys.every((k, i) => eq(k, (b as typeof a).keys[i], ctx))) return false;
  if (a.kind === 'namedtuple' && a.type !== (b as typeof a).type) return false;
  if (a.kind === 'custom' && (a.node !== (b as typeof a).node || !eq(a.aux, (b as typeof a).aux, ctx))) return false;
  if (a.kind === 'host' && a.node.treeNodeName() !== (b as typeof a).node.treeNodeName()) return false;
  return a.children.every((c, i) => sameTree(c, bc[i], ctx));
}

/** jaxlib's `PyTreeDef(...)` text: `PyTreeDef({'a': *, 'b': (*, None)})`. */
export function treeDefRepr(def: PyTreeDef, ctx: HostContext): string {
  const inner = (d: PyTreeDef): string => {
    switch (d.kind) {
      case 'leaf': return '*';
      case 'none': return 'None';
      case 'tuple': return `(${d.children.map(inner).join(', ')}${d.children.length === 1 ? ',' : ''})`;
      case 'list': return `[${d.children.map(inner).join(', ')}]`;
      case 'dict': return `{${d.children.map((c, i) => `${ctx.repr(d.keys[i])}: ${inner(c)}`).join(', ')}}`;
      case 'namedtuple': return `CustomNode(namedtuple[${d.type.name}], [${d.children.map(inner).join(', ')}])`;
      case 'custom': return `CustomNode(${d.node.type.name}[${ctx.str(d.aux)}], [${d.children.map(inner).join(', ')}])`;
      case 'host': return `CustomNode(${d.node.treeNodeName()}, [${d.children.map(inner).join(', ')}])`;
    }
  };
  return `PyTreeDef(${inner(def)})`;
}

/** A key entry as `keystr` prints it. */
export function keyEntryStr(k: KeyEntry, ctx: HostContext, simple = false): string {
  switch (k.kind) {
    case 'sequence': return simple ? String(k.idx) : `[${k.idx}]`;
    case 'dict': return simple ? ctx.str(k.key) : `[${ctx.repr(k.key)}]`;
    case 'attr': return simple ? k.name : `.${k.name}`;
    case 'flat': return simple ? String(k.idx) : `[<flat index ${k.idx}>]`;
  }
}

/**
 * `treedef.flatten_up_to(x)`: the subtrees of `x` at the leaves of `def`, with jaxlib's error
 * when `x` does not have `def`'s structure down to them.
 */
export function flattenUpTo(def: PyTreeDef, x: PyValue, ctx: HostContext): PyValue[] {
  const out: PyValue[] = [];
  const mismatch = () => pyError('ValueError', `Tree structures did not match: ${ctx.repr(x)} vs ${treeDefRepr(def, ctx)}`);
  const walk = (d: PyTreeDef, v: PyValue): void => {
    switch (d.kind) {
      case 'leaf':
        out.push(v);
        return;
      case 'none':
        if (v !== null) {
          throw pyError('ValueError', `Expected None, got ${ctx.repr(v)}.\n\nIn previous releases of JAX, flatten-up-to used to consider None to be a tree-prefix of non-None values. To obtain the previous behavior, you can usually write:\n  jax.tree.map(lambda x, y: None if x is None else f(x, y), a, b, is_leaf=lambda x: x is None)`);
        }
        return;
      case 'tuple':
      case 'list': {
        const T = d.kind === 'tuple' ? PyTuple : PyList;
        if (!(v instanceof T) || v.subclass) throw pyError('ValueError', `Expected ${d.kind}, got ${ctx.repr(v)}.`);
        if (v.items.length !== d.children.length) {
          throw pyError('ValueError', `${d.kind === 'tuple' ? 'Tuple' : 'List'} arity mismatch: ${v.items.length} != ${d.children.length}; ${d.kind}: ${ctx.repr(v)}.`);
        }
        d.children.forEach((c, i) => walk(c, v.items[i]));
        return;
      }
      case 'dict': {
        if (!(v instanceof PyDict) || v.subclass) throw pyError('ValueError', `Expected dict, got ${ctx.repr(v)}.`);
        const keys = sortedKeys(v, ctx);
        if (keys.length !== d.keys.length || !keys.every((k, i) => eq(k, d.keys[i], ctx))) {
          throw pyError('ValueError', `Dict key mismatch; expected keys: ${ctx.repr(new PyList([...d.keys]))}; present keys: ${ctx.repr(new PyList(keys))}.`);
        }
        d.children.forEach((c, i) => walk(c, ctx.getitem(v, keys[i])));
        return;
      }
      case 'namedtuple': {
        const fields = namedtupleFields(v, ctx);
        if (!fields) throw pyError('ValueError', `Expected named tuple, got ${ctx.repr(v)}.`);
        const items = [...iterate(v, ctx)];
        if (items.length !== d.children.length) throw pyError('ValueError', `Named tuple arity mismatch: ${items.length} != ${d.children.length}; tuple: ${ctx.repr(v)}.`);
        if (typeOf(v) !== d.type) throw pyError('ValueError', `Named tuple type mismatch: expected type: ${ctx.repr(d.type)}, tuple: ${ctx.repr(v)}.`);
        d.children.forEach((c, i) => walk(c, items[i]));
        return;
      }
      case 'host': {
        if (!(v instanceof HostTreeNode) || v.treeNodeName() !== d.node.treeNodeName()) {
          throw pyError('ValueError', `Custom node type mismatch: expected type: ${d.node.treeNodeName()}, value: ${ctx.repr(v)}.`);
        }
        const cs = v.treeChildren();
        if (cs.length !== d.children.length) throw pyError('ValueError', `Custom type arity mismatch: ${cs.length} != ${d.children.length}; value: ${ctx.repr(v)}.`);
        d.children.forEach((c, i) => walk(c, cs[i]));
        return;
      }
      case 'custom': {
        const dc = d.node.dataclass ? 'dataclass ' : '';
        if (v === null || typeof v !== 'object' || registrationOf(v, ctx) !== d.node) {
          throw pyError('ValueError', `Custom ${dc}node type mismatch: expected type: ${ctx.repr(d.node.type)}, value: ${ctx.repr(v)}.`);
        }
        const node = nodeOf(v, ctx)!;
        const got = node.def([]) as { aux: PyValue };
        if (!eq(got.aux, d.aux, ctx)) throw pyError('ValueError', `Mismatch custom ${dc}node data: ${ctx.repr(d.aux)} != ${ctx.repr(got.aux)}; value: ${ctx.repr(v)}.`);
        if (node.children.length !== d.children.length) throw pyError('ValueError', `Custom type arity mismatch: ${node.children.length} != ${d.children.length}; value: ${ctx.repr(v)}.`);
        d.children.forEach((c, i) => walk(c, node.children[i]));
        return;
      }
    }
  };
  try {
    walk(def, x);
  } catch (e) {
    if (e instanceof RangeError) throw mismatch();
    throw e;
  }
  return out;
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
