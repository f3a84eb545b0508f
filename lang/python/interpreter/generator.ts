/**
 * Python's generator objects: what calling a generator function or evaluating a generator
 * expression makes. The body is a JS generator (generator_body.ts runs a `def`'s statements in
 * one) that yields Python values and receives what `send` passes in; this object adds Python's
 * protocol around it: `next`, `send`, `throw`, `close`, `StopIteration` carrying the return value,
 * and the states Python checks (a running generator cannot be resumed, a finished one stays finished).
 */
import {
  BaseException,
  ExceptionObject,
  GeneratorExit,
  type HostContext,
  PyBuiltin,
  PyError,
  pyError,
  PyIterator,
  PyTuple,
  PyType,
  type PyValue,
  RuntimeError,
  StopIteration,
  takeHostObjectSerial,
  typeName,
} from './values';

/** A generator's body: yields Python values, receives what `send` passes, returns what `return` returns. */
export type GeneratorBody = Generator<PyValue, PyValue, PyValue>;

/** How the interpreter runs one step of a generator: its frame pushed for the step, popped after. */
export interface GeneratorFrame {
  /**
   * Resumes `g`'s `body` inside its frame, sending `sent` in or throwing `thrown` in. An
   * exception leaving it leaves as from a Python frame: with the frame in its traceback, and a
   * StopIteration turned into RuntimeError (PEP 479).
   */
  resume(g: PyGenerator, body: GeneratorBody, thrown: ExceptionObject | null, sent: PyValue): IteratorResult<PyValue, PyValue>;
  /** The generator ran its first step: it is unfinished until `finished` (what the script's end closes). */
  started(g: PyGenerator): void;
  /** The generator returned, raised or was closed: its frame is gone. */
  finished(g: PyGenerator): void;
  /** The values its frame's variables hold, in the order they were bound (what its frame releases as it closes). */
  locals(): Iterable<PyValue>;
  /** Whether closing it at its `yield` runs code: it waits inside a `try`, a `with`, a delegation or a loop over a generator. */
  guarded(): boolean;
}

type State = 'created' | 'suspended' | 'running' | 'closed';

const DONE: IteratorResult<PyValue, undefined> = { done: true, value: undefined };
const NO_ITEMS: Iterator<PyValue> = { next: () => DONE };

let generatorsMade = 0;

/** How many generators were made so far: one is new to a `for` statement if its serial is past the count at its start. */
export function generatorCount(): number {
  return generatorsMade;
}

export class PyGenerator extends PyIterator {
  /** Its place in the order generators were made (see generatorCount). */
  readonly serial = generatorsMade++;
  /** Its place among the values whose names the interpreter counts (HostObject.born's order). */
  readonly born = takeHostObjectSerial();
  private state: State = 'created';
  /** The JS iterator `for` loops and builtins draw from: `next()` until the body returns. */
  private readonly items: Iterator<PyValue>;

  constructor(
    readonly name: string,
    readonly qualname: string,
    private readonly body: GeneratorBody,
    private readonly frame: GeneratorFrame,
  ) {
    super('generator', NO_ITEMS);
    this.items = {
      next: () => {
        const r = this.resume(null, null);
        return r.done ? DONE : r;
      },
    };
  }

  override [Symbol.iterator](): Iterator<PyValue> {
    return this.items;
  }

  override next(): PyValue | undefined {
    const r = this.resume(null, null);
    return r.done ? undefined : r.value;
  }

  override describe(): string {
    return `generator object ${this.qualname}`;
  }

  /**
   * Runs the body to its next `yield` (`done` false, the value yielded) or its end (`done` true,
   * the value returned), after sending `sent` in, or throwing `thrown` in at the `yield` it waits at.
   */
  resume(thrown: ExceptionObject | null, sent: PyValue): IteratorResult<PyValue, PyValue> {
    if (this.state === 'running') throw pyError('ValueError', 'generator already executing');
    if (this.state === 'closed') {
      if (thrown) throw new PyError(thrown);
      return { done: true, value: null };
    }
    if (this.state === 'created' && sent !== null && !thrown) {
      throw pyError('TypeError', "can't send non-None value to a just-started generator");
    }
    if (this.state === 'created') this.frame.started(this);
    this.state = 'running';
    try {
      const r = this.frame.resume(this, this.body, thrown, sent);
      this.state = r.done ? 'closed' : 'suspended';
      if (r.done) this.frame.finished(this);
      return r;
    } catch (e) {
      this.state = 'closed';
      this.frame.finished(this);
      throw e;
    }
  }

  /** Whether it ran and has not finished: suspended at a `yield`, or running. */
  get unfinished(): boolean {
    return this.state === 'suspended' || this.state === 'running';
  }

  /** The values its frame's variables hold while it is unfinished. */
  locals(): Iterable<PyValue> {
    return this.unfinished ? this.frame.locals() : [];
  }

  /** `g.send(v)`, `next(g)`: the next value yielded, else StopIteration with the return value. */
  send(sent: PyValue, thrown: ExceptionObject | null = null): PyValue {
    const r = this.resume(thrown, sent);
    if (r.done) throw new PyError(new ExceptionObject(StopIteration, r.value === null ? [] : [r.value]));
    return r.value;
  }

  /** `g.close()`: GeneratorExit thrown in at the waiting `yield`, so its `finally` blocks run. */
  close(): void {
    if (this.state === 'closed') return;
    // One that never ran is finished as it is: its frame goes, and nothing in it runs.
    if (this.state === 'created') {
      this.state = 'closed';
      this.frame.finished(this);
      return;
    }
    // GeneratorExit would leave it without running any Python code: it is simply finished (its
    // loops let go of what they iterate, in the body's JS `finally` blocks).
    if (this.state === 'suspended' && !this.frame.guarded()) {
      this.state = 'closed';
      this.body.return(null);
      this.frame.finished(this);
      return;
    }
    let r: IteratorResult<PyValue, PyValue>;
    try {
      r = this.resume(new ExceptionObject(GeneratorExit, []), null);
    } catch (e) {
      if (e instanceof PyError && e.exc.type.isSubtypeOf(GeneratorExit)) return;
      throw e;
    }
    if (!r.done) throw pyError(RuntimeError, 'generator ignored GeneratorExit');
  }

  /**
   * Closes it as its deallocation does (nothing references it any more): a generator that yields
   * again after GeneratorExit is finished all the same (the RuntimeError still raised here).
   */
  discard(): void {
    try {
      this.close();
    } finally {
      if (this.state === 'suspended') {
        this.state = 'closed';
        this.frame.finished(this);
      }
    }
  }

  override attribute(name: string): PyValue | undefined {
    switch (name) {
      case '__next__':
        return new PyBuiltin(name, () => this.send(null), this);
      case 'send':
        return new PyBuiltin(name, (args) => {
          if (args.length !== 1) throw pyError('TypeError', `generator.send() takes exactly one argument (${args.length} given)`);
          return this.send(args[0]);
        }, this);
      case 'throw':
        return new PyBuiltin(name, (args, _kwargs, ctx) => this.send(null, exceptionToThrow(args, ctx)), this);
      case 'close':
        return new PyBuiltin(name, () => {
          this.close();
          return null;
        }, this);
      case '__iter__':
        return new PyBuiltin(name, () => this, this);
      case '__name__':
        return this.name;
      case '__qualname__':
        return this.qualname;
      case 'gi_running':
        return this.state === 'running';
      default:
        return undefined;
    }
  }
}

/** `g.throw(E)`, `g.throw(E('x'))`, `g.throw(E, 'x')`: the exception to throw in, as Python builds it. */
function exceptionToThrow(args: PyValue[], ctx: HostContext): ExceptionObject {
  if (args.length < 1 || args.length > 3) throw pyError('TypeError', `throw expected at least 1 argument, got ${args.length}`);
  const [type, value = null] = args;
  if (type instanceof ExceptionObject) {
    if (value !== null) throw pyError('TypeError', 'instance exception may not have a separate value');
    return type;
  }
  if (type instanceof PyType && type.isSubtypeOf(BaseException)) {
    if (value instanceof ExceptionObject && value.type.isSubtypeOf(type)) return value;
    const made = ctx.call(type, value === null ? [] : value instanceof PyTuple ? value.items : [value]);
    if (made instanceof ExceptionObject) return made;
  }
  throw pyError('TypeError', `exceptions must be classes or instances deriving from BaseException, not ${typeName(type)}`);
}
