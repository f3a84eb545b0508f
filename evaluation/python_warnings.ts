/**
 * The Python warnings an evaluation's runs showed (`warnings.warn`, a library's UserWarning such
 * as gradcheck's on float32 inputs), once each: the script runs more than once (each engine, the
 * timed calls), and each run has its own registry.
 */
import type { ShownWarning } from '../lang/python';
import type { PythonWarning } from '../protocol/results';
import { rangeOfSpan } from './failure';

export class ShownWarnings {
  private readonly seen = new Map<string, PythonWarning>();

  constructor(private readonly file: string) {}

  /** Hears a run's warnings (RunOptions.onWarning); one past the script's frames (`sys:1`) has no line to show at. */
  readonly listen = (w: ShownWarning): void => {
    if (!w.span) return;
    const key = `${w.span.from}\0${w.category.name}\0${w.what}`;
    if (this.seen.has(key)) return;
    const message = `${this.file}:${w.span.line}:${w.span.col}: warning: ${w.category.name}: ${w.what}`;
    this.seen.set(key, { range: rangeOfSpan(w.span), category: w.category.name, message });
  };

  reports(): PythonWarning[] {
    return [...this.seen.values()];
  }
}
