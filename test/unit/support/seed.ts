import { Random } from '../../../runtime/core';
import { PRIMITIVES, type Primitive } from '../../../runtime/primitives';

/**
 * The seed of the tests' random inputs: GRADLENS_SEED when set, else the time, so that each run
 * draws fresh inputs. It is printed once when the tests load, and failure messages repeat it:
 * `GRADLENS_SEED=<seed> npm test` replays every suite that draws from it (autodiff, batching and,
 * through REPLAY_SEED, the tfjs backends) with the same inputs, and
 * `GRADLENS_SEED=<seed> npx mocha --grep '<test name>'` replays one test alone on the last build.
 */
export const REPLAY_SEED: number | undefined = parseSeed(process.env.GRADLENS_SEED);
export const SEED: number = REPLAY_SEED ?? Date.now();
console.log(`random test inputs: seed ${SEED} (replay with GRADLENS_SEED=${SEED})`);

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seed = Number(text);
  // NB: Number('') is 0 and Number('x') is NaN, which Random would silently take as seed 0.
  if (text.trim() === '' || !Number.isSafeInteger(seed)) throw new Error(`GRADLENS_SEED must be an integer, got '${text}'`);
  return seed;
}

/**
 * One stream per primitive and salt, so that a test replays alone under --grep and one test
 * drawing more values does not shift another's. Salts tell apart the draws of one primitive
 * (its cases, then each check's directions).
 */
export const streamFor = (prim: Primitive, salt = 0, seed = SEED): Random =>
  new Random(seed + 7919 * PRIMITIVES.indexOf(prim) + salt);
