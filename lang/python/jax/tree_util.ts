/**
 * `jax.tree_util` and `jax.tree`: pytree flattening, mapping and registration for scripts, as
 * jax/_src/tree_util.py defines them (over pytree.ts).
 */
import { bindArgs, type CompareOp, HostObject, hostType, type HostContext, iterate, type Kwargs, NOT_IMPLEMENTED, pyError, pyFunction, PyList, PyTuple, PyType, type PyValue, truthy, typeName } from '../interpreter';
import {
  flattenPy, flattenUpTo, keyEntryStr, leafCount, nodeCount, registerNode, sameTree, treeDefRepr, unflattenPy,
  type KeyEntry, type KeyedChildren, type NodeRegistration, type PyTreeDef, walkTree,
} from './pytree';
import { TreePartial } from './tree_partial';
import { prefixError } from './pytree_errors';

/** A `PyTreeDef`, as `jax.tree.structure` returns it. */
export class PyTreeDefObject extends HostObject {
  static readonly type = hostType('PyTreeDef', 'jaxlib._jax.pytree');
  constructor(readonly def: PyTreeDef) {
    super();
  }
  get pyType() { return PyTreeDefObject.type; }
  override repr(ctx: HostContext): string { return treeDefRepr(this.def, ctx); }
  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if ((op !== '==' && op !== '!=') || !(other instanceof PyTreeDefObject)) return NOT_IMPLEMENTED;
    return sameTree(this.def, other.def, ctx) === (op === '==');
  }
  override getattr(name: string): PyValue | undefined {
    switch (name) {
      case 'num_leaves': return BigInt(leafCount(this.def));
      case 'num_nodes': return BigInt(nodeCount(this.def));
      case 'unflatten': return pyFunction('unflatten', (args, kwargs, ctx) => unflattenPy(this.def, [...iterate(bindArgs('unflatten', ['leaves'], args, kwargs, ctx).required('leaves'), ctx)], ctx));
      case 'flatten_up_to': return pyFunction('flatten_up_to', (args, kwargs, ctx) => new PyList(flattenUpTo(this.def, bindArgs('flatten_up_to', ['xs'], args, kwargs, ctx).required('xs'), ctx)));
      case 'children': return pyFunction('children', () => new PyList(this.def.kind === 'leaf' || this.def.kind === 'none' ? [] : this.def.children.map((c) => new PyTreeDefObject(c))));
      default: return undefined;
    }
  }
}

const KEY_TYPES = {
  sequence: hostType('SequenceKey', 'jaxlib._jax.pytree'),
  dict: hostType('DictKey', 'jaxlib._jax.pytree'),
  attr: hostType('GetAttrKey', 'jaxlib._jax.pytree'),
  flat: hostType('FlattenedIndexKey', 'jaxlib._jax.pytree'),
} as const;

/** One entry of a key path: `SequenceKey(idx=0)`, `DictKey(key='w')`, `GetAttrKey(name='x')`, `FlattenedIndexKey(key=0)`. */
export class KeyEntryObject extends HostObject {
  constructor(readonly key: KeyEntry) {
    super();
  }
  get pyType() { return KEY_TYPES[this.key.kind]; }
  private field(): [string, PyValue] {
    const k = this.key;
    switch (k.kind) {
      case 'sequence': return ['idx', BigInt(k.idx)];
      case 'dict': return ['key', k.key];
      case 'attr': return ['name', k.name];
      case 'flat': return ['key', BigInt(k.idx)];
    }
  }
  override getattr(name: string): PyValue | undefined {
    const [n, v] = this.field();
    return name === n ? v : undefined;
  }
  override str(ctx: HostContext): string { return keyEntryStr(this.key, ctx); }
  override repr(ctx: HostContext): string {
    const [n, v] = this.field();
    return `${this.pyType.name}(${n}=${ctx.repr(v)})`;
  }
  override compare(op: CompareOp, other: PyValue, ctx: HostContext): PyValue {
    if ((op !== '==' && op !== '!=') || !(other instanceof KeyEntryObject)) return NOT_IMPLEMENTED;
    const same = this.key.kind === other.key.kind && ctx.repr(this.field()[1]) === ctx.repr(other.field()[1]);
    return same === (op === '==');
  }
}

const pathTuple = (p: readonly KeyEntry[]) => new PyTuple(p.map((k) => new KeyEntryObject(k)));

function keyOf(v: PyValue, ctx: HostContext): KeyEntry {
  if (v instanceof KeyEntryObject) return v.key;
  throw pyError('TypeError', `keystr expects a tuple of key entries, got ${typeName(v)} ${ctx.repr(v)}`);
}

function isLeafArg(a: { opt(name: string): PyValue | undefined }): PyValue | null {
  return a.opt('is_leaf') ?? null;
}

/** tree_map's leaves of every tree, with JAX's prefix error naming the first mismatch. */
function mapLeaves(what: string, tree: PyValue, rest: readonly PyValue[], isLeaf: PyValue | null, ctx: HostContext, withPaths = false): [PyTreeDef, PyValue[][], KeyEntry[][]] {
  const [paths, leaves, def] = walkTree(tree, ctx, isLeaf, withPaths);
  const all = [leaves];
  for (const r of rest) {
    try {
      all.push(flattenUpTo(def, r, ctx));
    } catch (e) {
      const message = prefixError(tree, r, `${what} tree`, ctx, isLeaf);
      if (message !== null) throw pyError('ValueError', message);
      throw e;
    }
  }
  return [def, all, paths];
}

/** `jax.tree.map(f, tree, *rest)` for host code, with JAX's errors for trees that do not match. */
export function treeMapHost(ctx: HostContext, f: (...xs: PyValue[]) => PyValue, tree: PyValue, ...rest: PyValue[]): PyValue {
  const [def, all] = mapLeaves('tree_map', tree, rest, null, ctx);
  return unflattenPy(def, all[0].map((_, i) => f(...all.map((ls) => ls[i]))), ctx);
}

function treeMap(withPath: boolean) {
  const name = withPath ? 'tree_map_with_path' : 'tree_map';
  return (args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue => {
    const a = bindArgs(name, ['f', 'tree', '*rest', '*', 'is_leaf?'], args, kwargs, ctx);
    const f = a.required('f');
    const [def, all, paths] = mapLeaves(name, a.required('tree'), a.rest, isLeafArg(a), ctx, withPath);
    const out = all[0].map((_, i) => ctx.call(f, [...(withPath ? [pathTuple(paths[i])] : []), ...all.map((ls) => ls[i])]));
    return unflattenPy(def, out, ctx);
  };
}

function flattenFn(name: string, pick: (paths: KeyEntry[][], leaves: PyValue[], def: PyTreeDef) => PyValue) {
  const withPaths = name.endsWith('_with_path');
  return pyFunction(name, (args, kwargs, ctx) => {
    const a = bindArgs(name, ['tree', 'is_leaf?'], args, kwargs, ctx);
    const [paths, leaves, def] = walkTree(a.required('tree'), ctx, isLeafArg(a), withPaths);
    return pick(paths, leaves, def);
  });
}

const withPaths = (paths: KeyEntry[][], leaves: PyValue[]) => new PyList(leaves.map((l, i) => new PyTuple([pathTuple(paths[i]), l])));

function treedefArg(v: PyValue, what: string): PyTreeDef {
  if (v instanceof PyTreeDefObject) return v.def;
  throw pyError('TypeError', `${what} must be a PyTreeDef, got ${typeName(v)}`);
}

function transpose(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('tree_transpose', ['outer_treedef', 'inner_treedef', 'pytree_to_transpose'], args, kwargs, ctx);
  const outer = treedefArg(a.required('outer_treedef'), 'outer_treedef');
  const tree = a.required('pytree_to_transpose');
  const [flat, treedef] = flattenPy(tree, ctx);
  const inner = a.opt('inner_treedef') === undefined ? flattenPy(flattenUpTo(outer, tree, ctx)[0], ctx)[1] : treedefArg(a.required('inner_treedef'), 'inner_treedef');
  const ni = leafCount(inner), no = leafCount(outer);
  if (flat.length !== ni * no) {
    const composed = composeRepr(outer, inner, ctx);
    throw pyError('TypeError', `Mismatch\n${treeDefRepr(treedef, ctx)}\n != \n${composed}`);
  }
  const subtrees = Array.from({ length: ni }, (_, i) => unflattenPy(outer, Array.from({ length: no }, (_, o) => flat[o * ni + i]), ctx));
  return unflattenPy(inner, subtrees, ctx);
}

function composeRepr(outer: PyTreeDef, inner: PyTreeDef, ctx: HostContext): string {
  const compose = (d: PyTreeDef): PyTreeDef => {
    if (d.kind === 'leaf') return inner;
    if (d.kind === 'none') return d;
    return { ...d, children: d.children.map(compose) } as PyTreeDef;
  };
  return treeDefRepr(compose(outer), ctx);
}

function reduce(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('tree_reduce', ['function', 'tree', 'initializer?', 'is_leaf?'], args, kwargs, ctx);
  const f = a.required('function');
  const [leaves] = flattenPy(a.required('tree'), ctx, isLeafArg(a));
  let acc: PyValue;
  let i = 0;
  if (a.has('initializer')) acc = a.get('initializer')!;
  else {
    if (leaves.length === 0) throw pyError('TypeError', 'reduce() of empty iterable with no initial value');
    acc = leaves[i++];
  }
  for (; i < leaves.length; i++) acc = ctx.call(f, [acc, leaves[i]]);
  return acc;
}

function classArg(what: string, v: PyValue): PyType {
  if (!(v instanceof PyType)) throw pyError('TypeError', `${what} expects a class, got ${typeName(v)}`);
  return v;
}

/** A script's `flatten_with_keys` as the registry reads it: `(((key, child), ...), aux)`. */
function keyedFlatten(type: PyType, fn: PyValue): (x: PyValue, ctx: HostContext) => KeyedChildren {
  return (x, ctx) => {
    const out = ctx.call(fn, [x]);
    if (!(out instanceof PyTuple) || out.items.length !== 2) {
      throw pyError('ValueError', `The flatten_with_keys function of the pytree node ${ctx.repr(type)} must return a pair (key_children, aux_data), got ${ctx.repr(out)}.`);
    }
    const pairs = [...iterate(out.items[0], ctx)].map((p) => {
      const kc = [...iterate(p, ctx)];
      if (kc.length !== 2) throw pyError('ValueError', `flatten_with_keys must give (key, child) pairs, got ${ctx.repr(p)}`);
      return kc;
    });
    return { children: pairs.map(([, c]) => c), keys: pairs.map(([k]) => keyOf(k, ctx)), aux: out.items[1] };
  };
}

function registerPytreeNode(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('register_pytree_node', ['nodetype', 'flatten_func', 'unflatten_func', 'flatten_with_keys_func?'], args, kwargs, ctx);
  const type = classArg('register_pytree_node', a.required('nodetype'));
  const withKeys = a.opt('flatten_with_keys_func') ?? null;
  registerNode({ type, custom: { flatten: a.required('flatten_func'), unflatten: a.required('unflatten_func'), ...(withKeys === null ? {} : { flattenWithKeys: keyedFlatten(type, withKeys) }) } }, ctx);
  return null;
}

/** `register_pytree_with_keys(nodetype, flatten_with_keys, unflatten_func, flatten_func=None)`: key paths name the children by the keys it gives. */
function registerPytreeWithKeys(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('register_pytree_with_keys', ['nodetype', 'flatten_with_keys', 'unflatten_func', 'flatten_func?'], args, kwargs, ctx);
  const type = classArg('register_pytree_with_keys', a.required('nodetype'));
  registerNode({ type, custom: { flatten: a.opt('flatten_func') ?? null, unflatten: a.required('unflatten_func'), flattenWithKeys: keyedFlatten(type, a.required('flatten_with_keys')) } }, ctx);
  return null;
}

/** `register_static(cls)`: a node with no leaves whose node data is the instance itself, so `jit` treats it as static (tree_util.py). */
function registerStatic(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const cls = classArg('register_static', bindArgs('register_static', ['cls'], args, kwargs, ctx).required('cls'));
  const unflatten = pyFunction('unflatten', (xs) => xs[0]);
  registerNode({ type: cls, custom: { flatten: null, unflatten, flattenWithKeys: (x) => ({ children: [], keys: [], aux: x }) } }, ctx);
  return cls;
}

function registerPytreeNodeClass(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const cls = classArg('register_pytree_node_class', bindArgs('register_pytree_node_class', ['cls'], args, kwargs, ctx).required('cls'));
  const flatten = pyFunction('tree_flatten', (xs, _kw, c) => c.call(c.getattr(xs[0], 'tree_flatten'), []));
  const unflatten = pyFunction('tree_unflatten', (xs, _kw, c) => c.call(c.getattr(cls, 'tree_unflatten'), xs));
  registerNode({ type: cls, custom: { flatten, unflatten } }, ctx);
  return cls;
}

function fieldNames(v: PyValue | undefined, ctx: HostContext): string[] | null {
  if (v === undefined || v === null) return null;
  return [...iterate(v, ctx)].map((f) => {
    if (typeof f !== 'string') throw pyError('TypeError', `register_dataclass: field names must be str, got ${typeName(f)}`);
    return f;
  });
}

/** `register_dataclass(nodetype, data_fields, meta_fields)`; also a decorator (fields inferred from the dataclass, `static` metadata as meta). */
function registerDataclass(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('register_dataclass', ['nodetype', 'data_fields?', 'meta_fields?', 'drop_fields?'], args, kwargs, ctx);
  const type = a.required('nodetype');
  if (!(type instanceof PyType)) throw pyError('TypeError', `register_dataclass expects a class, got ${typeName(type)}`);
  let data = fieldNames(a.opt('data_fields'), ctx);
  let meta = fieldNames(a.opt('meta_fields'), ctx);
  if ((data === null) !== (meta === null)) throw pyError('TypeError', 'register_dataclass: data_fields and meta_fields must both be specified when either is specified.');
  if (data === null || meta === null) {
    const fields = type.lookup('__dataclass_fields__');
    if (fields === undefined) throw pyError('TypeError', 'register_dataclass: data_fields and meta_fields are required when nodetype is not a dataclass. Got nodetype=' + ctx.repr(type) + '.');
    data = [];
    meta = [];
    for (const name of iterate(fields, ctx)) {
      const field = ctx.getitem(fields, name);
      const metadata = ctx.getattr(field, 'metadata');
      const isStatic = truthy(ctx.call(ctx.getattr(metadata, 'get'), ['static', false]), ctx);
      (isStatic ? meta : data).push(String(name));
    }
  }
  const reg: NodeRegistration = { type, dataclass: { dataFields: data, metaFields: meta } };
  registerNode(reg, ctx);
  return type;
}

function keystr(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('keystr', ['keys', '*', 'simple?', 'separator?'], args, kwargs, ctx);
  const simple = a.bool('simple', false);
  const sep = a.str('separator', '');
  return [...iterate(a.required('keys'), ctx)].map((k) => keyEntryStr(keyOf(k, ctx), ctx, simple)).join(sep);
}

function allFn(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('tree_all', ['tree', '*', 'is_leaf?'], args, kwargs, ctx);
  return flattenPy(a.required('tree'), ctx, isLeafArg(a))[0].every((x) => truthy(x, ctx));
}

function unflatten(args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue {
  const a = bindArgs('tree_unflatten', ['treedef', 'leaves'], args, kwargs, ctx);
  return unflattenPy(treedefArg(a.required('treedef'), 'treedef'), [...iterate(a.required('leaves'), ctx)], ctx);
}

function keyEntryConstructor(kind: KeyEntry['kind']) {
  return (args: PyValue[], kwargs: Kwargs, ctx: HostContext): PyValue => {
    const field = kind === 'sequence' ? 'idx' : kind === 'attr' ? 'name' : 'key';
    const v = bindArgs(KEY_TYPES[kind].name, [field], args, kwargs, ctx).required(field);
    const entry: KeyEntry = kind === 'dict' ? { kind, key: v } : kind === 'attr' ? { kind, name: String(v) } : { kind, idx: Number(v) };
    return new KeyEntryObject(entry);
  };
}
for (const kind of Object.keys(KEY_TYPES) as KeyEntry['kind'][]) KEY_TYPES[kind].construct = keyEntryConstructor(kind);

/** `jax.tree_util`'s attributes. */
export function treeUtilAttrs(): Record<string, PyValue> {
  const map = pyFunction('tree_map', treeMap(false));
  const mapWithPath = pyFunction('tree_map_with_path', treeMap(true));
  return {
    tree_map: map,
    tree_map_with_path: mapWithPath,
    tree_flatten: flattenFn('tree_flatten', (_, leaves, def) => new PyTuple([new PyList(leaves), new PyTreeDefObject(def)])),
    tree_flatten_with_path: flattenFn('tree_flatten_with_path', (paths, leaves, def) => new PyTuple([withPaths(paths, leaves), new PyTreeDefObject(def)])),
    tree_leaves: flattenFn('tree_leaves', (_, leaves) => new PyList(leaves)),
    tree_leaves_with_path: flattenFn('tree_leaves_with_path', (paths, leaves) => withPaths(paths, leaves)),
    tree_structure: flattenFn('tree_structure', (_, __, def) => new PyTreeDefObject(def)),
    tree_unflatten: pyFunction('tree_unflatten', unflatten),
    tree_transpose: pyFunction('tree_transpose', transpose),
    tree_reduce: pyFunction('tree_reduce', reduce),
    tree_all: pyFunction('tree_all', allFn),
    treedef_is_leaf: pyFunction('treedef_is_leaf', (args, kwargs, ctx) => {
      const d = treedefArg(bindArgs('treedef_is_leaf', ['treedef'], args, kwargs, ctx).required('treedef'), 'treedef');
      return d.kind === 'leaf' || d.kind === 'none';
    }),
    // JAX's all_leaves: whether each item of the iterable is a leaf itself (None is a node, not a leaf).
    all_leaves: pyFunction('all_leaves', (args, kwargs, ctx) => {
      const a = bindArgs('all_leaves', ['iterable', 'is_leaf?'], args, kwargs, ctx);
      const isLeaf = a.opt('is_leaf') ?? null;
      return [...iterate(a.required('iterable'), ctx)].every((x) => flattenPy(x, ctx, isLeaf)[1].kind === 'leaf');
    }),
    register_pytree_node: pyFunction('register_pytree_node', registerPytreeNode),
    register_pytree_node_class: pyFunction('register_pytree_node_class', registerPytreeNodeClass),
    register_dataclass: pyFunction('register_dataclass', registerDataclass),
    register_pytree_with_keys: pyFunction('register_pytree_with_keys', registerPytreeWithKeys),
    register_static: pyFunction('register_static', registerStatic),
    Partial: TreePartial.type,
    keystr: pyFunction('keystr', keystr),
    PyTreeDef: PyTreeDefObject.type,
    SequenceKey: KEY_TYPES.sequence,
    DictKey: KEY_TYPES.dict,
    GetAttrKey: KEY_TYPES.attr,
    FlattenedIndexKey: KEY_TYPES.flat,
  };
}

/** `jax.tree`'s attributes: the same functions under their short names. */
export function treeAttrs(util: Record<string, PyValue>): Record<string, PyValue> {
  return {
    map: util.tree_map,
    map_with_path: util.tree_map_with_path,
    flatten: util.tree_flatten,
    flatten_with_path: util.tree_flatten_with_path,
    leaves: util.tree_leaves,
    leaves_with_path: util.tree_leaves_with_path,
    structure: util.tree_structure,
    unflatten: util.tree_unflatten,
    transpose: util.tree_transpose,
    reduce: util.tree_reduce,
    all: util.tree_all,
  };
}

export const TREE_UTIL_NAMES = Object.keys(treeUtilAttrs());
export const TREE_NAMES = Object.keys(treeAttrs(treeUtilAttrs()));
