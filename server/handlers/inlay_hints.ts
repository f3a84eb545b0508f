/** textDocument/inlayHint: the value and gradient after each evaluated function, unless the client turned them off. */
import { inlayHints } from '../inlay_hints';
import { isInlayHintParams } from '../validate';
import { checked, contained, type Feature } from './feature';

export const inlayHintFeature: Feature = {
  capabilities: (options) => (options.inlayHints === false ? {} : { inlayHintProvider: true }),
  register: (state) => {
    state.connection.languages.inlayHint.on(checked('textDocument/inlayHint', isInlayHintParams, ({ textDocument, range }, token) => contained(state, 'inlayHint', [], () => {
      const analysis = token.isCancellationRequested || state.options.inlayHints === false ? undefined : state.analysisOf(textDocument.uri);
      return analysis ? inlayHints(analysis, range, state.successOf(textDocument.uri)) : [];
    })));
  },
};
