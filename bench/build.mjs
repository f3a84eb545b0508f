// Bundles bench/main.ts into dist-bench/main.js (CommonJS for Node, as esbuild.mjs does for the CLI).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FUSION_INDEX = 'runtime/jit/compile/index.ts';

/** The fusion compiler is used once it is committed (BENCH_FUSION=1 or 0 overrides). */
function useFusion() {
  if (process.env.BENCH_FUSION === '1') return true;
  if (process.env.BENCH_FUSION === '0') return false;
  if (!existsSync(FUSION_INDEX)) return false;
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', FUSION_INDEX], { stdio: 'ignore' });
    return true;
  } catch {
    // untracked (work in progress) or not a git checkout
    return !existsSync('.git');
  }
}

const root = resolve('.').split('\\').join('/');
const fusion = useFusion();
const fusionModule = fusion
  ? `import { compile as fused } from '${root}/runtime/jit/compile';
import { simplify } from '${root}/runtime/jit';
export const name = 'fusion';
// jit's Compile hook: simplify as the default compile does, then plan and fuse.
export const compile = (jaxpr, backend) => {
  const simplified = simplify(jaxpr, { backend });
  const exe = fused(simplified, backend);
  return { jaxpr: exe.jaxpr ?? simplified, run: (args) => exe.run(args) };
};`
  : `export const name = 'default';
export const compile = undefined;`;

const fusionPlugin = {
  name: 'gradlens-bench-fusion',
  setup(build) {
    build.onResolve({ filter: /^gradlens-bench:fusion$/ }, () => ({ path: 'fusion', namespace: 'gradlens-bench' }));
    build.onLoad({ filter: /.*/, namespace: 'gradlens-bench' }, () => ({ contents: fusionModule, loader: 'js', resolveDir: root }));
  },
};

rmSync('dist-bench', { recursive: true, force: true });
await esbuild.build({
  entryPoints: { main: 'bench/main.ts', programs: 'bench/programs/main.ts' },
  outdir: 'dist-bench',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [fusionPlugin],
});
// The tfjs wasm binaries, beside the bundle (as esbuild.mjs ships them beside dist/cli.js).
const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
mkdirSync('dist-bench', { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join('dist-bench', f));
console.error(`bench: built dist-bench/main.js and programs.js (jit compile: ${fusion ? 'fusion, runtime/jit/compile' : 'default'})`);
