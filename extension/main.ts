/** The extension's entry point: wires the client, panel, commands, live mode and status bar together. */
import * as vscode from 'vscode';
import { withoutLinks } from '../protocol';
import { registerCommands } from './commands';
import { changesServerOptions } from './config';
import { Ctx } from './ctx';
import { Evaluations } from './evaluate';
import { saveExport } from './export';
import { followActiveEditor } from './follow';
import { RememberedInputs } from './inputs';
import { startLiveMode } from './live';
import { GradlensPanel } from './panel';
import { SourceRevealer } from './reveal';
import { placeOf } from './sources';
import { BackendStatus } from './status';

/** The extension's state while active: VS Code calls deactivate with no arguments, so it is found here. */
let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Gradlens', { log: true });
  const active = (ctx = new Ctx(context, log));
  const status = new BackendStatus();
  const revealer = new SourceRevealer();
  const panel = new GradlensPanel(context.extensionUri, log, {
    ready: (backend) => {
      log.info(`The panel computes on ${backend.name}${backend.adapter ? ` (${backend.adapter})` : ''}.`);
      status.backend(backend, 'panel');
    },
    // NB: only a document the editor has open: a node's link is never a way to open anything else.
    reveal: (uri, range) => {
      // A notebook's place is in one of its cells.
      const place = placeOf(uri, range);
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === place.uri)) void revealer.reveal(place.uri, place.range);
      else log.warn(withoutLinks(`The panel asked to reveal ${uri}, which is not open; ignored.`));
    },
    export: (message) => void saveExport(message, log).catch((e: unknown) => log.error(`Export failed: ${e instanceof Error ? e.message : String(e)}`)),
  });
  const current = () => active.running;
  const evaluations = new Evaluations(current, panel, new RememberedInputs(context.workspaceState, current), status, log);
  context.subscriptions.push(log, status, revealer, panel, ...registerCommands(evaluations, panel, log), followActiveEditor(panel, () => active.clientIfRunning));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!changesServerOptions(e)) return;
      log.info('gradlens.inlayHints, gradlens.inlayShapes or gradlens.engines changed: restarting the language server.');
      await active.startClient();
    }),
  );
  await active.startClient();
  context.subscriptions.push(startLiveMode(evaluations, () => active.clientIfRunning, log));
}

export async function deactivate(): Promise<void> {
  const active = ctx;
  ctx = undefined;
  await active?.dispose();
}
