/**
 * The script run in the user's own Python: JSON in on stdin (the file, the function, the example
 * inputs Gradlens used), JSON out on stdout (the real library's value and gradient, or why not).
 * It is passed with `python -c`, so nothing has to be found on disk beside the extension.
 */
export const VERIFY_SCRIPT = String.raw`
import contextlib, io, json, math, os, runpy, sys, traceback

def send(o):
    sys.__stdout__.write(json.dumps(o) + "\n")
    sys.__stdout__.flush()

# NB: JSON has no NaN or infinities; they go as strings, read back by verify/python.ts.
def plain(v):
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if v != v else ("inf" if v > 0 else "-inf")
    return v

def main():
    req = json.load(sys.stdin)
    style = req["style"]
    library = "torch" if style == "torch" else "jax"
    try:
        lib = __import__(library)
    except ImportError:
        send({"missing": library, "python": sys.executable})
        return
    global USER_FILE
    path = USER_FILE = os.path.abspath(req["file"])
    sys.path.insert(0, os.path.dirname(path))
    sys.argv = [path]
    # What the script prints must not mix with the JSON: it goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        ns = runpy.run_path(path, run_name="__gradlens_verify__")
        fn = ns.get(req["function"])
        if not callable(fn):
            send({"error": "%s has no module-level function %s()" % (req["file"], req["function"])})
            return
        inputs = req["inputs"]
        wrt = [n for n, s in inputs.items() if s["grad"]]
        if library == "torch":
            value, grads = run_torch(lib, fn, inputs, wrt)
        else:
            value, grads = run_jax(lib, fn, inputs, wrt)
    send({"library": library, "version": lib.__version__, "value": plain(value), "grad": {k: plain(v) for k, v in grads.items()}})

def run_torch(torch, fn, inputs, wrt):
    args = {}
    for name, spec in inputs.items():
        v = spec["value"]
        # A tensor in its dtype (float64 stays float64); a differentiated Python float as a float32 leaf.
        dtype = getattr(torch, spec.get("dtype") or ("float32" if spec["grad"] else ""), None)
        if spec["grad"]:
            args[name] = torch.tensor(v, dtype=dtype, requires_grad=True)
        elif dtype is not None or isinstance(v, list):
            args[name] = torch.tensor(v, dtype=dtype)
        else:
            args[name] = v
    y = fn(**args)
    if not isinstance(y, torch.Tensor):
        raise TypeError("%s() returned %s, not a tensor: PyTorch computes no gradient for it" % (fn.__name__, type(y).__name__))
    # A vector's gradient is its sum's, as Gradlens shows it.
    (y if y.dim() == 0 else y.sum()).backward()
    grads = {n: (args[n].grad if args[n].grad is not None else torch.zeros_like(args[n])).tolist() for n in wrt}
    return y.detach().tolist(), grads

def run_jax(jax, fn, inputs, wrt):
    import jax.numpy as jnp
    fixed = {n: (jnp.asarray(s["value"], dtype=s.get("dtype")) if isinstance(s["value"], list) or s.get("dtype") else s["value"]) for n, s in inputs.items() if not s["grad"]}
    def call(*xs):
        y = fn(**fixed, **dict(zip(wrt, xs)))
        return jnp.sum(y), y
    xs = [jnp.asarray(inputs[n]["value"], dtype=inputs[n].get("dtype") or jnp.float32) for n in wrt]
    if not wrt:
        return jnp.asarray(call()[1]).tolist(), {}
    (_, y), gs = jax.value_and_grad(call, argnums=tuple(range(len(wrt))), has_aux=True)(*xs)
    return jnp.asarray(y).tolist(), {n: jnp.asarray(g).tolist() for n, g in zip(wrt, gs)}

USER_FILE = None
try:
    main()
except BaseException as e:
    # The place is the user's line that raised it, where the user's file is in the traceback.
    mine = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == USER_FILE]
    send({"error": "".join(traceback.format_exception_only(type(e), e)).strip(), **({"line": mine[-1].lineno} if mine else {})})
`;
