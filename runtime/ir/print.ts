import { formatAval } from '../core';
import { jaxForm } from './jax_forms';
import { nameVars } from './names';
import { brk, concat, format, group, join, nest, nil, text, type Doc } from './pretty';
import { formatScalar, pyRepr, type PyValue } from './pyrepr';
import { isVar, type Atom, type Equation, type Jaxpr, type Var } from './types';

/** How an operand prints: its name, or a literal with its type (`3.0:f32[]`). */
export function formatAtom(a: Atom, names: ReadonlyMap<Var, string>): string {
  if (!isVar(a)) return `${formatScalar(a.value, a.dtype)}:${formatAval(a.aval)}`;
  const name = names.get(a);
  if (name === undefined) throw new Error(`jaxpr: variable ${a.id} (${formatAval(a.aval)}) is used but never bound`);
  return name;
}

// The documents below mirror jax/_src/core.py's pp_vars, pp_kv_pairs, pp_eqn and pp_jaxpr_skeleton.
function ppVars(items: readonly string[], separator = ''): Doc {
  return nest(2, group(join(concat(text(separator), group(brk())), items.map(text))));
}

function ppBinders(vars: readonly Var[], names: ReadonlyMap<Var, string>): Doc {
  return ppVars(vars.map((v) => `${formatAtom(v, names)}:${formatAval(v.aval)}`));
}

function ppParams(params: Readonly<Record<string, PyValue>>): Doc {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return nil;
  return group(concat(
    nest(2, concat(text('['), brk(''), join(brk(), keys.map((k) => text(`${k}=${pyRepr(params[k])}`))))),
    brk(''), text(']'),
  ));
}

export function ppEqn(e: Equation, names: ReadonlyMap<Var, string>): Doc {
  const form = jaxForm(e.primitive, e.params, { inputs: e.inputs, out: e.out.aval });
  return concat(
    ppBinders([e.out], names), text(' = '), text(form.name), ppParams(form.params),
    text(' '), ppVars(form.operands.map((a) => formatAtom(a, names))),
  );
}

function ppJaxpr(jaxpr: Jaxpr, names: ReadonlyMap<Var, string>): Doc {
  const outs = jaxpr.outvars.map((a) => formatAtom(a, names));
  const outvars = concat(text('('), ppVars(outs, ','), text(outs.length === 1 ? ',)' : ')'));
  const eqns = join(brk('; '), jaxpr.eqns.map((e) => ppEqn(e, names)));
  return concat(group(nest(2, concat(
    text('{ '), text('lambda '), ppBinders(jaxpr.constvars, names), text('; '), ppBinders(jaxpr.invars, names),
    text('. '), text('let'), nest(2, concat(brk(), eqns)), brk(), text('in '), outvars,
  ))), text(' }'));
}

/** The jaxpr as `jax.make_jaxpr(f)(...)` prints it, laid out for `width` columns as JAX does (80). */
export function printJaxpr(jaxpr: Jaxpr, width = 80): string {
  return format(ppJaxpr(jaxpr, nameVars(jaxpr)), width);
}

/** One equation on one line, as it reads inside a printed jaxpr (`c:f32[] = mul 3.0:f32[] a`). */
export function printEquation(e: Equation, names: ReadonlyMap<Var, string>): string {
  return format(ppEqn(e, names), Infinity);
}
