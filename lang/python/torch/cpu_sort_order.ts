/**
 * The order PyTorch 1.13's CPU kernels leave equal values in: its sort (stable=False), argsort and
 * topk run libstdc++'s std::sort, std::nth_element and std::partial_sort over (value, index) pairs
 * (aten/src/ATen/native/cpu/SortingKernel.cpp, TopKImpl.h), and kthvalue its own quickselect
 * (SortingUtils.h). Ported here as GCC 12's libstdc++ writes them (bits/stl_algo.h, stl_heap.h),
 * so indices at ties print what PyTorch prints.
 */


/** A row of (value, index) pairs moved together, as PyTorch's composite accessor moves them. */
class Pairs {
  constructor(readonly keys: Float64Array, readonly idx: Int32Array) {}
  swap(i: number, j: number): void {
    const k = this.keys[i]; this.keys[i] = this.keys[j]; this.keys[j] = k;
    const x = this.idx[i]; this.idx[i] = this.idx[j]; this.idx[j] = x;
  }
  move(to: number, from: number): void {
    this.keys[to] = this.keys[from];
    this.idx[to] = this.idx[from];
  }
}

const THRESHOLD = 16;
const lg = (n: number) => 31 - Math.clz32(n);

class Sorter {
  constructor(private readonly p: Pairs, private readonly before: (a: number, b: number) => boolean) {}

  private comp(i: number, j: number): boolean {
    return this.before(this.p.keys[i], this.p.keys[j]);
  }

  private compVal(key: number, j: number): boolean {
    return this.before(key, this.p.keys[j]);
  }

  private compIterVal(i: number, key: number): boolean {
    return this.before(this.p.keys[i], key);
  }

  sort(first: number, last: number): void {
    if (first === last) return;
    this.introsortLoop(first, last, lg(last - first) * 2);
    this.finalInsertionSort(first, last);
  }

  nthElement(first: number, nth: number, last: number): void {
    if (first === last || nth === last) return;
    this.introselect(first, nth, last, lg(last - first) * 2);
  }

  partialSort(first: number, middle: number, last: number): void {
    this.heapSelect(first, middle, last);
    this.sortHeap(first, middle);
  }

  private introsortLoop(first: number, last: number, depth: number): void {
    while (last - first > THRESHOLD) {
      if (depth === 0) {
        this.partialSort(first, last, last);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      this.introsortLoop(cut, last, depth);
      last = cut;
    }
  }

  private introselect(first: number, nth: number, last: number, depth: number): void {
    while (last - first > 3) {
      if (depth === 0) {
        this.heapSelect(first, nth + 1, last);
        this.p.swap(first, nth);
        return;
      }
      depth--;
      const cut = this.unguardedPartitionPivot(first, last);
      if (cut <= nth) first = cut;
      else last = cut;
    }
    this.insertionSort(first, last);
  }

  private unguardedPartitionPivot(first: number, last: number): number {
    const mid = first + Math.floor((last - first) / 2);
    this.moveMedianToFirst(first, first + 1, mid, last - 1);
    return this.unguardedPartition(first + 1, last, first);
  }

  private moveMedianToFirst(result: number, a: number, b: number, c: number): void {
    if (this.comp(a, b)) {
      if (this.comp(b, c)) this.p.swap(result, b);
      else if (this.comp(a, c)) this.p.swap(result, c);
      else this.p.swap(result, a);
    } else if (this.comp(a, c)) this.p.swap(result, a);
    else if (this.comp(b, c)) this.p.swap(result, c);
    else this.p.swap(result, b);
  }

  private unguardedPartition(first: number, last: number, pivot: number): number {
    for (;;) {
      while (this.comp(first, pivot)) first++;
      last--;
      while (this.comp(pivot, last)) last--;
      if (!(first < last)) return first;
      this.p.swap(first, last);
      first++;
    }
  }

  private finalInsertionSort(first: number, last: number): void {
    if (last - first > THRESHOLD) {
      this.insertionSort(first, first + THRESHOLD);
      for (let i = first + THRESHOLD; i < last; i++) this.unguardedLinearInsert(i);
    } else this.insertionSort(first, last);
  }

  private insertionSort(first: number, last: number): void {
    if (first === last) return;
    for (let i = first + 1; i < last; i++) {
      if (this.comp(i, first)) {
        const key = this.p.keys[i];
        const id = this.p.idx[i];
        for (let j = i; j > first; j--) this.p.move(j, j - 1);
        this.p.keys[first] = key;
        this.p.idx[first] = id;
      } else this.unguardedLinearInsert(i);
    }
  }

  private unguardedLinearInsert(last: number): void {
    const key = this.p.keys[last];
    const id = this.p.idx[last];
    let next = last - 1;
    while (this.compVal(key, next)) {
      this.p.move(last, next);
      last = next;
      next--;
    }
    this.p.keys[last] = key;
    this.p.idx[last] = id;
  }

  private heapSelect(first: number, middle: number, last: number): void {
    this.makeHeap(first, middle);
    for (let i = middle; i < last; i++) if (this.comp(i, first)) this.popHeap(first, middle, i);
  }

  private sortHeap(first: number, last: number): void {
    while (last - first > 1) {
      last--;
      this.popHeap(first, last, last);
    }
  }

  private makeHeap(first: number, last: number): void {
    const len = last - first;
    if (len < 2) return;
    let parent = Math.floor((len - 2) / 2);
    for (;;) {
      this.adjustHeap(first, parent, len, this.p.keys[first + parent], this.p.idx[first + parent]);
      if (parent === 0) return;
      parent--;
    }
  }

  private popHeap(first: number, last: number, result: number): void {
    const key = this.p.keys[result];
    const id = this.p.idx[result];
    this.p.move(result, first);
    this.adjustHeap(first, 0, last - first, key, id);
  }

  private adjustHeap(first: number, hole: number, len: number, key: number, id: number): void {
    const top = hole;
    let second = hole;
    while (second < Math.floor((len - 1) / 2)) {
      second = 2 * (second + 1);
      if (this.comp(first + second, first + (second - 1))) second--;
      this.p.move(first + hole, first + second);
      hole = second;
    }
    if ((len & 1) === 0 && second === Math.floor((len - 2) / 2)) {
      second = 2 * (second + 1);
      this.p.move(first + hole, first + (second - 1));
      hole = second - 1;
    }
    // __push_heap
    let parent = Math.floor((hole - 1) / 2);
    while (hole > top && this.compIterVal(first + parent, key)) {
      this.p.move(first + hole, first + parent);
      hole = parent;
      parent = Math.floor((hole - 1) / 2);
    }
    this.p.keys[first + hole] = key;
    this.p.idx[first + hole] = id;
  }
}

/** KeyValueCompAsc / Desc: NaN above everything. */
function comparator(descending: boolean): (a: number, b: number) => boolean {
  return descending
    ? (a, b) => (Number.isNaN(a) && !Number.isNaN(b)) || a > b
    : (a, b) => (!Number.isNaN(a) && Number.isNaN(b)) || a < b;
}

function pairsOf(row: ArrayLike<number>): Pairs {
  return new Pairs(Float64Array.from(row), Int32Array.from({ length: row.length }, (_, i) => i));
}

/** The positions std::sort leaves a row in (torch.sort with stable=False, argsort). */
export function sortOrder(row: ArrayLike<number>, descending: boolean): Int32Array {
  const p = pairsOf(row);
  new Sorter(p, comparator(descending)).sort(0, row.length);
  return p.idx;
}

/** The first k positions torch.topk gives (largest or smallest; sorted as it sorts them). */
export function topkOrder(row: ArrayLike<number>, k: number, largest: boolean, sorted: boolean): Int32Array {
  const p = pairsOf(row);
  const n = row.length;
  const s = new Sorter(p, comparator(largest));
  if (k === 0) return new Int32Array(0);
  if (k * 64 <= n) s.partialSort(0, k, n);
  else {
    s.nthElement(0, k - 1, n);
    if (sorted) s.sort(0, k - 1);
  }
  return p.idx.slice(0, k);
}


/** The position torch.kthvalue picks: PyTorch's quick_select_template (Numerical Recipes' select, median of three), k from 1. */
export function kthOrder(row: ArrayLike<number>, k: number): number {
  const p = pairsOf(row);
  const v = p.keys;
  const gtOrNan = (x: number, y: number) => (Number.isNaN(x) && !Number.isNaN(y)) || x > y;
  const target = k - 1;
  let L = 0;
  let R = row.length - 1;
  for (;;) {
    if (R <= L) break;
    if (R === L + 1) {
      if (gtOrNan(v[L], v[R])) p.swap(L, R);
      break;
    }
    const P = L + Math.floor((R - L) / 2);
    p.swap(P, L + 1);
    if (gtOrNan(v[L + 1], v[R])) p.swap(L + 1, R);
    if (gtOrNan(v[L], v[R])) p.swap(L, R);
    if (gtOrNan(v[L + 1], v[L])) p.swap(L + 1, L);
    let i = L + 1;
    let j = R;
    const pivot = v[L];
    for (;;) {
      do i++; while (gtOrNan(pivot, v[i]));
      do j--; while (gtOrNan(v[j], pivot));
      if (j < i) break;
      p.swap(i, j);
    }
    p.swap(L, j);
    if (j <= target) L = i;
    if (j >= target) R = j - 1;
  }
  return p.idx[target];
}
