/**
 * A cache that keeps its most recently used entries within a count and a byte bound: compiled
 * kernels and shaders are keyed by shape, and a long session sees shapes without end (a language
 * server evaluating as the user types), so every such cache drops the least recently used first.
 */
export class LruCache<K, V> {
  // NB: a Map iterates in insertion order; a hit re-inserts its entry, so the first is the least recent.
  private readonly entries = new Map<K, { readonly value: V; readonly bytes: number }>();
  private heldBytes = 0;

  /** `weigh` estimates what an entry holds, in bytes; an entry heavier than maxBytes alone is not kept. */
  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
    private readonly weigh: (value: V, key: K) => number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const bytes = this.weigh(value, key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.heldBytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.heldBytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldBytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.heldBytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes the kept entries hold. */
  get bytes(): number {
    return this.heldBytes;
  }
}
