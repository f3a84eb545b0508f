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
  /** The last call that checked it against the statements that changed: one older missed some changes. */
  checked: number;
}

/** What the statements of one call differ by from the last call's. */
interface Restated {
  /** The names the statements that came or went bind. */
  readonly rebound: ReadonlySet<string>;
  /** Whether every name is bound by the statements at the same places as before (only texts and reads changed). */
  readonly sameBinders: boolean;
}

export class DependencyHashes {
  private statements: readonly TopLevelStatement[] = [];
  /** The last statements' dependencies, made when a function was hashed again over them. */
  private dependencies: ModuleDependencies | null = null;
  /** By the function's own text's hash (its text and example inputs); those of functions gone pruned once they outnumber the others. */
  private kept = new Map<string, Kept>();
  private calls = 0;
  /** The last call's functions as given, and as answered: a function given again at its place keeps its answer. */
  private given: readonly FunctionSummary[] = [];
  private answered: readonly FunctionSummary[] = [];
  /** Each function summary with its hash set, by the summary without it: unmoved pieces give the same summaries each keystroke. */
  private readonly hashed = new WeakMap<FunctionSummary, FunctionSummary>();

  /** The functions with their `sourceHash` over `statements` (the file's, in order; unchanged ones the same objects as last time). */
  withHashes(statements: readonly TopLevelStatement[], functions: readonly FunctionSummary[]): FunctionSummary[] {
    const { rebound, sameBinders } = this.restate(statements);
    // NB: the binders stay where they were: the statements' dependencies are the last ones over the new texts.
    let dependencies = sameBinders && this.dependencies ? this.dependencies.restated(statements) : null;
    this.dependencies = dependencies;
    const call = ++this.calls;
    const hashed = functions.map((f, i) => {
      const kept = this.kept.get(f.textHash);
      // NB: an entry not checked at the last call (its function was gone) may have missed a change.
      const old = kept && kept.checked >= call - 1 && sameNames(kept.reads, f.reads) && !followsAny(kept.followed, rebound) ? kept : null;
      if (old && f === this.given[i]) {
        old.checked = call;
        return this.answered[i];
      }
      let entry = old;
      if (!entry) {
        dependencies ??= this.dependencies = new ModuleDependencies(statements);
        entry = { reads: f.reads, ...dependencies.reach(f.textHash, f.reads), checked: call };
        this.kept.set(f.textHash, entry);
      }
      entry.checked = call;
      if (entry.hash === f.sourceHash) return f;
      const known = this.hashed.get(f);
      if (known?.sourceHash === entry.hash) return known;
      const made = { ...f, sourceHash: entry.hash };
      this.hashed.set(f, made);
      return made;
    });
    if (this.kept.size > 2 * functions.length + 16) for (const [hash, entry] of this.kept) if (entry.checked < call) this.kept.delete(hash);
    this.given = functions;
    this.answered = hashed;
    return hashed;
  }

  /** Notes `statements` as the file's, and what they differ by from the last ones. */
  private restate(statements: readonly TopLevelStatement[]): Restated {
    const last = this.statements;
    this.statements = statements;
    const rebound = new Set<string>();
    if (last.length !== statements.length) {
      const now = new Set(statements);
      const before = new Set(last);
      for (const s of now) if (!before.has(s)) for (const name of s.binds) rebound.add(name);
      for (const s of before) if (!now.has(s)) for (const name of s.binds) rebound.add(name);
      return { rebound, sameBinders: false };
    }
    // NB: a keystroke replaces one piece's statements in place: the others are the same objects where they were.
    let sameBinders = true;
    for (let i = 0; i < statements.length; i++) {
      const [was, is] = [last[i], statements[i]];
      if (was === is) continue;
      for (const name of was.binds) rebound.add(name);
      for (const name of is.binds) rebound.add(name);
      sameBinders &&= sameNames(was.binds, is.binds);
    }
    return { rebound, sameBinders };
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((name, i) => name === b[i]));
}

function followsAny(followed: ReadonlySet<string>, names: ReadonlySet<string>): boolean {
  for (const name of names) if (followed.has(name)) return true;
  return false;
}
