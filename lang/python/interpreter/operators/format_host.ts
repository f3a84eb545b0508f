/**
 * What the formatting mini-languages (formatting/format.ts) call back into: `str.format`, f-strings and `%`
 * formatting read fields, convert and format values through it.
 */
import type { FormatHost } from '../formatting';
import { type HostContext, HostObject, PyDict, pyError, PyInstance, PyTuple, typeName } from '../values';
import { isNumber, toFloat, toIndex, toInt } from './conversions';
import { ascii, formatValue, repr, str } from './repr';

export function formatHost(ctx: HostContext): FormatHost {
  return {
    str: (v) => str(v, ctx),
    repr: (v) => repr(v, ctx),
    ascii: (v) => ascii(v, ctx),
    format: (v, spec) => formatValue(v, spec, ctx),
    // NB: through ctx, not attributes.ts and containers.ts: the builtin types' methods (str.format) format
    // values, and attribute access reaches those methods.
    getattr: (v, name) => ctx.getattr(v, name),
    getitem: (v, key) => ctx.getitem(v, key),
    toInt: (v, conv) => {
      // An IntEnum member formats as its int.
      if (v instanceof PyInstance && v.standsFor !== undefined) v = v.standsFor;
      if (isNumber(v) || v instanceof HostObject) {
        if (conv === 'x' || conv === 'X' || conv === 'o' || conv === 'c' || conv === '*') {
          if (typeof v === 'number') throw pyError('TypeError', `%${conv} format: an integer is required, not float`);
          return toIndex(v, ctx);
        }
        return toInt(v, ctx);
      }
      throw pyError('TypeError', `%${conv} format: a real number is required, not ${typeName(v)}`);
    },
    toFloat: (v, conv) => {
      if (v instanceof PyInstance && v.standsFor !== undefined) v = v.standsFor;
      if (isNumber(v) || v instanceof HostObject) return toFloat(v, ctx);
      throw pyError('TypeError', `must be real number, not ${typeName(v)}`);
      void conv;
    },
    isMapping: (v) => v instanceof PyDict,
    tupleItems: (v) => (v instanceof PyTuple ? v.items : null),
  };
}
