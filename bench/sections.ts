/**
 * BENCHMARKS.md holds one section per benchmark command (`bench`, `bench:browser`, `bench:lsp`).
 * Each command rewrites only its own section, between `<!-- bench:NAME -->` markers, so running one
 * never erases the tables of the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = 'BENCHMARKS.md';
const HEADER = '# Benchmarks\n\nEach section is written by the command it names; do not edit by hand.\n';

export function writeBenchSection(name: string, markdown: string): void {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from
    ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
    : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, next);
}
