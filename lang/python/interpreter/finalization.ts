/**
 * What CPython does to the generators a script leaves unfinished when it ends: the `__main__`
 * module's globals go, and each generator is finalized (GeneratorExit thrown in, so its `finally`
 * blocks and `with` exits run). This replays the order CPython 3.11 shows (checked with
 * /usr/bin/python3 programs, test/fixtures/python/programs/generator_finalization.py):
 *
 * - first the generators the globals name, in the order they were made (even if a list holds
 *   one too; Debian's CPython 3.11.2 takes them in the order the names were first bound instead);
 * - then what the globals' lists, tuples, dicts, sets and instances hold, one container after
 *   the other in the order they were reached, a list's or tuple's items last to first, a dict's
 *   keys and values and an instance's attributes in order, a container inside one queued behind;
 * - a generator's frame goes as it closes: a generator only its variables held goes with it;
 * - a generator still unfinished after that (held by a closure, a class, a builtin's iterator or a
 *   reference cycle: CPython's collector finds those) is closed last, in the order they were made.
 */
import { PyGenerator } from './generator';
import { PyDict, PyInstance, PyList, PySet, PyTuple, type PyValue } from './values';

type Container = PyList | PyTuple | PyDict | PySet | PyInstance;

/** Past this many references the graph is not walked: unfinished generators close in the order they were made. */
const MAX_REFERENCES = 1_000_000;

function bySerial(a: PyGenerator, b: PyGenerator): number {
  return a.serial - b.serial;
}

function isContainer(v: PyValue): v is Container {
  return v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet || v instanceof PyInstance;
}

/** The values `v` holds, in the order its deallocation releases them. */
function referents(v: Container | PyGenerator): Iterable<PyValue> {
  if (v instanceof PyGenerator) return v.locals();
  if (v instanceof PyList || v instanceof PyTuple) return [...v.items].reverse();
  if (v instanceof PyDict) return [...v.entries()].flat();
  if (v instanceof PySet) return v.map.values();
  return v.dict.values();
}

/**
 * Closes `unfinished` (the generators that ran and have not finished) as CPython's finalization
 * would, given the module's globals. `close` closes one generator (an error in its `finally` is
 * the caller's to report or ignore).
 */
export function finalizeGenerators(globals: ReadonlyMap<string, PyValue>, unfinished: ReadonlySet<PyGenerator>, close: (g: PyGenerator) => void): void {
  if (unfinished.size === 0) return;
  const roots = [...globals.values()];
  // How many references each value reachable from the globals has among them: a generator's
  // variables release what only they held.
  const counts = new Map<object, number>();
  const stack: (Container | PyGenerator)[] = [];
  let walked = 0;
  const visit = (v: PyValue): void => {
    if (!(v instanceof PyGenerator) && !isContainer(v)) return;
    const n = counts.get(v);
    counts.set(v, (n ?? 0) + 1);
    if (n === undefined) stack.push(v);
  };
  roots.forEach(visit);
  while (stack.length && walked < MAX_REFERENCES) {
    for (const r of referents(stack.pop()!)) {
      walked++;
      visit(r);
    }
  }
  if (walked < MAX_REFERENCES) {
    const finalize = (g: PyGenerator): void => {
      if (!unfinished.has(g)) return;
      const held = [...g.locals()];
      close(g);
      for (const r of held) {
        const n = counts.get(r as object);
        if (n === undefined) continue;
        counts.set(r as object, n - 1);
        if (n === 1 && r instanceof PyGenerator) finalize(r);
      }
    };
    const queued = new Set<Container>();
    const queue: Container[] = [];
    const reach = (v: PyValue): void => {
      if (v instanceof PyGenerator) finalize(v);
      else if (isContainer(v) && !queued.has(v)) {
        queued.add(v);
        queue.push(v);
      }
    };
    const named = new Set(roots.filter((v): v is PyGenerator => v instanceof PyGenerator));
    [...named].sort(bySerial).forEach(finalize);
    roots.forEach(reach);
    for (let i = 0; i < queue.length; i++) for (const r of referents(queue[i])) reach(r);
  }
  for (const g of [...unfinished].sort(bySerial)) if (unfinished.has(g)) close(g);
}
