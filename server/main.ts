/**
 * `node dist/server.js --stdio` (any LSP editor) or `--node-ipc` (VS Code): vscode-languageserver
 * picks the transport from the command line.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './index';

startServer(createConnection(ProposedFeatures.all));
