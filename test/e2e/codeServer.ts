/**
 * A real VS Code for the end-to-end test: code-server (installed by scripts/ensure-e2e.sh) with
 * fresh user-data, extensions and XDG folders, the .vsix installed, listening on 127.0.0.1 at a
 * free port. It runs in its own process group so that stopping it ends the extension host and
 * the language server too.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CodeServer {
  readonly url: string;
  /** VS Code's log folder while it runs (the Gradlens output channel's log is under it). */
  readonly logs: string;
  /** Stops it; its log and VS Code's logs (the extension host's, Gradlens's output) stay in `artifacts`. */
  stop(): Promise<void>;
}

/** What scripts/ensure-e2e.sh printed: Node 24 and code-server's entry point. */
function ensureE2e(root: string): { node: string; codeServer: string } {
  const out = execFileSync('bash', [join(root, 'scripts/ensure-e2e.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const env = Object.fromEntries(out.trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
  const node = env.GRADLENS_E2E_NODE;
  const codeServer = env.GRADLENS_E2E_CODE_SERVER;
  if (!node || !codeServer) throw new Error(`scripts/ensure-e2e.sh printed no GRADLENS_E2E_NODE/GRADLENS_E2E_CODE_SERVER:\n${out}`);
  return { node, codeServer };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Settings of the fresh profile: nothing that pops up over the editor, and workspace trust left
 * on with no prompt, so the folder opens in Restricted Mode and the test shows Gradlens works there.
 */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'editor.hover.delay': 300,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The LSP traffic, in the Gradlens log that stays in test-artifacts (code-server runs with --log trace).
  'gradlens.trace.server': 'verbose',
  // GRADLENS_E2E_BACKEND=wasm runs the panel on WebAssembly instead of the default (WebGPU where there is an adapter).
  ...(process.env.GRADLENS_E2E_BACKEND ? { 'gradlens.backend': process.env.GRADLENS_E2E_BACKEND } : {}),
};

/** `settings` go into the fresh profile's user settings, over USER_SETTINGS. */
export async function startCodeServer(root: string, vsix: string, artifacts: string, settings: Readonly<Record<string, unknown>> = {}): Promise<CodeServer> {
  const { node, codeServer } = ensureE2e(root);
  const home = mkdtempSync(join(tmpdir(), 'gradlens-e2e-'));
  const dirs = { userData: join(home, 'user-data'), extensions: join(home, 'extensions'), config: join(home, 'config'), data: join(home, 'data') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, HOME: home };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  execFileSync(node, [codeServer, ...common, '--install-extension', vsix], { env, stdio: ['ignore', 'ignore', 'inherit'] });

  const port = await freePort();
  const out = openSync(join(artifacts, 'code-server.log'), 'w');
  // NB: detached makes it a session and process-group leader (setsid), so one kill reaches all of it.
  const child: ChildProcess = spawn(
    node,
    [codeServer, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--log', 'trace'],
    { env, detached: true, stdio: ['ignore', out, out] },
  );
  const url = `http://127.0.0.1:${port}`;
  const logs = join(dirs.userData, 'logs');
  // NB: also when mocha exits without running `after` (interrupted, crashed): never leave it running.
  const killOnExit = () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL');
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killGroup(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      killGroup(child.pid, 'SIGKILL');
    }
    if (existsSync(logs)) cpSync(logs, join(artifacts, 'vscode-logs'), { recursive: true });
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logs, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it listened`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
