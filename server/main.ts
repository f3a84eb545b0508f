/**
 * `node dist/server.js --stdio` (any LSP editor) or `--node-ipc` (VS Code): vscode-languageserver
 * picks the transport from the command line.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './index';

// NB: Node ends the process on an exception that escapes a timer, and VS Code stops restarting a
// server after five crashes. Every handler contains its own failures; this is the last resort.
process.on('uncaughtException', (e) => console.error(`gradlens server: uncaught exception (kept running): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

startServer(createConnection(ProposedFeatures.all));
