import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * The product's import graph, read from the sources: imports point one way (runtime <- lang <-
 * evaluation <- server, webview, cli; protocol shared; the extension host loads none of the
 * runtime) and no file reaches itself through its imports. A circle is how a folder's concern
 * leaks into another's: each one found so far hid a back edge that a move of a few lines removed.
 */

const PRODUCT_FOLDERS = ['runtime', 'lang', 'evaluation', 'protocol', 'server', 'extension', 'webview', 'cli', 'verify'] as const;
type ProductFolder = (typeof PRODUCT_FOLDERS)[number];

/** The folders each folder may import from (besides itself). */
const MAY_IMPORT: { readonly [F in ProductFolder]: readonly ProductFolder[] } = {
  protocol: [],
  runtime: ['protocol'],
  lang: ['runtime', 'protocol'],
  evaluation: ['lang', 'runtime', 'protocol'],
  server: ['evaluation', 'lang', 'runtime', 'protocol'],
  cli: ['evaluation', 'lang', 'runtime', 'protocol', 'verify'],
  webview: ['evaluation', 'lang', 'runtime', 'protocol'],
  // The extension host imports only the panel's HTML from webview/ (its index says so).
  extension: ['protocol', 'webview', 'verify'],
  // The real library run in the user's Python and compared: the extension host's and the CLI's.
  verify: ['protocol'],
};

// `import ... from './x'`, `import type ...`, `export ... from './x'`, `import './x'`, `import('./x')`.
const IMPORT = /(?:\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every product file with the product files it imports, as repository-relative paths. */
function importGraph(): Map<string, string[]> {
  const files = PRODUCT_FOLDERS.flatMap((folder) => sourceFiles(folder)).map(normalize);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const base = normalize(join(dirname(file), match[1]!)).replace(/\.js$/, '');
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find((c) => known.has(c));
      assert.ok(target, `${file} imports '${match[1]}', which is not a product source file`);
      targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with more than one file (Tarjan's algorithm, iterative). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next); low.set(root, next); next++;
    stack.push(root); onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (!index.has(to)) {
          index.set(to, next); low.set(to, next); next++;
          stack.push(to); onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1) found.push(component.sort());
      }
    }
  }
  return found;
}

/** One import path around a circle, file by file, to show where to cut it. */
function cycleThrough(graph: ReadonlyMap<string, readonly string[]>, component: readonly string[]): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(to)) { cameFrom.set(to, node); queue.push(to); }
    }
  }
  return [...component];
}

const folderOf = (file: string): ProductFolder => file.split(/[\\/]/)[0] as ProductFolder;

describe('The product import graph', () => {
  const graph = importGraph();

  it('reads the sources of every product folder', () => {
    for (const folder of PRODUCT_FOLDERS) {
      assert.ok([...graph.keys()].some((f) => folderOf(f) === folder), `no source files found in ${folder}/`);
    }
    // The reader must see the imports it is meant to see, or the checks below prove nothing.
    assert.ok((graph.get(normalize('extension/panel.ts')) ?? []).includes(normalize('webview/index.ts')));
  });

  it('has no import circle among product files', () => {
    const found = circles(graph).map((c) => `${c.length} files: ${cycleThrough(graph, c).join(' -> ')}`);
    assert.deepEqual(found, [], `import circles:\n${found.join('\n')}`);
  });

  it('imports point one way between folders', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = folderOf(file);
        const to = folderOf(target);
        if (from !== to && !MAY_IMPORT[from].includes(to)) wrong.push(`${file} -> ${target}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('the extension host loads nothing of the runtime, the interpreter or the evaluator', () => {
    const reached = new Set<string>();
    const pending = [...graph.keys()].filter((f) => folderOf(f) === 'extension');
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      pending.push(...(graph.get(file) ?? []));
    }
    const heavy = [...reached].filter((f) => ['runtime', 'lang', 'evaluation'].includes(folderOf(f)));
    assert.deepEqual(heavy, []);
  });

  it('lang/python keeps its concerns in folders: at most six files at its top level', () => {
    const files = readdirSync(join('lang', 'python')).filter((name) => name.endsWith('.ts'));
    assert.ok(files.length <= 6, `lang/python has ${files.length} top-level files: ${files.join(', ')}`);
  });

  it('finds a circle when there is one (the finder itself)', () => {
    const sample = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []]]);
    assert.deepEqual(circles(sample), [['a', 'b', 'c']]);
    assert.deepEqual(cycleThrough(sample, ['a', 'b', 'c']), ['a', 'b', 'c', 'a']);
  });
});
