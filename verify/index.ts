/**
 * verify: a function's value and gradient checked against the real torch or jax in the user's
 * own Python. Shared by the CLI and the extension host, so it imports only protocol/.
 */
export { compareWithLibrary, precisionOf, verifyRequest, type Precision, type RealRun, type Verdict, type VerifyRequest } from './compare';
export { runInPython, type PythonAnswer } from './python';
