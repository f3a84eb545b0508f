import type { Jaxpr, Var } from './types';

/** JAX's names: a ... z, then ba, bb ... (base 26 with `a` as zero). */
export function varName(n: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

/** Names in the order JAX gives them: constvars, invars, then each equation's output. */
export function nameVars(jaxpr: Jaxpr): Map<Var, string> {
  const names = new Map<Var, string>();
  const name = (v: Var) => {
    if (!names.has(v)) names.set(v, varName(names.size));
  };
  jaxpr.constvars.forEach(name);
  jaxpr.invars.forEach(name);
  for (const e of jaxpr.eqns) name(e.out);
  return names;
}
