// Bundles each entry point into dist/, or with --tests each test file into dist-test/.
// CommonJS for Node: tfjs's ESM build does not resolve there, and esbuild picks the build that does.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const tests = process.argv.includes('--tests');

/** The wasm binaries tfjs-backend-wasm loads at run time, shipped beside the bundles. */
function copyWasmBinaries(outdir) {
  const src = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
  mkdirSync(outdir, { recursive: true });
  for (const f of readdirSync(src).filter((f) => f.endsWith('.wasm'))) cpSync(join(src, f), join(outdir, f));
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return testFiles(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
};

if (tests) {
  // NB: one bundle for all tests. tfjs keeps its engine and backend registry on globalThis, so
  // several bundles in one mocha process would each carry a tfjs whose wasm paths the others never set.
  rmSync('dist-test', { recursive: true, force: true });
  const files = testFiles('test/unit').sort();
  await esbuild.build({
    ...common,
    stdin: {
      contents: files.map((f) => `import './${f.split('\\').join('/')}';`).join('\n'),
      resolveDir: '.',
      sourcefile: 'all-tests.ts',
      loader: 'ts',
    },
    outfile: 'dist-test/unit.test.js',
  });
} else {
  const entries = [
    ['cli/main.ts', 'cli'],
  ].filter(([src]) => existsSync(src));
  // npx runs dist/cli.js directly.
  const banner = { js: '#!/usr/bin/env node' };
  await esbuild.build({
    ...common,
    entryPoints: Object.fromEntries(entries.map(([src, out]) => [out, src])),
    outdir: 'dist',
    banner,
  });
  copyWasmBinaries('dist');
}
