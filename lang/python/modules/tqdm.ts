/**
 * `tqdm` (4.x) as a script sees it when its stderr is not a terminal: `tqdm(iterable)` and
 * `trange(n)` hand on the items unchanged and write the progress bar to stderr (or `file=`) as
 * tqdm's status printer does, `\r` before each refresh: one when the bar opens, one at most every
 * `mininterval` seconds, the last one and a newline when it closes (the loop ends, `break`,
 * `close()`, the `with` block). The elapsed times and rates are the sandbox clock's (time.ts's
 * perf_counter), so they differ from run to run as tqdm's do; the rate is the mean over the
 * whole run where tqdm shows a moving average between refreshes. `bar_format`, `ncols`,
 * `unit_scale`, `position`, `delay` and `colour` are refused at the call.
 */
import {
  bindArgs,
  formatValue,
  HaltError,
  type HostContext,
  HostObject,
  hostType,
  isInstance,
  iterate,
  type Kwargs,
  len,
  PyBuiltin,
  PyDict,
  pyFunction,
  PyModule,
  pyError,
  PyRange,
  type PyType,
  StaticMethod,
  toIndex,
  type PyValue,
  toFloat,
  truthy,
  writeStderr,
  writeStdout,
  type ModuleShim,
} from '../interpreter';
import { NUMBER_ABCS } from './numbers';

/** The bars open in this run: a new one takes the first free line (its position), as tqdm's `_get_free_pos`. */
const OPEN_BARS = {};

const UTF_BLOCKS = ' ▏▎▍▌▋▊▉█';
const ASCII_BLOCKS = ' 123456789#';
const BAR_WIDTH = 10;

const now = (): number => performance.now() / 1e3;

/** tqdm.format_interval: `mm:ss`, or `h:mm:ss` past an hour. */
function interval(t: number): string {
  const whole = Math.trunc(t);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60];
  const two = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** `'{0:5.2f}'.format(x)`. */
const fixed = (x: number): string => x.toFixed(2).padStart(5);

const REFUSED_OPTIONS = ['bar_format', 'ncols', 'unit_scale', 'position', 'delay', 'colour', 'nrows', 'gui'];

class Tqdm extends HostObject {
  static readonly type: PyType = hostType('tqdm', 'tqdm.std', (args, kwargs, ctx) => new Tqdm(args, kwargs, ctx));

  private readonly source: PyValue;
  private readonly total: number | null;
  private n: number;
  private readonly initial: number;
  private desc: string;
  private postfix = '';
  private readonly unit: string;
  private readonly leave: boolean;
  private readonly disable: boolean;
  private readonly blocks: string;
  private readonly mininterval: number;
  private readonly file: PyValue;
  private readonly start = now();
  private lastPrintN: number;
  private lastPrintT = this.start;
  private lastLength = 0;
  private readonly pos: number;
  private closed = false;
  /** Whether a float was counted (`update(0.5)`, `initial=1.5`): the count then prints as str(float) does. */
  private floatCount: boolean;
  private readonly floatTotal: boolean;

  constructor(args: PyValue[], kwargs: Kwargs, private readonly ctx: HostContext) {
    super();
    for (const name of REFUSED_OPTIONS) {
      const v = kwargs.get(name);
      if (v !== undefined && v !== null && v !== false && v !== 0n) throw new HaltError('unsupported', `tqdm(${name}=...) is not supported by Gradlens: leave it out for tqdm's default bar`);
    }
    const a = bindArgs('tqdm', ['iterable?', 'desc?', 'total?', 'leave?', 'file?', 'ncols?', 'mininterval?', 'maxinterval?', 'miniters?', 'ascii?', 'disable?', 'unit?', 'unit_scale?', 'dynamic_ncols?', 'smoothing?', 'bar_format?', 'initial?', 'position?', 'postfix?', 'unit_divisor?', 'write_bytes?', 'lock_args?', 'nrows?', 'colour?', 'delay?', 'gui?'], args, kwargs, ctx);
    this.source = a.opt('iterable') ?? null;
    const total = a.opt('total') ?? null;
    const length = total !== null ? toFloat(total, ctx) : this.source !== null ? lengthOf(this.source, ctx) : null;
    this.total = length === Infinity ? null : length;
    this.floatTotal = typeof total === 'number';
    this.initial = a.opt('initial') === undefined ? 0 : toFloat(a.required('initial'), ctx);
    this.floatCount = typeof a.opt('initial') === 'number';
    this.n = this.initial;
    this.lastPrintN = this.initial;
    const desc = a.opt('desc') ?? null;
    this.desc = desc === null ? '' : `${ctx.str(desc)}: `;
    this.unit = a.opt('unit') === undefined ? 'it' : ctx.str(a.required('unit'));
    this.leave = truthy(a.opt('leave') ?? true, ctx);
    this.disable = truthy(a.opt('disable') ?? false, ctx);
    this.blocks = truthy(a.opt('ascii') ?? false, ctx) ? ASCII_BLOCKS : UTF_BLOCKS;
    this.mininterval = a.opt('mininterval') === undefined ? 0.1 : toFloat(a.required('mininterval'), ctx);
    this.file = a.opt('file') ?? null;
    const bars = this.openBars();
    let pos = 0;
    while ([...bars].some((b) => b.pos === pos)) pos++;
    this.pos = pos;
    if (this.disable) return;
    bars.add(this);
    const postfix = a.opt('postfix') ?? null;
    if (postfix instanceof PyDict) this.setPostfix([...postfix.entries()].map(([k, v]) => [ctx.str(k), v]));
    else if (postfix !== null && truthy(postfix, ctx)) this.postfix = ctx.str(postfix);
    this.display();
  }

  get pyType(): PyType {
    return Tqdm.type;
  }

  private openBars(): Set<Tqdm> {
    return this.ctx.state(OPEN_BARS, () => new Set<Tqdm>());
  }

  /** tqdm.format_meter with tqdm's defaults: `desc: 40%|████      | 4/10 [00:01<00:01,  3.50it/s, loss=0.5]`. */
  private meter(): string {
    const elapsed = now() - this.start;
    const total = this.total !== null && this.n >= this.total + 0.5 ? null : this.total;
    const rate = elapsed ? (this.n - this.initial) / elapsed : null;
    const inverse = rate ? 1 / rate : null;
    const rateText = inverse && inverse > 1 ? `${fixed(inverse)}s/${this.unit}` : `${rate ? fixed(rate) : '?'}${this.unit}/s`;
    const postfix = this.postfix ? `, ${this.postfix}` : '';
    const n = numberText(this.n, this.floatCount);
    if (!total) return `${this.desc}${n}${this.unit} [${interval(elapsed)}, ${rateText}${postfix}]`;
    const remaining = rate ? interval((total - this.n) / rate) : '?';
    const frac = this.n / total;
    const symbols = this.blocks.length - 1;
    const steps = Math.trunc(frac * BAR_WIDTH * symbols);
    const full = Math.floor(steps / symbols);
    let bar = this.blocks[symbols]!.repeat(full);
    if (full < BAR_WIDTH) bar += this.blocks[steps % symbols]! + this.blocks[0]!.repeat(BAR_WIDTH - full - 1);
    const percent = String(Math.round(frac * 100)).padStart(3);
    return `${this.desc}${percent}%|${bar}| ${n}/${numberText(total, this.floatTotal)} [${interval(elapsed)}<${remaining}, ${rateText}${postfix}]`;
  }

  private write(text: string): void {
    if (this.file === null) writeStderr(this.ctx, text);
    else this.ctx.call(this.ctx.getattr(this.file, 'write'), [text]);
  }

  /** tqdm's status printer: the line after `\r`, padded over what the last one wrote; on line `pos` below the cursor. */
  private display(message?: string, pos = this.pos): void {
    const text = message ?? this.meter();
    if (pos) this.write('\n'.repeat(pos));
    this.write(`\r${text}${' '.repeat(Math.max(this.lastLength - text.length, 0))}`);
    this.lastLength = text.length;
    if (pos) this.write('\x1b[A'.repeat(pos));
  }

  /** `update(n)`: counts n more and refreshes when mininterval has passed since the last refresh. */
  update(n: number): void {
    if (this.disable) return;
    if (n < 0) this.lastPrintN += n;
    this.n += n;
    const t = now();
    if (t - this.lastPrintT >= this.mininterval) {
      this.display();
      this.lastPrintN = this.n;
      this.lastPrintT = t;
    }
  }

  /** tqdm's clear(): the bar's line blanked, the cursor back at its start. */
  clear(): void {
    this.display('');
    this.write('\r');
  }

  redraw(): void {
    this.display();
  }

  close(): void {
    if (this.disable || this.closed) return;
    this.closed = true;
    this.openBars().delete(this);
    if (this.leave) {
      this.display(undefined, 0);
      this.write('\n');
    } else {
      this.display('', this.pos);
      if (!this.pos) this.write('\r');
    }
  }

  /** set_postfix's text: each value a number as format_num writes it (`.3g` where shorter), else its str, stripped. */
  private setPostfix(entries: [string, PyValue][]): void {
    const ctx = this.ctx;
    this.postfix = entries
      .map(([k, v]) => {
        if (!isInstance(v, NUMBER_ABCS.Number)) return `${k}=${ctx.str(v).trim()}`;
        const short = formatValue(v, '.3g', ctx).replace('+0', '+').replace('-0', '-');
        const plain = ctx.str(v);
        return `${k}=${short.length < plain.length ? short : plain}`;
      })
      .join(', ');
  }

  override iter(ctx: HostContext): Iterable<PyValue> {
    const source = this.source;
    if (source === null) throw new HaltError('unsupported', 'iterating over a tqdm made without an iterable: give tqdm the iterable, or call update() in your loop');
    const self = this;
    return (function* () {
      for (const x of iterate(source, ctx)) {
        yield x;
        self.update(1);
      }
      self.close();
    })();
  }

  override loopLeft(): void {
    this.close();
  }

  override len(): number {
    if (this.total === null) throw new HaltError('unsupported', "len() of a tqdm with no total: give tqdm total=");
    return Math.trunc(this.total);
  }

  override enter(): PyValue {
    return this;
  }

  override exit(): boolean {
    this.close();
    return false;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (params: string[], f: (a: ReturnType<typeof bindArgs>, kwargs: Kwargs) => PyValue) =>
      new PyBuiltin(name, (args, kwargs) => f(bindArgs(name, params, args, kwargs, ctx), kwargs), this);
    switch (name) {
      case 'update':
        return method(['n?'], (a) => {
          if (typeof a.opt('n') === 'number') this.floatCount = true;
          this.update(a.opt('n') === undefined ? 1 : toFloat(a.required('n'), ctx));
          return null;
        });
      case 'close':
        return method([], () => {
          this.close();
          return null;
        });
      case 'refresh':
        return method([], () => {
          if (!this.disable) this.display();
          return null;
        });
      case 'set_description':
      case 'set_description_str':
        return method(['desc?', 'refresh?'], (a) => {
          const desc = a.opt('desc') ?? null;
          this.desc = desc === null || desc === '' ? '' : name === 'set_description' ? `${ctx.str(desc)}: ` : ctx.str(desc);
          if (!this.disable && truthy(a.opt('refresh') ?? true, ctx)) this.display();
          return null;
        });
      case 'set_postfix':
        return new PyBuiltin(name, (args, kwargs) => {
          const ordered = args[0] ?? null;
          const refresh = kwargs.get('refresh');
          const entries: [string, PyValue][] = ordered instanceof PyDict ? [...ordered.entries()].map(([k, v]) => [ctx.str(k), v]) : [];
          // NB: keyword arguments in sorted order, after the dict's, as tqdm sorts them.
          for (const k of [...kwargs.keys()].filter((k) => k !== 'refresh' && k !== 'ordered_dict').sort()) entries.push([k, kwargs.get(k)!]);
          this.setPostfix(entries);
          if (!this.disable && truthy(refresh ?? true, ctx)) this.display();
          return null;
        }, this);
      case 'set_postfix_str':
        return method(['s?', 'refresh?'], (a) => {
          this.postfix = ctx.str(a.opt('s') ?? '');
          if (!this.disable && truthy(a.opt('refresh') ?? true, ctx)) this.display();
          return null;
        });
      case 'n':
        return numberValue(this.n, this.floatCount);
      case 'total':
        return this.total === null ? null : numberValue(this.total, this.floatTotal);
      case 'desc':
        return this.desc;
      case 'postfix':
        return this.postfix;
      case 'disable':
        return this.disable;
      default:
        return undefined;
    }
  }
}

function lengthOf(v: PyValue, ctx: HostContext): number | null {
  if (v instanceof PyRange) return Number(v.length);
  try {
    return len(v, ctx);
  } catch {
    return null;
  }
}

/** A count as tqdm prints it, `str(n)`: `4`, or `2.5` and `3.0` once a float was counted. */
const numberText = (x: number, float: boolean): string => (float && Number.isInteger(x) ? `${x}.0` : String(x));
const numberValue = (x: number, float: boolean): PyValue => (float ? x : BigInt(x));

/** Clears the open bars, runs `write`, and draws them again, as tqdm.write keeps a message off the bars. */
function besideBars(ctx: HostContext, write: () => void): void {
  const bars = [...ctx.state(OPEN_BARS, () => new Set<Tqdm>())];
  for (const b of bars) b.clear();
  write();
  for (const b of bars) b.redraw();
}

/** `tqdm.write(s, file=None, end='\n')`: a message to stdout (or file), the bars cleared around it. */
const TQDM_WRITE = pyFunction('write', (args, kwargs, ctx) => {
  const a = bindArgs('write', ['s', 'file?', 'end?', 'nolock?'], args, kwargs, ctx);
  const text = ctx.str(a.required('s')) + (a.opt('end') === undefined ? '\n' : ctx.str(a.required('end')));
  const file = a.opt('file') ?? null;
  besideBars(ctx, () => {
    if (file === null) writeStdout(ctx, text);
    else ctx.call(ctx.getattr(file, 'write'), [text]);
  });
  return null;
});
Tqdm.type.attrs.set('write', new StaticMethod(TQDM_WRITE));

/** `trange(*args, **kwargs)`: `tqdm(range(*args), **kwargs)`. */
const trange = pyFunction('trange', (args, kwargs, ctx) => {
  const bounds = args.map((x) => toIndex(x, ctx));
  if (bounds.length < 1 || bounds.length > 3) throw pyError('TypeError', `range expected at most 3 arguments, got ${bounds.length}`);
  const [start, stop, step] = bounds.length === 1 ? [0n, bounds[0]!, 1n] : [bounds[0]!, bounds[1]!, bounds[2] ?? 1n];
  if (step === 0n) throw pyError('ValueError', 'range() arg 3 must not be zero');
  return new Tqdm([new PyRange(start, stop, step)], kwargs, ctx);
});

const EXPORTS = { tqdm: Tqdm.type, trange };

function tqdmShim(name: string): ModuleShim {
  return {
    exports: Object.keys(EXPORTS),
    create() {
      return new PyModule(name, new Map<string, PyValue>(Object.entries(EXPORTS)));
    },
  };
}

/** `tqdm`, and `tqdm.auto` (which picks the same text bar outside a notebook). */
export const tqdmModule = tqdmShim('tqdm');
export const tqdmAutoModule = tqdmShim('tqdm.auto');
