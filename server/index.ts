/** server: the Gradlens language server (LSP over stdio or VS Code's IPC). */
export { startServer } from './server';
export { Traffic } from './traffic';
export { StdioMessageWriter } from './message_writer';
