import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** test/fixtures/python, found upward from the bundled test (dist-test/) or from the working directory. */
function findFixtures(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'test', 'fixtures', 'python');
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('test/fixtures/python not found');
}

export const FIXTURES = findFixtures();

export function fixture(...parts: string[]): string {
  return readFileSync(join(FIXTURES, ...parts), 'utf8');
}

export function fixtureNames(dir: string, ext: string): string[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith(ext))
    .sort();
}
