/** textDocument/codeLens: a lens over each numeric function, titled by its latest result. */
import { isPython } from '../documents';
import { codeLenses } from '../lenses';
import { isCodeLensParams } from '../validate';
import { checked, contained, type Feature } from './feature';

export const lensFeature: Feature = {
  capabilities: () => ({ codeLensProvider: { resolveProvider: false } }),
  register: (state) => {
    state.connection.onCodeLens(checked('textDocument/codeLens', isCodeLensParams, ({ textDocument }, token) => contained(state, 'codeLens', [], () => {
      const document = token.isCancellationRequested ? undefined : state.documents.get(textDocument.uri);
      if (!document || !isPython(document)) return [];
      // An answer before the analysis is only given to a client that will be told to ask again.
      const functions = state.client.workspace?.codeLens?.refreshSupport ? state.analyses.lensFunctions(document) : state.analyses.of(document).functions;
      return codeLenses(textDocument.uri, functions, state.resultOf(textDocument.uri));
    })));
  },
};
