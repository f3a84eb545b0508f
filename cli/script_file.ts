import { readFileSync } from 'node:fs';
import { UsageError } from './args';

/** Reads a Python script named on the command line, or says clearly why it cannot. */
export function readScript(file: string): string {
  if (!file.endsWith('.py')) throw new UsageError(`${file}: expected a Python file (FILE.py)`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${code ?? 'unknown error'})`);
  }
}
