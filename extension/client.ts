/** The language client: starts dist/server.js over IPC and tells it that this client evaluates. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { GradlensInitializationOptions } from '../protocol';
import type { Config } from './config';
import { recordLenses } from './target';

export function createClient(context: vscode.ExtensionContext, config: Config, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const gradlens: GradlensInitializationOptions = { executionHost: true, inlayHints: config.inlayHints, inlayShapes: config.inlayShapes, engines: config.engines };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      // A notebook's Python cells: their text reaches the server by notebook sync (LSP 3.17), their lenses and hovers come from here.
      { notebook: '*', language: 'python' },
    ],
    initializationOptions: { gradlens },
    outputChannel: log,
    // NB: the server's hovers and tooltips show text from the user's file: never trusted, no HTML, so no command link runs.
    markdown: { isTrusted: false, supportHtml: false },
    middleware: { provideCodeLenses: recordLenses },
  };
  return new LanguageClient('gradlens', 'Gradlens', serverOptions, clientOptions);
}
