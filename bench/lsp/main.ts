/**
 * `npm run bench:lsp`: how long the language server takes, over stdio, from `didOpen` of a
 * 5,000-line file with 300 functions to its first CodeLens response and to the one with all
 * lenses, and from one keystroke (an incremental `didChange`) to the next CodeLens response.
 * Writes the `lsp` section of BENCHMARKS.md.
 */
import { cpus, loadavg } from 'node:os';
import { jaxModules } from '../../lang/python/jax';
import { torchModules } from '../../lang/python/torch';
import { createReferenceBackend } from '../../runtime/backends';
import { EagerEngine } from '../../runtime/eager';
import { DocumentAnalyzer } from '../../server/piecewise';
import { fileUri, LspClient, RESOLVES_LENSES } from '../../test/lsp/client';
import { writeBenchSection } from '../sections';
import { FUNCTIONS, generate, keystrokes, LINES, type Keystroke } from './generate';
import { liveKeystrokes } from './live';

const OPENS = 7;
const KEYSTROKES = 400;
/** The lines an editor shows: the lenses there are resolved after each answer, as VS Code does. */
const SCREEN_LINES = 50;

/** The same keystrokes straight into the server's analyzer, without the LSP round trip (whose 900-lens JSON is part of the above). */
function inProcess(text: string, strokes: readonly Keystroke[]): { lenses: number[]; opens: number[]; edits: number[] } {
  const backend = createReferenceBackend();
  const modules = { ...torchModules(new EagerEngine(backend)), ...jaxModules(backend) };
  const lenses: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    const t = performance.now();
    new DocumentAnalyzer(modules).openingLenses(text, Infinity);
    lenses.push(performance.now() - t);
  }
  const opens: number[] = [];
  let analyzer = new DocumentAnalyzer(modules);
  for (let i = 0; i < OPENS; i++) {
    analyzer = new DocumentAnalyzer(modules);
    const t = performance.now();
    analyzer.analyze(text);
    opens.push(performance.now() - t);
  }
  // NB: each visit leaves the lines as they were: a keystroke's line starts where it started in the file.
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
  const edits: number[] = [];
  let current = text;
  for (const { line, character, typed } of strokes) {
    const at = lineStarts[line] + character;
    // As the server is told by the change's range: what the keystroke left alone before and after it.
    const edited = { prefix: at, suffix: current.length - at - (typed ? 0 : 1) };
    current = current.slice(0, at) + typed + current.slice(typed ? at : at + 1);
    const t0 = performance.now();
    analyzer.analyze(current, edited);
    edits.push(performance.now() - t0);
  }
  return { lenses, opens, edits };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

async function main(): Promise<void> {
  const { text, bodyLines } = generate();
  // As VS Code: lenses come without their commands, and those on screen are resolved.
  const client = await LspClient.start({}, 'stdio', RESOLVES_LENSES);
  const opens: number[] = [];
  const completes: number[] = [];
  const firstCounts: number[] = [];
  let lensCount = 0;
  for (let i = 0; i < OPENS; i++) {
    const uri = fileUri(`bench/lsp/generated_${i}.py`);
    const refreshed = client.nextCodeLensRefresh();
    const t0 = performance.now();
    await client.open(uri, text);
    const first = await client.codeLenses(uri);
    // NB: as VS Code (codelensController.ts): only a lens without its command is resolved.
    await Promise.all(first.filter((l) => l.range.start.line < SCREEN_LINES && !l.command).map((l) => client.resolveLens(l)));
    opens.push(performance.now() - t0);
    firstCounts.push(first.length);
    // A first answer with some of the lenses comes with a refresh once the analysis has the rest.
    if (first.length < FUNCTIONS * 3) await refreshed;
    completes.push(first.length < FUNCTIONS * 3 ? performance.now() - t0 : opens[opens.length - 1]);
    // The analysis that follows the first answer must agree with it; the next open waits for it (its diagnostics).
    await client.diagnosticsOf(uri);
    lensCount = (await client.codeLenses(uri)).length;
    if (lensCount !== FUNCTIONS * 3) throw new Error(`expected ${FUNCTIONS * 3} lenses after the analysis, got ${lensCount}`);
  }
  const uri = fileUri('bench/lsp/generated_0.py');
  const strokes = keystrokes(text, bodyLines, KEYSTROKES);
  const edits: number[] = [];
  for (const { line, character, typed } of strokes) {
    const at = { line, character };
    const change = { range: { start: at, end: typed ? at : { line, character: character + 1 } }, text: typed };
    const t0 = performance.now();
    await client.change(uri, [change]);
    await client.lensesOnScreen(uri, line - SCREEN_LINES / 2, SCREEN_LINES);
    edits.push(performance.now() - t0);
  }
  // The round trip alone: lenses of an unchanged document (its analysis is kept).
  const unchanged: number[] = [];
  for (let k = 0; k < KEYSTROKES; k++) {
    const t0 = performance.now();
    await client.codeLenses(uri);
    unchanged.push(performance.now() - t0);
  }
  const live = await liveKeystrokes(client);
  await client.stop();
  const direct = inProcess(text, strokes);
  const f = (ms: number) => ms.toFixed(1);
  const md = [
    '## Language server (`npm run bench:lsp`)',
    '',
    `A generated file of ${LINES.toLocaleString('en')} lines and ${FUNCTIONS} numeric functions (${lensCount} lenses), through a real client over stdio (\`node dist/server.js --stdio\`) that resolves lenses as VS Code does (\`codeLens/resolve\`: the lenses come without their commands, and those on its ${SCREEN_LINES}-line screen are resolved, in parallel, within the time taken; as VS Code, it resolves only a lens that came without its command, and the first answer for a file just opened comes with them): from sending \`didOpen\` to the first CodeLens response and to the response with all lenses (${OPENS} opens), and from one keystroke in a function body (an incremental \`didChange\`) to the next CodeLens response with the lenses on its screen resolved (${KEYSTROKES} keystrokes: at each of ${KEYSTROKES / 8} function bodies, \` * 2\` typed at the end of a line and backspaced away, so the line is broken while half typed and the file is as it was after each visit).`,
    '',
    '| measurement | median | p90 | goal |',
    '|---|---|---|---|',
    `| didOpen → first codeLens response (${median(firstCounts)} of ${lensCount} lenses, median) | ${f(median(opens))} ms | ${f(percentile(opens, 0.9))} ms | < 50 ms |`,
    `| didOpen → all ${lensCount} lenses (the first response where it holds them all, else the one after \`workspace/codeLens/refresh\`) | ${f(median(completes))} ms | ${f(percentile(completes, 0.9))} ms | |`,
    `| keystroke → codeLens | ${f(median(edits))} ms | ${f(percentile(edits, 0.9))} ms | < 5 ms |`,
    `| keystroke → codeLens with live evaluation on (${live.all.length} keystrokes into a computed training loop, ${live.evaluations} live evaluations) | ${f(median(live.all))} ms | ${f(percentile(live.all, 0.9))} ms | < 10 ms |`,
    `| of those, keystrokes sent while an evaluation ran (${live.duringEvaluation.length}) | ${f(median(live.duringEvaluation))} ms | ${f(percentile(live.duringEvaluation, 0.9))} ms | < 10 ms |`,
    `| codeLens of an unchanged file (the round trip alone) | ${f(median(unchanged))} ms | ${f(percentile(unchanged, 0.9))} ms | |`,
    `| lenses of the opened file from its tokens, in process | ${f(median(direct.lenses))} ms | ${f(percentile(direct.lenses, 0.9))} ms | |`,
    `| analysis of the opened file, in process | ${f(median(direct.opens))} ms | ${f(percentile(direct.opens, 0.9))} ms | |`,
    `| analysis after a keystroke, in process | ${f(median(direct.edits))} ms | ${f(percentile(direct.edits, 0.9))} ms | |`,
    '',
    'Opening: a codeLens request for a document not analyzed yet is answered from its tokens (server/lens_scan.ts): each top-level definition\'s lenses come from a scan of its tokens where they settle them (a use `jnp.` of an imported module, or an augmented assignment, says numeric; no operator and no module name says not), else from its piece parsed; the pieces that import are parsed first. Meanwhile the server parses the file\'s pieces (cut at top-level definitions) in 5 ms slices, each once the client\'s messages that came are answered and the answers written (server/traffic.ts), then analyzes the file; when that analysis gives other lenses than those answered, it sends `workspace/codeLens/refresh` (only to a client that supports it; others wait for the analysis). Where the first answer holds all the lenses, the second row is the first row\'s time; the bench then checks the count again after the analysis.',
    '',
    'A keystroke re-parses and re-analyzes only the definition it is in (server/piecewise.ts): the cut is scanned again from the last definition start before the edit (the server places the edit by the change\'s range, without comparing the text with the last one), the other pieces keep their strings, parses and contexts, and while the edited piece keeps its imports and what it means to the other pieces, the file\'s bookkeeping (imports, binders, contexts) is kept. The rest of a keystroke\'s round trip is JSON-RPC and the 900 lenses\' JSON (about 100 KB: those within 60 lines of the last edit, on the screen the user types in, come with their commands, so the client resolves none there; the others without, each naming its document by a number for its URI; 220 KB all with them, as a client that does not resolve lenses gets them), timed alone in the unchanged-file row. Over stdio the server writes each message in one write, as ASCII JSON, and keeps each function\'s lenses\' JSON while they stay the same (server/message_writer.ts, server/lenses.ts).',
    '',
    `Live evaluation (bench/lsp/live.ts): the PyTorch tutorial's training loop (test/fixtures/lsp/poly_nn_train.py) computed, then typed into in bursts of 4 keys at 10 keys a second; after each burst, live mode's 500 ms pause, then \`gradlens/evaluate\` of it in the server's worker (as VS Code's live mode asks when the panel is closed), which the next burst's first key cancels. p99: ${f(percentile(live.all, 0.99))} ms over all, ${f(percentile(live.duringEvaluation, 0.99))} ms while an evaluation ran.`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0].toFixed(2)} (the cores are shared).`,
  ].join('\n');
  process.stdout.write(`${md}\n`);
  writeBenchSection('lsp', md);
}

void main();
