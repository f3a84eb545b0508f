/**
 * Static analysis of a Python file, without running it: its functions (with
 * parameters, decorators, spans), which are numeric, where their example inputs
 * can come from, and what in the file Gradlens cannot run. Works on half-typed
 * files: whatever parsed is analyzed.
 */
import type * as A from '../syntax/ast';
import { FINALIZER_REFUSAL, finalizerDefinition, REFUSED_BUILTINS, refusedMessage, type ModuleRegistry, unsupportedModuleMessage } from '../interpreter';
import {
  parse,
  parseArguments,
  syntaxErrorClass,
  type ParseResult,
  type SyntaxProblem,
  type Span,
  forEachChild,
  someExpr,
  walkExpr,
  walkStatements,
} from '../syntax';
import { STANDARD_MODULES } from '../modules';

export type DiagnosticCode =
  | 'syntax'
  | 'unsupported-module'
  | 'unsupported-import'
  | 'unsupported-attribute'
  | 'unsupported-call'
  | 'unsupported-syntax'
  | 'bad-inputs-comment'
  | 'traced-branch';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly span: Span;
}

export interface ParamInfo {
  readonly name: string;
  readonly kind: A.ParamKind;
  readonly span: Span;
  /** The default's source text and expression, when there is one. */
  readonly default: { readonly text: string; readonly expr: A.Expr; readonly span: Span } | null;
  readonly annotation: string | null;
}

/** One argument of an example-input source, bound to the parameter it fills. */
export interface InputBinding {
  /** The parameter; null for an extra positional argument that no named parameter takes. */
  readonly param: string | null;
  readonly text: string;
  readonly expr: A.Expr;
  readonly span: Span;
}

/**
 * Where a function's example inputs come from, in DESIGN.md's order of preference:
 * a call in the file (the values the arguments have at that call), the parameter
 * defaults, or a `# gradlens: x=2.0` comment above the `def`.
 */
export type InputSource =
  | {
      readonly kind: 'call';
      /** The call expression; the script runs up to it and the arguments are captured there. */
      readonly call: A.Call;
      readonly span: Span;
      /** True when the call is at module level (it runs whenever the script runs). */
      readonly topLevel: boolean;
      readonly bindings: readonly InputBinding[];
      /** A call of an instance (`model(x)`) for its class's `forward`: the instance is `self`. */
      readonly instance?: boolean;
    }
  | { readonly kind: 'defaults'; readonly bindings: readonly InputBinding[] }
  | { readonly kind: 'comment'; readonly span: Span; readonly bindings: readonly InputBinding[] };

export interface FunctionInfo {
  readonly name: string;
  /** `f`, `outer.<locals>.inner`, `Model.forward`: as Python's __qualname__. */
  readonly qualname: string;
  /** The whole definition, decorators included. */
  readonly span: Span;
  readonly nameSpan: Span;
  readonly params: readonly ParamInfo[];
  readonly decorators: readonly { readonly text: string; readonly span: Span }[];
  /** The enclosing function's qualname, for nested functions. */
  readonly parent: string | null;
  /** The class it is a method of. */
  readonly className: string | null;
  /** Uses arithmetic or a supported numeric module. */
  readonly isNumeric: boolean;
  /** What inside the function cannot run. */
  readonly unsupported: readonly Diagnostic[];
  /** Candidate example-input sources, best first; the first is the one to use. */
  readonly inputSources: readonly InputSource[];
  readonly node: A.FunctionDef;
}

export interface ImportInfo {
  /** The dotted module name. */
  readonly module: string;
  /** The name it is bound to in the file. */
  readonly alias: string;
  readonly span: Span;
  readonly supported: boolean;
}

export interface Analysis {
  readonly parse: ParseResult;
  readonly functions: readonly FunctionInfo[];
  readonly imports: readonly ImportInfo[];
  /** Syntax errors and everything that cannot run, in source order. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface AnalyzeOptions {
  /** Module shims available at run time; defaults to the standard ones (`math`). */
  modules?: ModuleRegistry;
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '//', '%', '**', '@']);
/** Attributes of a traced array that jit knows without its value. */
const STATIC_ATTRIBUTES = new Set(['shape', 'ndim', 'dtype', 'size']);
const COMPOUND = new Set<A.Stmt['kind']>(['FunctionDef', 'ClassDef', 'With', 'Try', 'If', 'While', 'For']);
const GRADLENS_COMMENT = /^[ \t]*#[ \t]*gradlens[ \t]*:(.*)$/;
const LIVE_MARK = /^[ \t]*live[ \t]*(,|$)/;

/** The standard shims with the given ones, merged once per registry: the server analyzes a file's pieces one by one with the same registry. */
const withStandard = new WeakMap<ModuleRegistry, ModuleRegistry>();

function registry(modules: ModuleRegistry | undefined): ModuleRegistry {
  if (!modules) return STANDARD_MODULES;
  let merged = withStandard.get(modules);
  if (!merged) withStandard.set(modules, (merged = { ...STANDARD_MODULES, ...modules }));
  return merged;
}

/**
 * Qualified names that tell definitions of one name apart (a notebook's cells redefining `loss`, a
 * file redefining `f`), so the editor asks for each: the last keeps Python's `__qualname__` (what
 * the name holds once the script ran), each earlier one gets `#1`, `#2`, ... in source order.
 */
export function distinctQualnames<T extends { readonly qualname: string }>(functions: readonly T[]): T[] {
  // NB: `#k` numbers already given (a piece of a file analyzed alone) are given again over all of them.
  const bases = functions.map((f) => (f.qualname.includes('#') ? f.qualname.replace(/#\d+$/, '') : f.qualname));
  const count = new Map<string, number>();
  for (const base of bases) count.set(base, (count.get(base) ?? 0) + 1);
  const seen = new Map<string, number>();
  return functions.map((f, i) => {
    const base = bases[i];
    const n = count.get(base)!;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    const qualname = k === n ? base : `${base}#${k}`;
    return qualname === f.qualname ? f : { ...f, qualname };
  });
}

export function analyze(input: string | ParseResult, options: AnalyzeOptions = {}): Analysis {
  const parsed = typeof input === 'string' ? parse(input) : input;
  return new Analyzer(parsed, registry(options.modules)).run();
}

/**
 * What one part of a module contributes to the analysis of the other parts: its import statements,
 * the names it binds, and the calls of plain names at module scope (a function's example inputs
 * may come from a call anywhere in the file). An editor that re-analyzes only the part of a file
 * that changed checks these to know when a change reaches further.
 */
export interface ModuleFacts {
  /** The source text of each import statement, in order. */
  readonly imports: readonly string[];
  /** Names the imports bind: alias -> dotted module (or module.attribute). */
  readonly aliases: ReadonlyMap<string, string>;
  readonly assigned: ReadonlySet<string>;
  /** Every plain name called anywhere in the part. */
  readonly called: ReadonlySet<string>;
  /** Evaluable calls of plain names at module scope, by name, in source order (offsets into the part). */
  readonly calls: ReadonlyMap<string, readonly { readonly from: number; readonly to: number; readonly topLevel: boolean }[]>;
  /** Functions whose example-input calls are looked for at module scope (not methods, not nested). */
  readonly functions: readonly { readonly name: string; readonly from: number; readonly to: number }[];
  /** The aliases bound to a supported module (or to a name in one): a function that reads one is numeric. */
  readonly numericAliases: ReadonlySet<string>;
}

export function moduleFacts(parsed: ParseResult, options: AnalyzeOptions = {}): ModuleFacts {
  return new Analyzer(parsed, registry(options.modules)).facts();
}

class Analyzer {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly imports: ImportInfo[] = [];
  /** Names bound by imports: alias -> dotted module (or module.attribute for `from m import f`). */
  private readonly aliases = new Map<string, { module: string; isModule: boolean }>();
  /** Every name assigned or defined anywhere, to tell shadowed builtins apart. */
  private readonly assigned = new Set<string>();
  private readonly callIndex = new Map<readonly A.Stmt[], ReadonlyMap<string, readonly { call: A.Call; topLevel: boolean }[]>>();
  private readonly src: string;

  constructor(
    private readonly parsed: ParseResult,
    private readonly modules: ModuleRegistry,
  ) {
    this.src = parsed.source;
  }

  private text(span: Span): string {
    return this.src.slice(span.from, span.to);
  }

  private report(code: DiagnosticCode, message: string, span: Span, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ code, severity, message, span });
  }

  facts(): ModuleFacts {
    const body = this.parsed.module.body;
    this.collectNamesAndImports(body);
    const imports: string[] = [];
    const called = new Set<string>();
    const functions: { name: string; from: number; to: number }[] = [];
    walkStatements(body, {
      expr: (e) => {
        if (e.kind === 'Call' && e.func.kind === 'Name') called.add(e.func.id);
      },
      stmt: (s, parents) => {
        if (s.kind === 'Import' || s.kind === 'ImportFrom') imports.push(this.text(s.span));
        if (s.kind === 'FunctionDef' && !parents.some((p) => p.kind === 'FunctionDef' || p.kind === 'ClassDef')) functions.push({ name: s.name, from: s.span.from, to: s.span.to });
      },
    });
    const calls = new Map([...this.callsIn(body)].map(([name, found]) => [name, found.map((f) => ({ from: f.call.span.from, to: f.call.span.to, topLevel: f.topLevel }))]));
    const aliases = new Map([...this.aliases].map(([alias, a]) => [alias, a.module]));
    const numericAliases = new Set([...this.aliases.keys()].filter((alias) => this.isNumericAlias(alias)));
    return { imports, aliases, assigned: this.assigned, called, calls, functions, numericAliases };
  }

  run(): Analysis {
    const body = this.parsed.module.body;
    for (const e of this.parsed.errors) this.report('syntax', `${syntaxErrorClass(e)}: ${e.message}`, e.span);
    if (this.parsed.errors.length === 0) this.checkPlacement(body);
    this.collectNamesAndImports(body);
    this.checkUnsupported(body);
    this.checkJitBranches(body);
    const functions = distinctQualnames(this.functions(body));
    this.diagnostics.sort((a, b) => a.span.from - b.span.from);
    return { parse: this.parsed, functions, imports: this.imports, diagnostics: this.diagnostics };
  }

  // ------------------------------------------------------------ modules

  private hasShim(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.modules, name);
  }

  /** Whether `import name` can succeed: a registered shim, or an attribute its parent exports. */
  private moduleSupported(name: string): boolean {
    if (this.hasShim(name)) return true;
    const dot = name.lastIndexOf('.');
    if (dot < 0) return false;
    const parent = name.slice(0, dot);
    if (!this.moduleSupported(parent)) return false;
    const exports = this.hasShim(parent) ? this.modules[parent].exports : undefined;
    return exports === undefined || exports.includes(name.slice(dot + 1));
  }

  /** The nearest unsupported prefix of a dotted module name, for the message. */
  private unsupportedPrefix(name: string): string {
    const parts = name.split('.');
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('.');
      if (!this.moduleSupported(prefix)) return prefix;
    }
    return name;
  }

  private collectNamesAndImports(body: readonly A.Stmt[]): void {
    const target = (e: A.Expr) => {
      if (e.kind === 'Name') this.assigned.add(e.id);
      else if (e.kind === 'Tuple' || e.kind === 'List') e.elts.forEach(target);
      else if (e.kind === 'Starred') target(e.value);
    };
    walkStatements(body, {
      stmt: (s) => {
        switch (s.kind) {
          case 'Assign':
            s.targets.forEach(target);
            break;
          case 'AugAssign':
          case 'AnnAssign':
            target(s.target);
            break;
          case 'For':
            target(s.target);
            break;
          case 'FunctionDef':
          case 'ClassDef':
            this.assigned.add(s.name);
            for (const p of s.kind === 'FunctionDef' ? s.params : []) this.assigned.add(p.name);
            break;
          case 'Import':
            for (const a of s.names) {
              const alias = a.asname ?? a.name.split('.')[0];
              const module = a.asname ? a.name : a.name.split('.')[0];
              const supported = this.moduleSupported(a.name);
              this.imports.push({ module: a.name, alias, span: a.span, supported });
              this.aliases.set(alias, { module, isModule: true });
              if (!supported) this.report('unsupported-module', unsupportedModuleMessage(this.unsupportedPrefix(a.name)), a.span);
            }
            break;
          case 'ImportFrom':
            this.importFrom(s);
            break;
        }
      },
    });
  }

  private importFrom(s: A.ImportFrom): void {
    if (s.level > 0) {
      this.report('unsupported-import', 'Gradlens does not support relative imports: scripts are single files', s.span);
      return;
    }
    if (s.module === '__future__') return;
    const supported = this.moduleSupported(s.module);
    if (!supported) {
      this.report('unsupported-module', unsupportedModuleMessage(this.unsupportedPrefix(s.module)), s.moduleSpan);
    }
    const exports = this.hasShim(s.module) ? this.modules[s.module].exports : undefined;
    for (const a of s.names ?? []) {
      const alias = a.asname ?? a.name;
      const full = `${s.module}.${a.name}`;
      const isModule = this.hasShim(full);
      this.imports.push({ module: isModule ? full : s.module, alias, span: a.span, supported });
      this.aliases.set(alias, { module: isModule ? full : full, isModule });
      if (supported && exports && !exports.includes(a.name) && !isModule) {
        this.report('unsupported-import', `cannot import name '${a.name}' from '${s.module}': Gradlens does not support it`, a.span);
      }
    }
  }

  // ------------------------------------------------------------ what cannot run

  /**
   * What CPython's compiler refuses before anything runs: `return` outside a function (a lost
   * indent), `break` and `continue` outside a loop.
   */
  private checkPlacement(body: readonly A.Stmt[]): void {
    const inLoop = (parents: readonly A.Stmt[]) => {
      for (let i = parents.length - 1; i >= 0; i--) {
        const k = parents[i].kind;
        if (k === 'For' || k === 'While') return true;
        if (k === 'FunctionDef' || k === 'ClassDef') return false;
      }
      return false;
    };
    walkStatements(body, {
      stmt: (s, parents) => {
        if (s.kind === 'Return' && !parents.some((p) => p.kind === 'FunctionDef')) this.report('syntax', "SyntaxError: 'return' outside function", s.span);
        if (s.kind === 'Break' && !inLoop(parents)) this.report('syntax', "SyntaxError: 'break' outside loop", s.span);
        if (s.kind === 'Continue' && !inLoop(parents)) this.report('syntax', "SyntaxError: 'continue' not properly in loop", s.span);
      },
    });
  }

  private checkUnsupported(body: readonly A.Stmt[]): void {
    const chainInner = new Set<A.Expr>();
    walkStatements(body, {
      stmt: (s) => {
        if (s.kind === 'UnsupportedStmt') this.report('unsupported-syntax', `Gradlens does not support ${s.what}`, s.span);
        if (s.kind === 'FunctionDef' && s.isAsync) this.report('unsupported-syntax', "Gradlens does not support 'async def'", s.span);
        if (s.kind === 'ClassDef') {
          for (const b of s.bases) {
            if (b.kind !== 'positional') this.report('unsupported-syntax', 'Gradlens does not support class keywords (metaclass=...)', b.span);
          }
          const finalizer = finalizerDefinition(s);
          if (finalizer) this.report('unsupported-syntax', FINALIZER_REFUSAL, finalizer.span);
        }
      },
      expr: (e) => {
        if (e.kind === 'UnsupportedExpr') this.report('unsupported-syntax', `Gradlens does not support ${e.what}`, e.span);
        if (e.kind === 'Call' && e.func.kind === 'Name' && REFUSED_BUILTINS.has(e.func.id) && !this.assigned.has(e.func.id)) {
          this.report('unsupported-call', refusedMessage(e.func.id), e.span);
        }
        if (e.kind === 'Attribute' && !chainInner.has(e)) this.checkAttributeChain(e, chainInner);
        if (e.kind === 'Name' && !chainInner.has(e)) this.checkUnsupportedUse(e, e);
      },
    });
  }

  /**
   * A use of a name an unsupported import bound (`sp.gamma(x)` after `import
   * scipy.special as sp`), reported at the whole expression so that the
   * function it is in lists it. True when it was one.
   */
  private checkUnsupportedUse(root: A.Name, whole: A.Expr): boolean {
    const alias = this.aliases.get(root.id);
    if (!alias) return false;
    const module = alias.isModule ? alias.module : alias.module.slice(0, alias.module.lastIndexOf('.'));
    if (this.moduleSupported(module)) return false;
    const text = this.text(whole.span);
    this.report('unsupported-call', `'${text}' comes from module '${this.unsupportedPrefix(module)}', which is not supported by Gradlens`, whole.span);
    return true;
  }

  /** `torch.foo.bar`: report the first attribute a module shim does not export. */
  private checkAttributeChain(e: A.Attribute, inner: Set<A.Expr>): void {
    const chain: A.Attribute[] = [];
    let root: A.Expr = e;
    while (root.kind === 'Attribute') {
      chain.unshift(root);
      if (root !== e) inner.add(root);
      root = root.value;
    }
    if (root.kind !== 'Name') return;
    inner.add(root);
    if (this.checkUnsupportedUse(root, e)) return;
    const alias = this.aliases.get(root.id);
    if (!alias || !alias.isModule || !this.moduleSupported(alias.module)) return;
    let module = alias.module;
    for (const a of chain) {
      const next = `${module}.${a.attr}`;
      if (this.hasShim(next)) {
        module = next;
        continue;
      }
      const exports = this.hasShim(module) ? this.modules[module].exports : undefined;
      if (exports && !exports.includes(a.attr)) {
        this.report('unsupported-attribute', `'${next}' is not supported by Gradlens`, a.attrSpan);
      }
      return;
    }
  }

  // ------------------------------------------------------------ jit tracing

  /**
   * `if`/`while`/`a if c else b` on a traced value inside a function under `@jax.jit`: jit
   * raises a concretization error there, so the editor says so before anything runs. Traced
   * values are the non-static parameters and what is computed from them; `.shape`, `.ndim`,
   * `.dtype`, `len(...)` and `is None` are static under tracing and not reported.
   */
  private checkJitBranches(body: readonly A.Stmt[]): void {
    walkStatements(body, {
      stmt: (s) => {
        if (s.kind !== 'FunctionDef') return;
        const jit = this.jitStatics(s);
        if (jit === null) return;
        const { statics, written } = jit;
        const traced = new Set(s.params.map((p, i) => (statics.has(p.name) || statics.has(i) ? null : p.name)).filter((n): n is string => n !== null));
        this.checkTracedBody(s.body, traced, new Set(traced), written);
      },
    });
  }

  /**
   * The static parameters (names and positions) of a function under `@jax.jit` or
   * `@jax.jit(static_argnames=...)`, and the jit as the file writes it (`jax.jit`, `jit`); null
   * when it is not jitted.
   */
  private jitStatics(def: A.FunctionDef): { statics: Set<string | number>; written: string } | null {
    for (const d of def.decorators) {
      if (this.isJitRef(d)) return { statics: new Set(), written: this.text(d.span) };
      if (d.kind !== 'Call' || !this.isJitRef(d.func)) continue;
      const statics = new Set<string | number>();
      for (const a of d.args) {
        if (a.kind !== 'keyword' || (a.name !== 'static_argnums' && a.name !== 'static_argnames')) continue;
        const items = a.value.kind === 'Tuple' || a.value.kind === 'List' ? a.value.elts : [a.value];
        for (const item of items) {
          if (item.kind === 'Num' && typeof item.value === 'bigint') statics.add(Number(item.value));
          else if (item.kind === 'Str') statics.add(item.value);
        }
      }
      return { statics, written: this.text(d.func.span) };
    }
    return null;
  }

  /** `jax.jit` (through any alias of jax) or a name bound by `from jax import jit`. */
  private isJitRef(e: A.Expr): boolean {
    if (e.kind === 'Name') return this.aliases.get(e.id)?.module === 'jax.jit';
    return e.kind === 'Attribute' && e.attr === 'jit' && e.value.kind === 'Name' && this.aliases.get(e.value.id)?.module === 'jax';
  }

  private checkTracedBody(body: readonly A.Stmt[], traced: Set<string>, params: ReadonlySet<string>, jit: string): void {
    const bind = (target: A.Expr) => {
      if (target.kind === 'Name') traced.add(target.id);
      else if (target.kind === 'Tuple' || target.kind === 'List') target.elts.forEach(bind);
      else if (target.kind === 'Starred') bind(target.value);
    };
    for (const s of body) {
      switch (s.kind) {
        case 'Assign':
          if (this.tracedUse(s.value, traced)) s.targets.forEach(bind);
          break;
        case 'AugAssign':
          if (this.tracedUse(s.value, traced)) bind(s.target);
          break;
        case 'AnnAssign':
          if (s.value && this.tracedUse(s.value, traced)) bind(s.target);
          break;
        case 'For':
          if (this.tracedUse(s.iter, traced)) bind(s.target);
          this.checkTracedBody(s.body, traced, params, jit);
          this.checkTracedBody(s.orelse, traced, params, jit);
          break;
        case 'If':
        case 'While':
          this.reportTracedTest(s.test, s.kind === 'If' ? 'if' : 'while', traced, params, jit);
          this.checkTracedBody(s.body, traced, params, jit);
          this.checkTracedBody(s.orelse, traced, params, jit);
          break;
        case 'With':
          this.checkTracedBody(s.body, traced, params, jit);
          break;
      }
      // Compound statements' blocks were checked above; a conditional expression's test is checked where it stands.
      const visit = { expr: (e: A.Expr) => void (e.kind === 'IfExp' && this.reportTracedTest(e.test, 'if', traced, params, jit)) };
      if (s.kind === 'If' || s.kind === 'While') walkExpr(s.test, visit, []);
      else if (s.kind === 'For') walkExpr(s.iter, visit, []);
      else if (!COMPOUND.has(s.kind)) walkStatements([s], visit);
    }
  }

  /** At an `if`/`while` on a traced value: what cannot be traced, named as the file writes its jit, and the fix. */
  private reportTracedTest(test: A.Expr, keyword: 'if' | 'while', traced: ReadonlySet<string>, params: ReadonlySet<string>, jit: string): void {
    const name = this.tracedUse(test, traced);
    if (!name) return;
    const fix = params.has(name)
      ? `use jnp.where(...) or jax.lax.cond(...), or, if '${name}' is a Python value and not an array, mark it static: @functools.partial(${jit}, static_argnames='${name}')`
      : 'use jnp.where(...) or jax.lax.cond(...)';
    this.report('traced-branch', `${jit} cannot trace '${keyword} ${this.text(test.span)}' on a traced value; ${fix}`, test.span, 'warning');
  }

  /** The first traced name an expression needs the value of (not only its shape or identity), or null. */
  private tracedUse(e: A.Expr, traced: ReadonlySet<string>): string | null {
    if (e.kind === 'Name') return traced.has(e.id) ? e.id : null;
    if (e.kind === 'Attribute' && STATIC_ATTRIBUTES.has(e.attr)) return null;
    if (e.kind === 'Call' && e.func.kind === 'Name' && (e.func.id === 'len' || e.func.id === 'isinstance')) return null;
    if (e.kind === 'Compare' && e.ops.every((op) => op === 'is' || op === 'is not')) return null;
    if (e.kind === 'Lambda') return null;
    let found: string | null = null;
    forEachChild(e, (child) => {
      found ??= this.tracedUse(child, traced);
    });
    return found;
  }

  // ------------------------------------------------------------ functions

  private functions(body: readonly A.Stmt[]): FunctionInfo[] {
    const out: FunctionInfo[] = [];
    walkStatements(body, {
      stmt: (s, parents) => {
        if (s.kind !== 'FunctionDef') return;
        let qual = '';
        let parentFn: A.FunctionDef | null = null;
        let className: string | null = null;
        for (const p of parents) {
          if (p.kind === 'FunctionDef') {
            qual += `${p.name}.<locals>.`;
            parentFn = p;
            className = null;
          } else if (p.kind === 'ClassDef') {
            qual += `${p.name}.`;
            className = p.name;
          }
        }
        out.push(this.functionInfo(s, qual + s.name, parentFn, parentFn ? qualOf(parents, parentFn) : null, className));
      },
    });
    return out;
  }

  private functionInfo(def: A.FunctionDef, qualname: string, parentFn: A.FunctionDef | null, parent: string | null, className: string | null): FunctionInfo {
    const params: ParamInfo[] = def.params.map((p) => ({
      name: p.name,
      kind: p.kind,
      span: p.span,
      default: p.default ? { text: this.text(p.default.span), expr: p.default, span: p.default.span } : null,
      annotation: p.annotation ? this.text(p.annotation.span) : null,
    }));
    const unsupported = this.diagnostics.filter((d) => d.code !== 'syntax' && d.code !== 'traced-branch' && d.span.from >= def.span.from && d.span.to <= def.span.to);
    return {
      name: def.name,
      qualname,
      span: def.span,
      nameSpan: def.nameSpan,
      params,
      decorators: def.decorators.map((d) => ({ text: this.text(d.span), span: d.span })),
      parent,
      className,
      isNumeric: this.isNumeric(def),
      unsupported,
      inputSources: this.inputSources(def, params, parentFn, className),
      node: def,
    };
  }

  /** Whether `name` is bound by an import to a supported module or to a name in one. */
  private isNumericAlias(name: string): boolean {
    const alias = this.aliases.get(name);
    return !!alias && this.moduleSupported(alias.isModule ? alias.module : alias.module.slice(0, alias.module.lastIndexOf('.')));
  }

  private isNumeric(def: A.FunctionDef): boolean {
    let numeric = false;
    const usesModule = (e: A.Expr) => e.kind === 'Name' && this.isNumericAlias(e.id);
    walkStatements(def.body, {
      stmt: (s) => {
        if (s.kind === 'AugAssign' && ARITHMETIC.has(s.op)) numeric = true;
      },
      expr: (e) => {
        if (numeric) return;
        // `'x = ' + s`, `'-' * 20`, `'%d' % n` are text, not arithmetic.
        if (e.kind === 'BinOp' && ARITHMETIC.has(e.op) && !isText(e.left) && !isText(e.right)) numeric = true;
        else if (e.kind === 'UnaryOp' && e.op === '-') numeric = true;
        else if (usesModule(e)) numeric = true;
      },
    });
    for (const p of def.params) if (p.default) walkExpr(p.default, { expr: (e) => void (numeric ||= usesModule(e)) }, []);
    return numeric;
  }

  // ------------------------------------------------------------ example inputs

  private inputSources(def: A.FunctionDef, params: readonly ParamInfo[], parentFn: A.FunctionDef | null, className: string | null): InputSource[] {
    const sources: InputSource[] = [];
    if (className === null) {
      const call = this.callSite(def, params, parentFn);
      if (call) sources.push(call);
    } else if (def.name === 'forward' && parentFn === null && params[0]?.name === 'self') {
      const call = this.instanceCallSite(className, params.slice(1));
      if (call) sources.push(call);
    }
    const named = params.filter((p) => p.kind === 'positional' || p.kind === 'keywordOnly');
    if (named.length > 0 && named.every((p) => p.default !== null) && parentFn === null && className === null) {
      sources.push({
        kind: 'defaults',
        bindings: named.map((p) => ({ param: p.name, text: p.default!.text, expr: p.default!.expr, span: p.default!.span })),
      });
    }
    const comment = this.inputsComment(def, params);
    if (comment) sources.push(comment);
    return sources;
  }

  /**
   * The first call of the function whose arguments can be evaluated: at module level if there is
   * one. A name defined again at module level (a notebook cell redefining it) calls each definition
   * from the module-level lines between it and the next: those calls are its example inputs, as
   * Python (and Jupyter, running cells in order) calls it there.
   */
  private callSite(def: A.FunctionDef, params: readonly ParamInfo[], parentFn: A.FunctionDef | null): InputSource | null {
    const scopeBody = parentFn ? parentFn.body : this.parsed.module.body;
    // Calls inside the function itself (recursion) are not example inputs.
    let found = (this.callsIn(scopeBody).get(def.name) ?? []).filter((f) => f.call.span.from < def.span.from || f.call.span.to > def.span.to);
    const definitions = scopeBody.filter((s) => s.kind === 'FunctionDef' && s.name === def.name);
    const k = definitions.indexOf(def);
    if (definitions.length > 1 && k >= 0) {
      const next = definitions[k + 1]?.span.from ?? Infinity;
      found = found.filter((f) => (f.topLevel ? f.call.span.from > def.span.to && f.call.span.to <= next : next === Infinity));
    }
    const best = found.find((f) => f.topLevel) ?? found[0];
    if (!best) return null;
    return { kind: 'call', call: best.call, span: best.call.span, topLevel: best.topLevel, bindings: this.bind(best.call.args, params) };
  }

  /**
   * A Module's forward: the first call of an instance of its class made at module level
   * (`model = Net()` then `model(x)`, or a training loop's `model(xb)`: its first batch). The
   * script runs up to it; `self` is the instance, the call's arguments the rest.
   */
  private instanceCallSite(className: string, params: readonly ParamInfo[]): InputSource | null {
    const instances = new Set<string>();
    for (const s of this.parsed.module.body) {
      if (s.kind !== 'Assign' || s.value.kind !== 'Call' || s.value.func.kind !== 'Name' || s.value.func.id !== className) continue;
      for (const t of s.targets) if (t.kind === 'Name') instances.add(t.id);
    }
    const calls = this.callsIn(this.parsed.module.body);
    const found = [...instances].flatMap((name) => (calls.get(name) ?? []).filter((f) => f.topLevel));
    const best = found.sort((a, b) => a.call.span.from - b.call.span.from)[0];
    if (!best) return null;
    return { kind: 'call', call: best.call, span: best.call.span, topLevel: true, bindings: this.bind(best.call.args, params), instance: true };
  }

  /**
   * The evaluable calls of plain names in a scope, by name, in source order. NB: built once per
   * scope, not once per function: a walk of the module for each function made large files quadratic.
   */
  private callsIn(scopeBody: readonly A.Stmt[]): ReadonlyMap<string, readonly { call: A.Call; topLevel: boolean }[]> {
    const cached = this.callIndex.get(scopeBody);
    if (cached) return cached;
    const index = new Map<string, { call: A.Call; topLevel: boolean }[]>();
    walkStatements(scopeBody, {
      expr: (e, parents) => {
        if (e.kind !== 'Call' || e.func.kind !== 'Name') return;
        const evaluable = e.args.every((a) => !someExpr(a.value, (x) => x.kind === 'ErrorExpr' || x.kind === 'UnsupportedExpr'));
        if (!evaluable) return;
        const inDef = parents.some((p) => p.kind === 'FunctionDef' || p.kind === 'ClassDef');
        const calls = index.get(e.func.id) ?? [];
        calls.push({ call: e, topLevel: !inDef });
        index.set(e.func.id, calls);
      },
    });
    this.callIndex.set(scopeBody, index);
    return index;
  }

  /** Static binding of call arguments to parameter names (for display; the run binds them for real). */
  private bind(args: readonly A.Argument[], params: readonly ParamInfo[]): InputBinding[] {
    const positional = params.filter((p) => p.kind === 'positional');
    let i = 0;
    return args.map((a) => {
      const text = this.text(a.value.span);
      if (a.kind === 'keyword') return { param: a.name, text, expr: a.value, span: a.span };
      const p = a.kind === 'positional' ? positional[i++] : undefined;
      return { param: p?.name ?? null, text, expr: a.value, span: a.span };
    });
  }

  /** `# gradlens: x=2.0, w=torch.randn(3)` on the line above the def (or above its decorators). */
  private inputsComment(def: A.FunctionDef, params: readonly ParamInfo[]): InputSource | null {
    const lines = this.parsed.lines;
    const line = def.span.line - 1;
    if (line < 1) return null;
    const start = lines.lineStart(line);
    const end = lines.lineStart(line + 1) - 1;
    const text = this.src.slice(start, Math.max(start, end)).replace(/\r$/, '');
    const m = GRADLENS_COMMENT.exec(text);
    if (!m) return null;
    // NB: `# gradlens: live` (alone or before the inputs) asks the editor to compute the function as it is typed; it is no input.
    const body = m[1].replace(LIVE_MARK, (mark) => ' '.repeat(mark.length));
    if (body.trim() === '') return null;
    const offset = start + text.length - body.length;
    const { args, errors } = parseArguments(body, offset, lines);
    for (const e of errors) this.reportComment(e);
    // NB: `wrt=` names what to differentiate (evaluation reads it), unless the function has a parameter `wrt`.
    const bindings = this.bind(args, params).filter((b) => b.param !== 'wrt' || params.some((p) => p.name === 'wrt'));
    if (bindings.length === 0) return null;
    const span = lines.span(start + text.indexOf('#'), start + text.length);
    for (const b of bindings) {
      if (b.param === null) this.report('bad-inputs-comment', 'the # gradlens: comment gives more values than the function has parameters', b.span, 'warning');
      else if (!params.some((p) => p.name === b.param)) {
        this.report('bad-inputs-comment', `the function has no parameter '${b.param}'`, b.span, 'warning');
      }
    }
    return { kind: 'comment', span, bindings };
  }

  private reportComment(e: SyntaxProblem): void {
    this.report('bad-inputs-comment', `in the # gradlens: comment: ${e.message}`, e.span, 'warning');
  }
}

function qualOf(parents: readonly A.Stmt[], fn: A.FunctionDef): string {
  let qual = '';
  for (const p of parents) {
    if (p === fn) return qual + fn.name;
    if (p.kind === 'FunctionDef') qual += `${p.name}.<locals>.`;
    else if (p.kind === 'ClassDef') qual += `${p.name}.`;
  }
  return qual + fn.name;
}

function isText(e: A.Expr): boolean {
  return e.kind === 'Str' || e.kind === 'FString';
}
