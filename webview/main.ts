// The page bundled into dist/webview.js: the panel, and the execution host that evaluates on the
// webview's GPU. Every message from the extension is validated before it is acted on; messages
// cross as JSON (VS Code's postMessage), so both ways they go through the protocol's wire form.
import { env } from '@tensorflow/tfjs-core';
import { openExecutionHost } from '../evaluation';
import { decodeWire, definitionLine, fromWire, isExtensionToWebview, toWire, type ExtensionToWebview, type Wire, type WebviewToExtension } from '../protocol';
import { HostSession } from './host';
import { PANEL_ROOT_ID } from './html';
import { Panel } from './ui/panel';
import { adoptPanelStyles } from './ui/styles';

interface VsCodeApi {
  postMessage(message: Wire<WebviewToExtension>): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// NB: tfjs-backend-wasm's threaded build starts its threads as blob: workers that load the page
// script again. The panel's CSP refuses them (worker-src falls back to script-src), and in a
// cross-origin isolated page tfjs would then wait for them forever: the CPU backend runs on one thread.
env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const vscode = acquireVsCodeApi();
const post = (message: WebviewToExtension): void => vscode.postMessage(toWire(message));

adoptPanelStyles(document);
const root = document.getElementById(PANEL_ROOT_ID) ?? document.body;
const panel = new Panel(
  root,
  (uri, range) => post({ type: 'reveal', uri, range }),
  (uri, exported) => post({ type: 'export', uri, ...exported }),
);
const host = new HostSession(openExecutionHost, (message) => {
  if (message.type === 'progress') panel.progress(message.message);
  post(message);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = fromWire(event.data, isExtensionToWebview);
  if (!message) {
    post({ type: 'log', level: 'warn', message: `webview: ignored a malformed message: ${JSON.stringify(decodeWire(event.data))?.slice(0, 200)}` });
    return;
  }
  void handle(message).catch((e: unknown) =>
    post({ type: 'log', level: 'error', message: `webview: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` }),
  );
});

async function handle(message: ExtensionToWebview): Promise<void> {
  switch (message.type) {
    case 'evaluate': {
      const outcome = await host.evaluate(message.id, message.request);
      const fn = outcome.ok ? outcome.result.function : outcome.error.function;
      const line = definitionLine(message.request.text, fn);
      await panel.show(outcome, undefined, { ...(line === undefined ? {} : { line }), at: Date.now(), ...(message.request.cells ? { cells: message.request.cells } : {}) });
      return;
    }
    case 'cancel':
      host.cancel(message.id);
      return;
    case 'show':
      await panel.show(message.outcome, message.view, message);
      return;
    case 'idle':
      await panel.idle(message.uri, message.function, message.line, message.cells);
      return;
  }
}

void host.start();
