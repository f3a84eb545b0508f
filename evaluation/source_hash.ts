/**
 * The staleness key of a result: a hash of the function's exact source text and of the text of
 * what it reads in its file (the module-level assignments, imports, functions and classes bound
 * to the names it uses, and theirs in turn). Editing `eps = 1e-7` makes a result that read `eps`
 * stale; editing a function it never reaches keeps it fresh. The server hashes the same
 * statements, from the pieces it analyzes a file in, with the same functions: the two hashes agree.
 */
import { patternNames, walkExpr, walkStatements, type ast as A, type FunctionInfo, type ParseResult } from '../lang/python';

/**
 * The text `sourceHashOf` hashes: from the first decorator (or the `def`) to the end of the body,
 * and the example inputs' text when they are not in it: the call (`f(2.0)`) or the `# gradlens:`
 * comment the evaluation takes them from. Editing `f(2.0)` to `f(3.0)` makes f's result stale.
 */
export function functionText(documentText: string, fn: Pick<FunctionInfo, 'span' | 'inputSources'>): string {
  const own = documentText.slice(fn.span.from, fn.span.to);
  const source = fn.inputSources[0];
  if (!source || source.kind === 'defaults') return own;
  return `${own}\u0000${documentText.slice(source.span.from, source.span.to)}`;
}

/**
 * 64-bit FNV-1a of the UTF-16 code units, as 16 hex digits: synchronous and the same in Node and
 * the browser (crypto.subtle is neither).
 */
export function sourceHashOf(functionText: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < functionText.length; i++) {
    lo = (lo ^ functionText.charCodeAt(i)) >>> 0;
    // Multiply (hi, lo) by the FNV prime 2^40 + 2^8 + 0xb3, keeping 64 bits.
    const loProduct = lo * 0x1b3;
    const carry = Math.floor(loProduct / 0x100000000);
    const nextHi = (hi * 0x1b3 + lo * 0x100 + carry) >>> 0;
    lo = loProduct >>> 0;
    hi = nextHi;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** One statement of a module's top level, as a dependency: the names it binds and reads, and its text's hash. */
export interface TopLevelStatement {
  readonly hash: string;
  readonly binds: readonly string[];
  readonly reads: readonly string[];
}

/** Every name a node mentions, anywhere inside it (a local that shadows a global counts too: staler, never wrongly fresh). */
function namesRead(body: readonly A.Stmt[]): string[] {
  const names = new Set<string>();
  walkStatements(body, { expr: (e) => { if (e.kind === 'Name') names.add(e.id); } });
  return [...names];
}

function targetNames(e: A.Expr | null, into: Set<string>): void {
  if (!e) return;
  if (e.kind === 'Name') into.add(e.id);
  else if (e.kind === 'Tuple' || e.kind === 'List') for (const x of e.elts) targetNames(x, into);
  else if (e.kind === 'Starred') targetNames(e.value, into);
}

/** The module-level names a top-level statement binds (inside an `if` or `try` too; not a function's locals). */
function namesBound(s: A.Stmt): string[] {
  const names = new Set<string>();
  walkStatements([s], {
    stmt: (t) => {
      switch (t.kind) {
        case 'FunctionDef':
        case 'ClassDef':
          names.add(t.name);
          return false;
        case 'Assign':
          t.targets.forEach((x) => targetNames(x, names));
          break;
        case 'AugAssign':
        case 'AnnAssign':
        case 'For':
          targetNames(t.target, names);
          break;
        case 'With':
          for (const item of t.items) targetNames(item.target, names);
          break;
        case 'Match':
          for (const c of t.cases) for (const n of patternNames(c.pattern)) names.add(n);
          break;
        case 'Import':
          for (const a of t.names) names.add(a.asname ?? a.name.split('.')[0]);
          break;
        case 'ImportFrom':
          for (const a of t.names ?? []) names.add(a.asname ?? a.name);
          break;
      }
      return undefined;
    },
  });
  return [...names];
}

/** The top-level statements of a parse, each with its text (from the parse's own source) hashed. */
export function topLevelStatements(parsed: ParseResult): TopLevelStatement[] {
  return parsed.module.body.map((s) => ({ hash: sourceHashOf(parsed.source.slice(s.span.from, s.span.to)), binds: namesBound(s), reads: namesRead([s]) }));
}

/**
 * The names a function's staleness follows: those it mentions, those its example call's arguments
 * mention (`f(x, w)`: the statements that make x and w), and, for a method or a nested function,
 * the top-level definition that holds it (its qualname's first part).
 */
export function functionReads(fn: Pick<FunctionInfo, 'node' | 'qualname' | 'inputSources'>): string[] {
  const reads = new Set(namesRead([fn.node]));
  const source = fn.inputSources[0];
  if (source?.kind === 'call') for (const arg of source.call.args) namesInExpr(arg.value, reads);
  const outer = fn.qualname.split('.')[0];
  if (outer !== fn.qualname) reads.add(outer);
  return [...reads];
}

function namesInExpr(e: A.Expr, into: Set<string>): void {
  walkExpr(e, { expr: (x) => { if (x.kind === 'Name') into.add(x.id); } }, []);
}

/** Which top-level statements bind each name: built once a document, asked for each of its functions. */
export class ModuleDependencies {
  private readonly binders: ReadonlyMap<string, readonly number[]>;
  /**
   * What a list of reads reaches, by the list: functions of one file often read the same names (300
   * in the LSP bench file), and a keystroke that rebinds one of them (broken code that turns body
   * lines into top-level statements) rehashes them all: each walked ~200 statements.
   */
  private readonly reached = new Map<string, { readonly hash: string | null; readonly followed: ReadonlySet<string> }>();

  /** @param binders which of `statements` bind each name, where the caller has it (`restated`). */
  constructor(private readonly statements: readonly TopLevelStatement[], binders?: ReadonlyMap<string, readonly number[]>) {
    if (binders) {
      this.binders = binders;
      return;
    }
    const made = new Map<string, number[]>();
    statements.forEach((s, i) => {
      for (const name of s.binds) {
        const at = made.get(name);
        if (at) at.push(i);
        else made.set(name, [i]);
      }
    });
    this.binders = made;
  }

  /**
   * The dependencies of `statements`, which bind the names these bind at the same places (an
   * edit that changed only their texts and reads): the binders are these ones, nothing is reached yet.
   */
  restated(statements: readonly TopLevelStatement[]): ModuleDependencies {
    return new ModuleDependencies(statements, this.binders);
  }

  /**
   * The staleness hash: the function's own text's hash alone when it reads nothing of its file,
   * else with the hashes of the statements it reaches, in file order.
   */
  hash(ownText: string, reads: readonly string[]): string {
    return this.hashFrom(sourceHashOf(ownText), reads);
  }

  /** As `hash`, from the own text's hash (the server keeps it with each function's analysis). */
  hashFrom(ownHash: string, reads: readonly string[]): string {
    return this.reach(ownHash, reads).hash;
  }

  /** The hash, and every name followed to make it: a statement binding none of them cannot change it. */
  reach(ownHash: string, reads: readonly string[]): { readonly hash: string; readonly followed: ReadonlySet<string> } {
    const key = reads.join('\u0000');
    let found = this.reached.get(key);
    if (!found) this.reached.set(key, (found = this.statementsReached(reads)));
    return { hash: found.hash === null ? ownHash : sourceHashOf(`${ownHash}\u0000${found.hash}`), followed: found.followed };
  }

  /** The hash of the statements `reads` reach (null when none), and every name followed to them. */
  private statementsReached(reads: readonly string[]): { readonly hash: string | null; readonly followed: ReadonlySet<string> } {
    const reached = new Set<number>();
    const pending = [...reads];
    const seen = new Set<string>(pending);
    while (pending.length > 0) {
      for (const i of this.binders.get(pending.pop()!) ?? []) {
        if (reached.has(i)) continue;
        reached.add(i);
        for (const name of this.statements[i].reads) {
          if (seen.has(name)) continue;
          seen.add(name);
          pending.push(name);
        }
      }
    }
    if (reached.size === 0) return { hash: null, followed: seen };
    const hashes = [...reached].sort((a, b) => a - b).map((i) => this.statements[i].hash);
    return { hash: sourceHashOf(hashes.join('')), followed: seen };
  }
}

/** The hash a result of `fn` is kept under, from a parse of the whole document. */
export function functionSourceHash(documentText: string, parsed: ParseResult, fn: FunctionInfo): string {
  return new ModuleDependencies(topLevelStatements(parsed)).hash(functionText(documentText, fn), functionReads(fn));
}
