/**
 * `node dist/server.js --stdio` (any LSP editor) or `--node-ipc` (VS Code): vscode-languageserver
 * picks the transport from the command line.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer, Traffic } from './index';

// NB: Node ends the process on an exception that escapes a timer, and VS Code stops restarting a
// server after five crashes. Every handler contains its own failures; this is the last resort.
process.on('uncaughtException', (e) => console.error(`gradlens server: uncaught exception (kept running): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

// NB: over --stdio, answers the pipe to the client cannot take yet wait in stdout's buffer.
const traffic = new Traffic(process.argv.includes('--stdio') ? () => process.stdout.writableLength > 0 : undefined);
startServer(createConnection(ProposedFeatures.all, { messageStrategy: traffic.strategy }), traffic);
