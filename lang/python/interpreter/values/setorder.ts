/**
 * The order CPython iterates a set of numbers in. CPython's set is an open-addressing
 * table indexed by hash (hash(n) == n for small ints), so `{3, 1, 2}` prints as
 * `{1, 2, 3}` and `{10, 1, 2, 3}` as `{10, 1, 2, 3}`. We replay CPython's
 * insertion and resize rules (setobject.c: linear probes of 9, perturbation by
 * 5 bits, resize when 3/5 full) on the set's insertion history, which gives
 * CPython's layout for sets built by literals, add() and the set operators
 * (which insert in CPython's iteration order, see operators/arithmetic.ts's setOp). Deleted slots are
 * not modelled. Sets holding anything but ints, bools and floats keep insertion order (CPython's
 * string hashes are randomized per process anyway; NaN hashes by address).
 */
import { floatHash, intHash } from './number_hash';
import type { PyValue } from './objects';

/** The hash CPython lays a number's slot out by; null for what hashes by identity or per process (NaN, str, objects). */
function numberHash(v: PyValue): bigint | null {
  if (typeof v === 'bigint') return intHash(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' && !Number.isNaN(v)) return floatHash(v);
  return null;
}

export function setOrder(values: PyValue[]): PyValue[] {
  if (values.length < 2) return values;
  const hashes = values.map(numberHash);
  if (hashes.includes(null)) return values;
  const entries = values.map((v, i) => ({ v, h: BigInt.asUintN(64, hashes[i]!) }));
  type Entry = (typeof entries)[number];
  let mask = 7;
  let table: (Entry | undefined)[] = new Array(8);
  let used = 0;
  const insert = (t: (Entry | undefined)[], m: number, e: Entry) => {
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
  };
  for (const e of entries) {
    insert(table, mask, e);
    used++;
    if (used * 5 >= mask * 3) {
      const minused = used > 50000 ? used * 2 : used * 4;
      let size = 8;
      while (size <= minused) size <<= 1;
      const next: (Entry | undefined)[] = new Array(size);
      for (const old of table) if (old) insert(next, size - 1, old);
      table = next;
      mask = size - 1;
    }
  }
  return table.filter((e): e is Entry => e !== undefined).map((e) => e.v);
}
