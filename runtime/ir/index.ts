export {
  callEquation, equation, isCall, isVar, Literal, outsOf, Var, type AnyEquation, type Atom, type CallEquation, type CallParamsOf,
  type CallPrimitive, type CallPrimitiveParams, type ConstValue, type CustomRule, type Equation, type HostCallback, type HostValue, type Jaxpr,
} from './types';
export { callOutAvals, CALL_SHAPE_RULES, callWithoutEffects, hasEffects, subJaxprs, withoutEffects } from './calls';
export { formatAtom, OUT_TREES_THUNK, printEquation, printJaxpr, pyFunctionRepr } from './print';
export { jaxprToJson, type AtomJson, type EquationJson, type JaxprJson, type VarJson } from './json';
export { nameVars, varName } from './names';
export { JAX_FORMS, jaxForm, type JaxForm, type JaxFormRule } from './jax_forms';
export { formatScalar, pyFloat } from './pyrepr';
