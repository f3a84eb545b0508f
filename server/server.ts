/**
 * The language server's wiring: documents in, analyses and results out as CodeLenses, inlay hints,
 * hovers and diagnostics; commands evaluated here on the CPU unless the client evaluates itself.
 */
import {
  CodeLensRefreshRequest,
  ResponseError,
  ErrorCodes,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  checkInputsRequest,
  COMMANDS,
  evaluateRequest,
  fromWire,
  resultNotification,
  resultRequest,
  toWire,
  type CommandId,
  type EvaluateRequest,
  type EvaluationOutcome,
  type FunctionCommandArgs,
  type GradlensInitializationOptions,
} from '../protocol';
import type { DocumentAnalysis, FunctionSummary } from './analysis';
import { checkInputs } from './check_inputs';
import { documentDiagnostics } from './diagnostics';
import { Analyses, isPython } from './documents';
import { ServerExecution } from './execution';
import { hover } from './hover';
import { inlayHints } from './inlay_hints';
import { codeLenses } from './lenses';
import { outcomeKey, ResultStore } from './results';
import {
  excerpt,
  isCheckInputsParams,
  isCodeLensParams,
  isDidChange,
  isDidClose,
  isDidOpen,
  isEvaluate,
  isExecuteCommandParams,
  isFunctionCommandArgs,
  isHoverParams,
  isInlayHintParams,
  isOutcome,
  type Guard,
} from './validate';

/** An evaluation running in the server, cancelled once its function's text changes. */
interface InFlight {
  readonly uri: string;
  readonly function: string;
  readonly sourceHash: string;
  aborted: boolean;
}

/**
 * The connection as TextDocuments sees it: open, change and close notifications that fail their
 * guards are logged and dropped before a document is made of them (a null text would be stored
 * and throw in every later feature).
 */
function validatedDocumentEvents(connection: Connection, rejected: (method: string, params: unknown) => void): Connection {
  const events: Connection = Object.create(connection);
  events.onDidOpenTextDocument = (handler) => connection.onDidOpenTextDocument((p) => (isDidOpen(p) ? handler(p) : rejected('textDocument/didOpen', p)));
  events.onDidChangeTextDocument = (handler) => connection.onDidChangeTextDocument((p) => (isDidChange(p) ? handler(p) : rejected('textDocument/didChange', p)));
  events.onDidCloseTextDocument = (handler) => connection.onDidCloseTextDocument((p) => (isDidClose(p) ? handler(p) : rejected('textDocument/didClose', p)));
  return events;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const results = new ResultStore();
  const execution = new ServerExecution();
  const inFlight = new Set<InFlight>();
  let options: GradlensInitializationOptions = {};
  let client: ClientCapabilities = {};

  const rejected = (method: string, params: unknown) => connection.console.error(`Ignored a malformed ${method} message: ${excerpt(params)}`);
  /** A request handler that answers InvalidParams to a malformed message. */
  const checked = <P, R>(method: string, guard: Guard<P>, handler: (params: P, token: CancellationToken) => R) => (params: unknown, token: CancellationToken): R => {
    if (!guard(params)) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: malformed parameters ${excerpt(params)}`);
    return handler(params, token);
  };
  /**
   * A feature that fails (a defect of Gradlens) answers nothing rather than an error, and the
   * failure is logged: the editor keeps working on every other document and feature.
   */
  const contained = <R>(what: string, fallback: R, compute: () => R): R => {
    try {
      return compute();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      connection.console.error(`Gradlens: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };

  const publish = (uri: string, analysis: DocumentAnalysis) => {
    const outcomes = analysis.functions.map((f) => results.get(uri, f.qualname)).filter((o): o is EvaluationOutcome => o !== undefined);
    const version = documents.get(uri)?.version;
    void connection.sendDiagnostics({ uri, ...(version === undefined ? {} : { version }), diagnostics: documentDiagnostics(analysis, outcomes) });
  };

  const refresh = () => {
    if (client.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (client.workspace?.inlayHint?.refreshSupport && options.inlayHints !== false) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };

  const analyses = new Analyses(
    (document, analysis, lensesWerePartial) => {
      const hashes = new Map(analysis.functions.map((f) => [f.qualname, f.sourceHash]));
      for (const run of inFlight) if (run.uri === document.uri && hashes.get(run.function) !== run.sourceHash) run.aborted = true;
      if (results.prune(document.uri, analysis) || lensesWerePartial) refresh();
      publish(document.uri, analysis);
    },
    (uri) => documents.get(uri),
  );

  const analysisOf = (uri: string): DocumentAnalysis | undefined => {
    const document = documents.get(uri);
    return document && isPython(document) ? analyses.of(document) : undefined;
  };

  const functionOf = (args: FunctionCommandArgs): FunctionSummary => {
    const fn = analysisOf(args.uri)?.functions.find((f) => f.qualname === args.function);
    if (!fn) throw new ResponseError(ErrorCodes.InvalidParams, `${args.uri}: no function '${args.function}' in the open document (renamed or removed?); run the command from the CodeLens over the function`);
    return fn;
  };

  /** Stores an outcome that is still current and shows it; one computed from older text is dropped. */
  const accept = (outcome: EvaluationOutcome): void => {
    const { uri } = outcomeKey(outcome);
    const analysis = analysisOf(uri);
    if (!analysis || !results.put(outcome, analysis)) return;
    publish(uri, analysis);
    refresh();
  };

  const evaluateHere = async (request: EvaluateRequest, fn: FunctionSummary | undefined, token?: CancellationToken): Promise<EvaluationOutcome> => {
    const run: InFlight = { uri: request.uri, function: request.function, sourceHash: fn?.sourceHash ?? '', aborted: false };
    const signal = { get aborted() { return run.aborted || (token?.isCancellationRequested ?? false); } };
    inFlight.add(run);
    try {
      const outcome = await execution.evaluate(request, signal, fn);
      accept(outcome);
      return outcome;
    } finally {
      inFlight.delete(run);
    }
  };

  const runCommand = (command: CommandId, args: FunctionCommandArgs, token: CancellationToken) => {
    const fn = functionOf(args);
    const document = documents.get(args.uri)!;
    const request: EvaluateRequest = {
      uri: args.uri,
      text: document.getText(),
      function: fn.qualname,
      engines: command === COMMANDS.compareEngines ? 'both' : options.engines ?? 'both',
      backend: 'wasm',
      graphs: command === COMMANDS.showGraph,
    };
    return evaluateHere(request, fn, token);
  };

  connection.onInitialize((params): InitializeResult => {
    client = params.capabilities;
    options = (params.initializationOptions as { gradlens?: GradlensInitializationOptions } | undefined)?.gradlens ?? {};
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
        ...(options.inlayHints === false ? {} : { inlayHintProvider: true }),
        // NB: a client that evaluates itself (VS Code) registers these commands; were the server to
        // list them too, VS Code's client would claim them and the client's own handlers would clash.
        ...(options.executionHost ? {} : { executeCommandProvider: { commands: Object.values(COMMANDS) } }),
      },
      serverInfo: { name: 'gradlens' },
    };
  });

  documents.onDidOpen(({ document }) => {
    if (isPython(document)) analyses.open(document);
  });
  documents.onDidChangeContent(({ document }) => {
    if (isPython(document)) analyses.schedule(document);
  });
  documents.onDidClose(({ document }) => {
    analyses.close(document.uri);
    results.forget(document.uri);
    for (const run of inFlight) if (run.uri === document.uri) run.aborted = true;
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  const resultOf = (uri: string) => (fn: string) => results.get(uri, fn);
  const successOf = (uri: string) => (fn: string) => {
    const outcome = results.get(uri, fn);
    return outcome?.ok ? outcome.result : undefined;
  };

  connection.onCodeLens(checked('textDocument/codeLens', isCodeLensParams, ({ textDocument }, token) => contained('codeLens', [], () => {
    const document = token.isCancellationRequested ? undefined : documents.get(textDocument.uri);
    if (!document || !isPython(document)) return [];
    // A partial answer is only given to a client that will be told to ask again.
    const { functions } = client.workspace?.codeLens?.refreshSupport ? analyses.lensFunctions(document) : analyses.of(document);
    return codeLenses(textDocument.uri, functions, resultOf(textDocument.uri));
  })));
  connection.languages.inlayHint.on(checked('textDocument/inlayHint', isInlayHintParams, ({ textDocument, range }, token) => contained('inlayHint', [], () => {
    const analysis = token.isCancellationRequested || options.inlayHints === false ? undefined : analysisOf(textDocument.uri);
    return analysis ? inlayHints(analysis, range, successOf(textDocument.uri)) : [];
  })));
  connection.onHover(checked('textDocument/hover', isHoverParams, ({ textDocument, position }, token) => contained('hover', null, () => {
    const analysis = token.isCancellationRequested ? undefined : analysisOf(textDocument.uri);
    return analysis ? hover(analysis, position, successOf(textDocument.uri)) : null;
  })));

  connection.onExecuteCommand(checked('workspace/executeCommand', isExecuteCommandParams, async ({ command, arguments: args }, token) => {
    const known = Object.values(COMMANDS) as string[];
    const target: unknown = args?.[0];
    if (!known.includes(command) || !isFunctionCommandArgs(target)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `${command}: expected one argument { uri, function } (Gradlens commands: ${known.join(', ')})`);
    }
    return runCommand(command as CommandId, target, token);
  }));

  connection.onNotification(resultNotification, (data: unknown) => contained('storing a result', undefined, () => {
    const outcome = fromWire(data, isOutcome);
    if (!outcome) return rejected(resultNotification.method, data);
    accept(outcome);
  }));
  connection.onRequest(resultRequest, checked(resultRequest.method, isFunctionCommandArgs, (args) => {
    contained('analysis', undefined, () => analysisOf(args.uri));
    const outcome = results.get(args.uri, args.function);
    return outcome ? toWire(outcome) : null;
  }));
  connection.onRequest(checkInputsRequest, checked(checkInputsRequest.method, isCheckInputsParams, (params) => {
    const fn = analysisOf(params.uri)?.functions.find((f) => f.qualname === params.function);
    if (!fn) return { ok: false, message: `no function '${params.function}' in ${params.uri}` };
    return checkInputs(fn, params.inputs);
  }));
  connection.onRequest(evaluateRequest, checked(evaluateRequest.method, isEvaluate, (request, token) => {
    const fn = analysisOf(request.uri)?.functions.find((f) => f.qualname === request.function);
    return evaluateHere(request, fn, token).then(toWire);
  }));

  connection.onShutdown(() => execution.dispose());
  documents.listen(validatedDocumentEvents(connection, rejected));
  connection.listen();
}
