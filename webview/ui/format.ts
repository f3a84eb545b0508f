import { formatNumber, formatNumbers as numbersText, type Numbers } from '../../protocol';

export { formatLocation } from '../../protocol';

/** Elements shown of a long array before it is cut with an ellipsis. */
const MAX_ELEMENTS = 64;

/**
 * Numbers as Python prints a float tensor's tolist(), float32 values at float32's shortest
 * (`15.0`, `[0.3, -1.0]`, `nan`, `inf`). NB: the protocol's numbers carry no dtype, so an integer
 * result prints as a float would.
 */
export function formatNumbers(x: Numbers): string {
  return numbersText(x, MAX_ELEMENTS);
}

export function formatFloat(n: number): string {
  return formatNumber(n);
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}
