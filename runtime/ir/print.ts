import { formatAval } from '../core';
import { jaxForm } from './jax_forms';
import { nameVars } from './names';
import { brk, concat, format, group, join, nest, nil, text, type Doc } from './pretty';
import { formatScalar, pyName, pyRepr, pyTuple, type PyValue } from './pyrepr';
import { isCall, isVar, type AnyEquation, type Atom, type CallEquation, type CallParamsOf, type CallPrimitive, type Equation, type Jaxpr, type Var } from './types';

/**
 * How an operand prints: its name, or a literal's value alone (`3.0`): JAX 0.4.35's pp_var prints a
 * Literal as str(val), with no type (the `3.0:f32[]` form came with JAX 0.7).
 */
export function formatAtom(a: Atom, names: ReadonlyMap<Var, string>): string {
  if (!isVar(a)) return formatScalar(a.value, a.dtype);
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

/** A param's value: a Python value, or a document (a sub-jaxpr, printed nested). */
type ParamDoc = PyValue | { readonly doc: Doc };

function ppParams(params: Readonly<Record<string, ParamDoc>>): Doc {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return nil;
  const kv = (k: string): Doc => {
    const v = params[k];
    return v !== null && typeof v === 'object' && 'doc' in v ? concat(text(`${k}=`), v.doc) : text(`${k}=${pyRepr(v)}`);
  };
  return group(concat(nest(2, concat(text('['), brk(''), join(brk(), keys.map(kv)))), brk(''), text(']')));
}

// JAX's pp_jaxprs: a tuple of jaxprs, one a line when they do not fit.
function ppJaxprs(jaxprs: readonly Jaxpr[], names: ReadonlyMap<Var, string>): Doc {
  return group(concat(nest(2, concat(text('('), brk(''), join(brk(), jaxprs.map((j) => ppJaxpr(j, names))))), brk(''), text(')')));
}

/** How a function object prints in Python (`<function f at 0x...>`): the address is not ours to know, so it is a fixed one. */
export const pyFunctionRepr = (qualname: string) => `<function ${qualname} at 0x7f0000000000>`;

/** custom_vjp's out_trees thunk (linear_util's; `transformation_with_aux2` from 0.4.36 on). */
export const OUT_TREES_THUNK = 'transformation_with_aux.<locals>.<lambda>';

type CallForm<C extends CallPrimitive> = (p: CallParamsOf<C>, names: ReadonlyMap<Var, string>) => { name: string; params: Record<string, ParamDoc> };

/** JAX 0.4.35's name and params for each call primitive (as `jax.make_jaxpr` prints them). */
const CALL_FORMS: { readonly [C in CallPrimitive]: CallForm<C> } = {
  cond: ({ branches }, names) => ({ name: 'cond', params: { branches: { doc: ppJaxprs(branches, names) } } }),
  while: (p, names) => ({
    name: 'while',
    params: {
      body_jaxpr: { doc: ppJaxpr(p.bodyJaxpr, names) }, body_nconsts: p.bodyNconsts,
      cond_jaxpr: { doc: ppJaxpr(p.condJaxpr, names) }, cond_nconsts: p.condNconsts,
    },
  }),
  scan: (p, names) => ({
    name: 'scan',
    params: {
      _split_transpose: false, jaxpr: { doc: ppJaxpr(p.jaxpr, names) }, length: p.length, linear: pyTuple(p.linear),
      num_carry: p.numCarry, num_consts: p.numConsts, reverse: p.reverse, unroll: p.unroll,
    },
  }),
  custom_jvp_call: (p, names) => ({
    name: 'custom_jvp_call',
    params: {
      call_jaxpr: { doc: ppJaxpr(p.callJaxpr, names) }, jvp_jaxpr_thunk: pyName(pyFunctionRepr('_memoize.<locals>.memoized')),
      num_consts: p.numConsts, symbolic_zeros: p.symbolicZeros,
    },
  }),
  custom_vjp_call: (p, names) => ({
    name: 'custom_vjp_call_jaxpr',
    params: {
      bwd: pyName(p.bwd.repr ?? pyFunctionRepr(p.bwd.name)), fun_jaxpr: { doc: ppJaxpr(p.callJaxpr, names) },
      fwd_jaxpr_thunk: pyName(pyFunctionRepr('_memoize.<locals>.memoized')), num_consts: p.numConsts,
      out_trees: pyName(pyFunctionRepr(OUT_TREES_THUNK)), symbolic_zeros: p.symbolicZeros,
    },
  }),
  debug_callback: (p) => ({
    name: 'debug_callback',
    params: { callback: pyName(pyFunctionRepr('debug_callback.<locals>._flat_callback')), effect: pyName(p.ordered ? 'OrderedDebug' : 'Debug') },
  }),
  eigh: (p) => ({ name: 'eigh', params: { lower: p.lower, sort_eigenvalues: p.sortEigenvalues, subset_by_index: subset(p.subsetByIndex) } }),
  svd: (p) => ({
    name: 'svd',
    params: { algorithm: null, compute_uv: p.computeUv, full_matrices: p.fullMatrices, subset_by_index: subset(p.subsetByIndex) },
  }),
  qr: (p) => ({ name: 'qr', params: { full_matrices: p.fullMatrices } }),
  cholesky: () => ({ name: 'cholesky', params: {} }),
  triangular_solve: (p) => ({
    name: 'triangular_solve',
    params: { conjugate_a: p.conjugateA, left_side: p.leftSide, lower: p.lower, transpose_a: p.transposeA, unit_diagonal: p.unitDiagonal },
  }),
};

/** eigh's and svd's subset_by_index: None or a (start, end) tuple. */
const subset = (s: readonly [number, number] | null): PyValue => (s === null ? null : pyTuple(s));

function ppCallEqn(e: CallEquation, names: ReadonlyMap<Var, string>): Doc {
  const form = (CALL_FORMS[e.primitive] as CallForm<CallPrimitive>)(e.params, names);
  const rhs = concat(text(form.name), ppParams(form.params), text(' '), ppVars(e.inputs.map((a) => formatAtom(a, names))));
  // NB: an equation with no results (debug_callback) prints no binders and no ` = `, as core._pp_eqn.
  return e.outs.length === 0 ? rhs : concat(ppBinders(e.outs, names), text(' = '), rhs);
}

export function ppEqn(e: AnyEquation, names: ReadonlyMap<Var, string>): Doc {
  if (isCall(e)) return ppCallEqn(e, names);
  return ppFirstOrderEqn(e, names);
}

function ppFirstOrderEqn(e: Equation, names: ReadonlyMap<Var, string>): Doc {
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

/** One equation on one line, as it reads inside a printed jaxpr (`c:f32[] = mul 3.0 a`). */
export function printEquation(e: AnyEquation, names: ReadonlyMap<Var, string>): string {
  return format(ppEqn(e, names), Infinity);
}
