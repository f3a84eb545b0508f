/**
 * A real LSP client for the tests: `node dist/server.js --stdio` in a child process, spoken to with
 * vscode-jsonrpc. It answers the server's refresh requests (counting them) and keeps the latest
 * diagnostics of each document.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  CodeLensRefreshRequest,
  CodeLensRequest,
  CodeLensResolveRequest,
  DidChangeNotebookDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseNotebookDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type ClientCapabilities,
  type CodeLens,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type InlayHint,
  type MarkupContent,
  type NotebookCell,
  type NotebookDocumentChangeEvent,
  type Position,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { decodeWire, type GradlensInitializationOptions } from '../../protocol';

export const SERVER = resolve('dist/server.js');

/** What VS Code's client says of CodeLenses: it resolves their commands (codeLens/resolve). */
export const RESOLVES_LENSES: ClientCapabilities = { textDocument: { codeLens: { resolveSupport: { properties: ['command'] } } } };
/** The lines an editor shows. */
const SCREEN_LINES = 50;

export function fileUri(path: string): string {
  return pathToFileURL(resolve(path)).toString();
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export type Transport = 'stdio' | 'ipc';

export class LspClient {
  readonly connection: MessageConnection;
  readonly codeLensRefreshes: number[] = [];
  private readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  private readonly waiters: (() => void)[] = [];
  private readonly refreshWaiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  capabilities: InitializeResult['capabilities'] = {};
  /** What the server wrote to stderr (shown as it comes, and kept for the tests to read). */
  stderr = '';
  /** The server's window/logMessage messages. */
  readonly logs: string[] = [];

  private constructor(readonly process: ChildProcess, transport: Transport) {
    this.connection =
      transport === 'stdio'
        ? createMessageConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!))
        : createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
    process.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      globalThis.process.stderr.write(text);
      if (this.stderr.length < 1_000_000) this.stderr += text;
    });
    this.connection.onRequest(CodeLensRefreshRequest.type, () => {
      this.codeLensRefreshes.push(Date.now());
      for (const wake of this.refreshWaiters.splice(0)) wake();
    });
    this.connection.onRequest(InlayHintRefreshRequest.type, () => undefined);
    this.connection.onNotification(LogMessageNotification.type, (p) => void this.logs.push(p.message));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.listen();
  }

  /** Starts the server over stdio (any editor) or over Node's IPC channel (`--node-ipc`, as VS Code starts it). */
  static async start(options: GradlensInitializationOptions = {}, transport: Transport = 'stdio', capabilities: ClientCapabilities = {}): Promise<LspClient> {
    const child =
      transport === 'stdio'
        ? spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] })
        : fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const client = new LspClient(child, transport);
    const init = await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: { ...capabilities, workspace: { codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true } } },
      initializationOptions: { gradlens: options },
    });
    client.capabilities = init.capabilities;
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
  }

  /** Sends one incremental change; answers the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Opens a notebook (LSP 3.17 notebook sync) as VS Code does: its cells, and the text of each. */
  async openNotebook(uri: string, cells: readonly NotebookCellContent[]): Promise<void> {
    this.versions.set(uri, 1);
    for (const c of cells) this.versions.set(c.uri, 1);
    await this.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri, notebookType: 'jupyter-notebook', version: 1, cells: cells.map(notebookCell) },
      cellTextDocuments: cells.map((c) => ({ uri: c.uri, languageId: c.languageId ?? (c.kind === 'markdown' ? 'markdown' : 'python'), version: 1, text: c.text })),
    });
  }

  /** One change to an open notebook: cells' text edited, or cells added and removed (`structure`). */
  async changeNotebook(uri: string, change: { readonly textContent?: readonly { readonly uri: string; readonly changes: TextDocumentContentChangeEvent[] }[]; readonly structure?: { readonly start: number; readonly deleteCount: number; readonly cells: readonly NotebookCellContent[]; readonly closed?: readonly string[] } }): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const cells: NonNullable<NotebookDocumentChangeEvent['cells']> = {
      ...(change.structure ? {
        structure: {
          array: { start: change.structure.start, deleteCount: change.structure.deleteCount, cells: change.structure.cells.map(notebookCell) },
          didOpen: change.structure.cells.map((c) => ({ uri: c.uri, languageId: c.languageId ?? (c.kind === 'markdown' ? 'markdown' : 'python'), version: 1, text: c.text })),
          didClose: (change.structure.closed ?? []).map((closed) => ({ uri: closed })),
        },
      } : {}),
      ...(change.textContent ? {
        textContent: change.textContent.map(({ uri: cell, changes }) => {
          const v = (this.versions.get(cell) ?? 1) + 1;
          this.versions.set(cell, v);
          return { document: { uri: cell, version: v }, changes };
        }),
      } : {}),
    };
    await this.connection.sendNotification(DidChangeNotebookDocumentNotification.type, { notebookDocument: { uri, version }, change: { cells } });
  }

  async closeNotebook(uri: string, cells: readonly string[]): Promise<void> {
    await this.connection.sendNotification(DidCloseNotebookDocumentNotification.type, { notebookDocument: { uri }, cellTextDocuments: cells.map((c) => ({ uri: c })) });
  }

  /** Resolves at the next `workspace/codeLens/refresh` from the server (ask before it can come). */
  nextCodeLensRefresh(): Promise<void> {
    return new Promise((wake) => this.refreshWaiters.push(wake));
  }

  codeLenses(uri: string): Promise<CodeLens[]> {
    return this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }).then((l) => l ?? []);
  }

  /**
   * What VS Code asks when it shows `lines` lines from `top`: the lenses, then those on screen
   * resolved, in parallel (when they come without their commands); answers those on screen.
   */
  async lensesOnScreen(uri: string, top: number, lines = SCREEN_LINES): Promise<CodeLens[]> {
    const lenses = await this.codeLenses(uri);
    const shown = lenses.filter((l) => l.range.start.line >= top && l.range.start.line < top + lines);
    return Promise.all(shown.map((l) => (l.command ? l : this.resolveLens(l))));
  }

  /** The lens with its command, for one sent without it (codeLens/resolve, to a client that says it resolves). */
  resolveLens(lens: CodeLens): Promise<CodeLens> {
    return this.connection.sendRequest(CodeLensResolveRequest.type, lens);
  }

  inlayHints(uri: string, lines: number): Promise<InlayHint[]> {
    const range = { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } };
    return this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }).then((h) => h ?? []);
  }

  async hoverText(uri: string, position: Position): Promise<string | null> {
    const hover: Hover | null = await this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    return hover ? (hover.contents as MarkupContent).value : null;
  }

  executeCommand<T>(command: string, args: unknown[]): Promise<T> {
    // The server writes NaN and the infinities as protocol/wire.ts does (JSON has none).
    return this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }).then((answer) => decodeWire(answer) as T);
  }

  /** The document's diagnostics once they satisfy `ready` (for a given version when asked), or a timeout error. */
  async diagnosticsOf(uri: string, ready: (d: Diagnostic[]) => boolean = () => true, version?: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.diagnostics.get(uri);
      if (got && (version === undefined || got.version === version) && ready(got.diagnostics)) return got.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics as expected for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(got)}`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    }
    this.connection.dispose();
    await new Promise<void>((done) => (this.process.exitCode !== null ? done() : this.process.once('exit', () => done())));
  }
}

export interface NotebookCellContent {
  readonly uri: string;
  readonly kind: 'code' | 'markdown';
  readonly text: string;
  readonly languageId?: string;
}

function notebookCell(c: NotebookCellContent): NotebookCell {
  return { kind: c.kind === 'markdown' ? 1 : 2, document: c.uri };
}

/** The lines of a text, and the LSP position of a substring's first character on a given line. */
export function positionOf(text: string, line: number, needle: string): Position {
  const character = text.split('\n')[line].indexOf(needle);
  if (character < 0) throw new Error(`'${needle}' is not on line ${line + 1}`);
  return { line, character };
}

/** The resident memory of the server and (unless `withChildren` is false) of every process it started (its evaluation process), in MiB (Linux). */
export function residentMiB(pid: number, withChildren = true): number {
  let kB = 0;
  for (const p of [pid, ...(withChildren ? descendantsOf(pid) : [])]) {
    try {
      kB += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]);
    } catch {
      // It exited between the listing and the read.
    }
  }
  return kB / 1024;
}

/** The median of samples (the soaks compare memory sampled over a run). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function descendantsOf(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendantsOf(c)]);
}
