/**
 * textDocument/codeLens: a lens over each numeric function, titled by its latest result. A client
 * that resolves lenses (VS Code) gets them without their commands and resolves those it shows
 * (codeLens/resolve): 900 lenses are a third of the JSON, and a keystroke's answer is that much sooner.
 * The lenses around the last edit, on the screen the user types in, come with their commands: the
 * client shows them without a round trip per lens after each keystroke.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { LensData } from '../../protocol';
import { isPython } from '../documents';
import { resolvedLens } from '../lenses';
import { isCodeLens, isCodeLensParams } from '../validate';
import { checked, contained, type Feature } from './feature';

/** How many lines above and below the last edit have their lenses sent resolved: more than an editor's screen. */
export const RESOLVED_AROUND_EDIT_LINES = 60;

export const lensFeature: Feature = {
  capabilities: () => ({ codeLensProvider: { resolveProvider: true } }),
  register: (state) => {
    const unresolved = () => state.client.textDocument?.codeLens?.resolveSupport?.properties.includes('command') === true;
    state.connection.onCodeLens(checked('textDocument/codeLens', isCodeLensParams, ({ textDocument }, token) => contained(state, 'codeLens', [], () => {
      const document = token.isCancellationRequested ? undefined : state.documents.get(textDocument.uri);
      if (!document || !isPython(document)) return [];
      // An answer before the analysis is only given to a client that will be told to ask again.
      const functions = state.client.workspace?.codeLens?.refreshSupport ? state.analyses.lensFunctions(document) : state.analyses.of(document).functions;
      // NB: an answer from the tokens of a document just opened comes whole: resolving its lenses would wait for the analysis that follows it.
      const uri = textDocument.uri;
      const edited = state.editedLines.get(uri);
      const around = edited === undefined ? undefined : { from: edited - RESOLVED_AROUND_EDIT_LINES, to: edited + RESOLVED_AROUND_EDIT_LINES };
      return state.lensAnswers.answer(uri, state.lensDocuments.numberOf(uri), functions, state.shownOf(uri), unresolved() && state.analyses.isCurrent(document), around);
    })));
    // NB: a lens sent with its command (to a client that does not resolve) comes back as it is.
    state.connection.onCodeLensResolve(checked('codeLens/resolve', isCodeLens, (lens) => {
      if (lens.data === undefined) return lens;
      const data = lens.data as LensData;
      const uri = state.lensDocuments.uriOf(data[0]);
      if (uri === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `codeLens/resolve: no document numbered ${data[0]} was given lenses`);
      return resolvedLens({ ...lens, data }, uri, state.shownOf(uri));
    }));
  },
};
