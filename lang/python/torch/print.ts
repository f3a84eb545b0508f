/**
 * `repr(tensor)` as PyTorch 1.13 prints it: a port of torch/_tensor_str.py (_Formatter,
 * _vector_str, _tensor_str_with_formatter, _add_suffixes) under the run's print options
 * (torch.set_printoptions). Numbers go through Python's own float formatting, so rounding
 * matches CPython digit for digit.
 */
import { formatFloat, floatRepr } from '../interpreter';
import { isFloating, type TorchDTypeName } from './dtype';

/** torch/_tensor_str.py's PRINT_OPTS; `sciMode` null is "decide from the values". */
export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

export const DEFAULT_PRINT_OPTIONS: Readonly<PrintOptions> = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };

/** set_printoptions's profiles. */
export const PRINT_PROFILES: Readonly<Record<string, Omit<PrintOptions, 'sciMode'>>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

export interface PrintableTensor {
  /** Row-major values, as doubles (float32 values widen exactly). */
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: TorchDTypeName;
  /** The grad_fn's name, if the tensor has one. */
  readonly gradFn: string | null;
  readonly requiresGrad: boolean;
  /** A dual tensor's tangent as `'tangent={}'.format(tangent)` writes it (forward AD). */
  readonly tangent?: string | null;
}

/** A view of part of the data: a sub-tensor at `offset` with its own shape. */
interface View {
  readonly values: ArrayLike<number>;
  readonly offset: number;
  readonly shape: readonly number[];
}

function size(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function sub(v: View, i: number): View {
  const inner = v.shape.slice(1);
  return { values: v.values, offset: v.offset + i * size(inner), shape: inner };
}

/** The scalar text Python gives `"{}".format(v)` for an element of an integer or bool tensor. */
function plainScalar(x: number, dtype: TorchDTypeName): string {
  if (dtype === 'bool') return x !== 0 ? 'True' : 'False';
  return String(x);
}

class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    values: readonly number[],
    private readonly dtype: TorchDTypeName,
    private readonly opts: PrintOptions,
  ) {
    const PRECISION = opts.precision;
    this.floating = isFloating(dtype);
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, plainScalar(v, dtype).length);
      return;
    }
    const nonzeroFinite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (nonzeroFinite.length === 0) return;
    const abs = nonzeroFinite.map(Math.abs);
    const min = Math.min(...abs);
    const max = Math.max(...abs);
    this.intMode = nonzeroFinite.every((v) => v === Math.ceil(v));
    const widest = (fmt: (v: number) => string, extra = 0) => {
      for (const v of nonzeroFinite) this.maxWidth = Math.max(this.maxWidth, fmt(v).length + extra);
    };
    if (this.intMode) {
      if (max / min > 1000.0 || max > 1.0e8) {
        this.sciMode = true;
        widest((v) => formatFloat(v, `.${PRECISION}e`));
      } else widest((v) => formatFloat(v, '.0f'), 1);
    } else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4) {
      this.sciMode = true;
      widest((v) => formatFloat(v, `.${PRECISION}e`));
    } else widest((v) => formatFloat(v, `.${PRECISION}f`));
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  width(): number {
    return this.maxWidth;
  }

  format(v: number): string {
    const PRECISION = this.opts.precision;
    let ret: string;
    if (this.floating) {
      if (this.sciMode) ret = formatFloat(v, `${this.maxWidth}.${PRECISION}e`);
      else if (this.intMode) {
        ret = formatFloat(v, '.0f');
        if (Number.isFinite(v)) ret += '.';
      } else ret = formatFloat(v, `.${PRECISION}f`);
    } else ret = plainScalar(v, this.dtype);
    return ' '.repeat(Math.max(0, this.maxWidth - ret.length)) + ret;
  }
}

function vectorStr(v: View, indent: number, summarize: boolean, f: Formatter, opts: PrintOptions): string {
  const EDGEITEMS = opts.edgeitems;
  const elementLength = f.width() + 2;
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
  const n = v.shape[0];
  const at = (i: number) => f.format(v.values[v.offset + i]);
  let data: string[];
  if (summarize && n > 2 * EDGEITEMS) {
    data = [];
    for (let i = 0; i < EDGEITEMS; i++) data.push(at(i));
    data.push(' ...');
    for (let i = n - EDGEITEMS; i < n; i++) data.push(at(i));
  } else data = Array.from({ length: n }, (_, i) => at(i));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStrWithFormatter(v: View, indent: number, summarize: boolean, f: Formatter, opts: PrintOptions): string {
  const EDGEITEMS = opts.edgeitems;
  const dim = v.shape.length;
  if (dim === 0) return f.format(v.values[v.offset]);
  if (dim === 1) return vectorStr(v, indent, summarize, f, opts);
  const n = v.shape[0];
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => tensorStrWithFormatter(sub(v, from + k), indent + 1, summarize, f, opts));
  const slices = summarize && n > 2 * EDGEITEMS ? [...rows(0, EDGEITEMS), '...', ...rows(n - EDGEITEMS, n)] : rows(0, n);
  return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

/** The values the formatter sizes itself on: every value, or the edges only when summarizing. */
function summarizedValues(v: View, out: number[], EDGEITEMS: number): void {
  const dim = v.shape.length;
  if (dim === 0) {
    out.push(v.values[v.offset]);
    return;
  }
  const n = v.shape[0];
  const picks = n > 2 * EDGEITEMS ? [...Array(EDGEITEMS).keys(), ...Array.from({ length: EDGEITEMS }, (_, k) => n - EDGEITEMS + k)] : [...Array(n).keys()];
  if (dim === 1) for (const i of picks) out.push(v.values[v.offset + i]);
  else for (const i of picks) summarizedValues(sub(v, i), out, EDGEITEMS);
}

function tensorStr(t: PrintableTensor, indent: number, opts: PrintOptions): string {
  const view: View = { values: t.values, offset: 0, shape: t.shape };
  const n = size(t.shape);
  if (n === 0) return '[]';
  const summarize = n > opts.threshold;
  let values: number[] = [];
  if (summarize) summarizedValues(view, values, opts.edgeitems);
  else values = Array.from(t.values);
  return tensorStrWithFormatter(view, indent, summarize, new Formatter(values, t.dtype, opts), opts);
}

function addSuffixes(tensorStr: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [tensorStr];
  let lastLineLen = tensorStr.length - tensorStr.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function tensorRepr(t: PrintableTensor, opts: PrintOptions = DEFAULT_PRINT_OPTIONS): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  const hasDefaultDType = t.dtype === 'float32' || t.dtype === 'int64' || t.dtype === 'bool';
  if (size(t.shape) === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=${shapeTuple(t.shape)}`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    body = '[]';
  } else {
    if (!hasDefaultDType) suffixes.push(`dtype=torch.${t.dtype}`);
    body = tensorStr(t, indent, opts);
  }
  if (t.gradFn !== null) suffixes.push(`grad_fn=<${t.gradFn}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  if (t.tangent) suffixes.push(`tangent=${t.tangent}`);
  return addSuffixes(prefix + body, suffixes, indent, opts.linewidth);
}

/** A Python scalar's text as `str(x.item())` gives it. */
export function itemStr(x: number, dtype: TorchDTypeName): string {
  return isFloating(dtype) ? floatRepr(x) : plainScalar(x, dtype);
}
