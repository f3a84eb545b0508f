/**
 * Messages between the extension and its webview panel (which is also the GPU execution host).
 * postMessage carries untyped data: each side validates what it receives with the guards here
 * before acting on it.
 */
import { MAX_TIMED_CALLS, type EvaluateRequest } from './evaluate';
import type { CellLines } from './notebook';
import { BACKEND_NAMES, BACKEND_SETTINGS } from './backends';
import { ENGINE_MODES, type BackendInfo, type EvaluationOutcome, type SourceRange } from './results';

export const PANEL_VIEWS = ['results', 'graph', 'compare'] as const;
export type PanelView = (typeof PANEL_VIEWS)[number];

/** What the panel exports: a graph (SVG, PNG), a loop's curve (CSV, SVG, PNG). */
export const EXPORT_FORMATS = ['svg', 'png', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The largest export the extension writes (a PNG of a large graph at twice its size stays well under it). */
export const EXPORT_MAX_CHARS = 64 * 1024 * 1024;

export type ExtensionToWebview =
  /** Evaluate on the webview's backend; answered by one `outcome` with the same id. */
  | { readonly type: 'evaluate'; readonly id: number; readonly request: EvaluateRequest }
  | { readonly type: 'cancel'; readonly id: number }
  /**
   * Show a result (computed here or by the server); with `view`, on that tab. `line` is the line
   * of the function's `def`, `at` when the result was computed (ms since the epoch), where known;
   * `cells`, for a notebook, where its cells' lines are (places are named by cell).
   */
  | { readonly type: 'show'; readonly outcome: EvaluationOutcome; readonly view?: PanelView; readonly line?: number; readonly at?: number; readonly cells?: readonly CellLines[] }
  /** The active editor moved to a function (or file) with no result: the panel clears what it shows of another. */
  | { readonly type: 'idle'; readonly uri: string; readonly function?: string; readonly line?: number; readonly cells?: readonly CellLines[] };

export type WebviewToExtension =
  /** The execution host is up, on this backend (for the status bar). */
  | { readonly type: 'ready'; readonly backend: BackendInfo }
  | { readonly type: 'progress'; readonly id: number; readonly message: string }
  | { readonly type: 'outcome'; readonly id: number; readonly outcome: EvaluationOutcome }
  /** The user clicked a graph node: reveal and highlight its source. */
  | { readonly type: 'reveal'; readonly uri: string; readonly range: SourceRange }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  /**
   * The user clicked Export: the extension asks where (a save dialog opening beside `uri`, the
   * shown result's document, on `fileName`) and writes `content`: the text of an SVG or CSV, a
   * PNG's bytes in base64.
   */
  | { readonly type: 'export'; readonly uri: string; readonly fileName: string; readonly format: ExportFormat; readonly content: string };

/** Whether `data` is a well-formed message from the extension: every field, nested ones included. */
export function isExtensionToWebview(data: unknown): data is ExtensionToWebview {
  if (!isRecord(data)) return false;
  switch (data.type) {
    case 'evaluate':
      return isInteger(data.id) && isEvaluateRequest(data.request);
    case 'cancel':
      return isInteger(data.id);
    case 'show':
      return isEvaluationOutcome(data.outcome) && optional(oneOf(PANEL_VIEWS))(data.view) && optional(isInteger)(data.line) && optional(isFiniteNumber)(data.at) && optional(isCellLines)(data.cells);
    case 'idle':
      return isString(data.uri) && optional(isString)(data.function) && optional(isInteger)(data.line) && optional(isCellLines)(data.cells);
    default:
      return false;
  }
}

/** Whether `data` is a well-formed message from the webview: every field, nested ones included. */
export function isWebviewToExtension(data: unknown): data is WebviewToExtension {
  if (!isRecord(data)) return false;
  switch (data.type) {
    case 'ready':
      return isBackendInfo(data.backend);
    case 'progress':
      return isInteger(data.id) && isString(data.message);
    case 'outcome':
      return isInteger(data.id) && isEvaluationOutcome(data.outcome);
    case 'reveal':
      return isString(data.uri) && isSourceRange(data.range);
    case 'log':
      return oneOf(['info', 'warn', 'error'] as const)(data.level) && isString(data.message);
    case 'export':
      return isString(data.uri) && oneOf(EXPORT_FORMATS)(data.format) && isExportFileName(data.fileName, data.format) && isExportContent(data.content, data.format);
    default:
      return false;
  }
}

/** A bare file name (no folder: the user picks that) ending in the format's extension. */
function isExportFileName(name: unknown, format: ExportFormat): boolean {
  return isString(name) && name.length <= 200 && /^[\w.()#+ -]+$/.test(name) && !name.startsWith('.') && name.toLowerCase().endsWith(`.${format}`);
}

/** An SVG document, a PNG in base64 (its signature included) or CSV text, within the size the extension writes. */
function isExportContent(content: unknown, format: ExportFormat): boolean {
  if (!isString(content) || content.length > EXPORT_MAX_CHARS) return false;
  switch (format) {
    case 'svg':
      return /^(<\?xml[^>]*\?>\s*)?<svg[\s>]/.test(content) && content.trimEnd().endsWith('</svg>');
    case 'png':
      // 'iVBORw0KGgo' is the base64 of PNG's 8-byte signature.
      return content.startsWith('iVBORw0KGgo') && content.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(content);
    case 'csv':
      return !content.includes('\0');
  }
}

export function isEvaluateRequest(data: unknown): data is EvaluateRequest {
  return shape(data, {
    uri: isString,
    text: isString,
    function: isString,
    engines: oneOf(ENGINE_MODES),
    backend: oneOf(BACKEND_SETTINGS),
    inputs: optional(isString),
    graphs: isBoolean,
    budgets: optional((b) => shape(b, { steps: optional(isNumber), ms: optional(isNumber), tensorBytes: optional(isNumber) })),
    cells: optional(isCellLines),
    timing: optional((t) => shape(t, { calls: (x) => isTimedCount(x) && x >= 1, warmups: isTimedCount })),
  });
}

/** A count of calls `gradlens bench` may ask for (a forged request asks for no more). */
function isTimedCount(x: unknown): x is number {
  return isInteger(x) && x >= 0 && x <= MAX_TIMED_CALLS;
}

function isCellLines(data: unknown): data is readonly CellLines[] {
  return Array.isArray(data) && data.every((cell) => shape(cell, { uri: isString, number: isInteger, firstLine: isInteger, lineCount: isInteger }));
}

export function isEvaluationOutcome(data: unknown): data is EvaluationOutcome {
  if (!isRecord(data)) return false;
  if (data.ok === true) return shape(data, { ok: isBoolean, result: isEvaluationResult });
  if (data.ok === false) return shape(data, { ok: isBoolean, error: isEvaluationError });
  return false;
}

// NB: the guards below check every field declared in results.ts and evaluate.ts; a field added
// there must be added here to be checked. Undeclared fields are let through (and ignored by the
// receiver), so a host one version ahead still talks to the panel.

type Guard = (x: unknown) => boolean;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function isString(x: unknown): x is string {
  return typeof x === 'string';
}
function isBoolean(x: unknown): x is boolean {
  return typeof x === 'boolean';
}
function isNumber(x: unknown): x is number {
  return typeof x === 'number';
}
function isFiniteNumber(x: unknown): x is number {
  return Number.isFinite(x);
}
function isInteger(x: unknown): x is number {
  return Number.isInteger(x);
}
function oneOf<T extends string>(values: readonly T[]): (x: unknown) => x is T {
  return (x): x is T => typeof x === 'string' && (values as readonly string[]).includes(x);
}
function optional(guard: Guard): Guard & { optional: true } {
  return Object.assign((x: unknown) => x === undefined || guard(x), { optional: true as const });
}
function arrayOf(guard: Guard): Guard {
  return (x) => Array.isArray(x) && x.every(guard);
}
function recordOf(guard: Guard): Guard {
  return (x) => isRecord(x) && Object.values(x).every(guard);
}
/** Every declared field passes its guard; a field may be absent only where optional. */
function shape(x: unknown, fields: Record<string, Guard>): boolean {
  if (!isRecord(x)) return false;
  return Object.entries(fields).every(([key, guard]) => (key in x ? guard(x[key]) : 'optional' in guard));
}

function isNumbers(x: unknown): boolean {
  return typeof x === 'number' || typeof x === 'boolean' || (Array.isArray(x) && x.every(isNumbers));
}
function isSourceRange(x: unknown): x is SourceRange {
  return shape(x, { line: isInteger, col: isInteger, endLine: isInteger, endCol: isInteger });
}
function isBackendInfo(x: unknown): x is BackendInfo {
  return shape(x, { name: oneOf(BACKEND_NAMES), adapter: optional(isString) });
}
const isGrad = recordOf(isNumbers);

function isEagerRun(x: unknown): boolean {
  return shape(x, {
    value: isNumbers,
    grad: isGrad,
    runMs: isNumber,
    ops: isInteger,
    lines: arrayOf((l) => shape(l, { line: isInteger, ms: isNumber, ops: isInteger })),
    times: optional(isEngineTimes),
  });
}
function isJitRun(x: unknown): boolean {
  return shape(x, {
    value: isNumbers,
    grad: isGrad,
    traceMs: isNumber,
    compileMs: isNumber,
    runMs: isNumber,
    kernels: isInteger,
    ranOn: optional(oneOf(['gpu', 'host'] as const)),
    lineKernels: arrayOf((l) => shape(l, { line: isInteger, kernels: arrayOf(isInteger) })),
    times: optional(isEngineTimes),
  });
}
function isCallTimes(x: unknown): boolean {
  return shape(x, { bestMs: isNumber, medianMs: isNumber, calls: isInteger });
}
function isEngineTimes(x: unknown): boolean {
  return shape(x, { forward: isCallTimes, valueAndGrad: isCallTimes });
}
function isGraphView(x: unknown): boolean {
  return shape(x, {
    kind: oneOf(['forward', 'gradient', 'tape'] as const),
    nodes: arrayOf((n) =>
      shape(n, {
        id: isString,
        label: isString,
        kind: oneOf(['input', 'const', 'op', 'output', 'leaf'] as const),
        type: isString,
        range: optional(isSourceRange),
        ms: optional(isNumber),
        scope: optional(isString),
        failed: optional(isBoolean),
      }),
    ),
    edges: arrayOf((e) => shape(e, { from: isString, to: isString, type: isString })),
    groups: arrayOf((g) =>
      shape(g, {
        id: isString,
        label: isString,
        nodes: arrayOf(isString),
        call: optional(isString),
        source: optional(isString),
        language: optional(oneOf(['wgsl', 'wat', 'js'] as const)),
      }),
    ),
    text: optional(isString),
    scopes: optional(arrayOf((s) => shape(s, { id: isString, label: isString, kind: oneOf(['module', 'named_scope', 'function'] as const), parent: optional(isString) }))),
  });
}
function isPlotData(x: unknown): boolean {
  return shape(x, { param: isString, at: isNumber, xs: arrayOf(isNumber), f: arrayOf(isNumber), df: arrayOf(isNumber) });
}
function isEvaluationResult(x: unknown): boolean {
  return shape(x, {
    uri: isString,
    function: isString,
    sourceHash: isString,
    style: oneOf(['torch', 'jax', 'numpy'] as const),
    inputs: isGrad,
    inputDtypes: optional((d) => isRecord(d) && Object.values(d).every(isString)),
    inputOrigin: oneOf(['call', 'defaults', 'comment', 'user'] as const),
    backend: isBackendInfo,
    value: isNumbers,
    grad: isGrad,
    eager: optional(isEagerRun),
    jit: optional(isJitRun),
    hostReads: optional(isInteger),
    float64OnCpu: optional(isInteger),
    nonFinite: optional((n) =>
      shape(n, {
        range: isSourceRange,
        in: oneOf(['value', 'gradient'] as const),
        op: isString,
        value: oneOf(['nan', 'inf', '-inf'] as const),
      }),
    ),
    graphs: optional(arrayOf(isGraphView)),
    plot: optional(isPlotData),
    jacobian: optional((j) => shape(j, { valueShape: arrayOf(isInteger), size: isInteger, of: optional(isGrad) })),
    gradientCuts: optional(arrayOf((c) =>
      shape(c, { range: isSourceRange, what: oneOf(['item', 'float', 'int', 'tolist', 'detach'] as const), message: isString, zeroGradient: isBoolean }),
    )),
    leftOut: optional(arrayOf((l) => shape(l, { range: isSourceRange, message: isString }))),
    warnings: optional(arrayOf((w) => shape(w, { range: isSourceRange, category: isString, message: isString }))),
    assignments: optional(arrayOf(isAssignedValue)),
  });
}
function isValueSummary(x: unknown): boolean {
  return shape(x, { type: isString, values: optional(isNumbers), min: optional(isNumber), max: optional(isNumber), mean: optional(isNumber), nonFinite: optional(isInteger) });
}
function isAssignedValue(x: unknown): boolean {
  return shape(x, {
    name: isString,
    range: isSourceRange,
    value: isValueSummary,
    grad: optional(isValueSummary),
    gradNote: optional(isString),
    count: isInteger,
    series: optional((s) => shape(s, { values: arrayOf(isNumber), stride: isInteger })),
  });
}
function isEvaluationError(x: unknown): boolean {
  return shape(x, {
    uri: isString,
    function: isString,
    sourceHash: isString,
    kind: oneOf(['inputs', 'error', 'cancelled', 'budget'] as const),
    message: isString,
    range: optional(isSourceRange),
    operands: optional(arrayOf((o) => shape(o, { text: optional(isString), type: isString }))),
    assignments: optional(arrayOf(isAssignedValue)),
    graphs: optional(arrayOf(isGraphView)),
  });
}
