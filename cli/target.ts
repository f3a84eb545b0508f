/**
 * What `grad`, `graph` and `verify` share: the `FILE.py[:FUNC]` target, the script's analysis, the functions
 * it names, `--at`, and the evaluation request for one function (the evaluation service finds
 * its inputs: a call, defaults, a `# gradlens:` comment, or `--at`).
 */
import { analyzeDocument, EvaluationFailure, InputsFailure, namedFunction as findFunction, userInputs } from '../evaluation';
import type { Analysis, FunctionInfo } from '../lang/python';
import type { EvaluateRequest } from '../protocol/evaluate';
import type { EngineMode } from '../protocol/results';
import { UsageError } from './args';
import type { CliBackend } from './backend';
import { readScript } from './script_file';

/** `FILE.py` or `FILE.py:FUNC`. */
export function splitTarget(target: string): { file: string; func: string | null } {
  const m = /^(.*\.py)(?::([A-Za-z_][\w.]*))?$/.exec(target);
  if (!m) throw new UsageError(`${target}: expected FILE.py or FILE.py:FUNC`);
  return { file: m[1], func: m[2] ?? null };
}

/** The value of `--at`, if given. */
export function atOption(options: ReadonlyMap<string, string | true>): string | undefined {
  const at = options.get('at');
  if (at === true) throw new UsageError('--at needs a value');
  return at;
}

export interface LoadedScript {
  readonly file: string;
  readonly text: string;
  readonly analysis: Analysis;
}

/**
 * Reads and analyzes the script; a syntax error is written to stderr as FILE:LINE:COL and
 * answered with null.
 */
export function loadScript(file: string): LoadedScript | null {
  const text = readScript(file);
  try {
    return { file, text, analysis: analyzeDocument(text, file) };
  } catch (e) {
    if (!(e instanceof EvaluationFailure)) throw e;
    process.stderr.write(`${e.message}\n`);
    return null;
  }
}

/** The function named FUNC (a usage error naming the file's functions when there is none). */
export function namedFunction(script: LoadedScript, func: string): FunctionInfo {
  const fn = findFunction(script.analysis, func);
  if (!fn) {
    throw new UsageError(`${script.file}: no function '${func}' (functions: ${script.analysis.functions.map((f) => f.qualname).join(', ') || 'none'})`);
  }
  return fn;
}

/** FUNC, or with no FUNC every top-level numeric function that has example inputs. */
function targetFunctions(script: LoadedScript, func: string | null, at: string | undefined): readonly FunctionInfo[] {
  if (func) return [namedFunction(script, func)];
  return script.analysis.functions.filter((f) => f.isNumeric && f.parent === null && (f.inputSources.length > 0 || at !== undefined));
}

/**
 * The script and the functions `grad` and `verify` compute in it (targetFunctions); null when
 * there are none to compute, said on stderr: a syntax error, or no function with example inputs.
 */
export function loadTargets(file: string, func: string | null, at: string | undefined): { readonly script: LoadedScript; readonly functions: readonly FunctionInfo[] } | null {
  const script = loadScript(file);
  if (!script) return null;
  const functions = targetFunctions(script, func, at);
  if (functions.length > 0) return { script, functions };
  process.stderr.write(`${file}: no numeric function with example inputs; add a call of it, defaults, a '# gradlens: x=2.0' comment, or use --at\n`);
  return null;
}

/** The evaluation of `fn`, with `--at` (checked here: a mistake in it is a usage error) before the file's inputs. */
export function requestFor(script: LoadedScript, fn: FunctionInfo, at: string | undefined, backend: CliBackend, engines: EngineMode): EvaluateRequest {
  if (at !== undefined) {
    try {
      userInputs(at, fn, script.file);
    } catch (e) {
      if (e instanceof InputsFailure) throw new UsageError(e.unparsable ? `--at ${at}: ${e.detail}` : `--at: ${e.detail}`);
      throw e;
    }
  }
  return {
    uri: script.file, text: script.text, function: fn.qualname, engines, backend, graphs: false,
    ...(at !== undefined ? { inputs: at, inputsFirst: true } : {}),
  };
}
