export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeEq(a: Shape, b: Shape): boolean {
  // NB: a loop, not every(): this runs for each eager op's checks and each edge of a backward.
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** NumPy broadcasting of several shapes; null when they do not broadcast. */
export function broadcastShapes(...shapes: Shape[]): number[] | null {
  // NB: plain loops, and the result a copy of the longest shape that the others merge into (not
  // grown a push at a time): every eager binary op asks this, and closures and spreads here were a
  // measurable share of a small op's allocations.
  if (shapes.length === 0) return [];
  let longest = shapes[0];
  for (const s of shapes) if (s.length > longest.length) longest = s;
  const out = longest.slice();
  const rank = out.length;
  for (const s of shapes) {
    if (s === longest) continue;
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) return null;
    }
  }
  return out;
}

/** Normalizes a possibly negative axis against `rank`, or throws naming the op. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/**
 * Axes along which `from` was broadcast to reach `to`: the leading axes it lacked and the
 * axes where it had size 1. Summing a gradient over them undoes the broadcast.
 */
export function broadcastedAxes(from: Shape, to: Shape): { axes: number[]; keptOnes: number[] } {
  const lead = to.length - from.length;
  const axes: number[] = [];
  const keptOnes: number[] = [];
  for (let i = 0; i < to.length; i++) {
    if (i < lead) axes.push(i);
    else if (from[i - lead] === 1 && to[i] !== 1) {
      axes.push(i);
      keptOnes.push(i);
    }
  }
  return { axes, keptOnes };
}
