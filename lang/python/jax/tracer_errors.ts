/**
 * JAX's errors for a traced value asked for what only a concrete one has (a bool, an int, an
 * index, item()), in JAX 0.4.35's words (jax/_src/errors.py): the conversion, then where the
 * function being staged was defined and which of its arguments the value depends on
 * (DynamicJaxprTracer._origin_msg), then the errors page.
 */
import { ConcretizationTypeError, TracerBoolConversionError, TracerIntegerConversionError } from '../staging';
import { pyError, type PyType } from '../interpreter';

const ERRORS_PAGE = 'https://jax.readthedocs.io/en/latest/errors.html';

/** What JAX's debug info says of a function being staged (api_util.fun_sourceinfo, arg_info_all). */
export interface StagingOrigin {
  /** `f at FILE:LINE`, the line its code object starts at (its first decorator's); null where it has none (JAX's '<unknown>'). */
  readonly source: string | null;
  /** The transformation staging it: `jit`, `make_jaxpr`. */
  readonly tracedFor: string;
  /** Each argument leaf's name with its key path (`params['w']`), or null where the signature does not bind. */
  readonly argNames: () => readonly string[] | null;
}

/** DynamicJaxprTracer._origin_msg: the function and the arguments at `positions` that the value depends on. */
export function originMessage(origin: StagingOrigin, positions: readonly number[]): string {
  let text = `The error occurred while tracing the function ${origin.source ?? '<unknown>'} for ${origin.tracedFor}. `;
  const names = positions.length > 0 ? origin.argNames() : null;
  if (names && positions.every((i) => i < names.length)) {
    const picked = positions.map((i) => names[i]!);
    const list = picked.length === 1 ? `the argument ${picked[0]}`
      : picked.length === 2 ? `the arguments ${picked[0]} and ${picked[1]}`
        : `the arguments ${picked.slice(0, -1).join(', ')}, and ${picked[picked.length - 1]}`;
    text += `This concrete value was not available in Python because it depends on the value${picked.length > 1 ? 's' : ''} of ${list}.`;
  }
  return `\n${text}`;
}

/** Python's function each conversion is (core.concretization_function_error's `fun`); the others have their own error. */
const CONVERTED_BY: Readonly<Record<string, string>> = { int: 'int', float: 'float', complex: 'complex' };

/**
 * The error JAX raises where a traced value of type `aval` (`float32[]`) is asked for `what`
 * (bool, int, float, index, item); `origin` is _origin_msg's text ('' where the tracer has none).
 */
export function tracerConversionError(what: string, aval: string, origin: string): Error {
  const repr = `traced array with shape ${aval}`;
  const raise = (type: PyType, message: string) => {
    const err = pyError(type, `${message}\nSee ${ERRORS_PAGE}#jax.errors.${type.name}`);
    return err;
  };
  if (what === 'bool') return raise(TracerBoolConversionError, `Attempted boolean conversion of ${repr}.${origin}`);
  if (what === 'index') return raise(TracerIntegerConversionError, `The __index__() method was called on ${repr}${origin}`);
  const fn = CONVERTED_BY[what];
  const context = fn
    ? `The problem arose with the \`${fn}\` function. If trying to convert the data type of a value, try using \`x.astype(${fn})\` or \`jnp.array(x, ${fn})\` instead.`
    : 'This occurred in the item() method of jax.Array';
  return raise(ConcretizationTypeError, `Abstract tracer value encountered where concrete value is expected: ${repr}\n${context}${origin}\n`);
}
