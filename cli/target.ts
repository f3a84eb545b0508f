/**
 * What `grad` and `graph` share: the `FILE.py[:FUNC]` target, the script's analysis, the functions
 * it names, their example inputs (a call, defaults, a `# gradlens:` comment, or `--at`), and
 * whether a function is written with jax or with torch.
 */
import { analyze, LineMap, parseArguments, type Analysis, type FunctionInfo, type InputSource, type ModuleRegistry } from '../lang/python';
import { UsageError } from './args';
import { readScript } from './script_file';

/** `FILE.py` or `FILE.py:FUNC`. */
export function splitTarget(target: string): { file: string; func: string | null } {
  const m = /^(.*\.py)(?::([A-Za-z_][\w.]*))?$/.exec(target);
  if (!m) throw new UsageError(`${target}: expected FILE.py or FILE.py:FUNC`);
  return { file: m[1], func: m[2] ?? null };
}

/** `--at x=2.0,w=[1,2]` as the inputs of `fn`, evaluated like a `# gradlens:` comment. */
export function atSource(text: string, fn: FunctionInfo): InputSource {
  const { args, errors } = parseArguments(text, 0, new LineMap(text));
  if (errors.length > 0) throw new UsageError(`--at ${text}: ${errors[0].message} at column ${errors[0].span.col}; write it as x=2.0,w=[1,2]`);
  let i = 0;
  const bindings = args.map((a) => {
    if (a.kind === 'star' || a.kind === 'doubleStar') throw new UsageError('--at takes name=value pairs, not * or ** arguments');
    const param = a.kind === 'keyword' ? a.name : fn.params[i++]?.name ?? null;
    if (param === null || !fn.params.some((p) => p.name === param)) {
      throw new UsageError(`--at: ${fn.name}() has no parameter ${param === null ? 'for the extra value' : `'${param}'`} (its parameters: ${fn.params.map((p) => p.name).join(', ') || 'none'})`);
    }
    return { param, text: text.slice(a.span.from, a.span.to), expr: a.value, span: a.span };
  });
  return { kind: 'comment', span: args[0]?.span ?? new LineMap(text).span(0, 0), bindings };
}

/** The value of `--at`, if given. */
export function atOption(options: ReadonlyMap<string, string | true>): string | undefined {
  const at = options.get('at');
  if (at === true) throw new UsageError('--at needs a value');
  return at;
}

export interface LoadedScript {
  readonly file: string;
  readonly analysis: Analysis;
}

/**
 * Reads and analyzes the script; a syntax error is written to stderr as FILE:LINE:COL and
 * answered with null.
 */
export function loadScript(file: string, modules: ModuleRegistry): LoadedScript | null {
  const analysis = analyze(readScript(file), { modules });
  const syntax = analysis.diagnostics.find((d) => d.code === 'syntax');
  if (syntax) {
    process.stderr.write(`${file}:${syntax.span.line}:${syntax.span.col}: error: ${syntax.message}\n`);
    return null;
  }
  return { file, analysis };
}

/** The function named FUNC (a usage error naming the file's functions when there is none). */
export function namedFunction(script: LoadedScript, func: string): FunctionInfo {
  const fn = script.analysis.functions.find((f) => f.qualname === func) ?? script.analysis.functions.find((f) => f.name === func);
  if (!fn) {
    throw new UsageError(`${script.file}: no function '${func}' (functions: ${script.analysis.functions.map((f) => f.qualname).join(', ') || 'none'})`);
  }
  return fn;
}

/** FUNC, or with no FUNC every top-level numeric function that has example inputs. */
export function targetFunctions(script: LoadedScript, func: string | null, at: string | undefined): readonly FunctionInfo[] {
  if (func) return [namedFunction(script, func)];
  return script.analysis.functions.filter((f) => f.isNumeric && f.parent === null && (f.inputSources.length > 0 || at !== undefined));
}

/** The inputs to use for `fn`; null (after writing the error to stderr) when there are none. */
export function inputsFor(script: LoadedScript, fn: FunctionInfo, at: string | undefined): InputSource | null {
  const inputs = at !== undefined ? atSource(at, fn) : fn.inputSources[0];
  if (!inputs) {
    process.stderr.write(`${script.file}:${fn.nameSpan.line}:${fn.nameSpan.col}: error: no example inputs for ${fn.name}(); add a call of it, defaults, a '# gradlens: x=2.0' comment above the def, or pass --at\n`);
    return null;
  }
  return inputs;
}

export type Style = 'jax' | 'torch';

/**
 * Whether `fn` is written with jax (jax, jax.numpy) or torch-style: by the file's imports, and
 * where it imports both, by which of their names the function's source uses.
 */
export function styleOf(script: LoadedScript, fn: FunctionInfo): Style {
  const imports = script.analysis.imports;
  const isJax = (m: string) => m === 'jax' || m.startsWith('jax.');
  const jax = imports.filter((i) => isJax(i.module));
  if (jax.length === 0) return 'torch';
  if (!imports.some((i) => i.module === 'torch' || i.module.startsWith('torch.'))) return 'jax';
  const body = script.analysis.parse.source.slice(fn.span.from, fn.span.to);
  return jax.some((i) => new RegExp(`\\b${i.alias.replace(/\./g, '\\.')}\\b`).test(body)) ? 'jax' : 'torch';
}
