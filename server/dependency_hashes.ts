/**
 * Each function's staleness hash, kept from one keystroke to the next: a keystroke changes the
 * top-level statements of one piece, and only the functions that follow a name those statements
 * bind (or bound) are hashed again; the others keep theirs. Hashing all 300 functions of the
 * 5,000-line bench file at each keystroke walked every function's reads through the module.
 */
import { ModuleDependencies, type TopLevelStatement } from '../evaluation';
import type { FunctionSummary } from './analysis';

interface Kept {
  readonly reads: readonly string[];
  /** The names followed to make the hash: a statement binding none of them cannot change it. */
  readonly followed: ReadonlySet<string>;
  readonly hash: string;
}

export class DependencyHashes {
  private statements: ReadonlySet<TopLevelStatement> = new Set();
  /** By the function's own text's hash (its text and example inputs). */
  private kept = new Map<string, Kept>();
  /** Each function summary with its hash set, by the summary without it: unmoved pieces give the same summaries each keystroke. */
  private readonly hashed = new WeakMap<FunctionSummary, FunctionSummary>();

  /** The functions with their `sourceHash` over `statements` (the file's, in order; unchanged ones the same objects as last time). */
  withHashes(statements: readonly TopLevelStatement[], functions: readonly FunctionSummary[]): FunctionSummary[] {
    const now = new Set(statements);
    const rebound = new Set<string>();
    for (const s of now) if (!this.statements.has(s)) for (const name of s.binds) rebound.add(name);
    for (const s of this.statements) if (!now.has(s)) for (const name of s.binds) rebound.add(name);
    this.statements = now;
    let dependencies: ModuleDependencies | null = null;
    const kept = new Map<string, Kept>();
    const hashed = functions.map((f) => {
      const old = kept.get(f.textHash) ?? this.kept.get(f.textHash);
      let entry = old && sameReads(old.reads, f.reads) && !followsAny(old.followed, rebound) ? old : null;
      if (!entry) {
        dependencies ??= new ModuleDependencies(statements);
        entry = { reads: f.reads, ...dependencies.reach(f.textHash, f.reads) };
      }
      kept.set(f.textHash, entry);
      if (entry.hash === f.sourceHash) return f;
      const known = this.hashed.get(f);
      if (known?.sourceHash === entry.hash) return known;
      const made = { ...f, sourceHash: entry.hash };
      this.hashed.set(f, made);
      return made;
    });
    this.kept = kept;
    return hashed;
  }
}

function sameReads(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((name, i) => name === b[i]));
}

function followsAny(followed: ReadonlySet<string>, names: ReadonlySet<string>): boolean {
  for (const name of names) if (followed.has(name)) return true;
  return false;
}
