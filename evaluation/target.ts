/**
 * From a request to what runs: the document's analysis, the function it names, whether it is
 * written with torch, jax or numpy, and where its example inputs come from (a call in the file,
 * its defaults, a `# gradlens:` comment, or what the user typed).
 */
import { analyze, LineMap, parseArguments, syntaxErrorClass, type Analysis, type FunctionInfo, type InputSource, type ModuleRegistry, type ScriptError, type Span } from '../lang/python';
import { jaxModules } from '../lang/python/jax';
import { torchModules } from '../lang/python/torch';
import { createReferenceBackend } from '../runtime/backends';
import { EagerEngine } from '../runtime/eager';
import type { EvaluateRequest } from '../protocol/evaluate';
import type { EvaluationResult, InputOrigin, LeftOutLines } from '../protocol/results';
import { EvaluationFailure, failureAt, rangeOfSpan, scriptFailure } from './failure';
import { leftOutLines, withoutBrokenDefinitions } from './left_out';

export type Style = EvaluationResult['style'];

export interface Target {
  readonly file: string;
  /** The document's analysis; its parse is the one that runs: without the definitions that do not parse. */
  readonly analysis: Analysis;
  readonly fn: FunctionInfo;
  readonly style: Style;
  readonly inputs: InputSource;
  readonly origin: InputOrigin;
  /** The spans of the inputs' text where the user typed them, which is not the file's. */
  readonly typedSpans: ReadonlySet<Span>;
  /** It names no tensor library: its floats are differentiated through `math` too (see isPlainPython). */
  readonly plain: boolean;
  /** The parameters a `# gradlens: wrt=` comment says to differentiate; null for the style's default. */
  readonly wrt: readonly string[] | null;
  /** The definitions that do not parse, left out of the run. */
  readonly leftOut: readonly LeftOutLines[];
}

/** The file name errors are reported against: the path of a `file:` URI, else the URI itself. */
export function fileOfUri(uri: string): string {
  const m = /^file:\/\/(.*)$/.exec(uri);
  return m ? decodeURIComponent(m[1]) : uri;
}

/** The function a request names, by qualname (or plain name when that is unambiguous). */
export function namedFunction(analysis: Analysis, name: string): FunctionInfo | undefined {
  return analysis.functions.find((f) => f.qualname === name) ?? analysis.functions.find((f) => f.name === name);
}

let moduleNames: ModuleRegistry | null = null;

/**
 * The module shims a document may import, for analysis: it reads only their names and exports,
 * so they are made over the reference backend once and never instantiated.
 */
function analysisModules(): ModuleRegistry {
  moduleNames ??= { ...torchModules(new EagerEngine(createReferenceBackend())), ...jaxModules(createReferenceBackend()) };
  return moduleNames;
}

/**
 * The document's analysis. A syntax error is a failure at its place, but for one confined to a
 * definition: the other functions run without it (see resolveTarget).
 */
export function analyzeDocument(text: string, file: string): Analysis {
  const analysis = analyze(text, { modules: analysisModules() });
  const syntax = analysis.diagnostics.find((d) => d.code === 'syntax');
  const confined = analysis.parse.errors.length > 0 && analysis.parse.brokenDefinitions !== null;
  if (syntax && !confined) throw failureAt('error', file, syntax.span, syntax.message);
  return analysis;
}

/** The function a request names; an error naming the file's functions when there is none. */
export function requestedFunction(request: EvaluateRequest, analysis: Analysis): FunctionInfo {
  const fn = namedFunction(analysis, request.function);
  if (!fn) {
    const names = analysis.functions.map((f) => f.qualname).join(', ') || 'none';
    throw new EvaluationFailure('error', `${fileOfUri(request.uri)}: no function '${request.function}' (functions: ${names})`);
  }
  return fn;
}

export function resolveTarget(request: EvaluateRequest, analysis: Analysis, fn: FunctionInfo): Target {
  const file = fileOfUri(request.uri);
  const broken = analysis.parse.brokenDefinitions ?? [];
  const own = broken.find((d) => d.span.from < fn.span.to && fn.span.from < d.span.to);
  if (own) throw failureAt('error', file, own.problem.span, `${syntaxErrorClass(own.problem)}: ${own.problem.message}`);
  const typed = request.inputs !== undefined && request.inputs.trim() !== '' ? request.inputs : undefined;
  const fromFile = fn.inputSources[0];
  const user = typed !== undefined && (request.inputsFirst || !fromFile) ? userInputs(typed, fn, file) : null;
  const inputs = user ?? fromFile;
  if (!inputs) {
    throw failureAt('inputs', file, fn.nameSpan, `no example inputs for ${fn.name}(); add a call of it, defaults, a '# gradlens: x=2.0' comment above the def, or type them (x=2.0, w=[1, 2, 3])`);
  }
  const origin: InputOrigin = inputs === fromFile ? inputs.kind : 'user';
  return {
    file, fn, style: styleOf(analysis, fn), inputs, origin, typedSpans: user?.typedSpans ?? new Set(),
    plain: isPlainPython(analysis, fn), wrt: wrtComment(analysis, fn, file),
    analysis: broken.length > 0 ? { ...analysis, parse: withoutBrokenDefinitions(analysis.parse, broken) } : analysis,
    leftOut: leftOutLines(broken, analysis.parse.source, file, fn.name),
  };
}

/**
 * A failure of the script run up to the function's inputs. One at a span of the typed inputs is
 * theirs, an 'inputs' failure (so the editor asks again): their positions are not the file's.
 */
export function captureFailure(target: Target, error: ScriptError): EvaluationFailure {
  if (!target.typedSpans.has(error.span)) return scriptFailure(error);
  return new InputsFailure(target.file, target.fn, `${error.message} (at column ${error.span.col})`, false);
}

/** Records every span it makes: those of one parse of the typed inputs. */
class RecordingLineMap extends LineMap {
  readonly made = new Set<Span>();
  override span(from: number, to: number): Span {
    const s = super.span(from, to);
    this.made.add(s);
    return s;
  }
}

/**
 * Inputs the user typed (`x=2.0, w=[1, 2]`), evaluated like a `# gradlens:` comment in the
 * script's globals. Its mistakes are 'inputs' failures, so the editor asks again.
 */
export function userInputs(text: string, fn: FunctionInfo, file: string): InputSource & { readonly typedSpans: ReadonlySet<Span> } {
  const lines = new RecordingLineMap(text);
  const { args, errors } = parseArguments(text, 0, lines);
  const wrong = (detail: string, unparsable = false) => new InputsFailure(file, fn, detail, unparsable);
  if (errors.length > 0) throw wrong(`${errors[0].message} at column ${errors[0].span.col}; write them as x=2.0, w=[1, 2]`, true);
  let i = 0;
  const bindings = args.map((a) => {
    if (a.kind === 'star' || a.kind === 'doubleStar') throw wrong('write name=value pairs, not * or ** arguments');
    const param = a.kind === 'keyword' ? a.name : fn.params[i++]?.name ?? null;
    if (param === null || !fn.params.some((p) => p.name === param)) {
      throw wrong(`${fn.name}() has no parameter ${param === null ? 'for the extra value' : `'${param}'`} (its parameters: ${fn.params.map((p) => p.name).join(', ') || 'none'})`);
    }
    return { param, text: text.slice(a.span.from, a.span.to), expr: a.value, span: a.span };
  });
  return { kind: 'comment', span: args[0]?.span ?? lines.span(0, 0), bindings, typedSpans: lines.made };
}

/**
 * Typed inputs that do not fit the function; `detail` says what is wrong without the place, and
 * `unparsable` whether they are not Python arguments at all.
 */
export class InputsFailure extends EvaluationFailure {
  constructor(file: string, fn: FunctionInfo, readonly detail: string, readonly unparsable: boolean) {
    super('inputs', `${file}:${fn.nameSpan.line}:${fn.nameSpan.col}: error: the inputs typed for ${fn.name}(): ${detail}`, rangeOfSpan(fn.nameSpan));
  }
}

/**
 * The tensor libraries whose imported names `fn`'s source (decorators included) uses, or the source
 * of a function of the file it names, transitively: a loss that calls jnp only through the file's
 * `predict` is JAX code, as much as `predict` is.
 */
function librariesNamed(analysis: Analysis, fn: FunctionInfo): Set<Style> {
  const named = new Set<Style>();
  const helpers = analysis.functions.filter((f) => f.parent === null && f.className === null);
  const reached = new Set([fn]);
  for (const f of reached) {
    const body = analysis.parse.source.slice(f.span.from, f.span.to);
    for (const i of analysis.imports) {
      const library = libraryOf(i.module);
      if (library && namesIn(body, i.alias)) named.add(library);
    }
    for (const h of helpers) if (!reached.has(h) && namesIn(body, h.name)) reached.add(h);
  }
  return named;
}

/** Whether `source` names `name` (dotted or not) as a variable, not as an attribute of something else. */
function namesIn(source: string, name: string): boolean {
  return new RegExp(`(^|[^\\w.])${name.replace(/\./g, '\\.')}\\b`).test(source);
}

function libraryOf(module: string): Style | null {
  const root = module.split('.')[0];
  return root === 'jax' ? 'jax' : root === 'torch' ? 'torch' : root === 'numpy' ? 'numpy' : null;
}

/**
 * Whether `fn` is written with jax, numpy or torch: by the libraries its source and the file's
 * functions it calls name (jax first, then torch, then numpy); a function that names none (plain
 * Python) by the file's imports: jax or numpy code where the file imports that and not torch.
 */
export function styleOf(analysis: Analysis, fn: FunctionInfo): Style {
  const named = librariesNamed(analysis, fn);
  for (const style of ['jax', 'torch', 'numpy'] as const) if (named.has(style)) return style;
  const imported = new Set(analysis.imports.map((i) => libraryOf(i.module)));
  if (imported.has('torch')) return 'torch';
  return imported.has('jax') ? 'jax' : imported.has('numpy') ? 'numpy' : 'torch';
}

/**
 * Whether `fn` is plain Python (over floats and `math`): it names no tensor library, nor do the
 * file's functions it calls, so its
 * floats are differentiated as HIPS autograd does, `math.exp` on them included.
 */
export function isPlainPython(analysis: Analysis, fn: FunctionInfo): boolean {
  return librariesNamed(analysis, fn).size === 0;
}

/**
 * The parameters a `# gradlens: wrt=x` (or `wrt=(w, b)`, `wrt=[w, b]`) comment above the def
 * names, to differentiate instead of the style's default; null without one.
 */
export function wrtComment(analysis: Analysis, fn: FunctionInfo, file: string): readonly string[] | null {
  const lines = analysis.parse.lines;
  const source = analysis.parse.source;
  for (let line = Math.max(1, fn.span.line - 1); line < fn.nameSpan.line; line++) {
    const start = lines.lineStart(line);
    const text = source.slice(start, lines.lineStart(line + 1));
    const m = /#\s*gradlens\s*:.*?\bwrt\s*=\s*(\([^)]*\)|\[[^\]]*\]|'[^']*'|"[^"]*"|[A-Za-z_]\w*)/.exec(text);
    if (!m) continue;
    if (fn.params.some((p) => p.name === 'wrt')) return null;
    const names = m[1].match(/[A-Za-z_]\w*/g) ?? [];
    const col = text.indexOf(m[1]);
    const at = lines.span(start + col, start + col + m[1].length);
    const unknown = names.filter((n) => !fn.params.some((p) => p.name === n));
    if (names.length === 0 || unknown.length > 0) {
      throw failureAt('error', file, at, `the # gradlens: wrt= comment names ${unknown.length > 0 ? `'${unknown.join("', '")}', not a parameter` : 'no parameter'} of ${fn.name}() (its parameters: ${fn.params.map((p) => p.name).join(', ') || 'none'})`);
    }
    return names;
  }
  return null;
}

/** How the function is run on the jit engine: `math` lifted for plain Python, and what is differentiated. */
export function runOptions(target: Target): { readonly plain: boolean; readonly wrt: readonly string[] | null; readonly convention: 'first' | 'floats' } {
  return { plain: target.plain, wrt: target.wrt, convention: target.style === 'jax' && !target.plain ? 'first' : 'floats' };
}
