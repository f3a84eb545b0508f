/**
 * `node dist/server.js --stdio` (any LSP editor) or `--node-ipc` (VS Code): vscode-languageserver
 * picks the transport from the command line; over stdio the server writes its messages itself
 * (message_writer.ts).
 */
import { Console } from 'node:console';
import { inspect } from 'node:util';
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { startServer, StdioMessageWriter, Traffic } from './index';

// NB: Node ends the process on an exception that escapes a timer, and VS Code stops restarting a
// server after five crashes. Every handler contains its own failures; this is the last resort.
process.on('uncaughtException', (e) => console.error(`gradlens server: uncaught exception (kept running): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

/**
 * As vscode-languageserver does for a connection over stdio: what the process logs goes to the
 * client's log (window/logMessage), never into stdout, which carries the protocol.
 */
function logToClient(connection: Connection): void {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  const toClient = new Console({ stdout: process.stderr, stderr: process.stderr });
  toClient.log = toClient.info = (...args: unknown[]) => connection.console.log(text(args));
  toClient.debug = (...args: unknown[]) => connection.console.debug(text(args));
  toClient.warn = (...args: unknown[]) => connection.console.warn(text(args));
  toClient.error = (...args: unknown[]) => connection.console.error(text(args));
  globalThis.console = toClient;
}

const stdio = process.argv.includes('--stdio');
// NB: over --stdio, answers the pipe to the client cannot take yet wait in stdout's buffer.
const traffic = new Traffic(stdio ? () => process.stdout.writableLength > 0 : undefined);
const options = { messageStrategy: traffic.strategy };
// NB: stdin as a stream, so that vscode-languageserver ends the process when it closes; it takes a
// stream or a MessageWriter on each side (createMessageConnection looks at each), its types both of one kind.
const connection = stdio ? createConnection(ProposedFeatures.all, process.stdin, new StdioMessageWriter(process.stdout) as unknown as NodeJS.WritableStream, options) : createConnection(ProposedFeatures.all, options);
if (stdio) logToClient(connection);
startServer(connection, traffic);
