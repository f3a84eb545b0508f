/**
 * The language server's wiring: documents in, analyses and results out as CodeLenses, inlay hints,
 * hovers and diagnostics; commands evaluated here on the CPU unless the client evaluates itself.
 * Each feature (handlers/) announces its capabilities and registers its handlers over one state.
 */
import type { Connection, InitializeResult } from 'vscode-languageserver';
import type { GradlensInitializationOptions } from '../protocol';
import { commandFeature } from './handlers/commands';
import { documentsFeature, listenToDocuments } from './handlers/documents';
import { evaluationFeature } from './handlers/evaluation';
import type { Feature } from './handlers/feature';
import { hoverFeature } from './handlers/hover';
import { inlayHintFeature } from './handlers/inlay_hints';
import { lensFeature } from './handlers/lenses';
import { answeringCells } from './cell_requests';
import { Notebooks } from './notebooks';
import { ServerState } from './state';
import type { Traffic } from './traffic';

const FEATURES: readonly Feature[] = [documentsFeature, lensFeature, inlayHintFeature, hoverFeature, commandFeature, evaluationFeature];

/** @param traffic the messages as `connection` handles them (its message strategy). */
export function startServer(connection: Connection, traffic: Traffic): void {
  const notebooks = new Notebooks();
  const state = new ServerState(answeringCells(connection, notebooks), notebooks, traffic);
  connection.onInitialize((params): InitializeResult => {
    state.client = params.capabilities;
    state.options = (params.initializationOptions as { gradlens?: GradlensInitializationOptions } | undefined)?.gradlens ?? {};
    return {
      capabilities: Object.assign({}, ...FEATURES.map((f) => f.capabilities?.(state.options) ?? {})),
      serverInfo: { name: 'gradlens' },
    };
  });
  for (const feature of FEATURES) feature.register(state);
  listenToDocuments(state);
  connection.listen();
}
