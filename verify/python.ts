/**
 * Runs the verify script in a Python the user chose (or `python3`), as a child process with a
 * timeout, stopped when cancelled: the user's code is real Python there, with no budgets of ours.
 */
import { spawn } from 'node:child_process';
import type { Numbers } from '../protocol/results';
import type { RealRun, VerifyRequest } from './compare';
import { VERIFY_SCRIPT } from './script';

export interface RunOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** What the Python said, or why it said nothing we can read. */
export type PythonAnswer =
  | { readonly ok: true; readonly run: RealRun }
  | { readonly ok: false; readonly message: string; readonly line?: number };

export function runInPython(python: string, request: VerifyRequest, options: RunOptions): Promise<PythonAnswer> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', VERIFY_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped: string | null = null;
    const stop = (why: string) => {
      stopped = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`${python} took longer than ${options.timeoutMs / 1000} s (the timeout); it was stopped`), options.timeoutMs);
    const onAbort = () => stop('the verification was cancelled');
    options.signal?.addEventListener('abort', onAbort);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ ok: false, message: `could not run ${python}: ${e.message}; set the Python to verify with (gradlens.verify.python, or --python)` });
    });
    child.on('close', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopped) return resolve({ ok: false, message: stopped });
      resolve(answerOf(python, stdout, stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(request));
  });
}

function answerOf(python: string, stdout: string, stderr: string): PythonAnswer {
  const last = stdout.trim().split('\n').pop() ?? '';
  let said: Record<string, unknown>;
  try {
    said = JSON.parse(last) as Record<string, unknown>;
  } catch {
    return { ok: false, message: `${python} gave no answer${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}` };
  }
  if (typeof said.missing === 'string') {
    return { ok: false, message: `${String(said.python ?? python)} has no ${said.missing}; install it there or choose another Python (gradlens.verify.python, or --python)` };
  }
  if (typeof said.error === 'string') {
    return { ok: false, message: `${python} raised ${said.error}`, ...(typeof said.line === 'number' ? { line: said.line } : {}) };
  }
  const grad = said.grad as Record<string, unknown>;
  return {
    ok: true,
    run: {
      library: said.library as RealRun['library'], version: String(said.version),
      value: numbersOf(said.value), grad: Object.fromEntries(Object.entries(grad).map(([k, v]) => [k, numbersOf(v)])),
    },
  };
}

/** NaN and the infinities came as strings (see the script). */
function numbersOf(v: unknown): Numbers {
  if (Array.isArray(v)) return v.map(numbersOf);
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number | boolean;
}
