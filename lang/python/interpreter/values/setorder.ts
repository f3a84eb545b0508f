/**
 * The order CPython iterates a set in. CPython's set is an open-addressing table indexed by hash
 * (hash(n) == n for small ints), so `{3, 1, 2}` prints as `{1, 2, 3}` and `{10, 1, 2, 3}` as
 * `{10, 1, 2, 3}`. We replay CPython 3.11's insertion and resize rules (setobject.c: linear probes
 * of 9, perturbation by 5 bits, resize to 4x the items when 3/5 full) on the set's insertion
 * history, which gives CPython's layout for sets built by add(), set(list) and the set operators
 * (which insert in CPython's iteration order, see operators/arithmetic.ts's setOp).
 *
 * A display of 3 or more constants (`{0.1, 0.2, 0.3}`, `{(1, 2.5), None}`) is not built item by
 * item: the compiler folds it into a frozenset, which merging the code's constants builds again
 * from the first one's order (compile.c's merge_consts_recursive), and the running code updates an
 * empty set from it (set_merge: one resize to hold twice the items, then the slots copied when the
 * tables are the same size, else reinserted in slot order).
 *
 * Deleted slots are not modelled. Only sets of ints, bools, floats, None and tuples of them are
 * laid out; any other set keeps insertion order (CPython's string hashes are randomized per
 * process; objects and NaN hash by address).
 */
import { floatHash, intHash } from './number_hash';
import { type PySet, type PyValue, PyTuple } from './objects';

/**
 * hash(None) in Debian's CPython 3.11 (the oracle here), which hashes None by its address: the
 * binary is not position-independent, so the address, and the hash, is the same on every run.
 */
export const NONE_HASH = 612812n;

const MASK64 = (1n << 64n) - 1n;
const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;

/** tuplehash's xxHash rounds over the items' hashes. */
export function tupleHash(itemHashes: readonly bigint[]): bigint {
  let acc = XXPRIME_5;
  for (const h of itemHashes) {
    acc = (acc + BigInt.asUintN(64, h) * XXPRIME_2) & MASK64;
    acc = ((acc << 31n) | (acc >> 33n)) & MASK64;
    acc = (acc * XXPRIME_1) & MASK64;
  }
  acc = (acc + (BigInt(itemHashes.length) ^ (XXPRIME_5 ^ 3527539n))) & MASK64;
  if (acc === MASK64) return 1546275796n;
  return BigInt.asIntN(64, acc);
}

/** The hash CPython lays a value's slot out by; null for what hashes by identity or per process (NaN, str, objects). */
function slotHash(v: PyValue): bigint | null {
  if (typeof v === 'bigint') return intHash(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return Number.isNaN(v) ? null : floatHash(v);
  if (v === null) return NONE_HASH;
  if (v instanceof PyTuple && v.constructor === PyTuple) {
    const hashes = v.items.map(slotHash);
    return hashes.includes(null) ? null : tupleHash(hashes as bigint[]);
  }
  return null;
}

interface Entry {
  readonly v: PyValue;
  readonly h: bigint;
}

/** A set's slot table: CPython's set_insert_clean and set_add_entry's resize rule. */
class SlotTable {
  slots: (Entry | undefined)[] = new Array(8);
  used = 0;

  get mask(): number {
    return this.slots.length - 1;
  }

  /** Places an entry in the first free slot of its probe sequence. */
  place(e: Entry): void {
    const t = this.slots;
    const m = this.mask;
    let perturb = e.h;
    let i = Number(e.h & BigInt(m));
    for (;;) {
      if (t[i] === undefined) {
        t[i] = e;
        return;
      }
      if (i + 9 <= m) {
        for (let j = 1; j <= 9; j++) {
          if (t[i + j] === undefined) {
            t[i + j] = e;
            return;
          }
        }
      }
      perturb >>= 5n;
      i = Number((BigInt(i) * 5n + 1n + perturb) & BigInt(m));
    }
  }

  /** set_table_resize: the smallest power of two above `minused`, the entries reinserted in slot order. */
  resize(minused: number): void {
    let size = 8;
    while (size <= minused) size <<= 1;
    const old = this.entries();
    this.slots = new Array(size);
    for (const e of old) this.place(e);
  }

  /** set_add_entry of a new item. */
  add(e: Entry): void {
    this.place(e);
    this.used++;
    if (this.used * 5 >= this.mask * 3) this.resize(this.used > 50000 ? this.used * 2 : this.used * 4);
  }

  entries(): Entry[] {
    return this.slots.filter((e): e is Entry => e !== undefined);
  }
}

function built(entries: readonly Entry[]): SlotTable {
  const t = new SlotTable();
  for (const e of entries) t.add(e);
  return t;
}

/** The table of a set display of constants (see the file's comment). */
function constantDisplay(entries: readonly Entry[]): SlotTable {
  const merged = built(built(entries).entries());
  const t = new SlotTable();
  t.used = merged.used;
  if (merged.used * 5 >= t.mask * 3) {
    let size = 8;
    while (size <= merged.used * 2) size <<= 1;
    t.slots = new Array(size);
  }
  if (t.mask === merged.mask) t.slots = [...merged.slots];
  else for (const e of merged.entries()) t.place(e);
  return t;
}

/** The values of a set in CPython's iteration order, from the order they were inserted in. */
export function setOrder(set: PySet): PyValue[] {
  const values = [...set.map.values()];
  if (values.length < 2) return values;
  const constants = set.fromConstants;
  const hashes = values.map(slotHash);
  if (hashes.includes(null)) return values;
  const entries = values.map((v, i) => ({ v, h: BigInt.asUintN(64, hashes[i]!) }));
  const fromDisplay = constants > 2 ? Math.min(constants, entries.length) : 0;
  const table = fromDisplay ? constantDisplay(entries.slice(0, fromDisplay)) : new SlotTable();
  for (const e of entries.slice(fromDisplay)) table.add(e);
  return table.entries().map((e) => e.v);
}
