/**
 * The standard-library modules a script may import without a shim of its own (`math`, `random`,
 * `itertools`, ...): each a ModuleShim in a file of its own, registered by name in standard.ts.
 */
export { STANDARD_MODULES } from './standard';
export { liftedMath, mathModule } from './math';
export { regexSearches } from './re';
export { makeNamedTuple, structSequenceType } from './namedtuple';
export { counterType, orderedDictType } from './dict_subclasses';
export { deepCopy } from './copy';
