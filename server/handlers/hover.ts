/** textDocument/hover: a function's latest result, both engines compared, on its name; what an assigned name held, on the name. */
import { hover } from '../hover';
import { isHoverParams } from '../validate';
import { checked, contained, type Feature } from './feature';

export const hoverFeature: Feature = {
  capabilities: () => ({ hoverProvider: true }),
  register: (state) => {
    state.connection.onHover(checked('textDocument/hover', isHoverParams, ({ textDocument, position }, token) => contained(state, 'hover', null, () => {
      const analysis = token.isCancellationRequested ? undefined : state.analysisOf(textDocument.uri);
      const document = state.documents.get(textDocument.uri);
      return analysis && document ? hover(analysis, position, state.successOf(textDocument.uri), (range) => document.getText(range), state.assignmentsOf(textDocument.uri)) : null;
    })));
  },
};
