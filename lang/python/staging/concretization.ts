/**
 * What a staged function cannot do: read a traced value. Both shims refuse it at the user's line
 * with JAX's ConcretizationTypeError, quoting the code and saying what to write instead.
 */
import { pyError, TypeError as PyTypeError, type HostContext, PyType } from '../interpreter';

/** JAX's error for Python control flow on a traced value; its message is printed alone. */
export const ConcretizationTypeError = new PyType('ConcretizationTypeError', { module: 'jax.errors', bases: [PyTypeError] });
/** JAX's subclasses, raised where a traced value was asked for a bool (`if x > 0`) or an index (`range(n)`, `xs[n]`). */
export const TracerBoolConversionError = new PyType('TracerBoolConversionError', { module: 'jax.errors', bases: [ConcretizationTypeError] });
export const TracerIntegerConversionError = new PyType('TracerIntegerConversionError', { module: 'jax.errors', bases: [PyTypeError] });
/** Raised where a traced value was asked to become a NumPy array (`np.asarray(x)`, a NumPy function of it). */
export const TracerArrayConversionError = new PyType('TracerArrayConversionError', { module: 'jax.errors', bases: [PyTypeError] });

/** The error JAX's core.concretization_function_error raises for each conversion. */
const ERROR_OF: Readonly<Record<string, PyType>> = { bool: TracerBoolConversionError, index: TracerIntegerConversionError, numpy: TracerArrayConversionError };

const KEYWORDS = new Set(['if', 'elif', 'while', 'and', 'or', 'not', 'in', 'is', 'for', 'True', 'False', 'None', 'jnp', 'np', 'jax', 'float', 'int', 'bool']);

/** Where a traced value was asked for its value: the script (to quote the code) and the transformations running. */
export interface TracingSite {
  readonly source: string | null;
  readonly transforming: readonly string[];
}

/**
 * The concretization error for `what` (`bool` for if/while, `float`, `item`, `str`) asked of a
 * traced value at `ctx`'s span, quoting the code; `advice` says what to write instead.
 */
export function concretizationError(
  rt: TracingSite, what: string, ctx: HostContext, advice = (name: string) => `use jnp.where(...) or mark '${name}' static`,
): Error {
  const span = ctx.span;
  let code = `${what}(x)`;
  let name = 'x';
  if (rt.source !== null) {
    const expr = rt.source.slice(span.from, span.to);
    const lineStart = rt.source.lastIndexOf('\n', span.from - 1) + 1;
    const lead = /^\s*(if|elif|while|assert)\b/.exec(rt.source.slice(lineStart, span.from));
    code = what === 'bool' && lead ? `${lead[1]} ${expr}` : expr;
    const ids = expr.match(/[A-Za-z_]\w*/g) ?? [];
    name = ids.find((i) => !KEYWORDS.has(i)) ?? name;
  }
  const transform = rt.transforming[0] ?? 'jit';
  const err = pyError(ERROR_OF[what] ?? ConcretizationTypeError,
    `${transform} cannot trace '${code}' on a traced value; ${advice(name)}`);
  err.exc.bareMessage = true;
  return err;
}

