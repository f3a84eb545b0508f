import { backendLabel, errorText, float64OnCpuText, hostReadsText, messageOnly, operandsText, type CellLines, type EvaluationError, type EvaluationResult, type Jacobian, type Numbers } from '../../protocol';
import { html } from './dom';
import { formatLocation, formatNumbers } from './format';
import { tensorCell } from './tensor_table';

/**
 * The value and gradient: the one shown, and each engine's beside it, so a disagreement shows;
 * places in a notebook by `cells`. Every tensor printed (an input, a value, a gradient, a
 * Jacobian, each engine's) opens as a table under the results.
 */
export function resultsView(result: EvaluationResult, cells?: readonly CellLines[]): HTMLElement {
  const engines = [
    ...(result.eager ? [{ name: 'eager', run: result.eager }] : []),
    ...(result.jit ? [{ name: 'jit', run: result.jit }] : []),
  ];
  // A tensor clicked in the tables opens here, one at a time.
  const tensorSlot = html('div', { class: 'tensor-slot' });
  const open = (view: HTMLElement): void => {
    tensorSlot.replaceChildren(view);
    view.scrollIntoView?.({ block: 'nearest' });
  };
  const row = (what: string, cls: string, shown: Numbers, perEngine: (Numbers | undefined)[]): HTMLElement =>
    html(
      'tr',
      { class: cls },
      html('th', { scope: 'row' }, what),
      html('td', { class: 'shown' }, tensorCell(what, shown, formatNumbers(shown), open)),
      ...perEngine.map((v, k) => html('td', { class: `engine ${engines[k].name}` }, v === undefined ? '—' : tensorCell(`${what} (${engines[k].name})`, v, formatNumbers(v), open))),
    );
  // Each input's numbers, a tensor's a button as in the table.
  const inputs = Object.entries(result.inputs).flatMap(([k, v], i) => [...(i ? [', '] : []), `${k}=`, tensorCell(k, v, formatNumbers(v), open)]);
  return html(
    'section',
    { class: 'results' },
    html('h2', { class: 'call' }, `${result.function}(`, ...inputs, ')'),
    html('p', { class: 'meta' }, `${result.style} · ${backendLabel(result.backend)} · inputs from ${ORIGINS[result.inputOrigin]}`),
    ...(result.hostReads
      ? [html('p', { class: 'meta host-reads' }, hostReadsText(result.hostReads))]
      : []),
    ...(result.float64OnCpu
      ? [html('p', { class: 'meta float64-on-cpu' }, float64OnCpuText(result.float64OnCpu))]
      : []),
    html(
      'table',
      { class: 'values' },
      html('thead', {}, html('tr', {}, html('th', {}), html('th', {}, 'result'), ...engines.map((e) => html('th', {}, e.name)))),
      html(
        'tbody',
        {},
        row('value', 'value', result.value, engines.map((e) => e.run.value)),
        // NB: a non-scalar value's gradient is its sum's; the Jacobian below is the derivative itself.
        ...Object.entries(result.grad).map(([param, g]) => row(result.jacobian ? `∂sum(${result.function})/∂${param}` : `∂/∂${param}`, 'grad', g, engines.map((e) => e.run.grad[param]))),
      ),
    ),
    ...(result.jacobian ? [jacobianView(result.function, result.jacobian, open)] : []),
    tensorSlot,
    ...(result.gradientCuts ?? []).map((cut) =>
      html('p', { class: 'warning gradient-cut' }, `${formatLocation(result.uri, cut.range, cells)}: warning: ${messageOnly(cut.message)}`)),
    ...(result.leftOut ?? []).map((l) => html('p', { class: 'warning left-out' }, `${formatLocation(result.uri, l.range, cells)}: warning: ${messageOnly(l.message)}`)),
    ...(result.nonFinite
      ? [
          html(
            'p',
            { class: 'warning' },
            `${result.nonFinite.value} first appeared in the ${result.nonFinite.in} at ${formatLocation(result.uri, result.nonFinite.range, cells)} (${result.nonFinite.op})`,
          ),
        ]
      : []),
  );
}

/** Each Jacobian J[f, w] (value shape, then w's), or its size where it is too large to read as numbers. */
function jacobianView(fn: string, jacobian: Jacobian, open: (view: HTMLElement) => void): HTMLElement {
  const shape = `[${jacobian.valueShape.join(', ')}]`;
  if (!jacobian.of) {
    return html('p', { class: 'meta jacobian' }, `The Jacobian of ${fn} (value ${shape}) has ${jacobian.size} numbers, too many to show; the gradient above is of the value's sum.`);
  }
  return html(
    'table',
    { class: 'values jacobian' },
    html('thead', {}, html('tr', {}, html('th', {}, `Jacobian (value ${shape})`), html('th', {}, ''))),
    html('tbody', {}, ...Object.entries(jacobian.of).map(([param, j]) =>
      html('tr', {}, html('th', { scope: 'row' }, `J[${fn}, ${param}]`), html('td', { class: 'shown' }, tensorCell(`J[${fn}, ${param}]`, j, formatNumbers(j), open))))),
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
  return html(
    'section',
    { class: `error kind-${error.kind}` },
    html('h2', {}, `${error.function}()`),
    html('p', { class: 'message' }, errorText(error)),
    ...(error.operands?.length ? [html('p', { class: 'operands' }, operandsText(error.operands))] : []),
  );
}
