import type { Page } from 'playwright-core';

type Rgb = readonly [number, number, number];

/** A text of the graph, its colour and what lies behind it, each as painted (alpha composited). */
export interface PaintedText {
  readonly text: string;
  readonly kind: string;
  readonly colour: Rgb;
  readonly background: Rgb;
}

/**
 * Every text drawn in the graph view with its computed colour and the colour behind it: the
 * view's background, the kernel boxes around it, and its node's box. NB: colours are painted on
 * a canvas layer over layer and read back, so that color-mix() and translucent theme colours
 * (high contrast's descriptionForeground) come out as the eye sees them.
 */
export function paintedGraphTexts(page: Page): Promise<PaintedText[]> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const paint = (layers: readonly string[]): [number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      for (const c of layers) {
        ctx.fillStyle = c;
        ctx.fillRect(0, 0, 1, 1);
      }
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b];
    };
    const fill = (e: Element | null): string[] => {
      const f = e ? getComputedStyle(e).fill : 'none';
      return f === 'none' || f === 'transparent' ? [] : [f];
    };
    const data = (e: Element, k: string): number => Number(e.getAttribute(`data-${k}`));
    const groups = Array.from(document.querySelectorAll('.graph-view .group'));
    const view = getComputedStyle(document.querySelector('.graph-view')!).backgroundColor;
    return Array.from(document.querySelectorAll<SVGTextElement>('.graph-view text')).map((t) => {
      const box = t.getBBox();
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      const around = groups.filter((g) => x >= data(g, 'x') && x <= data(g, 'x') + data(g, 'width') && y >= data(g, 'y') && y <= data(g, 'y') + data(g, 'height'));
      const node = t.closest('.node');
      const layers = [view, ...around.flatMap((g) => fill(g.querySelector('rect'))), ...fill(node?.querySelector('rect:not(.stack)') ?? null)];
      return { text: t.textContent ?? '', kind: t.getAttribute('class') ?? '', colour: paint([...layers, ...fill(t)]), background: paint(layers) };
    });
  });
}

/** WCAG 2's contrast ratio of two sRGB colours, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance([r, g, b]: Rgb): number {
  const linear = (v: number): number => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
