export const MAIN_HELP = `gradlens: run numeric Python (PyTorch style) and see its values and gradients, without Python.

usage: gradlens <command> [options]

commands:
  run FILE.py                   run the script; print what Python would print
  grad FILE.py[:FUNC]           value and gradient of a function at its example inputs

Run 'gradlens <command> --help' for a command's options.
`;

export const RUN_HELP = `usage: gradlens run FILE.py [--backend wasm|cpu|reference]

Runs the script in Gradlens's sandboxed interpreter and prints its output.
Errors go to stderr as FILE:LINE:COL: error: message, with exit status 1.

options:
  --backend NAME   where tensors are computed: wasm (default), cpu, reference (float64 loops)
  --help           show this help
`;

export const GRAD_HELP = `usage: gradlens grad FILE.py[:FUNC] [--at x=2.0,w=[1,2]] [--engine eager] [--json] [--backend NAME]

Evaluates FUNC (or every numeric function whose example inputs can be found) and its
gradient with respect to every argument that is a float or a float tensor.

Example inputs come from, in order: a call of the function in the file, its parameter
defaults, a '# gradlens: x=2.0' comment on the line above the def, or --at.

options:
  --at ASSIGNMENTS  inputs as Python expressions: x=2.0,w=[1,2] (overrides the file's)
  --engine NAME     eager (PyTorch semantics; default)
  --json            one JSON object per function
  --backend NAME    wasm (default), cpu, reference
  --help            show this help
`;
