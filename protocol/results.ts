/**
 * What an evaluation of one function reports: value, gradient, both engines' timings, where a
 * NaN/Inf first appeared, and the graphs the viewer draws. Plain JSON data: it crosses the LSP
 * connection, the webview's postMessage and the CLI's --json alike.
 */
import type { BackendName } from './backends';

/** A number or a nested list of numbers, as `tolist()` gives it; strings for values that are not numeric. */
export type Numbers = number | boolean | readonly Numbers[];

/** A 1-based line and column range, end exclusive, as the Python analyzer reports spans. */
export interface SourceRange {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

export const ENGINE_MODES = ['eager', 'jit', 'both'] as const;
export type EngineMode = (typeof ENGINE_MODES)[number];

/** Where a function's example inputs came from (the order they are looked for in). */
export type InputOrigin = 'call' | 'defaults' | 'comment' | 'user';

export interface BackendInfo {
  readonly name: BackendName;
  /** The GPU adapter's description (`nvidia (ada)`, `google (swiftshader)`), for webgpu only. */
  readonly adapter?: string;
}

/** Time the ops of one source line took in the eager run. */
export interface LineTiming {
  readonly line: number;
  readonly ms: number;
  readonly ops: number;
}

/** Milliseconds of repeated calls, each until its results are read back (`gradlens bench`). */
export interface CallTimes {
  readonly bestMs: number;
  readonly medianMs: number;
  readonly calls: number;
}

/** One engine's calls timed: the forward alone, and the forward with the gradient (value and grad). */
export interface EngineTimes {
  readonly forward: CallTimes;
  readonly valueAndGrad: CallTimes;
}

export interface EagerRun {
  readonly value: Numbers;
  readonly grad: Readonly<Record<string, Numbers>>;
  /** Forward and backward, one call, steady state (median of repeated calls). */
  readonly runMs: number;
  readonly ops: number;
  readonly lines: readonly LineTiming[];
  /** When the request asked for timing. */
  readonly times?: EngineTimes;
}

export interface JitRun {
  readonly value: Numbers;
  readonly grad: Readonly<Record<string, Numbers>>;
  readonly traceMs: number;
  readonly compileMs: number;
  /** One call of the compiled value-and-gradient, steady state (median of repeated calls). */
  readonly runMs: number;
  readonly kernels: number;
  /**
   * On a GPU backend, where the compiled program ran: a program whose every value is tiny runs on
   * the CPU (a GPU round trip would cost more than the work); absent on CPU backends.
   */
  readonly ranOn?: 'gpu' | 'host';
  /** Which fused kernel each source line's equations went into (line -> kernel indices). */
  readonly lineKernels: readonly { readonly line: number; readonly kernels: readonly number[] }[];
  /** When the request asked for timing. */
  readonly times?: EngineTimes;
}

/** The first op whose result was NaN or Inf: its line, and whether the value or the gradient. */
export interface NonFinite {
  readonly range: SourceRange;
  readonly in: 'value' | 'gradient';
  readonly op: string;
  readonly value: 'nan' | 'inf' | '-inf';
}

/**
 * Where a value that carried the gradient left the differentiable world: a tensor that requires
 * grad read as a Python number (`.item()`, `float(...)`, `int(...)`, `.tolist()`, `math.exp(t)` in
 * torch code) or detached. The library's gradient does not flow through it (PyTorch's neither).
 */
export interface GradientCut {
  readonly range: SourceRange;
  /** How it left: `item`, `float`, `int`, `tolist` or `detach`. */
  readonly what: 'item' | 'float' | 'int' | 'tolist' | 'detach';
  /** What the user reads at the line: which value, and what the gradient shown misses. */
  readonly message: string;
  /** Whether a gradient shown is zero for it (the whole path was cut), not just missing a part. */
  readonly zeroGradient: boolean;
}

/**
 * Lines of the file left out of the run because they do not parse: a definition with a syntax
 * error, without which the rest of the file was computed (CPython would run none of it).
 */
export interface LeftOutLines {
  readonly range: SourceRange;
  /** `FILE:LINE:COL: warning: f() was computed without lines 12–15 (g), which do not parse (...)`. */
  readonly message: string;
}

/** A Python warning the run showed (`warnings.warn`, a library's UserWarning), at the line it points to. */
export interface PythonWarning {
  readonly range: SourceRange;
  /** `UserWarning`, `DeprecationWarning`, ... */
  readonly category: string;
  /** `FILE:LINE:COL: warning: UserWarning: text`. */
  readonly message: string;
}

/**
 * A non-scalar value's derivative (jacrev): for each name of `grad`, d value / d it, shaped
 * [...valueShape, ...its shape]. `grad` then holds the gradient of the value's sum.
 */
export interface Jacobian {
  readonly valueShape: readonly number[];
  /** How many numbers the whole Jacobian has. */
  readonly size: number;
  /** The Jacobian by name; absent when `size` is past what reads as numbers (JACOBIAN_SHOWN). */
  readonly of?: Readonly<Record<string, Numbers>>;
}

/** The largest Jacobian (in numbers) a result carries in full; past it, only its size and the summed gradient. */
export const JACOBIAN_SHOWN = 256;

/** A graph ready to lay out: the viewer knows nothing of jaxprs or tapes. */
export interface GraphView {
  readonly kind: 'forward' | 'gradient' | 'tape';
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Fused jit kernels, each drawn as a group around its nodes. */
  readonly groups: readonly GraphGroup[];
  /** The printed jaxpr (forward and gradient graphs). */
  readonly text?: string;
  /**
   * The scopes the ops ran in (nn.Module calls, jax.named_scope, functions called while tracing),
   * each before the scopes inside it; the viewer draws each as a box that collapses to one node.
   */
  readonly scopes?: readonly GraphScope[];
}

export interface GraphScope {
  readonly id: string;
  /** `encoder.layers.1 (TransformerLayer)`, `Net` for the outermost module called, `dense`. */
  readonly label: string;
  readonly kind: 'module' | 'named_scope' | 'function';
  /** The enclosing scope's id; absent for an outermost one. */
  readonly parent?: string;
}

export interface GraphNode {
  readonly id: string;
  /** `mul`, `MulBackward0`, `x`. */
  readonly label: string;
  readonly kind: 'input' | 'const' | 'op' | 'output' | 'leaf';
  /** `f32[3,4]`. */
  readonly type: string;
  readonly range?: SourceRange;
  /** Eager time of this op, for the heat colouring. */
  readonly ms?: number;
  /** The innermost scope (GraphView.scopes) it ran in; a parameter's is its module's. */
  readonly scope?: string;
  /** The op that raised the evaluation's error: the graph was recorded up to it. */
  readonly failed?: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The type of the value that flows, `f32[3]`. */
  readonly type: string;
}

export interface GraphGroup {
  readonly id: string;
  readonly label: string;
  readonly nodes: readonly string[];
  /**
   * The control-flow node (`scan`, `cond`, `while`, a custom rule's call) whose sub-jaxpr's ops this
   * group holds; the viewer draws them collapsed into that node until it is clicked.
   */
  readonly call?: string;
  /** The generated kernel source (WGSL on webgpu, WebAssembly text or JS on the CPU), on demand. */
  readonly source?: string;
  readonly language?: 'wgsl' | 'wat' | 'js';
}

/** One samples of f and f' for a function of one scalar variable. */
export interface PlotData {
  readonly param: string;
  readonly at: number;
  readonly xs: readonly number[];
  readonly f: readonly number[];
  readonly df: readonly number[];
}

/**
 * A value as a hover shows it: its type, and its numbers in full when there are few
 * (SUMMARY_IN_FULL), else their min, max and mean (over the finite ones) and how many are NaN or Inf.
 */
export interface ValueSummary {
  /** `f32[8,3]`, `float`, `int`, `bool`, or the Python type's name (`list`, `Linear`). */
  readonly type: string;
  readonly values?: Numbers;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly nonFinite?: number;
}

/** The most numbers a summary shows in full. */
export const SUMMARY_IN_FULL = 8;

/**
 * A scalar name's values, one a time its line ran (a loss in a training loop): every `stride`-th
 * from the first, so that at most SERIES_POINTS are kept however long the loop ran.
 */
export interface ScalarSeries {
  readonly values: readonly number[];
  readonly stride: number;
}

export const SERIES_POINTS = 1000;

/**
 * What a name held after its assignment at `range` (the target) last ran, in the evaluated
 * function's body or in a loop of the script's top level.
 */
export interface AssignedValue {
  readonly name: string;
  readonly range: SourceRange;
  readonly value: ValueSummary;
  /** The gradient of the function's value with respect to it, where it carried the gradient (torch code). */
  readonly grad?: ValueSummary;
  /** Why it has no gradient where its function has one (jax code: a name assigned inside a control-flow body). */
  readonly gradNote?: string;
  /** How many times the assignment ran (a loop's iterations). */
  readonly count: number;
  /** For a scalar assigned more than once: its values in order. */
  readonly series?: ScalarSeries;
}

export interface EvaluationResult {
  readonly uri: string;
  /** Qualified name, `Model.loss` for a method. */
  readonly function: string;
  /** A hash of the function's source text: a result whose hash no longer matches is stale. */
  readonly sourceHash: string;
  readonly style: 'torch' | 'jax' | 'numpy';
  readonly inputs: Readonly<Record<string, Numbers>>;
  /** Each tensor or array input's dtype (`float64`); a Python number has none. */
  readonly inputDtypes?: Readonly<Record<string, string>>;
  readonly inputOrigin: InputOrigin;
  readonly backend: BackendInfo;
  /**
   * The value and gradient shown: eager's when it ran, else jit's. `grad` is by what is
   * differentiated: a parameter, or each leaf of a pytree one (`params[0]`, `params['w']`); for a
   * non-scalar value, the gradient of its sum (see `jacobian`).
   */
  readonly value: Numbers;
  readonly grad: Readonly<Record<string, Numbers>>;
  /** For a non-scalar value: its Jacobian. */
  readonly jacobian?: Jacobian;
  /** Where the gradient stopped flowing inside the function, in source order. */
  readonly gradientCuts?: readonly GradientCut[];
  /** The definitions that do not parse, which the run left out. */
  readonly leftOut?: readonly LeftOutLines[];
  /** The Python warnings the script and the function showed, once each, in the order shown. */
  readonly warnings?: readonly PythonWarning[];
  readonly eager?: EagerRun;
  readonly jit?: JitRun;
  /** Why the jit engine did not run where it was asked for and eager did (`FILE:LINE:COL: error: ...`). */
  readonly jitError?: string;
  readonly nonFinite?: NonFinite;
  /**
   * On a GPU that cannot be read synchronously (SwiftShader): how many values the code read at
   * once (`.item()`, `print(t)`, `float(t)`, `if t > 0:`) were computed on the CPU for it; absent when none.
   */
  readonly hostReads?: number;
  /** On a GPU backend: how many ops of float64 values were computed on the CPU (WGSL has no f64); absent when none. */
  readonly float64OnCpu?: number;
  readonly graphs?: readonly GraphView[];
  readonly plot?: PlotData;
  /** What each assignment in the function (and in the script's top-level loops) left in its name, in source order. */
  readonly assignments?: readonly AssignedValue[];
}

/** An operand of the op an error came from: the expression that gave it, where the line writes it alone, and its type (`f32[2,3]`, `float`). */
export interface FailedOperand {
  readonly text?: string;
  readonly type: string;
}

/**
 * Why an evaluation produced no result, at the place to fix; with what the run computed before
 * it: the operands of the op that raised it, what the lines before it assigned, the graph up to it.
 */
export interface EvaluationError {
  readonly uri: string;
  readonly function: string;
  readonly sourceHash: string;
  /** `inputs`: no example inputs could be found; the client asks the user for them. */
  readonly kind: 'inputs' | 'error' | 'cancelled' | 'budget';
  readonly message: string;
  readonly range?: SourceRange;
  /** For an error an op raised itself (a shape error): its operands, in order. */
  readonly operands?: readonly FailedOperand[];
  /** What the function's lines (and the script's top-level loops) assigned before the error. */
  readonly assignments?: readonly AssignedValue[];
  /** The graph recorded up to the op that raised the error, its last node (`failed`). */
  readonly graphs?: readonly GraphView[];
}

export type EvaluationOutcome = { readonly ok: true; readonly result: EvaluationResult } | { readonly ok: false; readonly error: EvaluationError };
