/**
 * `gradlens run --plots DIR`: each figure the script showed as an SVG file, drawn plainly in
 * matplotlib's layout (default subplot parameters, 100 px an inch): frame, ticks at round steps
 * inside matplotlib's own limits (lang/python/matplotlib's viewLimits), labels, titles, legend.
 */
import { viewLimits } from '../lang/python/matplotlib';
import type { Artist, AxesData, DataValue, FigureData, LineStyle } from '../protocol/figures';

const DPI = 100;
const [LEFT, RIGHT, BOTTOM, TOP, SPACE] = [0.125, 0.9, 0.11, 0.88, 0.2];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number) => String(Math.round(x * 100) / 100);

/** Colour-map anchors, interpolated linearly (matplotlib's maps sampled at even steps). */
const COLORMAPS: Readonly<Record<string, readonly string[]>> = {
  viridis: ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'],
  plasma: ['#0d0887', '#47039f', '#7301a8', '#9c179e', '#bd3786', '#d8576b', '#ed7953', '#fb9f3a', '#fdca26', '#f0f921'],
  gray: ['#000000', '#ffffff'],
  grey: ['#000000', '#ffffff'],
  binary: ['#ffffff', '#000000'],
  Greys: ['#ffffff', '#000000'],
  Blues: ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'],
};

function mapColor(cmap: string, t: number): string {
  const stops = COLORMAPS[cmap.replace(/_r$/, '')] ?? COLORMAPS.viridis;
  const u = Math.min(1, Math.max(0, cmap.endsWith('_r') ? 1 - t : t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(u));
  const [a, b] = [stops[k], stops[k + 1]].map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const mix = a.map((v, i) => Math.round(v + (b[i] - v) * (u - k)));
  return `rgb(${mix.join(',')})`;
}

/** Round tick positions inside [lo, hi]: steps of 1, 2, 2.5 or 5 times a power of ten, about six of them; powers of ten on a log axis. */
export function ticks(lo: number, hi: number, log: boolean): number[] {
  const [a, b] = [Math.min(lo, hi), Math.max(lo, hi)];
  if (log) {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(a) - 1e-9); e <= Math.floor(Math.log10(b) + 1e-9); e++) out.push(10 ** e);
    return out;
  }
  const raw = (b - a) / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let k = Math.ceil(a / step - 1e-9); k * step <= b + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** A tick's label as matplotlib's ScalarFormatter writes round values: `0.5`, `2`, `1e+03` on log axes. */
function tickLabel(v: number, log: boolean): string {
  if (log) return v >= 1e-3 && v < 1e4 ? String(v) : `1e${v < 1 ? '-' : '+'}${String(Math.abs(Math.round(Math.log10(v)))).padStart(2, '0')}`;
  return Object.is(v, -0) ? '0' : String(Number(v.toPrecision(10)));
}

const DASHES: Readonly<Record<LineStyle, string>> = { '-': '', '--': '5.55,2.4', '-.': '9.6,2.4,1.5,2.4', ':': '1.5,2.475', none: '' };

interface Frame {
  x0: number;
  y0: number;
  w: number;
  h: number;
  sx: (v: number) => number;
  sy: (v: number) => number;
}

function frameOf(fig: FigureData, ax: AxesData): Frame {
  const [W, H] = [fig.width * DPI, fig.height * DPI];
  const cellW = (RIGHT - LEFT) / (fig.cols + SPACE * (fig.cols - 1));
  const cellH = (TOP - BOTTOM) / (fig.rows + SPACE * (fig.rows - 1));
  const x0 = (LEFT + ax.col * cellW * (1 + SPACE)) * W;
  const w = (ax.colSpan * cellW + (ax.colSpan - 1) * SPACE * cellW) * W;
  const top = (1 - TOP + ax.row * cellH * (1 + SPACE)) * H;
  const h = (ax.rowSpan * cellH + (ax.rowSpan - 1) * SPACE * cellH) * H;
  const scale = (axis: 'x' | 'y', from: number, length: number, flip: boolean) => {
    const [lo, hi] = viewLimits(ax, axis);
    const log = (axis === 'x' ? ax.xscale : ax.yscale) === 'log';
    const t = (v: number) => (log ? Math.log10(v) : v);
    return (v: number) => {
      // NB: matplotlib clips values at or below 0 on a log axis far past its low edge (nonpositive='clip').
      const u = log && v <= 0 ? -10 : (t(v) - t(lo)) / (t(hi) - t(lo));
      return from + (flip ? 1 - u : u) * length;
    };
  };
  return { x0, y0: top, w, h, sx: scale('x', x0, w, false), sy: scale('y', top, h, true) };
}

/** Runs of consecutive points with both coordinates present (a null ends a run, as a NaN breaks matplotlib's line). */
function runs(x: readonly DataValue[], y: readonly DataValue[], f: Frame): string[] {
  const out: string[][] = [[]];
  x.forEach((xv, k) => {
    const yv = y[k];
    if (xv === null || yv === null) out.push([]);
    else out[out.length - 1].push(`${num(f.sx(xv))},${num(f.sy(yv))}`);
  });
  return out.filter((r) => r.length > 0).map((r) => r.join(' '));
}

function artistSvg(a: Artist, f: Frame): string[] {
  switch (a.kind) {
    case 'line': {
      const dash = DASHES[a.linestyle] ? ` stroke-dasharray="${DASHES[a.linestyle]}"` : '';
      const lines = a.linestyle === 'none' ? [] : runs(a.x, a.y, f).map((p) => `<polyline class="line" points="${p}" fill="none" stroke="${a.color}" stroke-width="1.5"${dash}/>`);
      const markers = a.marker === null ? [] : a.x.flatMap((xv, k) => (xv === null || a.y[k] === null ? [] : [`<circle class="marker" cx="${num(f.sx(xv))}" cy="${num(f.sy(a.y[k]!))}" r="3" fill="${a.color}"/>`]));
      const errors = (a.yerr ?? []).flatMap((e, k) => {
        const [xv, yv] = [a.x[k], a.y[k]];
        return e === null || xv === null || yv === null ? [] : [`<line class="errorbar" x1="${num(f.sx(xv))}" x2="${num(f.sx(xv))}" y1="${num(f.sy(yv - e))}" y2="${num(f.sy(yv + e))}" stroke="${a.color}"/>`];
      });
      return [...lines, ...markers, ...errors];
    }
    case 'rule': {
      const dash = DASHES[a.linestyle] ? ` stroke-dasharray="${DASHES[a.linestyle]}"` : '';
      return a.axis === 'h'
        ? [`<line class="rule" x1="${num(f.x0)}" x2="${num(f.x0 + f.w)}" y1="${num(f.sy(a.at))}" y2="${num(f.sy(a.at))}" stroke="${a.color}" stroke-width="1.5"${dash}/>`]
        : [`<line class="rule" y1="${num(f.y0)}" y2="${num(f.y0 + f.h)}" x1="${num(f.sx(a.at))}" x2="${num(f.sx(a.at))}" stroke="${a.color}" stroke-width="1.5"${dash}/>`];
    }
    case 'scatter': {
      const finite = (a.values ?? []).filter((v): v is number => v !== null);
      const [lo, hi] = [Math.min(...finite), Math.max(...finite)];
      return a.x.flatMap((xv, k) => {
        const yv = a.y[k];
        if (xv === null || yv === null) return [];
        const v = a.values?.[k];
        const fill = a.values ? (v === null || v === undefined ? 'none' : mapColor(a.cmap ?? 'viridis', hi > lo ? (v - lo) / (hi - lo) : 0.5)) : a.color;
        const area = typeof a.sizes === 'number' ? a.sizes : a.sizes[k] ?? 36;
        return [`<circle class="point" cx="${num(f.sx(xv))}" cy="${num(f.sy(yv))}" r="${num(Math.sqrt(area) / 2)}" fill="${fill}" fill-opacity="${a.alpha}"/>`];
      });
    }
    case 'bars':
      return a.left.map((l, k) => {
        const [xa, xb] = [f.sx(l), f.sx(l + a.width[k])];
        const [ya, yb] = [f.sy(a.bottom[k]), f.sy(a.bottom[k] + a.height[k])];
        return `<rect class="bar" x="${num(Math.min(xa, xb))}" y="${num(Math.min(ya, yb))}" width="${num(Math.abs(xb - xa))}" height="${num(Math.abs(yb - ya))}" fill="${a.color}" fill-opacity="${a.alpha}"/>`;
      });
    case 'band': {
      const upper = runs(a.x, a.y1, f).join(' ');
      const lower = runs([...a.x].reverse(), [...a.y2].reverse(), f).join(' ');
      return [`<polygon class="band" points="${upper} ${lower}" fill="${a.color}" fill-opacity="${a.alpha}"/>`];
    }
    case 'image': {
      const cells: string[] = [];
      for (let r = 0; r < a.rows; r++) {
        for (let c = 0; c < a.cols; c++) {
          const k = (r * a.cols + c) * a.channels;
          const v = a.values[k];
          const fill = a.channels === 1
            ? (v === null ? 'none' : mapColor(a.cmap, a.vmax > a.vmin ? (v - a.vmin) / (a.vmax - a.vmin) : 0))
            : `rgb(${[0, 1, 2].map((i) => Math.round((a.values[k + i] ?? 0) * 255)).join(',')})`;
          const [xa, xb, ya, yb] = [f.sx(c - 0.5), f.sx(c + 0.5), f.sy(r - 0.5), f.sy(r + 0.5)];
          cells.push(`<rect x="${num(Math.min(xa, xb))}" y="${num(Math.min(ya, yb))}" width="${num(Math.abs(xb - xa) + 0.3)}" height="${num(Math.abs(yb - ya) + 0.3)}" fill="${fill}"/>`);
        }
      }
      return [`<g class="image">${cells.join('')}</g>`];
    }
    case 'text':
      return [`<text class="text" x="${num(f.sx(a.x))}" y="${num(f.sy(a.y))}" font-size="10">${escape(a.text)}</text>`];
  }
}

function axesSvg(fig: FigureData, ax: AxesData, index: number): string {
  const f = frameOf(fig, ax);
  const clip = `clip${index}`;
  const parts = [`<clipPath id="${clip}"><rect x="${num(f.x0)}" y="${num(f.y0)}" width="${num(f.w)}" height="${num(f.h)}"/></clipPath>`];
  const drawn = ax.artists.flatMap((a) => artistSvg(a, f));
  if (!ax.axisOff) {
    for (const axis of ['x', 'y'] as const) {
      const [lo, hi] = viewLimits(ax, axis);
      const log = (axis === 'x' ? ax.xscale : ax.yscale) === 'log';
      const given = axis === 'x' ? ax.xticks : ax.yticks;
      const at = given ? given.at.filter((v) => v >= Math.min(lo, hi) && v <= Math.max(lo, hi)) : ticks(lo, hi, log);
      at.forEach((v) => {
        const label = given?.labels ? given.labels[given.at.indexOf(v)] : tickLabel(v, log);
        if (axis === 'x') {
          const x = num(f.sx(v));
          if (ax.grid) parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${num(f.y0)}" y2="${num(f.y0 + f.h)}" stroke="#b0b0b0" stroke-width="0.8"/>`);
          parts.push(`<line class="tick" x1="${x}" x2="${x}" y1="${num(f.y0 + f.h)}" y2="${num(f.y0 + f.h + 3.5)}" stroke="black"/>`);
          parts.push(`<text class="xtick" x="${x}" y="${num(f.y0 + f.h + 15)}" font-size="10" text-anchor="middle">${escape(label)}</text>`);
        } else {
          const y = num(f.sy(v));
          if (ax.grid) parts.push(`<line class="grid" y1="${y}" y2="${y}" x1="${num(f.x0)}" x2="${num(f.x0 + f.w)}" stroke="#b0b0b0" stroke-width="0.8"/>`);
          parts.push(`<line class="tick" y1="${y}" y2="${y}" x1="${num(f.x0 - 3.5)}" x2="${num(f.x0)}" stroke="black"/>`);
          parts.push(`<text class="ytick" x="${num(f.x0 - 6)}" y="${num(f.sy(v) + 3.5)}" font-size="10" text-anchor="end">${escape(label)}</text>`);
        }
      });
    }
  }
  parts.push(`<g clip-path="url(#${clip})">${drawn.join('')}</g>`);
  if (!ax.axisOff) {
    parts.push(`<rect class="frame" x="${num(f.x0)}" y="${num(f.y0)}" width="${num(f.w)}" height="${num(f.h)}" fill="none" stroke="black" stroke-width="0.8"/>`);
    if (ax.xlabel) parts.push(`<text class="xlabel" x="${num(f.x0 + f.w / 2)}" y="${num(f.y0 + f.h + 30)}" font-size="10" text-anchor="middle">${escape(ax.xlabel)}</text>`);
    if (ax.ylabel) parts.push(`<text class="ylabel" transform="translate(${num(f.x0 - 36)},${num(f.y0 + f.h / 2)}) rotate(-90)" font-size="10" text-anchor="middle">${escape(ax.ylabel)}</text>`);
  }
  if (ax.title) parts.push(`<text class="title" x="${num(f.x0 + f.w / 2)}" y="${num(f.y0 - 6)}" font-size="12" text-anchor="middle">${escape(ax.title)}</text>`);
  if (ax.legend) {
    const entries = ax.artists.flatMap((a) => ('label' in a && a.label !== null ? [{ label: a.label, color: 'color' in a ? a.color : '#000' }] : []));
    const [lx, ly] = [f.x0 + f.w - 110, f.y0 + 8];
    parts.push(`<g class="legend"><rect x="${num(lx)}" y="${num(ly)}" width="100" height="${entries.length * 16 + 6}" fill="white" fill-opacity="0.8" stroke="#cccccc"/>`
      + entries.map((e, k) => `<line x1="${num(lx + 6)}" x2="${num(lx + 24)}" y1="${num(ly + 12 + k * 16)}" y2="${num(ly + 12 + k * 16)}" stroke="${e.color}" stroke-width="2"/><text x="${num(lx + 30)}" y="${num(ly + 16 + k * 16)}" font-size="10">${escape(e.label)}</text>`).join('')
      + '</g>');
  }
  return `<g class="axes">${parts.join('')}</g>`;
}

export function figureSvg(fig: FigureData): string {
  const [W, H] = [fig.width * DPI, fig.height * DPI].map(Math.round);
  const title = fig.suptitle ? `<text class="suptitle" x="${W / 2}" y="${num(H * 0.04)}" font-size="12" text-anchor="middle">${escape(fig.suptitle)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif">`
    + `<rect width="${W}" height="${H}" fill="white"/>${title}${fig.axes.map((ax, k) => axesSvg(fig, ax, k)).join('')}</svg>\n`;
}
