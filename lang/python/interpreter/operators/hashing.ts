/**
 * Hashing as CPython hashes: `hash(x)` (the numeric hash modulo 2**61 - 1 for ints and floats, the
 * tuple hash of tuplehash's xxHash rounds), and the key a dict or set stores a value under.
 *
 * Keys are strings (values/objects.ts's hashKey) so that `1`, `1.0` and `True` share one. An object
 * whose class defines `__hash__` gets the key of the first equal object (`__eq__`) seen with the
 * same hash in this run: `{Value(2.0), Value(2.0)}` has one item, as in CPython.
 */
import {
  floatHash,
  hashKey,
  type HostContext,
  HostObject,
  intHash,
  NOT_IMPLEMENTED,
  NONE_HASH,
  objectId,
  PyFunction,
  PyInstance,
  pyError,
  PySet,
  PyTuple,
  type PyType,
  tupleHash,
  type PyValue,
  typeName,
} from '../values';
import { instanceMethod, scriptClassOf } from './dunders';

/** Objects seen with each user hash, in the order first seen: their index in the list is their key. */
const REPRESENTATIVES = {};

/**
 * An instance standing for a builtin value (an IntEnum member, a `class Name(str)` instance) hashes
 * as that value, unless its class wrote its own `__hash__` or set it to None (defining `__eq__`).
 */
function keysAsValue(v: PyValue): v is PyInstance {
  if (!(v instanceof PyInstance) || v.standsFor === undefined) return false;
  const own = v.cls.lookup('__hash__');
  return own !== null && !(own instanceof PyFunction);
}

/** The key a dict or set stores `v` under; TypeError for unhashable values. */
export function dictKey(v: PyValue, ctx: HostContext): string {
  if (typeof v !== 'object' || v === null) return hashKey(v)!;
  // An instance that is an int (an IntEnum member) keys as its int: `{1: 'a'}[Label.DOG]`.
  if (keysAsValue(v)) return dictKey(v.standsFor!, ctx);
  if (v instanceof PyTuple && scriptClassOf(v)?.lookup('__hash__') === undefined) {
    let parts = '';
    for (const item of v.items) {
      const k = dictKey(item, ctx);
      parts += `${k.length}:${k}`;
    }
    return `t(${parts})`;
  }
  const cls = scriptClassOf(v);
  if (cls !== null) {
    const h = userHash(v, cls, ctx);
    if (h !== undefined) {
      const seen = ctx.state(REPRESENTATIVES, () => new Map<bigint, PyValue[]>());
      let same = seen.get(h);
      if (!same) seen.set(h, (same = []));
      let i = same.findIndex((other) => other === v || userEquals(other, v, ctx));
      if (i < 0) i = same.push(v) - 1;
      return `u${h}:${i}`;
    }
  }
  const k = hashKey(v);
  if (k === null) throw unhashable(v);
  return k;
}

function unhashable(v: PyValue) {
  return pyError('TypeError', `unhashable type: '${typeName(v)}'`);
}

/** The result of the class's own `__hash__` (undefined where it has none: hashed by identity). */
function userHash(v: PyValue, cls: PyType, ctx: HostContext): bigint | undefined {
  const f = cls.lookup('__hash__');
  if (f === undefined) return undefined;
  // `__hash__ = None`, which a class defining `__eq__` alone gets too.
  if (f === null) throw unhashable(v);
  const h = ctx.call(instanceMethod(v, '__hash__', ctx)!, []);
  if (typeof h === 'boolean') return h ? 1n : 0n;
  if (typeof h !== 'bigint') throw pyError('TypeError', '__hash__ method should return an integer');
  // As CPython's slot_tp_hash: kept when it fits a Py_ssize_t (bar -1), else hashed as an int.
  if (h === BigInt.asIntN(64, h)) return h === -1n ? -2n : h;
  return intHash(h);
}

/** `a == b` between two objects of script classes, by their `__eq__` (either side), else identity. */
function userEquals(a: PyValue, b: PyValue, ctx: HostContext): boolean {
  for (const [x, y] of [[a, b], [b, a]]) {
    const eqm = instanceMethod(x, '__eq__', ctx);
    if (eqm === undefined) continue;
    const r = ctx.call(eqm, [y]);
    if (r !== NOT_IMPLEMENTED) return r === true || (r !== false && r !== null && r !== 0n && r !== 0);
  }
  return a === b;
}

// ---------------------------------------------------------------- hash()

/** `object.__hash__`: CPython's id(x) >> 4, with id as builtins.ts's `id`. */
export function identityHash(o: object): bigint {
  return BigInt(objectId(o) * 3 + 0x7f3a1000000);
}

/** `hash(v)`, the numbers CPython prints for ints, floats, bools, None (Debian's build's), tuples of them, and script classes' `__hash__`. */
export function pyHash(v: PyValue, ctx: HostContext): bigint {
  switch (typeof v) {
    case 'bigint':
      return intHash(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'number':
      // NaN hashes by identity in CPython 3.10+: no two NaNs share a hash that a script could rely on.
      return Number.isNaN(v) ? 0n : floatHash(v);
  }
  if (keysAsValue(v)) return pyHash(v.standsFor!, ctx);
  if (v === null) return NONE_HASH;
  if (v instanceof PyTuple && scriptClassOf(v)?.lookup('__hash__') === undefined) return tupleHash(v.items.map((item) => pyHash(item, ctx)));
  const cls = scriptClassOf(v);
  if (cls !== null) {
    const h = userHash(v, cls, ctx);
    if (h !== undefined) return h;
  }
  if (v instanceof HostObject) {
    const h = v.hashValue(ctx);
    if (h !== undefined) return h;
  }
  // Strings hash with a per-process random seed in CPython; identity hashes follow the address.
  const k = v instanceof PySet && !v.frozen ? null : hashKey(v);
  if (k === null) throw unhashable(v);
  if (typeof v === 'object' && v !== null && k.startsWith('o')) return identityHash(v);
  let h = 0;
  for (let i = 0; i < k.length; i++) h = (Math.imul(h, 31) + k.charCodeAt(i)) | 0;
  return BigInt(h);
}
