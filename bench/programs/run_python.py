"""Times bench programs in CPython: imports first (not timed), then each program's CPU time, best
of `repeat` runs, with what it printed. Usage: run_python.py REPEAT FILE... -> JSON on stdout."""
import contextlib
import io
import json
import sys
import time

repeat = int(sys.argv[1])
results = {}
for path in sys.argv[2:]:
    source = open(path).read()
    imports = "\n".join(l for l in source.splitlines() if l.startswith(("import ", "from ")))
    exec(compile(imports, path, "exec"), {"__name__": "__main__"})
    code = compile(source, path, "exec")
    best, printed = float("inf"), ""
    for _ in range(repeat):
        out = io.StringIO()
        start = time.process_time()
        with contextlib.redirect_stdout(out):
            exec(code, {"__name__": "__main__"})
        best = min(best, time.process_time() - start)
        printed = out.getvalue()
    results[path] = {"seconds": best, "printed": printed}
json.dump(results, sys.stdout)
