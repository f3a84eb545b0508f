export { equation, isVar, Literal, Var, type Atom, type ConstValue, type Equation, type Jaxpr } from './types';
export { formatAtom, printEquation, printJaxpr } from './print';
export { jaxprToJson, type AtomJson, type EquationJson, type JaxprJson, type VarJson } from './json';
export { nameVars, varName } from './names';
export { JAX_FORMS, jaxForm, type JaxForm, type JaxFormRule } from './jax_forms';
export { formatScalar, pyFloat } from './pyrepr';
