/** Zoom limits; below LOW_DETAIL_SCALE text would be too small to read, so the SVG drops it. */
const MIN_SCALE = 0.02;
const MAX_SCALE = 4;
export const LOW_DETAIL_SCALE = 0.55;
/** A pointer that moves farther than this between down and up dragged the view rather than clicked. */
const CLICK_SLOP_PX = 4;

/**
 * Pan (drag, or the wheel: it scrolls) and zoom (Ctrl or ⌘ with the wheel, a trackpad's pinch,
 * about the pointer) of `content` inside `view`, by its transform attribute. `onScale` hears
 * every change of zoom (the viewer switches level of detail on it).
 */
export class Viewport {
  private scale = 1;
  private x = 0;
  private y = 0;
  private drag: { pointer: number; x: number; y: number; moved: boolean } | undefined;
  /** Whether the last pointer gesture was a drag: the click that ends it selects nothing. */
  private dragged = false;

  constructor(
    private readonly view: SVGSVGElement,
    private readonly content: SVGGElement,
    private readonly onScale: (scale: number) => void,
  ) {
    view.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    view.addEventListener('pointerdown', (e) => this.pointerDown(e));
    view.addEventListener('pointermove', (e) => this.pointerMove(e));
    view.addEventListener('pointerup', (e) => this.pointerUp(e));
    view.addEventListener('pointercancel', (e) => this.pointerUp(e));
    // NB: capture phase, so a drag's closing click never reaches the node under the pointer.
    view.addEventListener('click', (e) => this.dragged && e.stopPropagation(), true);
  }

  get zoom(): number {
    return this.scale;
  }

  /**
   * Shows a `width` x `height` drawing whole, centred, never magnified past `maxScale`, and never
   * smaller than `minScale` (a large graph then starts at its top, readable, to be scrolled).
   */
  fit(width: number, height: number, minScale = MIN_SCALE, maxScale = 1): void {
    const { width: vw, height: vh } = this.view.getBoundingClientRect();
    const scale = clamp(Math.min(maxScale, vw / Math.max(width, 1), vh / Math.max(height, 1)), Math.max(minScale, MIN_SCALE), MAX_SCALE);
    this.scale = scale;
    this.x = (vw - width * scale) / 2 > 0 ? (vw - width * scale) / 2 : 0;
    this.y = height * scale < vh ? (vh - height * scale) / 2 : 0;
    this.apply();
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    if (!e.ctrlKey && !e.metaKey) {
      // A graph larger than the view opens at a readable size: the wheel scrolls it.
      this.x -= e.shiftKey ? e.deltaY : e.deltaX;
      this.y -= e.shiftKey ? 0 : e.deltaY;
      this.apply();
      return;
    }
    const rect = this.view.getBoundingClientRect();
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    const scale = clamp(this.scale * Math.exp(-e.deltaY * 0.0015), MIN_SCALE, MAX_SCALE);
    // Keep the point under the pointer where it is.
    this.x = px - ((px - this.x) * scale) / this.scale;
    this.y = py - ((py - this.y) * scale) / this.scale;
    this.scale = scale;
    this.apply();
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { pointer: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
    this.dragged = false;
  }

  private pointerMove(e: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointer !== e.pointerId) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < CLICK_SLOP_PX) return;
    if (!drag.moved) this.view.setPointerCapture(e.pointerId);
    drag.moved = true;
    this.x += dx;
    this.y += dy;
    drag.x = e.clientX;
    drag.y = e.clientY;
    this.apply();
  }

  private pointerUp(e: PointerEvent): void {
    if (!this.drag || this.drag.pointer !== e.pointerId) return;
    this.dragged = this.drag.moved;
    if (this.view.hasPointerCapture(e.pointerId)) this.view.releasePointerCapture(e.pointerId);
    this.drag = undefined;
  }

  private apply(): void {
    this.content.setAttribute('transform', `translate(${this.x} ${this.y}) scale(${this.scale})`);
    this.onScale(this.scale);
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
