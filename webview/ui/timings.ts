import { backendLabel, type EvaluationResult } from '../../protocol';
import { html, svg } from './dom';
import { formatMs } from './format';

const ROW_HEIGHT = 22;
const LABEL_WIDTH = 110;
const BAR_WIDTH = 260;
const VALUE_WIDTH = 80;

interface Bar { readonly label: string; readonly ms: number; readonly engine: 'eager' | 'jit' }

/**
 * Eager vs jit as bars, one block per backend the function ran on (the latest result on each):
 * eager's steady-state run; jit's trace, compile (paid once per input shape) and steady-state run.
 * Bars share one scale across backends, so blocks compare.
 */
export function timingsView(results: readonly EvaluationResult[]): HTMLElement {
  const blocks = results.map((r) => ({ result: r, bars: barsOf(r) })).filter((b) => b.bars.length > 0);
  if (blocks.length === 0) return html('p', { class: 'empty' }, 'No timings yet: evaluate the function.');
  const max = Math.max(...blocks.flatMap((b) => b.bars.map((bar) => bar.ms)), 1e-6);
  return html(
    'section',
    { class: 'timings' },
    ...blocks.map(({ result, bars }) =>
      html('div', { class: 'backend-timings', 'data-backend': result.backend.name }, html('h3', {}, backendLabel(result.backend)), barChart(bars, max), speedup(result)),
    ),
  );
}

function barsOf(r: EvaluationResult): Bar[] {
  return [
    ...(r.eager ? [{ label: 'eager · run', ms: r.eager.runMs, engine: 'eager' as const }] : []),
    ...(r.jit
      ? [
          { label: 'jit · trace', ms: r.jit.traceMs, engine: 'jit' as const },
          { label: 'jit · compile', ms: r.jit.compileMs, engine: 'jit' as const },
          { label: 'jit · run', ms: r.jit.runMs, engine: 'jit' as const },
        ]
      : []),
  ];
}

function barChart(bars: readonly Bar[], max: number): SVGSVGElement {
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  return svg(
    'svg',
    { class: 'bars', width, height: bars.length * ROW_HEIGHT, viewBox: `0 0 ${width} ${bars.length * ROW_HEIGHT}` },
    ...bars.map((bar, i) => {
      const y = i * ROW_HEIGHT;
      const w = Math.max(1, (bar.ms / max) * BAR_WIDTH);
      return svg(
        'g',
        { class: `bar ${bar.engine}`, 'data-label': bar.label, 'data-ms': bar.ms },
        svg('text', { class: 'bar-label', x: 0, y: y + 15 }, bar.label),
        svg('rect', { x: LABEL_WIDTH, y: y + 4, width: w, height: ROW_HEIGHT - 8, rx: 2 }),
        svg('text', { class: 'bar-value', x: LABEL_WIDTH + w + 6, y: y + 15 }, formatMs(bar.ms)),
      );
    }),
  );
}

function speedup(r: EvaluationResult): HTMLElement {
  if (!r.eager || !r.jit || r.jit.runMs <= 0) return html('span');
  const ratio = r.eager.runMs / r.jit.runMs;
  const text = ratio >= 1 ? `jit runs ${ratio.toFixed(1)}× faster than eager` : `eager runs ${(1 / ratio).toFixed(1)}× faster than jit`;
  const where = r.jit.ranOn === 'host' ? ', on the CPU: every value is tiny, and a GPU round trip would cost more' : '';
  return html('p', { class: 'speedup' }, `${text} (steady state; ${r.jit.kernels} kernel${r.jit.kernels === 1 ? '' : 's'} a call${where})`);
}
