/**
 * What each assignment to a name left there, recorded while the function's recorded call runs (and
 * while the script's top level runs its loops before it): the editor's hover on any assigned name
 * (dtype, shape, values, gradient) and the curve of a loss over a loop's iterations.
 *
 * Cheap where it matters: values are not read while the script runs, only held (a tensor's memory
 * retained, a jax array kept); all of them are read back in one readMany once the call ends.
 */
import { typeName, walkStatements, type AssignListener, type ast, type FunctionInfo, type PyValue, type Span } from '../lang/python';
import { PyArray } from '../lang/python/jax';
import { nest } from '../lang/python/staging';
import { PyTensor } from '../lang/python/torch';
import type { Backend, DeviceArray } from '../runtime/backends';
import { formatAval, isComplex, sizeOf, type DType } from '../runtime/core';
import type { Tensor } from '../runtime/eager';
import { SERIES_POINTS, SUMMARY_IN_FULL, type AssignedValue, type ScalarSeries, type ValueSummary } from '../protocol/results';
import { rangeOfSpan } from './failure';

/** The largest array (in numbers) whose values a summary reads; past it, its type alone. */
const SUMMARY_LIMIT = 1 << 22;

interface Held {
  readonly array: DeviceArray;
  release(): void;
}

/** A value as recorded at its assignment, read once the run ends. */
type Pending =
  | { readonly kind: 'number'; readonly type: string; readonly value: number }
  | { readonly kind: 'array'; readonly type: string; readonly shape: readonly number[]; readonly dtype: DType; readonly held: Held | null }
  | { readonly kind: 'other'; readonly type: string };

class Site {
  count = 0;
  last: Pending | null = null;
  /** The scalars kept for the series, every `stride`-th from the first; null once a value is not a scalar. */
  points: Pending[] | null = [];
  stride = 1;
  /** The torch tensor whose gradient is read after backward (a loop's: the last iteration's). */
  tensor: Tensor | null = null;
  /** Whether the recorder asked `tensor` to retain its gradient (then it lets go when a later iteration replaces it). */
  retained = false;
  grad: Pending | null = null;

  constructor(readonly name: string, readonly span: Span) {}
}

/** How a recorder files what it hears: the key of the site an assignment counts for, or null to ignore it. */
export type SiteKey = (name: string, at: Span) => string | null;

export interface RecorderOptions {
  /** The most points a series keeps (SERIES_POINTS unless given). */
  readonly points?: number;
  /** Reads a 0-d tensor or array at once (on a CPU backend, where a synchronous read is cheap) and keeps only the type of anything else: nothing is held. */
  readonly readScalarsNow?: boolean;
}

/** A traced name's values, as `gradlens run --trace` writes them. */
export interface Trace {
  readonly name: string;
  readonly count: number;
  readonly stride: number;
  readonly values: readonly number[];
  /** The type of its last value when it is not a scalar (nothing to plot). */
  readonly notScalar?: string;
}

export class AssignmentRecorder {
  private readonly sites = new Map<string, Site>();
  private readonly points: number;

  /** `scriptKeyOf`: the sites heard while the script runs up to the example call (`listenScript`); `keyOf`'s where not given. */
  constructor(private readonly keyOf: SiteKey, private readonly options: RecorderOptions = {}, private readonly scriptKeyOf: SiteKey = keyOf) {
    this.points = options.points ?? SERIES_POINTS;
  }

  /**
   * The assignments of the function's body in the example call (`listen`), each site apart, and
   * those of the script's top-level loops as the script runs up to it (`listenScript`). NB: a call
   * of the function before the example one (`jax.grad(loss)(params, x)` above `loss(params, x)`)
   * is not the call the hovers show: its assignments would count as a loop's.
   */
  static ofFunction(fn: FunctionInfo, module: ast.Module): AssignmentRecorder {
    const loops = topLevelLoops(module);
    const own = fn.node.span;
    const inside = (at: Span, span: Span) => at.from >= span.from && at.to <= span.to;
    const inLoop: SiteKey = (_, at) => (loops.some((loop) => inside(at, loop)) ? String(at.from) : null);
    return new AssignmentRecorder((name, at) => (inside(at, own) ? String(at.from) : inLoop(name, at)), {}, inLoop);
  }

  /** The assignments inside `spans` (the script's top-level loops as the whole script runs them), each site apart. */
  static ofSpans(spans: readonly Span[]): AssignmentRecorder {
    return new AssignmentRecorder((_, at) => (spans.some((s) => at.from >= s.from && at.to <= s.to) ? String(at.from) : null));
  }

  /** Every assignment to one of `names`, anywhere, one series a name (`gradlens run --trace loss`). */
  static ofNames(names: readonly string[], options: RecorderOptions): AssignmentRecorder {
    const traced = new Set(names);
    return new AssignmentRecorder((name) => (traced.has(name) ? name : null), options);
  }

  readonly listen: AssignListener = (name, value, at) => this.hear(this.keyOf(name, at), name, value, at);

  /** Hears the script's run up to the example call. */
  readonly listenScript: AssignListener = (name, value, at) => this.hear(this.scriptKeyOf(name, at), name, value, at);

  private hear(key: string | null, name: string, value: PyValue, at: Span): void {
    if (key === null) return;
    let site = this.sites.get(key);
    if (!site) this.sites.set(key, (site = new Site(name, at)));
    this.record(site, value);
  }

  /** After backward: the gradient each recorded tensor received, held to be read with the values. */
  holdGradients(): void {
    for (const site of this.sites.values()) {
      const grad = site.tensor?.grad;
      if (grad && !grad.disposed) site.grad = arrayPending(grad.shape, grad.dtype, grad.holdValue());
    }
  }

  /** Reads every held value back (one readMany) and frees what was held. */
  async read(backend: Backend): Promise<AssignedValue[]> {
    const sites = [...this.sites.values()].sort((a, b) => a.span.from - b.span.from);
    const pendings = sites.flatMap((s) => [s.last, s.grad, ...(s.points ?? [])]).filter((p): p is Pending => p !== null);
    const held = [...new Set(pendings.flatMap((p) => (p.kind === 'array' && p.held ? [p.held] : [])))];
    try {
      const read = await backend.readMany(held.map((h) => h.array));
      const data = new Map(held.map((h, i) => [h, read[i]]));
      return sites.flatMap((site) => (site.last ? [assigned(site, site.last, data)] : []));
    } finally {
      this.release();
    }
  }

  /** Frees what is held, read or not (a run that failed). */
  release(): void {
    for (const site of this.sites.values()) {
      // NB: once each: a 0-d array is both the last value and a point of the series.
      for (const p of new Set([site.last, site.grad, ...(site.points ?? [])])) if (p?.kind === 'array') p.held?.release();
      site.tensor = null;
    }
    this.sites.clear();
  }

  /** The series of each traced name, in the order first assigned; for a recorder that reads scalars at once (nothing is held). */
  traces(): Trace[] {
    return [...this.sites.values()].map((site) => {
      const last = site.last;
      const values = (site.points ?? []).map((p) => (p.kind === 'number' ? p.value : NaN));
      return { name: site.name, count: site.count, stride: site.stride, values, ...(last && !site.points ? { notScalar: last.type } : {}) };
    });
  }

  private record(site: Site, value: PyValue): void {
    site.count++;
    const pending = this.options.readScalarsNow ? scalarNow(value) ?? typeOnly(value) : pendingOf(value);
    const previous = site.last;
    site.last = pending;
    if (previous && !site.points?.includes(previous)) releasePending(previous);
    const tensor = value instanceof PyTensor && value.t.requiresGrad ? value.t : null;
    if (site.tensor !== tensor) {
      // NB: PyTorch keeps no gradient of an intermediate unless asked: retain_grad, for the hover. A
      // loop's name shows the last iteration's, as retain_grad in the loop leaves it on the last
      // tensor: the one before lets go of its gradient (only what the recorder asked for).
      if (site.retained) site.tensor?.releaseRetainedGrad();
      site.retained = tensor !== null && !tensor.isLeaf && !tensor.retainsGrad;
      if (site.retained) tensor!.retainGrad();
      site.tensor = tensor;
    }
    if (site.points && isScalar(pending)) this.addPoint(site, pending);
    else if (site.points) {
      for (const p of site.points) if (p !== pending) releasePending(p);
      site.points = null;
    }
  }

  /** Keeps every `stride`-th scalar; past SERIES_POINTS, every other one goes and the stride doubles. */
  private addPoint(site: Site, pending: Pending): void {
    const points = site.points!;
    if ((site.count - 1) % site.stride !== 0) return;
    if (points.length === this.points) {
      const kept = points.filter((_, i) => i % 2 === 0);
      for (const p of points) if (!kept.includes(p) && p !== site.last) releasePending(p);
      site.points = kept;
      site.stride *= 2;
      if ((site.count - 1) % site.stride !== 0) return;
    }
    site.points!.push(pending);
  }
}

function pendingOf(value: PyValue): Pending {
  if (typeof value === 'number') return { kind: 'number', type: 'float', value };
  if (typeof value === 'bigint') return { kind: 'number', type: 'int', value: Number(value) };
  if (typeof value === 'boolean') return { kind: 'number', type: 'bool', value: value ? 1 : 0 };
  if (value instanceof PyTensor && !value.t.disposed) {
    const t = value.t;
    return arrayPending(t.shape, t.dtype, sizeOf(t.shape) <= SUMMARY_LIMIT ? t.holdValue() : null);
  }
  if (value instanceof PyArray) {
    // A traced value has no numbers yet: its type alone. A concrete one is held, as a name holds it,
    // so a loop rebinding its name (NumPy's arrays go with their last name) does not free it.
    if (value.traced || sizeOf(value.shape) > SUMMARY_LIMIT) return arrayPending(value.shape, value.dtype, null);
    const array = value.v as DeviceArray;
    value.rt.hold(array);
    return arrayPending(value.shape, value.dtype, { array, release: () => value.rt.unhold(array) });
  }
  return { kind: 'other', type: typeName(value) };
}

/** A 0-d tensor's or array's value read at once, as a number with its type; null for anything else. */
function scalarNow(value: PyValue): Pending | null {
  if (value instanceof PyTensor && value.shape.length === 0 && !value.t.disposed && value.dtype !== 'bool') {
    return { kind: 'number', type: formatAval({ shape: [], dtype: value.t.dtype }), value: value.t.dataSync()[0] };
  }
  if (value instanceof PyArray && value.shape.length === 0 && !value.traced && value.dtype !== 'bool') {
    return { kind: 'number', type: formatAval({ shape: [], dtype: value.dtype }), value: value.rt.read(value.v)[0] };
  }
  return null;
}

function typeOnly(value: PyValue): Pending {
  if (value instanceof PyTensor || value instanceof PyArray) return arrayPending(value.shape, value.dtype, null);
  return pendingOf(value);
}

function arrayPending(shape: readonly number[], dtype: DType, held: Held | null): Pending {
  return { kind: 'array', type: formatAval({ shape, dtype }), shape: [...shape], dtype, held };
}

function isScalar(p: Pending): boolean {
  return (p.kind === 'number' && p.type !== 'bool') || (p.kind === 'array' && p.shape.length === 0 && p.held !== null && p.dtype !== 'bool');
}

function releasePending(p: Pending): void {
  if (p.kind === 'array') p.held?.release();
}

function assigned(site: Site, last: Pending, data: ReadonlyMap<Held, ArrayLike<number>>): AssignedValue {
  const series = site.count > 1 && site.points ? seriesOf(site, data) : null;
  return {
    name: site.name,
    range: rangeOfSpan(site.span),
    value: summary(last, data),
    ...(site.grad ? { grad: summary(site.grad, data) } : {}),
    count: site.count,
    ...(series ? { series } : {}),
  };
}

function seriesOf(site: Site, data: ReadonlyMap<Held, ArrayLike<number>>): ScalarSeries | null {
  const values = site.points!.map((p) => (p.kind === 'number' ? p.value : p.kind === 'array' && p.held ? data.get(p.held)![0] : NaN));
  return values.length > 1 ? { values, stride: site.stride } : null;
}

function summary(p: Pending, data: ReadonlyMap<Held, ArrayLike<number>>): ValueSummary {
  if (p.kind === 'number') return { type: p.type, values: p.type === 'bool' ? p.value !== 0 : p.value };
  // NB: a 0-d value read at once carries its dtype (`f32[]`) as its type.
  if (p.kind === 'other' || !p.held) return { type: p.type };
  return summarize(p.type, data.get(p.held)!, p.shape, p.dtype);
}

/** The numbers in full when few, else min, max and mean over the finite ones and a count of the others. */
export function summarize(type: string, values: ArrayLike<number>, shape: readonly number[], dtype: DType): ValueSummary {
  // NB: a summary holds real numbers: a complex array (its parts interleaved) shows its type alone.
  if (isComplex(dtype)) return { type };
  if (values.length <= SUMMARY_IN_FULL) return { type, values: nest(values, shape, dtype === 'bool') };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    finite++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const nonFinite = values.length - finite;
  return { type, ...(finite > 0 ? { min, max, mean: sum / finite } : {}), ...(nonFinite > 0 ? { nonFinite } : {}) };
}

/** The spans of the loops at the script's top level (inside `if`, `with`, `try` too; not in a def or class). */
export function topLevelLoops(module: ast.Module): Span[] {
  const loops: Span[] = [];
  walkStatements(module.body, {
    stmt: (s) => {
      if (s.kind === 'FunctionDef' || s.kind === 'ClassDef') return false;
      if (s.kind === 'For' || s.kind === 'While') {
        loops.push(s.span);
        return false;
      }
      return true;
    },
  });
  return loops;
}
