import { bareSpan, formatAval, scopeJson, type DType, type ScopeJson, type SourceSpan } from '../core';
import type { ParamsOf, Primitive } from '../primitives';
import { nameVars } from './names';
import { printEquation, printJaxpr } from './print';
import { subJaxprs } from './calls';
import { isCall, isVar, outsOf, type Atom, type CallEquation, type CallPrimitive, type Jaxpr, type Var } from './types';

export interface VarJson {
  readonly name: string;
  /** `f32[3,4]` */
  readonly type: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export type AtomJson = VarJson | { readonly literal: number; readonly dtype: DType };

export interface EquationJson {
  readonly primitive: Primitive | CallPrimitive;
  /** A call primitive's params hold jaxprs: its JSON gives only their sizes (the text prints them). */
  readonly params: ParamsOf<Primitive> | Readonly<Record<string, number | boolean>>;
  readonly inputs: readonly AtomJson[];
  /** The first result (null for a debug_callback, which has none); `outs` lists them all (several for a call primitive). */
  readonly out: VarJson | null;
  readonly outs: readonly VarJson[];
  /** Where in the source it came from, so the editor can link a node to its line. */
  readonly span: SourceSpan | null;
  /** The scopes it ran in (jax.named_scope, functions called, nn.Module calls), outermost first; absent where none. */
  readonly scope?: readonly ScopeJson[];
  /** The equation as the printed jaxpr shows it. */
  readonly text: string;
}

/** The jaxpr for the editor's graph viewer: names match the printed text. */
export interface JaxprJson {
  readonly constvars: readonly VarJson[];
  readonly invars: readonly VarJson[];
  readonly eqns: readonly EquationJson[];
  readonly outvars: readonly AtomJson[];
  readonly text: string;
}

export function jaxprToJson(jaxpr: Jaxpr): JaxprJson {
  const names = nameVars(jaxpr);
  const v = (x: Var): VarJson => ({ name: names.get(x)!, type: formatAval(x.aval), shape: [...x.aval.shape], dtype: x.aval.dtype });
  const atom = (a: Atom): AtomJson => (isVar(a) ? v(a) : { literal: a.value, dtype: a.dtype });
  return {
    constvars: jaxpr.constvars.map(v),
    invars: jaxpr.invars.map(v),
    eqns: jaxpr.eqns.map((e) => ({
      primitive: e.primitive,
      params: isCall(e) ? callParamsJson(e) : e.params,
      inputs: e.inputs.map(atom),
      out: outsOf(e).length > 0 ? v(outsOf(e)[0]) : null,
      outs: outsOf(e).map(v),
      span: e.span && bareSpan(e.span),
      ...(e.span?.scope ? { scope: scopeJson(e.span.scope) } : {}),
      text: printEquation(e, names),
    })),
    outvars: jaxpr.outvars.map(atom),
    text: printJaxpr(jaxpr),
  };
}

function callParamsJson(e: CallEquation): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [k, x] of Object.entries(e.params)) if (typeof x === 'number' || typeof x === 'boolean') out[k] = x;
  out.subJaxprEquations = subJaxprs(e).reduce((n, j) => n + j.eqns.length, 0);
  return out;
}
