import { backendLabel, errorText, type EvaluationError, type EvaluationResult, type Numbers } from '../../protocol';
import { html } from './dom';
import { formatLocation, formatNumbers } from './format';

/** The value and gradient: the one shown, and each engine's beside it, so a disagreement shows. */
export function resultsView(result: EvaluationResult): HTMLElement {
  const engines = [
    ...(result.eager ? [{ name: 'eager', run: result.eager }] : []),
    ...(result.jit ? [{ name: 'jit', run: result.jit }] : []),
  ];
  const row = (what: string, cls: string, shown: Numbers, perEngine: (Numbers | undefined)[]): HTMLElement =>
    html(
      'tr',
      { class: cls },
      html('th', { scope: 'row' }, what),
      html('td', { class: 'shown' }, formatNumbers(shown)),
      ...perEngine.map((v) => html('td', {}, v === undefined ? '—' : formatNumbers(v))),
    );
  const inputs = Object.entries(result.inputs).map(([k, v]) => `${k}=${formatNumbers(v)}`).join(', ');
  return html(
    'section',
    { class: 'results' },
    html('h2', {}, `${result.function}(${inputs})`),
    html('p', { class: 'meta' }, `${result.style} · ${backendLabel(result.backend)} · inputs from ${ORIGINS[result.inputOrigin]}`),
    ...(result.hostReads
      ? [html('p', { class: 'meta host-reads' }, `${result.hostReads} value${result.hostReads === 1 ? '' : 's'} read at once (.item(), print, float, if) computed on the CPU: this GPU cannot be read synchronously`)]
      : []),
    html(
      'table',
      { class: 'values' },
      html('thead', {}, html('tr', {}, html('th', {}), html('th', {}, 'result'), ...engines.map((e) => html('th', {}, e.name)))),
      html(
        'tbody',
        {},
        row('value', 'value', result.value, engines.map((e) => e.run.value)),
        ...Object.entries(result.grad).map(([param, g]) => row(`∂/∂${param}`, 'grad', g, engines.map((e) => e.run.grad[param]))),
      ),
    ),
    ...(result.nonFinite
      ? [
          html(
            'p',
            { class: 'warning' },
            `${result.nonFinite.value} first appeared in the ${result.nonFinite.in} at ${formatLocation(result.uri, result.nonFinite.range)} (${result.nonFinite.op})`,
          ),
        ]
      : []),
  );
}

const ORIGINS: Record<EvaluationResult['inputOrigin'], string> = {
  call: 'a call in the file',
  defaults: 'parameter defaults',
  comment: 'a # gradlens: comment',
  user: 'what you typed',
};

/** Why there is no result, with the place to fix it, named once (`mlp_jax.py:4:7: error: ...`). */
export function errorView(error: EvaluationError): HTMLElement {
  return html('section', { class: `error kind-${error.kind}` }, html('h2', {}, `${error.function}()`), html('p', { class: 'message' }, errorText(error)));
}
