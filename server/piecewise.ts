/**
 * Incremental analysis: a document is cut at its top-level definitions, and each piece is analyzed
 * on its own with a short context that carries what the rest of the file contributes (every
 * import, the names bound elsewhere that the piece calls, a `# gradlens:` comment just above it).
 * A keystroke re-analyzes the one piece it changed; the other pieces' results are moved to where
 * their piece now starts. When a function's example-input call lies in another piece, or two
 * imports bind one name differently, the file is analyzed whole: the answer is always what a
 * whole-file analysis gives.
 */
import type { Diagnostic as LspDiagnostic, Range } from 'vscode-languageserver';
import { analyze, distinctQualnames, moduleFacts, parse, type ModuleFacts, type ModuleRegistry, type ParseResult } from '../lang/python';
import { topLevelStatements, type TopLevelStatement } from '../evaluation';
import { summarize, summarizeUnhashed, type DocumentAnalysis, type FunctionSummary } from './analysis';
import { DependencyHashes } from './dependency_hashes';
import type { LensFunction } from './lenses';
import { scanPieceLenses } from './lens_scan';
import { ChunkedParser, definitionStarts, definitionStartsAfterEdit, joinParses, type Unchanged } from './chunked_parse';
import { wholeText, type SourceText } from './text_chunks';

interface Piece {
  readonly text: string;
  /** Offset where the piece starts. */
  readonly from: number;
  /** 0-based line where the piece starts. */
  readonly line: number;
  /** How many line breaks the piece holds (the next piece starts that many lines below). */
  readonly breaks: number;
  /** The `# gradlens:` comment the piece's last line holds, for the piece below it, or ''. */
  readonly commentBelow: string;
  readonly parsed: ParseResult;
  readonly facts: ModuleFacts;
}

/** What a piece is analyzed with: the `# gradlens:` comment above it, and the file's bindings it uses. */
interface PieceContext {
  readonly comment: string;
  readonly bindings: string;
}

/** A piece's text parsed on its own, and what it contributes to the other pieces. */
type Parsed = Pick<Piece, 'parsed' | 'facts' | 'breaks' | 'commentBelow'>;

const GRADLENS_COMMENT = /^[ \t]*#[ \t]*gradlens[ \t]*:/;

function movedRange(r: Range, lines: number): Range {
  return { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
}

function movedFunction(f: FunctionSummary, lines: number): FunctionSummary {
  return {
    ...f,
    nameRange: movedRange(f.nameRange, lines),
    range: movedRange(f.range, lines),
    headerEnd: { line: f.headerEnd.line + lines, character: f.headerEnd.character },
    inputs: f.inputs && { ...f.inputs, line: f.inputs.line + lines },
  };
}

function movedAnalysis(a: DocumentAnalysis, lines: number): DocumentAnalysis {
  if (lines === 0) return a;
  return {
    functions: a.functions.map((f) => movedFunction(f, lines)),
    diagnostics: a.diagnostics.map((d): LspDiagnostic => ({ ...d, range: movedRange(d.range, lines) })),
  };
}

/**
 * A piece's analysis where the piece stands: its ranges moved, and the lines its syntax errors'
 * messages name made the file's (the piece is parsed alone, so `after 'if' statement on line 2`
 * counts from its first line; a moved piece keeps its parse).
 */
function placedAnalysis(a: DocumentAnalysis, lines: number): DocumentAnalysis {
  const moved = movedAnalysis(a, lines);
  if (lines === 0) return moved;
  const fileLines = (message: string) => message.replace(/\b(on|detected at) line (\d+)\b/g, (_, words: string, n: string) => `${words} line ${Number(n) + lines}`);
  return { ...moved, diagnostics: moved.diagnostics.map((d) => (d.code === 'syntax' && typeof d.message === 'string' ? { ...d, message: fileLines(d.message) } : d)) };
}

/**
 * Whether each piece's functions find their example-input call in their own piece (or nowhere),
 * and no name is imported as two different modules: then every piece can be analyzed alone.
 */
function selfContained(pieces: readonly Piece[]): boolean {
  const aliases = new Map<string, string>();
  for (const { facts } of pieces) {
    for (const [alias, module] of facts.aliases) {
      if ((aliases.get(alias) ?? module) !== module) return false;
      aliases.set(alias, module);
    }
  }
  const calls = new Map<string, { piece: number; found: readonly { readonly from: number; readonly to: number; readonly topLevel: boolean }[] }[]>();
  pieces.forEach(({ facts }, piece) => {
    for (const [name, found] of facts.calls) {
      const all = calls.get(name);
      if (all) all.push({ piece, found });
      else calls.set(name, [{ piece, found }]);
    }
  });
  return pieces.every(({ facts }, piece) =>
    facts.functions.every((fn) => {
      // As the analyzer picks it: the first call at module level, else the first one; never one inside the function.
      let first: number | undefined;
      for (const { piece: at, found } of calls.get(fn.name) ?? []) {
        for (const c of found) {
          if (at === piece && c.from >= fn.from && c.to <= fn.to) continue;
          if (c.topLevel) return at === piece;
          first ??= at;
        }
      }
      return first === undefined || first === piece;
    }),
  );
}

/** The last line of a piece, with its line break (a piece ends where the next one's line starts). */
function lastLine(piece: string): string {
  return piece.slice(piece.length < 2 ? 0 : piece.lastIndexOf('\n', piece.length - 2) + 1);
}

/**
 * What a piece means for the rest of the file besides the names it binds, as one string: its
 * imports, the comment it ends with, and what `selfContained` reads of its calls (for each name
 * called, whether a call is at top level; for each function, whether a call of it lies outside it,
 * and at top level). A piece edited to another with the same key, binding no name that no piece
 * bound or the last of one, leaves every other piece's context, the file's imports, and whether
 * the file can be analyzed in pieces as they were.
 */
function outwardKey({ facts, commentBelow }: Pick<Piece, 'facts' | 'commentBelow'>): string {
  const calls = [...facts.calls].map(([name, found]) => `${name}${found.some((c) => c.topLevel) ? '^' : '.'}`);
  const functions = facts.functions.map((fn) => {
    const outside = (facts.calls.get(fn.name) ?? []).filter((c) => c.from < fn.from || c.to > fn.to);
    return `${fn.name}${outside.length === 0 ? '' : outside.some((c) => c.topLevel) ? '^' : '.'}`;
  });
  return [facts.imports.join('\n'), [...facts.aliases].join(' '), commentBelow, calls.join(' '), functions.join(' ')].join('\u0000');
}

export class DocumentAnalyzer {
  private parsed = new Map<string, Parsed>();
  /** The text analyzed last, its definition starts and its pieces. */
  private previous: { readonly text: SourceText; readonly starts: readonly number[]; readonly pieces: readonly Piece[] } | null = null;
  /** Parses of the contexts' bindings, by their text. */
  private preludes = new Map<string, ParseResult>();
  /** Each piece's analysis, by its context and then its text (two maps: no long joined keys to hash). */
  private analyses = new Map<string, Map<string, DocumentAnalysis>>();
  /** Each piece's analysis where it last stood: a keystroke that adds no line moves nothing. */
  private readonly placed = new WeakMap<DocumentAnalysis, { line: number; moved: DocumentAnalysis }>();
  private readonly whole = new ChunkedParser();
  private readonly hashes = new DependencyHashes();
  /** Each piece's top-level statements as dependencies, by its parse: an edit hashes only its piece's again. */
  private readonly statements = new WeakMap<ParseResult, readonly TopLevelStatement[]>();
  /** How many pieces bind each name, kept from one analysis to the next with the pieces counted. */
  private readonly binders = new Map<string, number>();
  private counted = new Map<ParseResult, { readonly facts: ModuleFacts; readonly n: number }>();
  /**
   * Each piece's context and its key, by the piece's parse, while the file's imports and the names
   * it binds stay the same: then a piece's context changes only with the comment above it.
   */
  private contexts = new Map<ParseResult, { readonly comment: string; readonly context: PieceContext; readonly key: string }>();
  private imports = '';
  /**
   * The last analysis done in pieces, piece by piece: the next one re-analyzes only the pieces that
   * changed when their outward keys stayed the same, and keeps the file's bookkeeping as it was.
   */
  private analyzed: {
    readonly pieces: readonly Piece[];
    /** Each piece's analysis, lines counted from its first line, and as it stands in the file. */
    readonly own: readonly DocumentAnalysis[];
    readonly placed: readonly DocumentAnalysis[];
    readonly imports: readonly string[];
  } | null = null;
  private readonly outward = new WeakMap<ParseResult, string>();
  /** The last text cut and where its pieces start, for `prepare` and the analysis of that text after it. */
  private cuts: { readonly text: SourceText; readonly starts: number[]; readonly unchanged: Unchanged; texts?: string[] } | null = null;

  constructor(private readonly modules: ModuleRegistry) {}

  private parse(piece: string): Parsed {
    const parsed = parse(piece);
    let breaks = 0;
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) breaks++;
    const last = lastLine(piece);
    return { parsed, facts: moduleFacts(parsed, { modules: this.modules }), breaks, commentBelow: GRADLENS_COMMENT.test(last) ? last.replace(/\r?\n$/, '') : '' };
  }

  /**
   * Where the pieces of `text` start, found from those of the text analyzed last when there is one
   * (`edited`: what the edits since it left alone, when the caller knows).
   */
  private cut(text: SourceText, edited?: Unchanged): NonNullable<DocumentAnalyzer['cuts']> {
    if (this.cuts?.text !== text) {
      const previous = this.previous;
      const found = previous ? definitionStartsAfterEdit(previous.text, previous.starts, text, edited) : { starts: definitionStarts(wholeText(text)), unchanged: { prefix: 0, suffix: 0 } };
      this.cuts = { text, ...found };
    }
    return this.cuts;
  }

  /**
   * The text cut into pieces. A piece the edit left alone is the piece it was, the same string:
   * keyed by it, the maps below find it by the hash the string keeps, without reading 200 KB of
   * text at each keystroke.
   */
  private pieces(text: SourceText, edited?: Unchanged): Piece[] {
    const previous = this.previous;
    const { starts: found, unchanged } = this.cut(text, edited);
    const starts = found[0] === 0 ? found : [0, ...found];
    const old = previous?.pieces ?? [];
    const shift = text.length - (previous?.text.length ?? 0);
    const carried = new Set<Piece>();
    // NB: before a first analysis the map may hold what `prepare` parsed of another text: it is made again.
    const parsed = previous ? this.parsed : new Map<string, Parsed>();
    let line = 0;
    const pieces = starts.map((from, i): Piece => {
      const to = starts[i + 1] ?? text.length;
      // The piece the edit left alone here: the same index counted from the start, or from the end.
      const before = to <= unchanged.prefix ? old[i] : from >= text.length - unchanged.suffix ? old[i + old.length - starts.length] : undefined;
      const at = line;
      if (before && before.from === (to <= unchanged.prefix ? from : from - shift) && before.text.length === to - from) {
        carried.add(before);
        line += before.breaks;
        return before.from === from && before.line === at ? before : { ...before, from, line: at };
      }
      const piece = text.slice(from, to);
      const known = parsed.get(piece) ?? this.parsed.get(piece) ?? this.parse(piece);
      parsed.set(piece, known);
      line += known.breaks;
      return { text: piece, from, line: at, ...known };
    });
    for (const gone of old) if (!carried.has(gone) && !pieces.some((p) => p.text === gone.text)) parsed.delete(gone.text);
    this.parsed = parsed;
    this.previous = { text, starts: found, pieces };
    return pieces;
  }

  /** The texts of the pieces of `text`, in order (the same strings from one call to the next). */
  private pieceTexts(text: SourceText): string[] {
    const cuts = this.cut(text);
    const starts = [0, ...cuts.starts.filter((s) => s > 0)];
    return (cuts.texts ??= starts.map((from, i) => text.slice(from, starts[i + 1] ?? text.length)));
  }

  /**
   * Parses the pieces of `text` not parsed yet, in order, until `deadline` (a `performance.now()`
   * time) or at least one; true when all are. `analyze` of the same text then reuses them: a document can be
   * analyzed a slice at a time, with other requests served in between.
   */
  prepare(text: SourceText, deadline: number): boolean {
    let progressed = false;
    for (const piece of this.pieceTexts(text)) {
      if (this.parsed.has(piece)) continue;
      // At least one piece a call, however late: slices under load still end.
      if (progressed && performance.now() >= deadline) return false;
      this.parsed.set(piece, this.parse(piece));
      progressed = true;
    }
    return true;
  }

  /**
   * The functions of `text` before its analysis, for a file just opened, those with CodeLenses
   * marked evaluable: each piece's from its
   * tokens (lens_scan.ts) where they settle them, else from the piece parsed (until `deadline`;
   * past it, the lenses of the pieces before: `complete` false) and analyzed with the file's
   * imports. They are what the analysis gives: a function is numeric by its own body and the
   * file's imports. The pieces that import are parsed first, whatever the deadline; null when two
   * imports bind one name differently.
   */
  openingLenses(text: SourceText, deadline: number): { functions: LensFunction[]; complete: boolean } | null {
    const texts = this.pieceTexts(text);
    const importing = new Set(texts.filter((piece) => /\bimport\b/.test(piece)));
    const aliases = new Map<string, string>();
    const numericAliases = new Set<string>();
    const imports: string[] = [];
    for (const piece of importing) {
      const parsed = this.parsed.get(piece) ?? this.parse(piece);
      this.parsed.set(piece, parsed);
      for (const [alias, module] of parsed.facts.aliases) {
        if ((aliases.get(alias) ?? module) !== module) return null;
        aliases.set(alias, module);
      }
      for (const alias of parsed.facts.numericAliases) numericAliases.add(alias);
      imports.push(...parsed.facts.imports);
    }
    const modules = [...numericAliases];
    const context: PieceContext = { comment: '', bindings: imports.join('\n') + '\n' };
    const key = `${context.comment}\u0000${context.bindings}`;
    const prelude = this.preludes.get(context.bindings) ?? parse(context.bindings);
    this.preludes.set(context.bindings, prelude);
    let kept = this.analyses.get(key);
    if (!kept) this.analyses.set(key, (kept = new Map()));
    const functions: LensFunction[] = [];
    let line = 0;
    for (const piece of texts) {
      let lenses: readonly LensFunction[] | null = importing.has(piece) ? null : scanPieceLenses(piece, modules);
      if (!lenses) {
        let parsed = this.parsed.get(piece);
        if (!parsed) {
          if (performance.now() >= deadline) return { functions, complete: false };
          this.parsed.set(piece, (parsed = this.parse(piece)));
        }
        // Kept under its context, as `analyze` looks for it: a piece whose context this is is not analyzed twice.
        const analysis = kept.get(piece) ?? this.analyzePiece(context, prelude, { text: piece, parsed: parsed.parsed });
        kept.set(piece, analysis);
        lenses = analysis.functions;
      }
      for (const f of lenses) functions.push(line === 0 ? f : { ...f, nameRange: movedRange(f.nameRange, line) });
      for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) line++;
    }
    // NB: a name defined in two pieces (two cells) is told apart as a whole-file analysis tells it.
    return { functions: distinctQualnames(functions), complete: true };
  }

  /** `edited`: what the edits since the last call left alone of the text, where the caller knows it (the editor's change ranges). */
  analyze(text: SourceText, edited?: Unchanged): DocumentAnalysis {
    const pieces = this.pieces(text, edited);
    const last = this.analyzed;
    const changed = this.changedAlone(pieces);
    let own: readonly DocumentAnalysis[];
    let imports: readonly string[];
    if (last && changed) {
      imports = last.imports;
      own = this.reanalyzed(pieces, changed, last);
    } else {
      if (!selfContained(pieces)) {
        this.analyzed = null;
        this.analyses.clear();
        const all = wholeText(text);
        return summarize(all, analyze(this.whole.parse(all), { modules: this.modules }));
      }
      imports = pieces.flatMap((p) => p.facts.imports);
      own = this.analyzedAll(pieces, imports);
    }
    const placed = pieces.map((piece, i) => (last && own[i] === last.own[i] && piece.line === last.pieces[i].line ? last.placed[i] : this.place(own[i], piece.line)));
    this.analyzed = { pieces, own, placed, imports };
    const functions: FunctionSummary[] = [];
    const diagnostics: LspDiagnostic[] = [];
    for (const { functions: f, diagnostics: d } of placed) {
      for (const fn of f) functions.push(fn);
      for (const diagnostic of d) diagnostics.push(diagnostic);
    }
    // A piece is analyzed alone: what each function reads in the other pieces is hashed here, from all of them.
    const statements: TopLevelStatement[] = [];
    for (const piece of pieces) for (const statement of this.statementsOf(piece.parsed)) statements.push(statement);
    return { functions: this.hashes.withHashes(statements, distinctQualnames(functions)), diagnostics };
  }

  /**
   * The indices of the pieces that differ from those of the last analysis in pieces, when there are
   * as many, each changed one keeps its outward key, and every name bound before is bound still and
   * no other: then the binders are counted for them; else null.
   */
  private changedAlone(pieces: readonly Piece[]): number[] | null {
    const last = this.analyzed;
    if (!last || last.pieces.length !== pieces.length) return null;
    const changed: number[] = [];
    const bound = new Map<string, number>();
    const count = (assigned: ReadonlySet<string>, n: number) => {
      for (const name of assigned) bound.set(name, (bound.get(name) ?? 0) + n);
    };
    for (let i = 0; i < pieces.length; i++) {
      if (pieces[i].parsed === last.pieces[i].parsed) continue;
      if (this.outwardKey(pieces[i]) !== this.outwardKey(last.pieces[i])) return null;
      changed.push(i);
      count(last.pieces[i].facts.assigned, -1);
      count(pieces[i].facts.assigned, 1);
    }
    for (const [name, n] of bound) {
      const was = this.binders.get(name) ?? 0;
      if ((was === 0) !== (was + n === 0)) return null;
    }
    for (const [name, n] of bound) if (n !== 0) this.binders.set(name, this.binders.get(name)! + n);
    for (const i of changed) {
      this.recount(last.pieces[i], -1);
      this.recount(pieces[i], 1);
    }
    return changed;
  }

  /** Adds `n` to the times `this.counted` counts the piece's parse (the binders counted with it). */
  private recount({ parsed, facts }: Piece, n: number): void {
    const c = this.counted.get(parsed);
    const now = (c?.n ?? 0) + n;
    if (now === 0) this.counted.delete(parsed);
    else this.counted.set(parsed, { facts, n: now });
  }

  private outwardKey(piece: Piece): string {
    let key = this.outward.get(piece.parsed);
    if (key === undefined) this.outward.set(piece.parsed, (key = outwardKey(piece)));
    return key;
  }

  /** Each piece's analysis, the file's imports and binders counted again, the analyses of unchanged pieces in unchanged contexts kept. */
  private analyzedAll(pieces: readonly Piece[], imports: readonly string[]): DocumentAnalysis[] {
    const importsKey = imports.join('\n');
    if (this.countBinders(pieces) || importsKey !== this.imports) this.contexts.clear();
    this.imports = importsKey;
    const contexts = new Map<ParseResult, { comment: string; context: PieceContext; key: string }>();
    const analyses = new Map<string, Map<string, DocumentAnalysis>>();
    const preludes = new Map<string, ParseResult>();
    const own = pieces.map((piece, i) => {
      const comment = i === 0 ? '' : pieces[i - 1].commentBelow;
      let known = contexts.get(piece.parsed) ?? this.contexts.get(piece.parsed);
      if (known?.comment !== comment) {
        const context = this.context(piece, this.binders, imports, comment);
        known = { comment, context, key: `${context.comment}\u0000${context.bindings}` };
      }
      contexts.set(piece.parsed, known);
      const { context, key } = known;
      let kept = analyses.get(key);
      if (!kept) analyses.set(key, (kept = new Map()));
      let analysis = kept.get(piece.text) ?? this.analyses.get(key)?.get(piece.text);
      if (!analysis) {
        const bindings = preludes.get(context.bindings) ?? this.preludes.get(context.bindings) ?? parse(context.bindings);
        preludes.set(context.bindings, bindings);
        analysis = this.analyzePiece(context, bindings, piece);
      }
      kept.set(piece.text, analysis);
      return analysis;
    });
    this.analyses = analyses;
    this.contexts = contexts;
    if (preludes.size > 0) this.preludes = preludes;
    return own;
  }

  /**
   * The analyses of the last analysis in pieces with those of the `changed` pieces made again: each
   * keeps its outward key, so the file's imports, binders and the other pieces' contexts are those
   * of the last analysis. What the replaced pieces kept in the maps goes with them.
   */
  private reanalyzed(pieces: readonly Piece[], changed: readonly number[], last: NonNullable<DocumentAnalyzer['analyzed']>): DocumentAnalysis[] {
    const own = [...last.own];
    for (const i of changed) {
      const piece = pieces[i];
      const comment = i === 0 ? '' : pieces[i - 1].commentBelow;
      let known = this.contexts.get(piece.parsed);
      if (known?.comment !== comment) {
        const context = this.context(piece, this.binders, last.imports, comment);
        known = { comment, context, key: `${context.comment}\u0000${context.bindings}` };
        this.contexts.set(piece.parsed, known);
      }
      const { context, key } = known;
      let kept = this.analyses.get(key);
      if (!kept) this.analyses.set(key, (kept = new Map()));
      let analysis = kept.get(piece.text);
      if (!analysis) {
        const bindings = this.preludes.get(context.bindings) ?? parse(context.bindings);
        this.preludes.set(context.bindings, bindings);
        kept.set(piece.text, (analysis = this.analyzePiece(context, bindings, piece)));
      }
      own[i] = analysis;
    }
    for (const i of changed) {
      const gone = last.pieces[i];
      if (pieces.some((p) => p.parsed === gone.parsed)) continue;
      const key = this.contexts.get(gone.parsed)?.key;
      this.contexts.delete(gone.parsed);
      const kept = key === undefined ? undefined : this.analyses.get(key);
      kept?.delete(gone.text);
      if (key !== undefined && kept?.size === 0) this.analyses.delete(key);
    }
    return own;
  }

  /** A piece's analysis moved to `line`, kept for the next analysis: a keystroke that adds no line moves nothing. */
  private place(analysis: DocumentAnalysis, line: number): DocumentAnalysis {
    const placed = this.placed.get(analysis);
    if (placed?.line === line) return placed.moved;
    const moved = placedAnalysis(analysis, line);
    this.placed.set(analysis, { line, moved });
    return moved;
  }

  private statementsOf(parsed: ParseResult): readonly TopLevelStatement[] {
    let statements = this.statements.get(parsed);
    if (!statements) this.statements.set(parsed, (statements = topLevelStatements(parsed)));
    return statements;
  }

  /** Counts the names the pieces bind, from the count for the last pieces; true when a name is bound now and was not, or the reverse. */
  private countBinders(pieces: readonly Piece[]): boolean {
    const counted = new Map<ParseResult, { facts: ModuleFacts; n: number }>();
    for (const { parsed, facts } of pieces) {
      const c = counted.get(parsed);
      if (c) c.n++;
      else counted.set(parsed, { facts, n: 1 });
    }
    let changed = false;
    const add = (facts: ModuleFacts, n: number) => {
      for (const name of facts.assigned) {
        const was = this.binders.get(name) ?? 0;
        if (was === 0 || was + n === 0) changed = true;
        if (was + n === 0) this.binders.delete(name);
        else this.binders.set(name, was + n);
      }
    };
    for (const [parsed, c] of counted) if (c.n !== (this.counted.get(parsed)?.n ?? 0)) add(c.facts, c.n - (this.counted.get(parsed)?.n ?? 0));
    for (const [parsed, c] of this.counted) if (!counted.has(parsed)) add(c.facts, -c.n);
    this.counted = counted;
    return changed;
  }

  /**
   * What the rest of the file means for a piece: every import of the file and the names the piece
   * calls that other pieces bind (read after the piece: the analyzer collects them from anywhere in
   * a module), and a `# gradlens:` comment right above it (read before it, where it stands).
   */
  private context(piece: Piece, binders: ReadonlyMap<string, number>, imports: readonly string[], comment: string): PieceContext {
    const boundElsewhere = [...piece.facts.called].filter((name) => !piece.facts.assigned.has(name) && binders.has(name));
    return {
      comment,
      bindings: [...imports, ...boundElsewhere.map((name) => `${name} = None`)].join('\n') + '\n',
    };
  }

  /**
   * The piece's functions and diagnostics, with lines counted from the piece's first line: the
   * piece's own parse, unmoved unless a comment stands above it, joined with its context's. What
   * is wrong in the comment is reported on the comment's line.
   */
  private analyzePiece(context: PieceContext, bindings: ParseResult, piece: Pick<Piece, 'text' | 'parsed'>): DocumentAnalysis {
    const comment = context.comment ? `${context.comment}\n` : '';
    const before = comment ? 1 : 0;
    const ownText = piece.text.endsWith('\n') || piece.text === '' ? piece.text : `${piece.text}\n`;
    const ownLines = ownText.split('\n').length - 1;
    const text = comment + ownText + context.bindings;
    const parts = [
      ...(comment ? [{ parsed: parse(comment), from: 0, line: 1 }] : []),
      { parsed: piece.parsed, from: comment.length, line: before + 1 },
      { parsed: bindings, from: comment.length + ownText.length, line: before + ownLines + 1 },
    ];
    const all = summarizeUnhashed(text, analyze(joinParses(text, parts), { modules: this.modules }));
    const inPiece = (r: Range) => r.start.line < before + ownLines;
    return movedAnalysis(
      {
        functions: all.functions.filter((f) => f.range.start.line >= before && inPiece(f.range)),
        diagnostics: all.diagnostics.filter((d) => inPiece(d.range)),
      },
      -before,
    );
  }
}
