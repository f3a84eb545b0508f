/** Validates what a user typed as a function's inputs (`x=2.0, w=[1, 2, 3]`) before anything runs. */
import { LineMap, parseArguments } from '../lang/python';
import type { CheckInputsResult } from '../protocol';
import type { FunctionSummary } from './analysis';

export function checkInputs(fn: FunctionSummary, inputs: string): CheckInputsResult {
  const checked = checkAgainst(fn, inputs);
  return { ...checked, params: fn.params };
}

function checkAgainst(fn: FunctionSummary, inputs: string): CheckInputsResult {
  const { args, errors } = parseArguments(inputs, 0, new LineMap(inputs));
  if (errors.length > 0) return { ok: false, message: `${errors[0].message} at column ${errors[0].span.col}; write the inputs as x=2.0, w=[1, 2]` };
  const given = new Set<string>();
  let positional = 0;
  for (const a of args) {
    if (a.kind === 'star' || a.kind === 'doubleStar') return { ok: false, message: 'write name=value pairs, not * or ** arguments' };
    const name = a.kind === 'keyword' ? a.name : fn.params[positional++];
    if (name === undefined || !fn.params.includes(name)) {
      const which = name === undefined ? 'no parameter for the extra value' : `no parameter '${name}'`;
      return { ok: false, message: `${fn.name}() has ${which} (its parameters: ${fn.params.join(', ') || 'none'})` };
    }
    if (given.has(name)) return { ok: false, message: `'${name}' is given twice` };
    given.add(name);
  }
  return { ok: true };
}
