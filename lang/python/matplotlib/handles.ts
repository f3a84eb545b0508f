/**
 * What matplotlib's drawing calls return (`Line2D`, `PathCollection`, `BarContainer`, `Text`, ...):
 * objects with matplotlib's types and reprs, and the few methods scripts call on them
 * (`line.get_color()`, `line.set_data(x, y)`, `text.get_text()`).
 */
import type { Artist, LineArtist } from '../../../protocol/figures';
import { bindArgs, HaltError, type HostContext, HostObject, hostType, type Kwargs, PyBuiltin, PyList, type PyType, type PyValue } from '../interpreter';
import { finiteOrNull, readVector } from './data';

export const HANDLE_TYPES = {
  Line2D: hostType('Line2D', 'matplotlib.lines'),
  PathCollection: hostType('PathCollection', 'matplotlib.collections'),
  PolyCollection: hostType('PolyCollection', 'matplotlib.collections'),
  BarContainer: hostType('BarContainer', 'matplotlib.container'),
  ErrorbarContainer: hostType('ErrorbarContainer', 'matplotlib.container'),
  AxesImage: hostType('AxesImage', 'matplotlib.image'),
  Text: hostType('Text', 'matplotlib.text'),
  Legend: hostType('Legend', 'matplotlib.legend'),
  Colorbar: hostType('Colorbar', 'matplotlib.colorbar'),
  XTick: hostType('XTick', 'matplotlib.axis'),
  YTick: hostType('YTick', 'matplotlib.axis'),
} as const;

export type HandleName = keyof typeof HANDLE_TYPES;

/** Where a handle's artist lives, so that its setters change what the figure draws. */
export interface ArtistSlot {
  get(): Artist;
  set(a: Artist): void;
}

/** A returned artist; `slot` is null for one that draws nothing itself (a legend, a colorbar). */
export class Handle extends HostObject {
  constructor(
    private readonly type: HandleName,
    private readonly slot: ArtistSlot | null,
    /** The repr where matplotlib's is not `<module.Type object at 0x...>` (`Text(0.5, 1.0, 'loss')`, `<BarContainer object of 3 artists>`). */
    private readonly shown?: string,
    /** Its str where that differs from its repr (`AxesImage(size=(4, 5))`). */
    private readonly printed?: string,
  ) {
    super();
  }

  override str(ctx: HostContext): string {
    return this.printed ?? this.repr(ctx);
  }

  get pyType(): PyType {
    return HANDLE_TYPES[this.type];
  }

  override repr(ctx: HostContext): string {
    return this.shown ?? super.repr(ctx);
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (f: (args: PyValue[], kwargs: Kwargs) => PyValue) => new PyBuiltin(name, f, this);
    const artist = this.slot?.get();
    switch (name) {
      case 'get_label':
        if (artist && 'label' in artist) return method(() => artist.label ?? '');
        break;
      case 'get_color':
        if (artist && 'color' in artist) return method(() => artist.color);
        break;
      case 'set_label':
        if (artist && 'label' in artist) return method((args, kwargs) => {
          const label = bindArgs('set_label', ['s'], args, kwargs, ctx).required('s');
          this.slot!.set({ ...artist, label: label === null ? null : ctx.str(label) });
          return null;
        });
        break;
      case 'get_xdata':
      case 'get_ydata':
        if (artist?.kind === 'line') return method(() => listOf(name === 'get_xdata' ? artist.x : artist.y));
        break;
      case 'set_data':
      case 'set_xdata':
      case 'set_ydata':
        if (artist?.kind === 'line') return method((args, kwargs) => {
          this.slot!.set(changedLine(artist, name, args, kwargs, ctx));
          return null;
        });
        break;
      case 'get_text':
        if (this.type === 'Text' && artist?.kind === 'text') return method(() => artist.text);
        break;
    }
    return notModelled(this.type, name);
  }
}

/** The drawn values as a list (NaN where a point is left out). */
function listOf(values: readonly (number | null)[]): PyValue {
  return new PyList(values.map((v) => v ?? NaN));
}

function changedLine(line: LineArtist, name: string, args: PyValue[], kwargs: Kwargs, ctx: HostContext): LineArtist {
  if (name === 'set_data') {
    const a = bindArgs('set_data', ['x', 'y'], args, kwargs, ctx);
    return { ...line, x: finiteOrNull(readVector(a.required('x'), ctx, 'set_data')), y: finiteOrNull(readVector(a.required('y'), ctx, 'set_data')) };
  }
  const values = finiteOrNull(readVector(bindArgs(name, ['values'], args, kwargs, ctx).required('values'), ctx, name));
  return name === 'set_xdata' ? { ...line, x: values } : { ...line, y: values };
}

/** A method or attribute of matplotlib's that Gradlens does not model: stop at the line, saying so. */
export function notModelled(owner: string, name: string): never {
  throw new HaltError('unsupported', `${owner}.${name} is not supported by Gradlens's matplotlib; remove it (the figure is drawn without it)`);
}
