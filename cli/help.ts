export const MAIN_HELP = `gradlens: run numeric Python (PyTorch and JAX style) and see its values, gradients and graphs, without Python.

usage: gradlens <command> [options]

commands:
  run FILE.py                   run the script; print what Python would print
  grad FILE.py[:FUNC]           value and gradient of a function at its example inputs
  graph FILE.py:FUNC            the traced jaxpr (jax) or the autograd tape (torch) of a function
  verify FILE.py[:FUNC]         check a function's value and gradient against the real torch or jax
  bench FILE.py:FUNC            eager and jit times of a function's forward and gradient, line by line

Run 'gradlens <command> --help' for a command's options.
`;

export const RUN_HELP = `usage: gradlens run FILE.py [--backend wasm|cpu|reference] [--budget-seconds S] [--budget-tensor-mib N]
                   [--trace NAME[,NAME...] [--trace-format csv|json] [--trace-out FILE]] [--plots DIR]

Runs the script in Gradlens's sandboxed interpreter and prints its output, and a line for each
matplotlib figure it shows (at plt.show(), or open when it ends): [figure 1: 1 axes, 2 lines ...].
Errors go to stderr as FILE:LINE:COL: error: message, with exit status 1.

options:
  --backend NAME          where tensors are computed: wasm (default), cpu, reference (float64 loops)
  --budget-seconds S      wall-clock time the script may run (default 10)
  --budget-tensor-mib N   tensor memory the script may hold at once, in MiB (default 1024)
  --trace NAMES           record each value the script assigns to these names (a loss in a training
                          loop: floats, ints, 0-d tensors), one row a time it was assigned; past
                          10,000 values every other one goes (stderr says so)
  --trace-format F        csv (default: a step column, then one column a name) or json
  --trace-out FILE        write the trace there instead of to stdout after the script's output
  --plots DIR             write each figure shown as DIR/figure-K.svg (K counts the figures shown, from 1)
  --help                  show this help
`;

export const GRAD_HELP = `usage: gradlens grad FILE.py[:FUNC] [--at x=2.0,w=[1,2]] [--engine eager|jit|both] [--json] [--backend NAME]
                    [--budget-seconds S] [--budget-tensor-mib N]

Evaluates FUNC (or every numeric function whose example inputs can be found) and its
gradient with respect to every argument that is a float or a float tensor (array).

Example inputs come from, in order: a call of the function in the file, its parameter
defaults, a '# gradlens: x=2.0' comment on the line above the def, or --at.

Engines:
  eager  torch-style functions: PyTorch semantics (a tape, then backward()).
         functions written with jax: JAX without jit: jax.value_and_grad run op by op.
  jit    traced into a jaxpr (value and gradient; torch code as torch.func.grad and
         torch.compile would), simplified, fused into kernels and run; reports
         trace_ms, compile_ms, run_ms (steady state: the median of a few calls) and
         kernels.
  both   eager and jit side by side; where jit cannot trace the function, eager's
         line is printed and jit's error goes to stderr (exit status 1).

With --json, one object per function: {function, line, source, inputs, value, grad,
engines: {eager: {value, grad, ms, ops, lines}, jit: {value, grad, trace_ms, compile_ms,
run_ms, kernels, line_kernels}}, jit_error?, non_finite?} (value and grad on top are the first
engine's; ms and run_ms are steady state; lines: each source line's eager time;
line_kernels: the fused kernels each line went into; non_finite: the first op whose
result was NaN or Inf). JSON has no NaN or infinities: nan, inf, -inf and -0.0 are
written {"float": "nan"}, {"float": "inf"}, {"float": "-inf"}, {"float": "-0"}.

options:
  --at ASSIGNMENTS  inputs as Python expressions: x=2.0,w=[1,2] (overrides the file's)
  --engine NAME     eager (default), jit, both
  --json            one JSON object per function
  --backend NAME    wasm (default), cpu, reference
  --budget-seconds S      wall-clock time one function's evaluation may take (default 10;
                          it holds inside one long kernel too: the evaluation runs in a child
                          process, stopped a second past it)
  --budget-tensor-mib N   tensor memory one evaluation may hold at once, in MiB (default 1024)
  --help            show this help
`;

export const GRAPH_HELP = `usage: gradlens graph FILE.py:FUNC [--at x=2.0] [--grad] [--format text|json|dot|svg] [--backend NAME]

Prints the graph of FUNC at its example inputs (found as 'gradlens grad' finds them).

For a function written with jax (jax, jax.numpy): the jaxpr it traces to, as
jax.make_jaxpr prints it; with --grad, the jaxpr of its gradient with respect to its
float arguments.
For a torch-style function: the autograd tape its result carries (PyTorch's backward
graph: grad_fn nodes down to AccumulateGrad leaves); --grad is implied.

formats:
  text  jax: the printed jaxpr. torch: a line a node, 'n3 MulBackward0 f32[3] <- n1, n2  (line 4)'
  json  jax: {jaxpr (each equation with its source span), plan (the fusion plan's kernels)}
        torch: {tape: {nodes, edges, outputs}, leaves}
  dot   Graphviz DOT: a node per equation (primitive and output type), edges labelled
        with types, each fused kernel a 'subgraph cluster_k<i>'
  svg   the graph laid out as the panel draws it (every module and scope open, a nested
        <g class="scope"> each), colours inlined: gradlens graph f.py:loss --format svg > loss.svg

options:
  --at ASSIGNMENTS  inputs as Python expressions: x=2.0,w=[1,2] (overrides the file's)
  --grad            the gradient's graph (jax)
  --format NAME     text (default), json, dot, svg
  --backend NAME    wasm (default), cpu, reference
  --help            show this help
`;

export const VERIFY_HELP = `usage: gradlens verify FILE.py[:FUNC] [--at x=2.0,w=[1,2]] [--python PATH] [--timeout-seconds S]

Evaluates FUNC (or every numeric function whose example inputs can be found) as 'gradlens grad'
does, then runs it in a real Python with torch (torch-style code) or jax (jax-style code) at the
same inputs in their dtypes (a tensor's or array's own, a float64 one stays float64; a Python float
as float32), each differentiated input requiring grad, the gradient of the result (of its sum for a
vector). Prints 'FILE:LINE:COL: f: matches torch 1.13.1 to 1e-5 (value and 1 gradient)' (to 1e-10,
'(float64, ...)', where the inputs are float64) or, on stderr with exit status 1, the first number
that differs.

This runs the file's code in that Python, unsandboxed: verify only files you trust.

options:
  --at ASSIGNMENTS      inputs as Python expressions: x=2.0,w=[1,2] (overrides the file's)
  --python PATH         the Python to run (default: python3 on PATH)
  --timeout-seconds S   how long that Python may run, the import of torch included (default 120)
  --help                show this help
`;

export const BENCH_HELP = `usage: gradlens bench FILE.py:FUNC [--at x=2.0,w=[1,2]] [--engine eager|jit|both] [--backend NAME]
                     [--calls N] [--warmup N] [--json] [--budget-seconds S] [--budget-tensor-mib N]

Times FUNC at its example inputs (found as 'gradlens grad' finds them) on each engine: its
forward alone, and its value and gradient (forward and backward), each call timed until its
results are read back; the best and the median of --calls calls after --warmup untimed ones
(kernels compiled, caches filled). Then each line of FUNC: its ops' time in one eager call
(what the editor's hover shows on the line), and the fused jit kernels its equations went into.

The engines are those of 'gradlens grad --help'. Where jit cannot trace the function, eager is
timed and jit's error goes to stderr (exit status 1); --engine eager times eager alone.

With --json, one object: {file, function, line, backend, inputs, value, calls, warmups,
engines: {eager: {forward, value_and_grad, ops}, jit: {forward, value_and_grad, trace_ms,
compile_ms, kernels}}, lines: [{line, eager_ms, ops, jit_kernels, source}], jit_error?}, where
forward and value_and_grad are {best_ms, median_ms, calls}.

options:
  --at ASSIGNMENTS  inputs as Python expressions: x=2.0,w=[1,2] (overrides the file's)
  --engine NAME     both (default), eager, jit
  --backend NAME    wasm (default), cpu, reference
  --calls N         timed calls of each (default 10)
  --warmup N        untimed calls before them (default 3)
  --json            one JSON object
  --budget-seconds S      wall-clock time the whole measurement may take (default 60; it holds
                          inside one long kernel too: it runs in a child process, stopped a
                          second past it)
  --budget-tensor-mib N   tensor memory it may hold at once, in MiB (default 1024)
  --help            show this help
`;
