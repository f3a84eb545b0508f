import { formatNumbers, shapeOf, type Numbers } from '../../protocol';
import { html } from './dom';

/** Rows and columns one page of the table shows: a larger slice pages, so the panel never lays out more than this many cells. */
export const PAGE_ROWS = 64;
export const PAGE_COLUMNS = 32;
/** Steps of the heatmap each side of zero (classes heat-p1..heat-p8, heat-n1..heat-n8 in the stylesheet). */
export const HEAT_STEPS = 8;

/** A rectangular nested list as its shape and its items in row-major order. */
interface Flat {
  readonly shape: readonly number[];
  readonly items: readonly (number | boolean)[];
}

function flatten(x: Numbers): Flat | undefined {
  const shape = shapeOf(x);
  if (!shape) return undefined;
  const items: (number | boolean)[] = [];
  const walk = (v: Numbers): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else items.push(v as number | boolean);
  };
  walk(x);
  return { shape, items };
}

/**
 * The value's text in the results table; a tensor's (two or more numbers, rectangular) is a button
 * that opens it as a table under the results, by click, Enter or Space.
 */
export function tensorCell(title: string, x: Numbers, text: string, open: (view: HTMLElement) => void): Node | string {
  const flat = flatten(x);
  if (!flat || flat.shape.length === 0 || flat.items.length < 2) return text;
  const button = html('button', { type: 'button', class: 'tensor-open', title: `Open ${title} [${flat.shape.join(', ')}] as a table` }, text);
  button.addEventListener('click', () => open(tensorView(title, flat)));
  return button;
}

/**
 * A 2-D slice of an N-D tensor: two axes as rows and columns (selectors), an index for each other
 * axis, cells coloured by a heatmap of the theme's colours (diverging around 0: blue above,
 * red below), NaN and Inf marked; past PAGE_ROWS x PAGE_COLUMNS, paged.
 */
function tensorView(title: string, flat: Flat): HTMLElement {
  const { shape } = flat;
  const n = shape.length;
  const state = { rows: n >= 2 ? n - 2 : 0, columns: n >= 2 ? n - 1 : -1, index: shape.map(() => 0), rowStart: 0, columnStart: 0 };
  const controls = html('div', { class: 'tensor-controls' });
  const note = html('p', { class: 'meta tensor-note' });
  const body = html('div', { class: 'tensor-body' });
  const close = html('button', { type: 'button', class: 'tensor-close', title: 'Close the table' }, 'Close');
  const view = html(
    'section',
    { class: 'tensor-view', 'aria-label': `${title} as a table` },
    html('div', { class: 'tensor-head' }, html('h3', {}, `${title}  [${shape.join(', ')}]`), close),
    controls,
    note,
    body,
  );
  close.addEventListener('click', () => view.remove());

  const axisSelect = (label: string, cls: string, chosen: number, onChange: (axis: number) => void): HTMLElement => {
    const select = html('select', { class: cls, 'aria-label': label }, ...shape.map((size, axis) => html('option', { value: axis }, `axis ${axis} (${size})`)));
    select.value = String(chosen);
    select.addEventListener('change', () => onChange(Number(select.value)));
    return html('label', {}, `${label} `, select);
  };
  const numberInput = (label: string, cls: string, value: number, max: number, onChange: (v: number) => void): HTMLElement => {
    const input = html('input', { type: 'number', class: cls, min: 0, max, step: 1, 'aria-label': label });
    input.value = String(value);
    input.addEventListener('change', () => {
      const v = Math.min(max, Math.max(0, Math.trunc(Number(input.value)) || 0));
      input.value = String(v);
      onChange(v);
    });
    return html('label', {}, `${label} `, input);
  };
  const pager = (what: string, cls: string, start: number, total: number, page: number, onChange: (start: number) => void): HTMLElement[] => {
    if (total <= page) return [];
    const button = (text: string, to: number, disabled: boolean): HTMLElement => {
      const b = html('button', { type: 'button', class: `${cls} ${text === '◀' ? 'previous' : 'next'}`, 'aria-label': `${text === '◀' ? 'previous' : 'next'} ${what}` }, text);
      if (disabled) b.setAttribute('disabled', '');
      b.addEventListener('click', () => onChange(to));
      return b;
    };
    return [html('span', { class: 'tensor-pager' }, button('◀', Math.max(0, start - page), start === 0), ` ${what} ${start}–${Math.min(total, start + page) - 1} of ${total} `, button('▶', start + page, start + page >= total))];
  };

  const render = (): void => {
    const rowSize = shape[state.rows] ?? 1;
    const columnSize = state.columns < 0 ? 1 : shape[state.columns];
    const others = shape.map((_, axis) => axis).filter((axis) => axis !== state.rows && axis !== state.columns);
    controls.replaceChildren(
      ...(n >= 2
        ? [
            axisSelect('rows', 'tensor-rows', state.rows, (axis) => {
              if (axis === state.columns) state.columns = state.rows;
              state.rows = axis;
              state.rowStart = state.columnStart = 0;
              render();
            }),
            axisSelect('columns', 'tensor-columns', state.columns, (axis) => {
              if (axis === state.rows) state.rows = state.columns;
              state.columns = axis;
              state.rowStart = state.columnStart = 0;
              render();
            }),
          ]
        : []),
      ...others.map((axis) => numberInput(`index of axis ${axis}`, `tensor-index axis-${axis}`, state.index[axis], shape[axis] - 1, (v) => {
        state.index[axis] = v;
        render();
      })),
      ...pager('rows', 'tensor-page-rows', state.rowStart, rowSize, PAGE_ROWS, (s) => {
        state.rowStart = s;
        render();
      }),
      ...pager('columns', 'tensor-page-columns', state.columnStart, columnSize, PAGE_COLUMNS, (s) => {
        state.columnStart = s;
        render();
      }),
    );
    const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
    const base = others.reduce((sum, axis) => sum + state.index[axis] * strides[axis], 0);
    const at = (r: number, c: number): number | boolean => flat.items[base + r * (strides[state.rows] ?? 0) + (state.columns < 0 ? 0 : c * strides[state.columns])];
    const rowEnd = Math.min(rowSize, state.rowStart + PAGE_ROWS);
    const columnEnd = Math.min(columnSize, state.columnStart + PAGE_COLUMNS);
    const rowIndices = range(state.rowStart, rowEnd);
    const columnIndices = range(state.columnStart, columnEnd);
    const heat = heatScale(rowIndices.flatMap((r) => columnIndices.map((c) => at(r, c))));
    const where = others.length ? ` at ${others.map((axis) => `axis ${axis} = ${state.index[axis]}`).join(', ')}` : '';
    const paged = rowEnd - state.rowStart < rowSize || columnEnd - state.columnStart < columnSize;
    note.textContent =
      `${n >= 2 ? `Rows: axis ${state.rows}, columns: axis ${state.columns}` : 'One row an element'}${where}` +
      `${paged ? `; ${PAGE_ROWS} rows × ${PAGE_COLUMNS} columns a page, page with ◀ ▶` : ''}` +
      `; colours: blue above 0, red below, darker the larger |x|${heat.nonFinite ? '; nan and inf outlined' : ''}.`;
    body.replaceChildren(
      html(
        'table',
        { class: 'tensor-table' },
        html('thead', {}, html('tr', {}, html('th', {}, ''), ...(state.columns < 0 ? [html('th', { scope: 'col' }, '')] : columnIndices.map((c) => html('th', { scope: 'col' }, String(c)))))),
        html('tbody', {}, ...rowIndices.map((r) => html('tr', {}, html('th', { scope: 'row' }, String(r)), ...columnIndices.map((c) => cell(at(r, c), heat))))),
      ),
    );
  };
  render();
  return view;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Colours diverge around 0 (blue above, red below), darker the larger |x|, the slice's largest darkest. */
interface Heat {
  readonly largest: number;
  readonly nonFinite: boolean;
}

function heatScale(values: readonly (number | boolean)[]): Heat {
  const finite = values.map(Number).filter(Number.isFinite);
  return { largest: finite.reduce((m, x) => Math.max(m, Math.abs(x)), 0), nonFinite: values.some((v) => typeof v === 'number' && !Number.isFinite(v)) };
}

/** A cell: the value as the panel prints it, its heat class; NaN and Inf marked rather than coloured. */
function cell(v: number | boolean, heat: Heat): HTMLElement {
  const text = formatNumbers(v);
  if (typeof v === 'number' && !Number.isFinite(v)) {
    return html('td', { class: 'non-finite', title: Number.isNaN(v) ? 'not a number' : 'infinite' }, text);
  }
  const x = Number(v);
  const level = heat.largest === 0 ? 0 : Math.round((Math.abs(x) / heat.largest) * HEAT_STEPS);
  const step = level === 0 ? 'heat-0' : `heat-${x < 0 ? 'n' : 'p'}${level}`;
  return html('td', { class: step }, text);
}
