/**
 * Reference counts on Python bindings: a collectable host value (a tensor) is freed, a generator
 * closed, when its last name or holder goes, as CPython's reference counts free them. The
 * interpreter tells this what binds, unbinds, stores and draws (CountingRun is what this reads back).
 */
import type * as A from '../syntax/ast';
import type { Span } from '../syntax';
import { PyGenerator } from './generator';
import * as ops from './operators';
import { namesRead, type Scope } from './scope';
import {
  HostObject,
  hostObjectCount,
  type HostContext,
  type Kwargs,
  objectType,
  PyDict,
  PyDictView,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PySet,
  PyTuple,
  type PyType,
  type PyValue,
} from './values';

/**
 * A value whose names the interpreter counts: a collectable host value (a tensor), a generator, a
 * container that holds counts on what is in it (a tuple, list or dict an op returned or Python
 * made, a pytree node, an iterator a container built-in made: `ReferenceCounts.holders`), a
 * closure that reads something of these from the function that made it (ReferenceCounts.capture).
 */
export type Counted = HostObject | PyGenerator | PyTuple | PyList | PyDict | PySet | PyDictView | PyIterator | PyInstance | PyFunction;

/** Whether the interpreter counts the names of an instance of `cls`: each of its classes shows all the instance holds (PyType.instanceContents). */
export function countsInstances(cls: PyType): boolean {
  // NB: a loop, not every(): it runs at each instance made.
  for (const c of cls.mro) if (!(c === objectType || c.userDefined || c.instanceContents !== null)) return false;
  return true;
}

/** Whether an instance of `cls` holds only what its `__dict__` holds: no native class shows more (a Module's parameters). */
export function holdsOnlyItsDict(cls: PyType): boolean {
  // NB: a loop, not every(): it runs at each attribute store.
  for (const c of cls.mro) if (c.instanceContents !== null) return false;
  return true;
}

/** What instance `inst` holds: its `__dict__`'s values, and what its native classes hold beside (an nn.Module's parameters). */
function instanceContents(inst: PyInstance): PyValue[] {
  const out = [...inst.dict.values()];
  let last: PyType['instanceContents'] = null;
  for (const c of inst.cls.mro) {
    // NB: a native subclass shares its base's function (nn.Linear's is nn.Module's): once is enough.
    if (c.instanceContents !== null && c.instanceContents !== last) out.push(...c.instanceContents(inst));
    last = c.instanceContents ?? last;
  }
  return out;
}

function counted(v: PyValue): v is Counted {
  // NB: numbers, strings and None first: they are most of what names hold.
  return typeof v === 'object' && v !== null && (v instanceof HostObject ? v.collectable : v instanceof PyGenerator || (v instanceof PyFunction && v.born >= 0));
}


/** Methods of a list, dict or set that leave what it holds as it was (ReferenceCounts.calledOn). */
const KEEPS_ITEMS: ReadonlySet<string> = new Set([
  'index', 'count', 'copy', 'get', 'keys', 'values', 'items', 'sort', 'reverse',
  'union', 'intersection', 'difference', 'symmetric_difference', 'issubset', 'issuperset', 'isdisjoint',
]);


/** What Python can read back out of `v`: a tuple's or list's items, a dict's keys and values, a host object's `held`. */
function heldItems(v: PyValue): readonly PyValue[] | undefined {
  if (v instanceof PyTuple || v instanceof PyList) return v.items;
  if (v instanceof PyDict) {
    // NB: a loop, not a spread and flat(): an optimizer's state is walked so at every step() and zero_grad() (W7).
    const items: PyValue[] = [];
    for (const [key, value] of v.map.values()) items.push(key, value);
    return items;
  }
  if (v instanceof PySet) return [...v.map.values()];
  return v instanceof HostObject ? v.held() : undefined;
}

/**
 * Whether `out` is `v` or holds it (a tuple, list or dict, or a host object's `held`: an optimizer's
 * state); past `depth` levels (a list may hold itself), a container is taken to hold it.
 */
export function holds(out: PyValue, v: PyValue, depth = 8): boolean {
  if (out === v) return true;
  const items = heldItems(out);
  if (items === undefined) return false;
  return depth === 0 || items.some((item) => holds(item, v, depth - 1));
}


/** Whether closure `fn` reads the variables of `scope`: it was made in it or in a scope inside it. */
function closesOver(fn: PyFunction, scope: Scope): boolean {
  for (let s: Scope | null = fn.closure as Scope; s !== null; s = s.parent) if (s === scope) return true;
  return false;
}

/** What the counting reads of the run (the interpreter). */
export interface CountingRun {
  /** What host objects and operators are given (the interpreter). */
  readonly ctx: HostContext;
  /** The node running now: where a value whose last name went lost it. */
  readonly running: { readonly span: Span };
  /** How many Python frames run now. */
  readonly frameDepth: number;
  /** The value a `return` is handing back: kept, though nothing names it yet. */
  readonly returning: PyValue;
  /** Closes a generator nothing references any more (`at`: what ran as its last reference went). */
  closeDropped(g: PyGenerator, at?: { readonly span: Span } | null): void;
}

export class ReferenceCounts {
  // Collectable host values (tensors) are freed when their last name goes, as CPython's reference
  // counts free them; a value is counted only if it was new when first bound, and never once it
  // went anywhere but a name (a container, an attribute, a default, a call's arguments other than
  // a Python function's, whose parameters are names).
  // Generators are counted the same way: one whose last name goes is closed, as CPython's
  // reference counts close it (its `finally` blocks run there).
  /** Names bound to each counted value. */
  readonly bindings = new Map<Counted, number>();
  readonly escaped = new WeakSet<Counted>();
  /**
   * Containers an op returned (`u, s = opt.update(g, s, p)`: a tuple and an optimizer state;
   * `jax.grad(f)(params)`: a dict), counted as a tensor is, each holding one count on each counted
   * value in it then, as a name would: its items go with it when nothing holds them any more.
   * `born` orders it among host objects (HostObject.born). NB: a container Python makes anew from
   * one (a slice, `t + (x,)`, `d.values()`) holds its items uncounted: the holder escapes then.
   * An instance whose classes show all it holds (an nn.Module, an optimizer: madeInstance) is one
   * too: it holds a count on each counted value in it, looked at again as it changes (resync); an
   * instance of the script's own classes becomes one with the first counted value stored in it
   * (storeAttribute).
   */
  readonly holders = new WeakMap<object, { readonly born: number; items: Counted[] }>();
  /** Values whose last name went, and the frame depth whose running statement may still use them. */
  readonly unbound: { value: Counted; depth: number; at: { readonly span: Span } }[] = [];
  /** hostObjectCount() when the innermost running statement began. */
  statementStart = 0;
  /** Operands used up in the statements still running, innermost last (see `usedOperand`). */
  readonly usedUp: Counted[] = [];

  constructor(private readonly run: CountingRun) {}

  /** `inst` was made: an instance whose classes show all it holds is counted (countsInstances). */
  madeInstance(inst: PyInstance): void {
    if (!countsInstances(inst.cls)) return;
    inst.born = hostObjectCount();
    // An instance of the script's own classes holds counts only once something counted is stored
    // in it (storeAttribute): a micrograd Value, which holds floats, tuples and closures, is no holder.
    if (!holdsOnlyItsDict(inst.cls)) this.holders.set(inst, { born: inst.born, items: [] });
  }

  isHolder(v: PyValue): boolean {
    return typeof v === 'object' && v !== null && this.holders.has(v);
  }

  isCounted(v: PyValue): v is Counted {
    if (typeof v !== 'object' || v === null) return false;
    if (v instanceof PyInstance) return v.born >= 0;
    return counted(v) || this.holders.has(v);
  }

  /** Its place among host objects: a value is new to a statement if it is past the count at its start. */
  private bornOf(v: Counted): number {
    if (v instanceof PyInstance) return v.born;
    return this.holders.get(v)?.born ?? (v as HostObject | PyGenerator | PyFunction).born;
  }

  /** `v` was bound to one more name. */
  bound(v: PyValue): void {
    if (!this.isCounted(v)) return;
    const n = this.bindings.get(v);
    if (n !== undefined) this.bindings.set(v, n + 1);
    else if (!this.escaped.has(v) && this.countable(v)) this.bindings.set(v, 1);
  }

  /**
   * Whether uncounted `v` can be counted from a new name or container: it is new to the running
   * statement (nothing uncounted reached it yet), or its last count went in a statement still
   * running and it waits to be collected (a value a consumer drew: `y = max(g)`).
   */
  private countable(v: Counted): boolean {
    return this.bornOf(v) >= this.statementStart || this.unbound.some((u) => u.value === v);
  }

  /** A name bound to `v` was rebound or deleted, or its frame ended (for the statement at `depth` to finish). */
  unbind(v: PyValue | undefined, depth = this.run.frameDepth): void {
    if (typeof v !== 'object' || v === null) return;
    const c = v as Counted;
    const n = this.bindings.get(c);
    if (n === undefined) return;
    if (n > 1) {
      this.bindings.set(c, n - 1);
      return;
    }
    this.bindings.delete(c);
    // NB: an instance that holds nothing counted has nothing to free: a micrograd Value's last name goes by the thousand.
    if (c instanceof PyInstance && !this.holders.has(c)) return;
    this.unbound.push({ value: c, depth, at: this.run.running });
  }

  /**
   * `v` is what an op returned: a container it made (a tuple, list or dict, a pytree node) is
   * counted, holding a count on each counted value in it (its containers counted first, to depth).
   */
  adopt(v: PyValue, depth = 8): void {
    // NB: an instance first: a tuple of micrograd Values is adopted as it is made, a WeakMap look-up for each Value.
    if (typeof v !== 'object' || v === null || depth === 0 || v instanceof PyInstance || counted(v) || this.holders.has(v)) return;
    const items = heldItems(v);
    if (items === undefined) return;
    const held: Counted[] = [];
    for (const item of items) {
      this.adopt(item, depth - 1);
      if (this.holdItem(item)) held.push(item);
    }
    this.holdOn(v, held);
  }

  /**
   * `container` holds a count on each of `items`. NB: one that holds none is left uncounted: it
   * could free nothing, and a WeakMap entry for each of the tuples and lists a program makes
   * (`(self, other)` in every op of an autograd engine) costs more than its counting saves.
   */
  holdOn(container: object, items: Counted[]): void {
    if (items.length > 0) this.holders.set(container, { born: hostObjectCount(), items });
  }

  /**
   * A list, dict or set Python made (a literal, a comprehension, `list()`) is a holder even while
   * empty: what is appended or stored in it later (`losses.append(loss)`, `d[k] = v`), it holds.
   */
  holdMutable(container: PyValue): void {
    if ((container instanceof PyList || container instanceof PyDict || (container instanceof PySet && !container.frozen)) && !this.holders.has(container)) {
      this.holders.set(container, { born: hostObjectCount(), items: [] });
    }
  }

  /** A live list, dict or set that holds what is in it (holdMutable): what is stored in it, it holds too. */
  countedContainer(v: PyValue): v is PyList | PyDict | PySet {
    return (v instanceof PyList || v instanceof PyDict || v instanceof PySet) && this.holders.has(v) && !this.escaped.has(v);
  }

  /** Counted container `c` took `v` in (`xs.append(v)`): one more count on it, if it is counted. */
  holdMore(c: object, v: PyValue): void {
    if (this.holdItem(v)) this.holders.get(c)!.items.push(v);
  }

  /** Counted container `c` let go of one `v` (`d[k] = new` replaced it). */
  letGo(c: object, v: PyValue): void {
    const items = this.holders.get(c)!.items;
    const i = items.indexOf(v as Counted);
    if (i < 0) return;
    items.splice(i, 1);
    this.unbind(v);
  }

  /**
   * The value `c[index] = ...` replaces, when it is known without running Python code (a dict's
   * str or int key, a list's int index): `{ old }` (undefined where there was none); null otherwise.
   */
  storedAt(c: PyList | PyDict | PySet, index: PyValue): { readonly old: PyValue | undefined } | null {
    if (c instanceof PyDict && (typeof index === 'string' || typeof index === 'bigint')) return { old: c.map.get(ops.dictKey(index, this.run.ctx))?.[1] };
    if (c instanceof PyList && typeof index === 'bigint') {
      const i = Number(index);
      return { old: c.items[i < 0 ? c.items.length + i : i] };
    }
    return null;
  }

  /**
   * A built-in method `name` of counted container `c` ran with `args`: what it took in (`append`,
   * `add`, `insert`), `c` holds; after any other that may change what `c` holds (`extend`,
   * `update`, `pop`, `remove`, `clear`), `c` is looked at again.
   */
  calledOn(c: object, name: string, args: readonly PyValue[]): void {
    if (name === 'append' || name === 'add') this.holdMore(c, args[0]);
    else if (name === 'insert') this.holdMore(c, args[1]);
    else if (!KEEPS_ITEMS.has(name)) this.resync(c);
  }

  /**
   * A new container holds `item`: one more count on it, if it is counted and new or named. An
   * instance that holds nothing counted goes uncounted instead (escape): it could free nothing,
   * and a tuple of micrograd Values (`(self, other)`) is then no holder. NB: an instance's
   * attribute does count one (holdCount): `self.encoder = Encoder()` before it holds tensors.
   */
  holdItem(item: PyValue): item is Counted {
    if (item instanceof PyInstance && item.born >= 0 && !this.holders.has(item)) {
      this.escape(item);
      return false;
    }
    return this.holdCount(item);
  }

  /** One more count on `item`, if it is counted and new or named. */
  holdCount(item: PyValue): item is Counted {
    if (!this.isCounted(item) || this.escaped.has(item)) return false;
    const n = this.bindings.get(item);
    if (n !== undefined) this.bindings.set(item, n + 1);
    else if (this.countable(item)) this.bindings.set(item, 1);
    else return false;
    return true;
  }

  /**
   * Holder `holder` holds one count on each counted value in it now: what came in since it was
   * last looked at gains a count, what went loses one. A container in it that a host made (an
   * optimizer's `param_groups` and `state`) holds its own items (adopt), and is looked at too.
   */
  resync(holder: object, depth = 8): void {
    if (depth === 0) return;
    let held = this.holders.get(holder);
    if (held === undefined) {
      // A counted instance that held nothing counted yet: what a host method or a `__setattr__` stored in it, it holds now.
      if (!(holder instanceof PyInstance && holder.born >= 0 && !this.escaped.has(holder))) return;
      held = { born: holder.born, items: [] };
      this.holders.set(holder, held);
    }
    const before = new Map<Counted, number>();
    for (const v of held.items) before.set(v, (before.get(v) ?? 0) + 1);
    const items: Counted[] = [];
    for (const v of holder instanceof PyInstance ? instanceContents(holder) : (heldItems(holder) ?? [])) {
      if (typeof v !== 'object' || v === null) continue;
      if (!(v instanceof PyInstance)) {
        if (this.holders.has(v)) this.resync(v, depth - 1);
        else this.adopt(v, depth - 1);
      }
      const n = before.get(v as Counted);
      if (n) {
        before.set(v as Counted, n - 1);
        items.push(v as Counted);
      } else if (holder instanceof PyInstance ? this.holdCount(v) : this.holdItem(v)) items.push(v as Counted);
    }
    held.items = items;
    if (items.length === 0 && holder instanceof PyInstance && holdsOnlyItsDict(holder.cls)) this.holders.delete(holder);
    for (const [v, n] of before) for (let i = 0; i < n; i++) this.unbind(v);
  }

  /**
   * Whether counted instance `inst` of the script's classes shows counted values it does not hold:
   * a host function stored them (a dataclass's `__init__`, `dataclasses.replace`), not storeAttribute.
   * NB: counts, not a walk with a Map as resync's, since every micrograd Value made comes here.
   */
  showsMoreThanItHolds(inst: PyInstance): boolean {
    if (!this.countedInstance(inst)) return false;
    let shown = 0;
    for (const v of inst.dict.values()) if (this.isCounted(v) && !this.escaped.has(v)) shown++;
    return shown !== (this.holders.get(inst)?.items.length ?? 0);
  }

  /** A live instance the interpreter counts: what is stored in it, it holds (resync); NB: an escaped one keeps all it holds. */
  countedInstance(v: PyValue): v is PyInstance {
    return v instanceof PyInstance && v.born >= 0 && !this.escaped.has(v);
  }

  /**
   * `obj.name = value` on counted instance `obj`. One that holds only its `__dict__` moves one
   * count, as `d[k] = v` does: it holds `value` (becoming a holder with the first counted value it
   * holds) and lets go of what `name` held; another (a Module, whose parameters live outside its
   * `__dict__`), or a store a `__setattr__` or property put elsewhere, is looked at again (resync).
   */
  storeAttribute(obj: PyInstance, name: string, value: PyValue): void {
    const old = obj.dict.get(name);
    ops.setattr(obj, name, value, this.run.ctx);
    if (obj.dict.get(name) !== value || !holdsOnlyItsDict(obj.cls)) {
      this.resync(obj);
      return;
    }
    let held = this.holders.get(obj);
    if (typeof value === 'object' && value !== null && !(value instanceof PyInstance)) {
      if (this.holders.has(value)) this.resync(value, 7);
      else this.adopt(value, 7);
    }
    if (this.holdCount(value)) {
      if (held === undefined) {
        held = { born: obj.born, items: [] };
        this.holders.set(obj, held);
      }
      held.items.push(value);
    }
    if (held !== undefined && old !== undefined) this.letGo(obj, old);
  }

  /**
   * `out` is what a built-in of CONTAINER_BUILTINS returned from `args`: a list or tuple it made
   * (`list(zip(xs, ys))`, `sorted(xs)`) holds its items as an op's result does; an iterator
   * (`zip(xs, ys)`, `map(f, xs)`, `enumerate(xs)`) holds its arguments, which it draws from later.
   */
  madeContainer(out: PyValue, args: readonly PyValue[]): void {
    if (args.includes(out)) return;
    // NB: an iterator holds a generator it draws from later; a container drew it out (drawnFrom closes it).
    if (out instanceof PyIterator) {
      this.holdOn(out, args.filter((a) => this.holdItem(a)));
    } else {
      this.adopt(out);
      this.holdMutable(out);
    }
  }

  /**
   * `out` was made from `from` (a slice, `t + (x,)`, a method's result): if `from` is a counted
   * container and `out` a new list, tuple, dict or set, `out` holds its items as `from` does; a
   * dict's view holds the dict; another new container may hold them uncounted, so `from` keeps them.
   */
  madeFrom(from: PyValue, out: PyValue): void {
    if (!this.isHolder(from) || typeof out !== 'object' || out === null) return;
    if (this.isCounted(out)) {
      // A counted instance a host made from `from` (`model[0:2]`, a Sequential of its layers) holds what it shows.
      if (out instanceof PyInstance) this.resync(out);
      return;
    }
    if (out instanceof PyList || out instanceof PyTuple || out instanceof PyDict || out instanceof PySet) this.adopt(out);
    // A dict's live view (`d.items()`) reads the dict while it lives: it holds it, as zip holds what it zips;
    // so does what a counted instance's method made (`model.parameters()`, `model.state_dict()`).
    else if ((out instanceof PyDictView || from instanceof PyInstance) && this.holdItem(from)) this.holdOn(out, [from]);
    else this.escape(from);
  }

  /**
   * `cur op= v` gave `r`. A counted container that changed in place (`xs += [t]`) holds what it
   * took from `v`; another holds it uncounted, so `v` keeps it until the run ends.
   */
  madeInPlace(cur: PyValue, v: PyValue, r: PyValue): void {
    this.madeFrom(cur, r);
    if (r === cur && this.countedContainer(cur)) this.resync(cur);
    else if (r === cur && !(cur instanceof HostObject && cur.collectable)) this.escape(v);
    else this.madeFrom(v, r);
  }

  /**
   * `obj[index] = value`: a container keeps the value and the key; a tensor or array (collectable)
   * copies the values in and keeps neither, so they are used up as an operator's operands are.
   */
  storedItem(obj: PyValue, index: PyValue, value: PyValue): void {
    if (obj instanceof HostObject && obj.collectable) {
      this.usedOperand(value);
      this.usedOperand(index);
    } else {
      this.escape(value);
      this.escape(index);
    }
  }

  /**
   * Runs `call` with `args` and `kwargs` counted as names, as CPython's frame holds a call's
   * arguments: what the callee keeps it counts or escapes itself (a `forward`'s names, `self.h = x`),
   * and a temporary nothing kept goes when the running statement ends (collectUnbound). What the
   * call returns holds its items as an op's result does.
   */
  lending(args: readonly PyValue[], kwargs: Kwargs, call: () => PyValue): PyValue {
    const lent = this.lendArguments(args, kwargs);
    try {
      const out = call();
      this.adopt(out);
      return out;
    } finally {
      this.giveBack(lent);
    }
  }

  /**
   * The first half of `lending`, for a caller that runs the call itself (the interpreter's call
   * expressions: a closure there would cost a context at every call): what it counted, for giveBack.
   */
  lendArguments(args: readonly PyValue[], kwargs: Kwargs): Counted[] | null {
    // NB: allocated only for a call that lends a counted value: `Value(x)` lends floats.
    let lent: Counted[] | null = null;
    for (const a of args) lent = this.lend(a, lent);
    if (kwargs.size > 0) for (const v of kwargs.values()) lent = this.lend(v, lent);
    return lent;
  }

  /** The call that lendArguments lent for returned: its counts go. */
  giveBack(lent: Counted[] | null): void {
    if (lent !== null) for (const v of lent) this.unbind(v);
  }

  /** A call counts `v` as a name while it runs (lending): `lent` with `v` added where it did. */
  private lend(v: PyValue, lent: Counted[] | null): Counted[] | null {
    // NB: only what this counted is let go after: a value it could not count may gain names in the call.
    if (!this.isCounted(v)) return lent;
    // A host may keep a closure where nothing counts it (LambdaLR's lr_lambda): it keeps what it reads to the run's end.
    if (v instanceof PyFunction) {
      this.escape(v);
      return lent;
    }
    const n = this.bindings.get(v);
    this.bound(v);
    if (this.bindings.get(v) === n) return lent;
    (lent ??= []).push(v);
    return lent;
  }

  /** `v` went somewhere other than a name: it is never collected. */
  escape(v: PyValue): void {
    if (!this.isCounted(v)) return;
    this.bindings.delete(v);
    // An instance that holds nothing counted is counted no more; NB: a field, where a WeakSet entry for each of a micrograd engine's Values costs its GC.
    if (v instanceof PyInstance && !this.holders.has(v)) v.born = -1;
    else this.escaped.add(v);
  }

  /**
   * `v` was an operand an operator, subscript or method call used up (`x * 2` in `(x * 2).sum()`),
   * or an expression statement's value: if it is new in this statement, it goes when the
   * statement ends unless a name, a container or a call took it by then.
   */
  usedOperand(v: PyValue): void {
    if (this.isCounted(v) && this.bornOf(v) >= this.statementStart) this.usedUp.push(v);
  }

  /** Frees what was used up since `mark` and nothing took; NB: only once the expressions that used them have ended. */
  collectUsedUp(mark: number): void {
    for (let i = mark; i < this.usedUp.length; i++) {
      const v = this.usedUp[i];
      if (!this.bindings.has(v) && !this.escaped.has(v) && v !== this.run.returning) this.collect(v);
    }
    this.usedUp.length = mark;
  }

  collectUnbound(): void {
    const depth = this.run.frameDepth;
    let waiting = 0;
    for (const u of this.unbound) {
      if (u.depth < depth) this.unbound[waiting++] = u;
      else if (!this.bindings.has(u.value) && !this.escaped.has(u.value) && u.value !== this.run.returning) this.collect(u.value, u.at);
    }
    this.unbound.length = waiting;
  }

  /** Nothing in Python reaches `v` any more (since `at` ran): a container lets go of its items, a host value frees what it holds, a generator is closed. */
  private collect(v: Counted, at: { readonly span: Span } = this.run.running): void {
    const held = this.holders.get(v);
    if (held !== undefined) {
      this.holders.delete(v);
      for (const item of held.items) this.unbind(item);
    } else if (v instanceof HostObject) v.collect(this.run.ctx);
    else if (v instanceof PyFunction) {
      v.born = -1;
      this.closureGone(v.closure as Scope);
    }
    else if (v instanceof PyGenerator) this.run.closeDropped(v, at);
  }

  /**
   * The frame of `scope` (a call, a comprehension, a generator) ended: its variables go with it,
   * unless a function defined in it keeps them, or a generator expression made in it may still
   * read them (Scope.readers): then the last of those to finish lets go of them. Whether they went now.
   */
  releaseScope(scope: Scope, returned: PyValue = null): boolean {
    if (scope.readers > 0) {
      scope.released = true;
      return false;
    }
    const captured = scope.captured;
    if (captured === null) {
      // No closure was made in it: nothing reads its variables after its frame, so they are let go of and left as they are.
      // NB: not cleared: clearing gives its Map a new table, at every return of every call.
      for (const v of scope.vars.values()) this.unbind(v);
      return true;
    }
    if ((scope.closures === 0 && !scope.keepsCaptured) || this.onlyItsOwnCycle(scope, returned)) {
      this.releaseVariables(scope);
      return true;
    }
    // A closure keeps only the variables it may read (`sorted(xs, key=lambda t: t.sum())` keeps none).
    // NB: keys, not entries: an entry is an array made for each variable of each frame that made a closure (W5's `_backward`).
    for (const name of scope.vars.keys()) {
      const v = scope.vars.get(name)!;
      if (captured.has(name)) {
        // NB: a counted closure a variable of its own scope holds (a recursive `def build(v)`) holds
        // itself through it, a cycle no count ends: one that something else holds too (returned,
        // stored) is kept to the run's end, as what it reads.
        if (v instanceof PyFunction && v.born >= 0 && closesOver(v, scope)) {
          this.escape(v);
          scope.keepsCaptured = true;
        }
        continue;
      }
      this.unbind(v);
      scope.vars.delete(name);
    }
    scope.ended = true;
    return true;
  }

  /**
   * Whether the only closures that keep the variables of `scope`, whose frame ended, are counted
   * ones its own variables alone name (a recursive helper `def walk(node)` that calls itself by
   * its name, neither returned nor stored): a cycle that nothing reaches, which goes whole now.
   */
  private onlyItsOwnCycle(scope: Scope, returned: PyValue): boolean {
    if (scope.keepsCaptured) return false;
    const named = new Map<PyFunction, number>();
    for (const v of scope.vars.values()) if (v instanceof PyFunction && v.born >= 0 && closesOver(v, scope)) named.set(v, (named.get(v) ?? 0) + 1);
    if (named.size !== scope.closures) return false;
    for (const [fn, n] of named) if (this.bindings.get(fn) !== n || this.escaped.has(fn) || holds(returned, fn)) return false;
    return true;
  }

  /** The variables of `scope` go: nothing reads them any more. */
  private releaseVariables(scope: Scope): void {
    for (const v of scope.vars.values()) this.unbind(v);
    scope.vars.clear();
  }

  /** A counted closure's frame runs, or its generator lives, over `scope`: the variables it may read stay until closureGone. */
  keepScopes(scope: Scope): void {
    for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) s.closures++;
  }

  /**
   * A counted closure made in `scope` went (or a frame or generator of one ended, keepScopes): a
   * scope around it whose frame ended and that nothing else reads lets go of its variables, as
   * CPython frees a cell with the last closure that holds it.
   */
  closureGone(scope: Scope): void {
    for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) {
      if (--s.closures === 0 && s.ended && !s.keepsCaptured) {
        s.ended = false;
        this.releaseVariables(s);
      }
    }
  }

  /** A generator expression made in `scope` finished: a scope around it whose frame ended and that it was the last to read goes now. */
  readerFinished(scope: Scope): void {
    for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) {
      if (--s.readers === 0 && s.released) {
        s.released = false;
        this.releaseScope(s);
      }
    }
  }

  /**
   * Function or lambda `fn` (`node`) defined in `scope` keeps the variables it may read of it and of
   * the scopes around it. One defined in a function or comprehension that reads something counted
   * there (`def step(x)` over a model, a lambda over a batch), or a variable not bound yet or None,
   * is counted as a value is: those variables go with the last such closure once their frame ended
   * (closureGone); a decorator that may keep it where nothing counts it escapes it (Interpreter's
   * decorate). Any other keeps them to the run's end: a method of a class defined in a function,
   * and a closure over numbers and plain instances (an autograd engine's `_backward`, made by the
   * hundred thousand, where counting costs more than it frees).
   */
  capture(scope: Scope, node: A.FunctionDef | A.Lambda, fn: PyFunction): void {
    const names = namesRead(node);
    for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) {
      s.captured ??= new Set();
      for (const n of names) s.captured.add(n);
    }
    if (scope.info === null) return;
    if (scope.info.kind !== 'class' && this.readsCounted(names, scope)) {
      fn.born = hostObjectCount();
      this.keepScopes(scope);
    } else for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) s.keepsCaptured = true;
  }

  /**
   * Whether one of `names` is a variable of `scope` or a function around it that holds a counted
   * value with something to free, or may hold one later: one not bound yet, or None (`f = lambda:
   * x` before `x = torch.ones(3)`; `best = None` that a callback sets).
   */
  private readsCounted(names: ReadonlySet<string>, scope: Scope): boolean {
    for (const n of names) {
      for (let s: Scope | null = scope; s !== null && s.info !== null; s = s.parent) {
        if (s.info.kind === 'class') continue;
        const v = s.vars.get(n);
        if (v === undefined) {
          if (s.info.locals.has(n)) return true;
          continue;
        }
        if (v === null) return true;
        if (this.isCounted(v) && !this.escaped.has(v) && !(v instanceof PyInstance && !this.holders.has(v))) return true;
        break;
      }
    }
    return false;
  }

  /**
   * A frame returned: a generator made in it whose last name was one of its variables is closed
   * now, as CPython closes it at the return. NB: no caller's temporary can hold it (they were all
   * made before the frame began), and the value returned is kept. So is a generator passed in that
   * nothing else holds (`first(gen())`): the caller lets go of its arguments as the call returns.
   */
  closeLocalGenerators(from: number, frameStart: number, returned: PyValue, args: readonly PyValue[], kwargs: Kwargs): void {
    let kept = from;
    for (let i = from; i < this.unbound.length; i++) {
      const u = this.unbound[i];
      const g = u.value;
      const dropped = g instanceof PyGenerator && !this.escaped.has(g) && !this.bindings.has(g) && g !== returned;
      if (dropped && (g.born >= frameStart || args.includes(g) || [...kwargs.values()].includes(g))) this.run.closeDropped(g);
      else this.unbound[kept++] = u;
    }
    this.unbound.length = kept;
  }

  /** An argument bound to its parameter: a name, counted as any (`kept`: the call came from Python code, see argumentsKept). */
  param(v: PyValue, kept: boolean): PyValue {
    if (kept || (typeof v === 'object' && v !== null && this.bindings.has(v as Counted))) this.bound(v);
    return v;
  }

  /** An argument packed into `*args` or `**kwargs`: it went into a container. */
  packed(v: PyValue, kept: boolean): PyValue {
    if (kept) this.escape(v);
    return v;
  }

  /**
   * A built-in drew from iterator `it` and returned: if `it` was a temporary of this statement, it
   * goes now, as CPython frees a call's arguments as it returns: a generator is closed, and so is
   * one an iterator held that nothing else holds (`list(zip(gen(), xs))`).
   */
  drawnFrom(it: PyIterator): void {
    if (!this.isCounted(it) || this.bornOf(it) < this.statementStart || this.bindings.has(it) || this.escaped.has(it)) return;
    if (it instanceof PyGenerator) {
      this.run.closeDropped(it);
      return;
    }
    const held = this.holders.get(it);
    if (held === undefined) return;
    this.collect(it);
    for (const v of held.items) if (v instanceof PyIterator && !this.bindings.has(v)) this.drawnFrom(v);
  }

  /**
   * `v` went into an op that returned `out`: used up, unless `out` holds it (in its tuples and lists,
   * at any depth: `((value, aux), grad)`), or is `v` (`nn.init.uniform_(w)`), which keeps its names.
   */
  usedArgument(v: PyValue, out: PyValue): void {
    if (v === out) return;
    if (v instanceof PyGenerator) this.drawnFrom(v);
    else if (holds(out, v)) this.escape(v);
    else this.usedOperand(v);
  }
}
