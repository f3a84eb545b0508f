/**
 * Where a running job is, for the caller that stops it from outside. A job stopped past its time
 * budget is stuck in work that cannot look at the clock (one long kernel), and its thread can say
 * nothing then; so the evaluation process notes its source span in shared memory each time the
 * interpreter checks its budgets (before each tensor op, every 256 steps: a few stores, nothing
 * sent), and a small thread of its own writes that span to a pipe of its own whenever it changed,
 * every WATCH_MS. A job stuck for the second past its budget that the caller waits before stopping
 * it has had its span written long before: the error names the line of the kernel it was stuck in.
 */
import { Worker } from 'node:worker_threads';
import type { CancelSignal, Span } from '../../lang/python';
import type { SourceRange } from '../../protocol/results';

/** The evaluation process's file descriptor for the position pipe: the one after its IPC channel (fd 3) in fork's stdio. */
export const POSITION_FD = 4;

/** How often the watching thread looks at the noted span. */
const WATCH_MS = 50;

/** Where job `id` was when it last checked its budgets. */
export interface Position {
  readonly id: number;
  readonly range: SourceRange;
}

/** The noted span's slots: the job's id, then its range. */
const FIELDS = 5;

/**
 * The watching thread: a line `id line col endLine endCol` on the pipe each time the noted span
 * changed. NB: it reads the slots without a lock: a span torn by a write it raced is followed by
 * the whole one WATCH_MS later, as a stuck job writes nothing more.
 */
const WATCHER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const slots = new Int32Array(workerData.buffer);
let last = '';
setInterval(() => {
  const now = slots.join(' ');
  if (now === last || slots[0] === 0) return;
  last = now;
  try { writeSync(workerData.fd, now + '\\n'); } catch { process.exit(0); }
}, workerData.ms);
`;

/** The evaluation process's side: notes each job's span as its interpreter checks its budgets. */
export class PositionNotes {
  private readonly slots = new Int32Array(new SharedArrayBuffer(FIELDS * Int32Array.BYTES_PER_ELEMENT));

  constructor(fd: number) {
    const watcher = new Worker(WATCHER, { eval: true, workerData: { buffer: this.slots.buffer, fd, ms: WATCH_MS } });
    // NB: the process ends when its caller disconnects, the watcher with it; it keeps nothing alive.
    watcher.unref();
    watcher.on('error', () => undefined);
  }

  /** A new job starts: nothing is known of where it is until it first checks its budgets. */
  begin(id: number): void {
    this.slots.fill(0);
    this.slots[0] = id;
  }

  /** A CancelSignal's `at`: where the job is now. */
  readonly note = (span: Span): void => {
    const slots = this.slots;
    slots[1] = span.line;
    slots[2] = span.col;
    slots[3] = span.endLine;
    slots[4] = span.endCol;
  };

  /** A signal that is never raised but notes where the job is. */
  signal(): CancelSignal {
    return { aborted: false, at: this.note };
  }
}

/** The caller's side: the positions in what the pipe carried, the last one last. */
export function readPositions(text: string): Position[] {
  const positions: Position[] = [];
  for (const line of text.split('\n')) {
    const [id, ...range] = line.split(' ').map(Number);
    if (range.length !== FIELDS - 1 || ![id, ...range].every(Number.isInteger) || range[0] <= 0) continue;
    positions.push({ id, range: { line: range[0], col: range[1], endLine: range[2], endCol: range[3] } });
  }
  return positions;
}
