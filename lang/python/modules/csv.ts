/**
 * `csv` as CPython 3.11's _csv.c and csv.py: `reader` over any iterable of strings (an
 * io.StringIO, a list of lines, `text.splitlines()`) with _csv.c's parser states (quoted fields
 * over several lines, doubled quotes, an escapechar, skipinitialspace, strict, QUOTE_NONNUMERIC's
 * floats, `line_num`), `writer` into anything with a `write` method (quoting where a field holds
 * the delimiter, quotechar, escapechar or a line-terminator character, QUOTE_ALL/NONNUMERIC/NONE,
 * `\r\n` lines), `DictReader`/`DictWriter` as csv.py builds them on those, the dialects excel,
 * excel-tab and unix, `register_dialect`, and csv.Error's texts. No files: the sandbox opens none.
 */
import {
  bindArgs,
  EXCEPTION_TYPES,
  ExceptionObject,
  dictKey,
  getattr,
  getattrOrUndefined,
  type HostContext,
  HostObject,
  hostType,
  iterate,
  type Kwargs,
  PyBuiltin,
  PyComplex,
  PyDict,
  pyError,
  PyInstance,
  PyIterator,
  PyList,
  PyModule,
  PyType,
  type PyValue,
  toFloat,
  truthy,
  typeName,
  type ModuleShim,
} from '../interpreter';
import { Fraction } from './fractions';

const CsvError: PyType = new PyType('Error', {
  module: '_csv',
  bases: [EXCEPTION_TYPES.get('Exception')!],
  isException: true,
  construct: (args) => new ExceptionObject(CsvError, args),
});

const QUOTE_MINIMAL = 0;
const QUOTE_ALL = 1;
const QUOTE_NONNUMERIC = 2;
const QUOTE_NONE = 3;

/** A dialect's settings, as _csv.Dialect validates them. */
interface Dialect {
  readonly delimiter: string;
  readonly quotechar: string | null;
  readonly escapechar: string | null;
  readonly doublequote: boolean;
  readonly skipinitialspace: boolean;
  readonly lineterminator: string;
  readonly quoting: number;
  readonly strict: boolean;
}

const EXCEL: Dialect = { delimiter: ',', quotechar: '"', escapechar: null, doublequote: true, skipinitialspace: false, lineterminator: '\r\n', quoting: QUOTE_MINIMAL, strict: false };

const FIELDS = ['delimiter', 'quotechar', 'escapechar', 'doublequote', 'skipinitialspace', 'lineterminator', 'quoting', 'strict'] as const;

/** A character parameter: a 1-character string (or None where allowed), with _csv.c's TypeErrors. */
function char(name: string, v: PyValue, allowNone: boolean): string | null {
  if (v === null && allowNone) return null;
  if (typeof v !== 'string') {
    throw pyError('TypeError', allowNone ? `"${name}" must be string or None, not ${typeName(v)}` : `"${name}" must be string, not ${typeName(v)}`);
  }
  if (v.length !== 1) throw pyError('TypeError', `"${name}" must be a 1-character string`);
  return v;
}

/** The dialect named or given, with keyword parameters over it (_csv.Dialect's constructor). */
function dialectOf(given: PyValue | undefined, params: Kwargs, ctx: HostContext): Dialect {
  let base: Dialect = EXCEL;
  if (typeof given === 'string') {
    const d = ctx.state(DIALECTS, defaultDialects).get(given);
    if (!d) throw pyError(CsvError, 'unknown dialect');
    base = d;
  } else if (given instanceof DialectObject) base = given.dialect;
  else if (given !== undefined && given !== null) base = fromAttributes(given, ctx);
  const v: Record<string, PyValue> = {};
  for (const f of FIELDS) v[f] = params.has(f) ? params.get(f)! : dialectValue(base, f);
  for (const k of params.keys()) if (!(FIELDS as readonly string[]).includes(k)) throw pyError('TypeError', `'${k}' is an invalid keyword argument for Dialect()`);
  const quoting = v.quoting;
  if (typeof quoting !== 'bigint' || quoting < 0n || quoting > 3n) throw pyError('TypeError', 'bad "quoting" value');
  const d: Dialect = {
    delimiter: char('delimiter', v.delimiter!, false)!,
    quotechar: char('quotechar', v.quotechar!, true),
    escapechar: char('escapechar', v.escapechar!, true),
    doublequote: truthy(v.doublequote!, ctx),
    skipinitialspace: truthy(v.skipinitialspace!, ctx),
    lineterminator: typeof v.lineterminator === 'string' ? v.lineterminator : (() => {
      throw pyError('TypeError', `"lineterminator" must be a string, not ${typeName(v.lineterminator!)}`);
    })(),
    quoting: Number(quoting),
    strict: truthy(v.strict!, ctx),
  };
  if (d.quotechar === null && d.quoting !== QUOTE_NONE) throw pyError('TypeError', 'quotechar must be set if quoting enabled');
  return d;
}

function dialectValue(d: Dialect, field: (typeof FIELDS)[number]): PyValue {
  const v = d[field];
  return typeof v === 'number' ? BigInt(v) : v;
}

/** A dialect given as a class or instance with the attributes (`class MyDialect(csv.Dialect)`). */
function fromAttributes(obj: PyValue, ctx: HostContext): Dialect {
  const params = new Map<string, PyValue>();
  for (const f of FIELDS) {
    const v = obj instanceof PyType ? obj.lookup(f) : obj instanceof PyInstance ? obj.dict.get(f) ?? obj.cls.lookup(f) : undefined;
    if (v !== undefined) params.set(f, v);
  }
  return dialectOf(undefined, params, ctx);
}

/** A dialect as a Python value: csv.excel, csv.get_dialect('unix'), a reader's `.dialect`. */
class DialectObject extends HostObject {
  static readonly type: PyType = hostType('Dialect', '_csv', (args, kwargs, ctx) => {
    const a = bindArgs('Dialect', ['dialect?'], args, new Map(), ctx);
    return new DialectObject(dialectOf(a.get('dialect'), kwargs, ctx));
  });

  constructor(readonly dialect: Dialect) {
    super();
  }

  get pyType(): PyType {
    return DialectObject.type;
  }

  override getattr(name: string): PyValue | undefined {
    return (FIELDS as readonly string[]).includes(name) ? dialectValue(this.dialect, name as (typeof FIELDS)[number]) : undefined;
  }
}

const DIALECTS = {};
function defaultDialects(): Map<string, Dialect> {
  return new Map([
    ['excel', EXCEL],
    ['excel-tab', { ...EXCEL, delimiter: '\t' }],
    ['unix', { ...EXCEL, lineterminator: '\n', quoting: QUOTE_ALL }],
  ]);
}

/** The parser's states, as _csv.c names them. */
type State = 'startRecord' | 'startField' | 'escapedChar' | 'inField' | 'inQuotedField' | 'escapeInQuotedField' | 'quoteInQuotedField' | 'eatCrnl' | 'afterEscapedCrnl';
/** The end of one string the input gave (one line), as _csv.c's EOL. */
const EOL = null;

/** An iterator a record (or row) at a time: `next(r)`, `for row in r`, what `list(r)` takes. */
function records<T extends PyValue>(next: () => T | null): Iterator<PyValue> {
  return {
    next: () => {
      const r = next();
      return r === null ? { done: true, value: undefined } : { done: false, value: r };
    },
  };
}

/** The field size limit (_csv's module state, per run): a reader made before a change reads the new limit. */
const FIELD_LIMITS = {};
const fieldLimits = (ctx: HostContext) => ctx.state(FIELD_LIMITS, () => ({ field: 131072n }));

/** `csv.field_size_limit([new_limit])`: the limit before the call; a new one must be an int (not a bool), as _csv checks. */
const fieldSizeLimit = new PyBuiltin('field_size_limit', (args, kwargs, ctx) => {
  for (const k of kwargs.keys()) throw pyError('TypeError', `'${k}' is an invalid keyword argument for field_size_limit()`);
  if (args.length > 1) throw pyError('TypeError', `field_size_limit() takes at most 1 argument (${args.length} given)`);
  const limits = fieldLimits(ctx);
  const old = limits.field;
  if (args.length) {
    if (typeof args[0] !== 'bigint') throw pyError('TypeError', 'limit must be an integer');
    limits.field = args[0];
  }
  return old;
});

class Reader extends PyIterator {
  private state: State = 'startRecord';
  private fields: PyValue[] = [];
  private field = '';
  /** The field's length in characters (code points, as _csv counts them). */
  private fieldLength = 0;
  private numeric = false;
  private lineNum = 0;
  private readonly input: Iterator<PyValue>;

  constructor(
    input: PyValue,
    private readonly dialect: Dialect,
    private readonly ctx: HostContext,
    private readonly limits = fieldLimits(ctx),
  ) {
    const self: { reader?: Reader } = {};
    super('reader', records(() => self.reader!.nextRecord()));
    self.reader = this;
    this.input = iterate(input, ctx)[Symbol.iterator]();
  }

  override attribute(name: string): PyValue | undefined {
    if (name === 'line_num') return BigInt(this.lineNum);
    if (name === 'dialect') return new DialectObject(this.dialect);
    return undefined;
  }

  /** The next record, or null at the end of the input (Reader_iternext). */
  nextRecord(): PyList | null {
    // parse_reset: a record the last call ended inside a quoted field starts afresh.
    this.state = 'startRecord';
    this.numeric = false;
    this.fields = [];
    do {
      const next = this.input.next();
      if (next.done) {
        if (this.field.length !== 0 || (this.state as State) === 'inQuotedField') {
          if (this.dialect.strict) throw pyError(CsvError, 'unexpected end of data');
          this.saveField();
          break;
        }
        return null;
      }
      const line = next.value;
      if (typeof line !== 'string') throw pyError(CsvError, `iterator should return strings, not ${typeName(line)} (the file should be opened in text mode)`);
      this.lineNum++;
      this.ctx.tick(line.length / 64);
      for (const c of line) {
        if (c === '\0') throw pyError(CsvError, 'line contains NUL');
        this.process(c);
      }
      this.process(EOL);
    } while ((this.state as State) !== 'startRecord');
    const record = new PyList(this.fields);
    this.fields = [];
    return record;
  }

  /** parse_add_char: a field grows by a character, up to the field size limit. */
  private addChar(c: string): void {
    if (this.fieldLength >= this.limits.field) throw pyError(CsvError, `field larger than field limit (${this.limits.field})`);
    this.field += c;
    this.fieldLength++;
  }

  private saveField(): void {
    let v: PyValue = this.field;
    if (this.numeric) {
      this.numeric = false;
      v = toFloat(this.field, this.ctx);
    }
    this.fields.push(v);
    this.field = '';
    this.fieldLength = 0;
  }

  private endOfLine(c: string | null): void {
    this.saveField();
    this.state = c === EOL ? 'startRecord' : 'eatCrnl';
  }

  /** parse_process_char: one character of a line, or EOL at its end. */
  private process(c: string | null): void {
    const d = this.dialect;
    const newline = c === '\n' || c === '\r';
    const quoting = d.quoting !== QUOTE_NONE;
    switch (this.state) {
      case 'startRecord':
        if (c === EOL) return;
        if (newline) this.state = 'eatCrnl';
        else {
          this.state = 'startField';
          this.process(c);
        }
        return;
      case 'startField':
        if (newline || c === EOL) this.endOfLine(c);
        else if (c === d.quotechar && quoting) this.state = 'inQuotedField';
        else if (c === d.escapechar) this.state = 'escapedChar';
        else if (c === d.delimiter) this.saveField();
        else if (c !== ' ' || !d.skipinitialspace) {
          if (d.quoting === QUOTE_NONNUMERIC) this.numeric = true;
          this.addChar(c!);
          this.state = 'inField';
        }
        return;
      case 'escapedChar':
        if (newline) {
          this.addChar(c!);
          this.state = 'afterEscapedCrnl';
          return;
        }
        this.addChar(c === EOL ? '\n' : c);
        this.state = 'inField';
        return;
      case 'afterEscapedCrnl':
        // As _csv.c: the line after an escaped newline goes on in this state, its EOL ignored.
        if (c !== EOL) this.inField(c);
        return;
      case 'inField':
        this.inField(c);
        return;
      case 'inQuotedField':
        if (c === EOL) return;
        if (c === d.escapechar) this.state = 'escapeInQuotedField';
        else if (c === d.quotechar && quoting) this.state = d.doublequote ? 'quoteInQuotedField' : 'inField';
        else this.addChar(c!);
        return;
      case 'escapeInQuotedField':
        this.addChar(c === EOL ? '\n' : c);
        this.state = 'inQuotedField';
        return;
      case 'quoteInQuotedField':
        if (quoting && c === d.quotechar) {
          this.addChar(c!);
          this.state = 'inQuotedField';
        } else if (c === d.delimiter) {
          this.saveField();
          this.state = 'startField';
        } else if (newline || c === EOL) this.endOfLine(c);
        else if (!d.strict) {
          this.addChar(c!);
          this.state = 'inField';
        } else throw pyError(CsvError, `'${d.delimiter}' expected after '${d.quotechar}'`);
        return;
      case 'eatCrnl':
        if (c === EOL) this.state = 'startRecord';
        else if (!newline) throw pyError(CsvError, 'new-line character seen in unquoted field - do you need to open the file in universal-newline mode?');
        return;
    }
  }

  /** IN_FIELD: an unquoted field's character. */
  private inField(c: string | null): void {
    const d = this.dialect;
    if (c === '\n' || c === '\r' || c === EOL) this.endOfLine(c);
    else if (c === d.escapechar) this.state = 'escapedChar';
    else if (c === d.delimiter) {
      this.saveField();
      this.state = 'startField';
    } else this.addChar(c!);
  }
}

/** Whether the writer counts a value as a number (PyNumber_Check): it is not quoted under QUOTE_NONNUMERIC. */
function isNumber(v: PyValue): boolean {
  if (v instanceof PyInstance) return ['__index__', '__int__', '__float__'].some((m) => v.cls.lookup(m) !== undefined);
  return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v instanceof PyComplex || v instanceof Fraction;
}

class Writer extends HostObject {
  static readonly type: PyType = hostType('writer', '_csv');

  private readonly write: PyValue;

  constructor(
    file: PyValue,
    private readonly dialect: Dialect,
    ctx: HostContext,
  ) {
    super();
    const write = getattrOrUndefined(file, 'write', ctx);
    if (write === undefined) throw pyError('TypeError', 'argument 1 must have a "write" method');
    this.write = write;
  }

  get pyType(): PyType {
    return Writer.type;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    switch (name) {
      case 'writerow':
        return new PyBuiltin(name, (args, kwargs) => this.writerow(bindArgs('writerow', ['row'], args, kwargs, ctx).required('row'), ctx), this);
      case 'writerows':
        return new PyBuiltin(name, (args, kwargs) => {
          const rows = bindArgs('writerows', ['rows'], args, kwargs, ctx).required('rows');
          for (const row of iterate(rows, ctx)) this.writerow(row, ctx);
          return null;
        }, this);
      case 'dialect':
        return new DialectObject(this.dialect);
      default:
        return undefined;
    }
  }

  /** One record, as _csv.c's writerow joins it; what `write` returned. */
  writerow(row: PyValue, ctx: HostContext): PyValue {
    let items: Iterable<PyValue>;
    try {
      items = iterate(row, ctx);
    } catch {
      throw pyError(CsvError, `iterable expected, not ${typeName(row)}`);
    }
    const d = this.dialect;
    const fields: string[] = [];
    for (const v of items) {
      const quoted = d.quoting === QUOTE_ALL || (d.quoting === QUOTE_NONNUMERIC && !isNumber(v));
      const text = typeof v === 'string' ? v : v === null ? '' : ctx.str(v);
      ctx.tick(text.length / 64);
      fields.push(this.field(text, quoted, false));
    }
    let line = fields.join(d.delimiter);
    if (fields.length === 1 && line === '') {
      if (d.quoting === QUOTE_NONE) throw pyError(CsvError, 'single empty field record must be quoted');
      line = this.field('', false, true);
    }
    return ctx.call(this.write, [line + d.lineterminator]);
  }

  /** join_append_data: a field with what needs it escaped or quoted. */
  private field(text: string, quoted: boolean, quoteEmpty: boolean): string {
    const d = this.dialect;
    let out = '';
    if (text === '' && quoteEmpty) quoted = true;
    for (const c of text) {
      let escape = false;
      if (c === d.delimiter || c === d.escapechar || c === d.quotechar || d.lineterminator.includes(c)) {
        if (d.quoting === QUOTE_NONE) escape = true;
        else {
          if (c === d.quotechar) {
            if (d.doublequote) out += d.quotechar;
            else escape = true;
          } else if (c === d.escapechar) escape = true;
          if (!escape) quoted = true;
        }
        if (escape) {
          if (d.escapechar === null) throw pyError(CsvError, 'need to escape, but no escapechar set');
          out += d.escapechar;
        }
      }
      out += c;
    }
    return quoted ? `${d.quotechar}${out}${d.quotechar}` : out;
  }
}

/** The dialect argument and keyword parameters a reader or writer takes after its file. */
function readerArgs(name: string, args: PyValue[], kwargs: Kwargs, ctx: HostContext): { file: PyValue; dialect: Dialect } {
  if (args.length < 1) throw pyError('TypeError', `expected at least 1 argument, got 0`);
  if (args.length > 2) throw pyError('TypeError', `${name}() takes at most 2 positional arguments (${args.length} given)`);
  const params = new Map(kwargs);
  const given = args[1] ?? params.get('dialect');
  params.delete('dialect');
  return { file: args[0]!, dialect: dialectOf(given, params, ctx) };
}

const reader = new PyBuiltin('reader', (args, kwargs, ctx) => {
  const { file, dialect } = readerArgs('reader', args, kwargs, ctx);
  return new Reader(file, dialect, ctx);
});

const writer = new PyBuiltin('writer', (args, kwargs, ctx) => {
  const { file, dialect } = readerArgs('writer', args, kwargs, ctx);
  return new Writer(file, dialect, ctx);
});

/** The keyword parameters past the ones a Dict* class takes itself: the reader's or writer's. */
function rest(kwargs: Kwargs, own: readonly string[]): Kwargs {
  return new Map([...kwargs].filter(([k]) => !own.includes(k)));
}

/** A list of field names given as any iterable (csv.py lists an iterator). */
function fieldList(v: PyValue | undefined, ctx: HostContext): PyValue[] | null {
  return v === undefined || v === null ? null : [...iterate(v, ctx)];
}

/** `csv.DictReader(f, fieldnames=None, restkey=None, restval=None, dialect='excel', **fmtparams)`. */
const dictReader = new PyBuiltin('DictReader', (args, kwargs, ctx) => {
  const own = ['f', 'fieldnames', 'restkey', 'restval', 'dialect'];
  const a = bindArgs('DictReader', ['f', 'fieldnames?', 'restkey?', 'restval?', 'dialect?'], args, new Map([...kwargs].filter(([k]) => own.includes(k))), ctx);
  const dialect = dialectOf(a.get('dialect') ?? 'excel', rest(kwargs, own), ctx);
  return new DictReader(new Reader(a.required('f'), dialect, ctx), fieldList(a.get('fieldnames'), ctx), a.get('restkey') ?? null, a.get('restval') ?? null, ctx);
});

class DictReader extends PyIterator {
  private lineNum = 0;

  constructor(
    private readonly reader: Reader,
    private names: PyValue[] | null,
    private readonly restkey: PyValue,
    private readonly restval: PyValue,
    private readonly ctx: HostContext,
  ) {
    const self: { reader?: DictReader } = {};
    super('DictReader', records(() => self.reader!.nextRow()));
    self.reader = this;
  }

  /** `fieldnames`: read from the first record when not given. */
  private fieldnames(): PyValue[] | null {
    if (this.names === null) {
      const first = this.reader.nextRecord();
      if (first) this.names = first.items;
    }
    this.lineNum = Number(this.reader.attribute('line_num'));
    return this.names;
  }

  override attribute(name: string): PyValue | undefined {
    switch (name) {
      case 'fieldnames': {
        const names = this.fieldnames();
        return names === null ? null : new PyList(names);
      }
      case 'line_num':
        return BigInt(this.lineNum);
      case 'restkey':
        return this.restkey;
      case 'restval':
        return this.restval;
      case 'reader':
        return this.reader;
      default:
        return undefined;
    }
  }

  /** The next row as a dict (blank records skipped), or null at the end. */
  nextRow(): PyDict | null {
    if (this.lineNum === 0) this.fieldnames();
    let row = this.reader.nextRecord();
    this.lineNum = Number(this.reader.attribute('line_num'));
    while (row !== null && row.items.length === 0) row = this.reader.nextRecord();
    if (row === null) return null;
    // csv.py reads self.fieldnames here, which sets line_num again (past the blank records).
    const names = this.fieldnames() ?? [];
    const d = new PyDict();
    const set = (k: PyValue, v: PyValue) => d.setByKey(dictKey(k, this.ctx), k, v);
    for (let i = 0; i < Math.min(names.length, row.items.length); i++) set(names[i]!, row.items[i]!);
    if (names.length < row.items.length) set(this.restkey, new PyList(row.items.slice(names.length)));
    else for (const k of names.slice(row.items.length)) set(k, this.restval);
    return d;
  }
}

class DictWriter extends HostObject {
  static readonly type: PyType = hostType('DictWriter', 'csv', (args, kwargs, ctx) => {
    const own = ['f', 'fieldnames', 'restval', 'extrasaction', 'dialect'];
    const a = bindArgs('DictWriter', ['f', 'fieldnames', 'restval?', 'extrasaction?', 'dialect?'], args, new Map([...kwargs].filter(([k]) => own.includes(k))), ctx);
    const extras = a.get('extrasaction') ?? 'raise';
    if (typeof extras !== 'string' || !['raise', 'ignore'].includes(extras.toLowerCase())) {
      throw pyError('ValueError', `extrasaction (${ctx.str(extras)}) must be 'raise' or 'ignore'`);
    }
    const dialect = dialectOf(a.get('dialect') ?? 'excel', rest(kwargs, own), ctx);
    return new DictWriter(new Writer(a.required('f'), dialect, ctx), fieldList(a.required('fieldnames'), ctx) ?? [], a.get('restval') ?? '', extras === 'raise');
  });

  constructor(
    private readonly writer: Writer,
    private readonly names: PyValue[],
    private readonly restval: PyValue,
    private readonly raises: boolean,
  ) {
    super();
  }

  get pyType(): PyType {
    return DictWriter.type;
  }

  override getattr(name: string, ctx: HostContext): PyValue | undefined {
    const method = (fn: (arg: PyValue) => PyValue) => new PyBuiltin(name, (args) => {
      if (args.length !== 1) throw pyError('TypeError', `DictWriter.${name}() takes 2 positional arguments but ${args.length + 1} were given`);
      return fn(args[0]!);
    }, this);
    switch (name) {
      case 'fieldnames':
        return new PyList(this.names);
      case 'writeheader':
        return new PyBuiltin(name, () => this.writer.writerow(new PyList(this.names), ctx), this);
      case 'writerow':
        return method((row) => this.writer.writerow(this.toList(row, ctx), ctx));
      case 'writerows':
        return method((rows) => {
          for (const row of iterate(rows, ctx)) this.writer.writerow(this.toList(row, ctx), ctx);
          return null;
        });
      default:
        return undefined;
    }
  }

  /** _dict_to_list: the row's values in field order, restval for a missing one. */
  private toList(row: PyValue, ctx: HostContext): PyList {
    const get = getattr(row, 'get', ctx);
    if (this.raises) {
      const wanted = new Set(this.names.map((k) => dictKey(k, ctx)));
      const wrong = [...iterate(ctx.call(getattr(row, 'keys', ctx), []), ctx)].filter((k) => !wanted.has(dictKey(k, ctx)));
      if (wrong.length) throw pyError('ValueError', `dict contains fields not in fieldnames: ${wrong.map((k) => ctx.repr(k)).join(', ')}`);
    }
    return new PyList(this.names.map((k) => ctx.call(get, [k, this.restval])));
  }
}

const registerDialect = new PyBuiltin('register_dialect', (args, kwargs, ctx) => {
  if (args.length < 1 || args.length > 2) throw pyError('TypeError', `register_dialect() expected at most 2 positional arguments, got ${args.length}`);
  const [name, given] = args;
  if (typeof name !== 'string') throw pyError('TypeError', 'dialect name must be a string');
  ctx.state(DIALECTS, defaultDialects).set(name, dialectOf(given, kwargs, ctx));
  return null;
});

const getDialect = new PyBuiltin('get_dialect', (args, _kwargs, ctx) => {
  const d = ctx.state(DIALECTS, defaultDialects).get(args[0] as string);
  if (!d) throw pyError(CsvError, 'unknown dialect');
  return new DialectObject(d);
});

const listDialects = new PyBuiltin('list_dialects', (_args, _kwargs, ctx) => new PyList([...ctx.state(DIALECTS, defaultDialects).keys()]));

const unregisterDialect = new PyBuiltin('unregister_dialect', (args, _kwargs, ctx) => {
  if (!ctx.state(DIALECTS, defaultDialects).delete(args[0] as string)) throw pyError(CsvError, 'unknown dialect');
  return null;
});

export const csvModule: ModuleShim = {
  exports: ['reader', 'writer', 'DictReader', 'DictWriter', 'Dialect', 'excel', 'excel_tab', 'unix_dialect', 'Error', 'QUOTE_MINIMAL', 'QUOTE_ALL', 'QUOTE_NONNUMERIC', 'QUOTE_NONE', 'register_dialect', 'get_dialect', 'list_dialects', 'unregister_dialect', 'field_size_limit'],
  create() {
    const dialects = defaultDialects();
    return new PyModule('csv', new Map<string, PyValue>([
      ['reader', reader],
      ['writer', writer],
      ['DictReader', dictReader],
      ['DictWriter', DictWriter.type],
      ['Dialect', DialectObject.type],
      ['excel', new DialectObject(dialects.get('excel')!)],
      ['excel_tab', new DialectObject(dialects.get('excel-tab')!)],
      ['unix_dialect', new DialectObject(dialects.get('unix')!)],
      ['Error', CsvError],
      ['QUOTE_MINIMAL', BigInt(QUOTE_MINIMAL)],
      ['QUOTE_ALL', BigInt(QUOTE_ALL)],
      ['QUOTE_NONNUMERIC', BigInt(QUOTE_NONNUMERIC)],
      ['QUOTE_NONE', BigInt(QUOTE_NONE)],
      ['register_dialect', registerDialect],
      ['get_dialect', getDialect],
      ['list_dialects', listDialects],
      ['unregister_dialect', unregisterDialect],
      ['field_size_limit', fieldSizeLimit],
    ]));
  },
};
