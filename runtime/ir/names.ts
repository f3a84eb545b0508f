import { subJaxprs } from './calls';
import { isCall, outsOf, type Jaxpr, type Var } from './types';

/** JAX's names: a ... z, then ba, bb ... (base 26 with `a` as zero). */
export function varName(n: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

/**
 * Names in the order JAX's printer gives them (one context for the nested jaxprs too):
 * constvars, invars, then each equation's outputs followed by the vars of its sub-jaxprs.
 */
export function nameVars(jaxpr: Jaxpr, names = new Map<Var, string>()): Map<Var, string> {
  const name = (v: Var) => {
    if (!names.has(v)) names.set(v, varName(names.size));
  };
  jaxpr.constvars.forEach(name);
  jaxpr.invars.forEach(name);
  for (const e of jaxpr.eqns) {
    outsOf(e).forEach(name);
    if (isCall(e)) for (const j of subJaxprs(e)) nameVars(j, names);
  }
  return names;
}
