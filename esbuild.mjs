// Bundles each entry point into dist/, with --tests each test file into dist-test/, or with
// --webgpu the browser test page (test/webgpu/page.ts) and its Node driver into dist-webgpu/, with
// --bench-browser the browser benchmark's page and driver (bench/browser) into dist-bench-browser/.
// CommonJS for Node: tfjs's ESM build does not resolve there, and esbuild picks the build that does.
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const tests = process.argv.includes('--tests');
const webgpu = process.argv.includes('--webgpu');
const benchBrowser = process.argv.includes('--bench-browser');
const lsp = process.argv.includes('--lsp');

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

/**
 * The runtime imports node:fs and node:path only to find tfjs-backend-wasm's binaries from Node;
 * in the page these stubs stand in (the page never creates the wasm backend).
 */
const nodeStubs = {
  name: 'node-stubs',
  setup(build) {
    build.onResolve({ filter: /^node:(fs|path)$/ }, (args) => ({ path: args.path, namespace: 'node-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({
      contents: 'export const existsSync = () => false; export const dirname = (p) => p; export const join = (...p) => p.join("/");',
      loader: 'js',
    }));
  },
};

/** A bundle for a Chromium page (the webview, the test and bench pages), node:fs/path stubbed. */
const browser = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  sourcemap: 'linked',
  plugins: [nodeStubs],
  // NB: a stylesheet a page script imports (uPlot's) arrives as text, adopted as a constructable stylesheet.
  loader: { '.css': 'text' },
};

/**
 * A browser page in `outdir`: index.html loading page.js (bundled from `page`, node:fs/path
 * stubbed), tfjs-backend-wasm's binaries beside it (the page falls back to or runs wasm), and its
 * Node driver (`driver`, playwright-core left external) as `driverOut`.
 */
async function browserPage(outdir, title, page, driver, driverOut) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // NB: the folder ignores itself, so that git never lists the build (nor data files written beside it).
  writeFileSync(join(outdir, '.gitignore'), '*\n');
  writeFileSync(join(outdir, 'index.html'), `<!doctype html>\n<meta charset="utf-8">\n<title>${title}</title>\n<script src="page.js"></script>\n`);
  await esbuild.build({ ...browser, logLevel: 'error', entryPoints: [page], outfile: join(outdir, 'page.js') });
  copyWasmBinaries(outdir);
  await esbuild.build({ ...common, entryPoints: [driver], outfile: join(outdir, driverOut), external: ['playwright-core'] });
}

if (webgpu) {
  await browserPage('dist-webgpu', 'gradlens webgpu tests', 'test/webgpu/page.ts', 'test/webgpu/webgpu.test.ts', 'webgpu.test.js');
} else if (benchBrowser) {
  await browserPage('dist-bench-browser', 'gradlens browser bench', 'bench/browser/page.ts', 'bench/browser/main.ts', 'main.js');
} else if (lsp) {
  // The LSP tests and benchmark: mocha drives dist/server.js (built by the default branch) as a child process.
  rmSync('dist-lsp', { recursive: true, force: true });
  const entries = [...testFiles('test/lsp'), 'bench/lsp/main.ts', 'bench/lsp/memory.ts'].filter((f) => existsSync(f));
  await esbuild.build({
    ...common,
    entryPoints: Object.fromEntries(entries.map((f) => [f.replace(/\.ts$/, ''), f])),
    outdir: 'dist-lsp',
  });
} else if (tests) {
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
    ['server/main.ts', 'server'],
    // The language server's and the CLI's evaluations run in this child process, beside dist/server.js and dist/cli.js.
    ['evaluation/worker/child.ts', 'evaluation_worker'],
  ].filter(([src]) => existsSync(src));
  // npx runs dist/cli.js directly.
  const banner = { js: '#!/usr/bin/env node' };
  await esbuild.build({
    ...common,
    entryPoints: Object.fromEntries(entries.map(([src, out]) => [out, src])),
    outdir: 'dist',
    banner,
  });
  // NB: npx runs the bin itself; npm marks it executable only when it links the package, which a
  // reused npx cache (the same checkout path, rebuilt) skips: a fresh build must be runnable on its own.
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  // The VS Code client: small and quick to start, so it never bundles the runtime; minified, as
  // vscode-languageclient alone is most of a megabyte of source.
  if (existsSync('extension/main.ts')) {
    await esbuild.build({ ...common, entryPoints: { extension: 'extension/main.ts' }, outdir: 'dist', external: ['vscode'], minify: true });
  }
  // The panel and its WebGPU execution host run in the webview, a browser page.
  if (existsSync('webview/main.ts')) {
    await esbuild.build({ ...browser, logLevel: 'warning', entryPoints: { webview: 'webview/main.ts' }, outdir: 'dist' });
  }
  copyWasmBinaries('dist');
}
