import { isComplex, KEY_DTYPE, scalarWords, sizeOf, type AnyTypedArray } from '../core';
import { createReferenceBackend, type Backend } from '../backends';
import { hasEffects, isCall, isVar, Literal, outsOf, type AnyEquation, type Atom, type ConstValue, type Jaxpr, type Var } from '../ir';
import { abstractEval } from '../primitives';
import { algebraStep } from './algebra';

/** Rewrites every operand and output through `sub`, which maps a var to its replacement. */
function substitute(jaxpr: Jaxpr, eqns: readonly AnyEquation[], sub: ReadonlyMap<Var, Atom>): Jaxpr {
  const s = (a: Atom): Atom => (isVar(a) ? sub.get(a) ?? a : a);
  return {
    ...jaxpr,
    eqns: eqns.map((e) => (e.inputs.some((a) => isVar(a) && sub.has(a)) ? { ...e, inputs: e.inputs.map(s) } : e)),
    outvars: jaxpr.outvars.map(s),
  };
}

/** Drops equations whose results no output needs, and constvars nothing reads. Primitives are pure but for debug callbacks. */
export function dce(jaxpr: Jaxpr): Jaxpr {
  const live = new Set<Var>(jaxpr.outvars.filter(isVar));
  const kept: AnyEquation[] = [];
  for (let i = jaxpr.eqns.length - 1; i >= 0; i--) {
    const e = jaxpr.eqns[i];
    if (!outsOf(e).some((v) => live.has(v)) && !hasEffects(e)) continue;
    kept.push(e);
    for (const a of e.inputs) if (isVar(a)) live.add(a);
  }
  const constIdx = jaxpr.constvars.map((v, i) => (live.has(v) ? i : -1)).filter((i) => i >= 0);
  return {
    ...jaxpr,
    constvars: constIdx.map((i) => jaxpr.constvars[i]),
    consts: constIdx.map((i) => jaxpr.consts[i]),
    eqns: kept.reverse(),
  };
}

const atomKey = (a: Atom): string =>
  (isVar(a) ? `v${a.id}` : `l${a.dtype}:${Object.is(a.value, -0) ? '-0' : String(a.value)}`);

/** Merges equations that apply the same primitive, params and operands; the first one stays. */
export function cse(jaxpr: Jaxpr): Jaxpr {
  const seen = new Map<string, Var>();
  const sub = new Map<Var, Atom>();
  const eqns: AnyEquation[] = [];
  const s = (a: Atom): Atom => (isVar(a) ? sub.get(a) ?? a : a);
  for (const e0 of jaxpr.eqns) {
    const e = e0.inputs.some((a) => isVar(a) && sub.has(a)) ? { ...e0, inputs: e0.inputs.map(s) } : e0;
    if (isCall(e)) {
      eqns.push(e);
      continue;
    }
    const key = `${e.primitive}|${JSON.stringify(e.params)}|${e.inputs.map(atomKey).join(',')}`;
    const prior = seen.get(key);
    if (prior) {
      sub.set(e.out, prior);
    } else {
      seen.set(key, e.out);
      eqns.push(e);
    }
  }
  return substitute(jaxpr, eqns, sub);
}

/** Results of at most this many elements are folded; a larger one would trade a cheap op for a big buffer. */
const FOLD_LIMIT = 1024;

export interface FoldOptions {
  /** The backend holding the jaxpr's device constants, to read them; without it, equations on them stay. */
  readonly backend?: Backend;
}

/**
 * Evaluates equations whose operands are all literals or constants (on the reference backend,
 * in their own dtypes): a 0-d result becomes a literal, a small array a host constant.
 */
export function foldConstants(jaxpr: Jaxpr, options: FoldOptions = {}): Jaxpr {
  const ref = createReferenceBackend();
  // NB: a device constant is read only when an equation folds with it: on a GPU a synchronous read
  // costs a round trip, or (SwiftShader) computing the value on the CPU.
  const known = new Map<Var, { readonly values: AnyTypedArray | number[] } | { readonly read: () => AnyTypedArray }>();
  const valuesOf = (v: Var): AnyTypedArray | number[] => {
    const k = known.get(v)!;
    if ('values' in k) return k.values;
    const values = k.read();
    known.set(v, { values });
    return values;
  };
  jaxpr.constvars.forEach((v, i) => {
    const c: ConstValue = jaxpr.consts[i];
    const backend = options.backend;
    if (c.kind === 'host') known.set(v, { values: Array.from(c.values) });
    else if (backend && c.array.backend === backend.name) known.set(v, { read: () => backend.readSync(c.array) });
  });
  const sub = new Map<Var, Atom>();
  const eqns: AnyEquation[] = [];
  const constvars = [...jaxpr.constvars];
  const consts = [...jaxpr.consts];
  for (const e0 of jaxpr.eqns) {
    const inputs = e0.inputs.map((a) => (isVar(a) ? sub.get(a) ?? a : a));
    if (isCall(e0)) {
      eqns.push({ ...e0, inputs });
      continue;
    }
    const e = { ...e0, inputs };
    if (inputs.some((a) => isVar(a) && !known.has(a)) || sizeOf(e.out.aval.shape) > FOLD_LIMIT) {
      eqns.push(e);
      continue;
    }
    const arrays = inputs.map((a) => ref.upload(isVar(a) ? valuesOf(a) : scalarWords(a.value, a.dtype), a.aval));
    const out = ref.run(e.primitive, arrays, e.params, abstractEval(e.primitive, arrays, e.params));
    const result = ref.readSync(out);
    // NB: a key's two words do not fit a literal: a 0-d key stays a host constant, as does a complex
    // number with an imaginary part (a literal holds one number: a complex one's real part).
    const literal = e.out.aval.dtype !== KEY_DTYPE && !(isComplex(e.out.aval.dtype) && !Object.is(result[1], 0));
    if (e.out.aval.shape.length === 0 && literal) {
      sub.set(e.out, new Literal(result[0], e.out.aval.dtype));
    } else {
      constvars.push(e.out);
      consts.push({ kind: 'host', values: result, aval: e.out.aval });
      known.set(e.out, { values: result });
    }
  }
  return dce(substitute({ ...jaxpr, constvars, consts }, eqns, sub));
}

/** Rounds of folding and algebraic identities past this many mean a rewrite that undoes another. */
const MAX_ROUNDS = 64;

/**
 * Folding and the algebraic identities (`algebra.ts`) to a fixed point, since each can expose
 * work for the other, then CSE, then DCE: the passes that run before fusion.
 */
export function simplify(jaxpr: Jaxpr, options: FoldOptions = {}): Jaxpr {
  let j = foldConstants(jaxpr, options);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const r = algebraStep(j);
    if (r.rewrites === 0) break;
    j = foldConstants(r.jaxpr, options);
  }
  return dce(cse(j));
}
