"""PyTorch CPU side of `npm run bench`: times the workloads on the inputs bench/main.ts wrote.

Usage: /usr/bin/python3 bench/torch_bench.py DIR. DIR/manifest.json names each workload's inputs
(raw little-endian float32 files) and the timing protocol; gradients of the first call are
written back as DIR/torch_<id>_<k>.f32 for the cross-engine check, timings printed as JSON.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import torch


def load(d, spec, grad):
    a = np.fromfile(os.path.join(d, spec["file"]), dtype="<f4").reshape(spec["shape"])
    return torch.from_numpy(a.copy()).requires_grad_(grad)


def w1(x):
    return x ** 2 + 3 * x + 5


def w2(x):
    return (torch.tanh(1.5 * x + 0.3) ** 2 + torch.sin(x) * torch.exp(-x * x)).sum()


def w3(X, W1, W2, Y):
    return ((torch.tanh(X @ W1) @ W2 - Y) ** 2).mean()


FNS = {"W1": w1, "W2": w2, "W3": w3}


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "manifest.json")) as f:
        manifest = json.load(f)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "workloads": {}}
    for w in manifest["workloads"]:
        ts = [load(d, s, i in w["wrt"]) for i, s in enumerate(w["inputs"])]
        leaves = [ts[i] for i in w["wrt"]]
        fn = FNS[w["id"]]

        def call():
            for t in leaves:
                t.grad = None
            y = fn(*ts)
            y.backward()
            if w["id"] == "W1":
                return y.item(), leaves[0].grad.item()
            return None

        first = call()
        for k, t in enumerate(leaves):
            t.grad.detach().numpy().astype("<f4").tofile(os.path.join(d, "torch_%s_%d.f32" % (w["id"], k)))
        value = first[0] if first else None
        p = manifest["protocol"][w["id"]]
        for _ in range(p["warmup"]):
            call()
        times = []
        start = time.perf_counter()
        while len(times) < p["maxRuns"] and (len(times) < p["minRuns"] or time.perf_counter() - start < p["budgetS"]):
            t0 = time.perf_counter()
            call()
            times.append((time.perf_counter() - t0) * 1e3)
        out["workloads"][w["id"]] = {"value": value, "median_ms": statistics.median(times), "runs": len(times)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
