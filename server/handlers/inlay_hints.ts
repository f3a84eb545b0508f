/**
 * textDocument/inlayHint: the value and gradient after each evaluated function, unless the client
 * turned them off; each assigned name's type after it, where the client turned that on.
 */
import type { GradlensInitializationOptions } from '../../protocol';
import { inlayHints } from '../inlay_hints';
import { isInlayHintParams } from '../validate';
import { checked, contained, type Feature } from './feature';

const anyHints = (options: GradlensInitializationOptions) => options.inlayHints !== false || options.inlayShapes === true;

export const inlayHintFeature: Feature = {
  capabilities: (options) => (anyHints(options) ? { inlayHintProvider: true } : {}),
  register: (state) => {
    state.connection.languages.inlayHint.on(checked('textDocument/inlayHint', isInlayHintParams, ({ textDocument, range }, token) => contained(state, 'inlayHint', [], () => {
      const analysis = token.isCancellationRequested || !anyHints(state.options) ? undefined : state.analysisOf(textDocument.uri);
      const document = state.documents.get(textDocument.uri);
      if (!analysis || !document) return [];
      const shapes = state.options.inlayShapes === true ? { textOf: (r: typeof range) => document.getText(r), assignmentsOf: state.assignmentsOf(textDocument.uri) } : null;
      return inlayHints(analysis, range, state.successOf(textDocument.uri), { values: state.options.inlayHints !== false, shapes }, state.staleOf(textDocument.uri));
    })));
  },
};
