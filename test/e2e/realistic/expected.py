"""
The expected value and gradient of every function in this folder, computed in float64 by
Debian's PyTorch (1.13): torch functions run as written (in float64), jax.numpy, numpy and
math functions through PyTorch twins written line for line beside them. Writes expected.json.

Run from the repository root:  /usr/bin/python3 test/e2e/realistic/expected.py

Each entry: the example inputs the file gives, the value, and the gradient of each parameter the
lens must differentiate (`required`) or may (`optional`, e.g. a float default), as flat leaves in
order: a pytree parameter (a tuple of arrays) is one entry per leaf, named `params[i]`. A vector
valued function also has `jacobian` (d value / d parameter, output axes first); its lens may show
the Jacobian or the gradient of the sum.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
T = torch.tensor
HERE = os.path.dirname(os.path.abspath(__file__))


def leaves(name, value):
    if isinstance(value, (tuple, list)):
        return [(f"{name}[{i}]", v) for i, v in enumerate(value)]
    return [(name, value)]


def json_number(v):
    """JSON has no NaN or Infinity: they are written as Python prints them, "nan", "inf", "-inf"."""
    if isinstance(v, list):
        return [json_number(e) for e in v]
    return v if math.isfinite(v) else repr(v)


def numbers(x):
    if isinstance(x, torch.Tensor):
        return json_number(x.detach().tolist())
    return json_number(float(x))


def case(fn, inputs, required, optional=(), non_differentiable=False, vector=False):
    """Value and gradients of fn at inputs (a dict in parameter order)."""
    params = {}
    for name, v in inputs.items():
        if isinstance(v, tuple):
            params[name] = tuple(T(leaf, requires_grad=True) if not isinstance(leaf, torch.Tensor) else leaf.detach().clone().requires_grad_() for leaf in v)
        elif isinstance(v, torch.Tensor):
            params[name] = v.detach().clone().requires_grad_(v.is_floating_point())
        else:
            params[name] = T(float(v), requires_grad=True)
    value = fn(**params)
    wanted = [n for n in list(required) + list(optional)]
    flat = [(leaf_name, leaf) for n in wanted for leaf_name, leaf in leaves(n, params[n])]
    entry = {
        "inputs": {n: ([numbers(l) for l in v] if isinstance(v, tuple) else numbers(v)) for n, v in params.items()},
        "value": numbers(value),
        "required": [leaf_name for n in required for leaf_name, _ in leaves(n, params[n])],
        "optional": [leaf_name for n in optional for leaf_name, _ in leaves(n, params[n])],
    }
    if non_differentiable:
        entry["grad"] = None
        return entry
    if vector:
        entry["jacobian"] = {}
        rows = value.reshape(-1)
        for leaf_name, leaf in flat:
            jac = torch.stack([torch.autograd.grad(rows[i], leaf, retain_graph=True)[0] for i in range(rows.numel())])
            entry["jacobian"][leaf_name] = numbers(jac.reshape(*value.shape, *leaf.shape))
        value = value.sum()
    grads = torch.autograd.grad(value, [leaf for _, leaf in flat], allow_unused=True)
    entry["grad"] = {leaf_name: (numbers(g) if g is not None else numbers(torch.zeros_like(leaf))) for (leaf_name, _), g in zip(flat, grads)}
    return entry


expected = {}

# ------------------------------------------------------------------ logistic_regression.py
features = T([[0.5, 1.0], [1.5, -0.5], [-1.0, 2.0], [2.0, 0.5], [0.0, -1.5], [-0.5, 0.5], [1.0, 1.5], [-2.0, -1.0]])
targets = T([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0])


def loss_fn(w, b):
    logits = features @ w + b
    probs = torch.sigmoid(logits)
    eps = 1e-7
    return -(targets * torch.log(probs + eps) + (1 - targets) * torch.log(1 - probs + eps)).mean()


def accuracy(w, b):
    predicted = (torch.sigmoid(features @ w + b) > 0.5).double()
    return (predicted == targets).double().mean()


w = T([0.1, -0.2], requires_grad=True)
b = T(0.0, requires_grad=True)
initial_w, initial_b = w.detach().clone(), b.detach().clone()
for step in range(100):
    loss = loss_fn(w, b)
    loss.backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
        b -= 0.5 * b.grad
    w.grad.zero_()
    b.grad.zero_()
expected["logistic_regression.py"] = {
    "loss_fn": case(loss_fn, {"w": initial_w, "b": initial_b}, ["w", "b"]),
    "accuracy": case(accuracy, {"w": w.detach(), "b": b.detach()}, ["w", "b"], non_differentiable=True),
}

# ------------------------------------------------------------------ mlp_jax.py (jax.numpy twins)
xs = torch.linspace(-2.0, 2.0, 8).reshape(8, 1) * T([[1.0, 0.5, -0.25]])
ys = torch.sin(xs[:, 0]) + 0.1 * xs[:, 1]
params0 = (0.3 * torch.cos(torch.arange(12.0)).reshape(3, 4), torch.zeros(4), 0.5 * torch.sin(torch.arange(4.0) + 1.0), T(0.1))


def predict(params, x):
    W1, b1, W2, b2 = params
    hidden = torch.tanh(x @ W1 + b1)
    return hidden @ W2 + b2


def mlp_loss(params, x, y):
    residual = predict(params, x) - y
    return torch.mean(residual ** 2)


def example_loss(params, x, y):
    return (predict(params, x) - y) ** 2


p = tuple(leaf.clone().requires_grad_() for leaf in params0)
step_grads = torch.autograd.grad(mlp_loss(p, xs, ys), p)
params1 = tuple((leaf - 0.1 * g).detach() for leaf, g in zip(params0, step_grads))
expected["mlp_jax.py"] = {
    "predict": case(predict, {"params": params1, "x": xs[:3]}, ["params"], vector=True),
    "loss": case(mlp_loss, {"params": params0, "x": xs, "y": ys}, ["params"]),
    "example_loss": case(example_loss, {"params": params0, "x": xs[0], "y": ys[0]}, ["params"]),
}

# ------------------------------------------------------------------ nan_entropy.py
expected["nan_entropy.py"] = {
    "entropy": case(lambda p: -(p * torch.log(p)).sum(), {"p": T([0.5, 0.25, 0.25, 0.0])}, ["p"]),
}

# ------------------------------------------------------------------ predict_vector.py
vfeatures = T([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0], [-1.5, 0.0, 1.0], [2.0, 1.0, 0.0]])
expected["predict_vector.py"] = {
    "predict": case(lambda w, b: torch.sigmoid(vfeatures @ w + b), {"w": T([0.2, -0.4, 0.3]), "b": T(0.1)}, ["w", "b"], vector=True),
}

# ------------------------------------------------------------------ softplus_math.py (math twins)
expected["softplus_math.py"] = {
    "softplus": case(lambda x: torch.log(1.0 + torch.exp(x)), {"x": 0.3}, ["x"]),
    "logistic": case(lambda x: 1.0 / (1.0 + torch.exp(-x)), {"x": 0.3}, ["x"]),
    "gaussian_pdf": case(
        lambda x, mu, sigma: torch.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi)),
        {"x": 0.7, "mu": 0.2, "sigma": 1.5},
        ["x", "mu", "sigma"],
    ),
}

# ------------------------------------------------------------------ syntax_error.py
scale = T([1.0, 2.0, 3.0])
expected["syntax_error.py"] = {
    "weighted_norm": case(lambda x: torch.sqrt((scale * x * x).sum()), {"x": T([0.5, -1.0, 2.0])}, ["x"]),
    "smooth_max": case(lambda x: torch.logsumexp(x * 4.0, dim=0) / 4.0, {"x": T([0.5, -1.0, 2.0])}, ["x"]),
}

# ------------------------------------------------------------------ mixed_numerics.py
points = T([[0.0, 1.0], [1.0, 0.5], [2.0, -0.5], [3.0, 1.5], [4.0, 2.0]])
W = T([[0.5, -0.3], [0.8, 0.1], [-0.2, 0.4]])
x_data = T([[1.0, 0.5], [-0.5, 1.5], [2.0, -1.0]])
y_data = T([1.0, -1.0, 1.0])


def huber(residual, delta):
    abs_r = residual.abs()
    return torch.where(abs_r <= delta, 0.5 * residual ** 2, delta * (abs_r - 0.5 * delta)).sum()


def layer_norm(v):
    centered = v - v.mean()
    normed = centered / torch.sqrt((centered ** 2).mean() + 1e-5)
    return (normed * T([1.0, 2.0, 3.0, 4.0])).sum()


def gaussian_nll(mu, log_sigma):
    samples = T([0.1, -0.4, 0.9, 1.3])
    sigma = torch.exp(log_sigma)
    return torch.sum(0.5 * ((samples - mu) / sigma) ** 2 + log_sigma + 0.5 * torch.log(T(2 * math.pi)))


expected["mixed_numerics.py"] = {
    "cubic": case(lambda x: 2.0 * x ** 3 - 3.0 * x ** 2 + x - 5.0, {"x": 1.5}, ["x"]),
    "log_sum_exp2": case(lambda a, b: torch.maximum(a, b) + torch.log(torch.exp(a - torch.maximum(a, b)) + torch.exp(b - torch.maximum(a, b))), {"a": 0.5, "b": -1.25}, ["a", "b"]),
    "damped_oscillation": case(lambda t, decay, omega: torch.exp(-decay * t) * torch.cos(omega * t), {"t": 1.2, "decay": 0.3, "omega": 2.0}, ["t"], ["decay", "omega"]),
    "compound_interest": case(lambda rate, years: (1.0 + rate / 12.0) ** (12.0 * years), {"rate": 0.05, "years": 10.0}, ["rate"], ["years"]),
    "torch_mse": case(lambda w, b: ((points[:, 0] * w + b - points[:, 1]) ** 2).mean(), {"w": T(0.4), "b": T(-0.2)}, ["w", "b"]),
    "torch_softmax_xent": case(lambda logits: -torch.log_softmax(logits, dim=0)[2], {"logits": T([1.0, -0.5, 2.0, 0.3])}, ["logits"]),
    "torch_rosenbrock": case(lambda xy: (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2, {"xy": T([-1.2, 1.0])}, ["xy"]),
    "torch_layer_norm": case(layer_norm, {"v": T([0.2, 1.4, -0.6, 0.9])}, ["v"]),
    "torch_huber": case(huber, {"residual": T([0.3, -2.0, 1.5, -0.1]), "delta": 1.0}, ["residual"], ["delta"]),
    "torch_polynomial_features": case(lambda x: (T([0.5, -1.0, 0.25]) @ torch.stack([x, x ** 2, x ** 3])).sum(), {"x": T([0.5, 1.0, 1.5])}, ["x"]),
    "jax_tanh_layer": case(lambda W, x: torch.sum(torch.tanh(W @ x)), {"W": W, "x": T([1.0, 2.0])}, ["W"]),
    "jax_logistic_loss": case(lambda w, x, y: torch.mean(torch.log1p(torch.exp(-y * (x @ w)))), {"w": T([0.3, -0.7]), "x": x_data, "y": y_data}, ["w"]),
    "jax_gaussian_nll": case(gaussian_nll, {"mu": 0.2, "log_sigma": -0.1}, ["mu"]),
    "jax_softplus_sum": case(lambda v: torch.sum(torch.nn.functional.softplus(v)), {"v": T([-2.0, 0.0, 1.5])}, ["v"]),
    "jax_cosine_similarity": case(lambda a, b: torch.dot(a, b) / torch.sqrt(torch.sum(a * a) * torch.sum(b * b)), {"a": T([1.0, 2.0, 2.0]), "b": T([0.5, -1.0, 3.0])}, ["a"]),
    "jax_relu_network": case(lambda x: torch.sum(torch.relu(x * T([1.0, -2.0, 0.5]) + T([0.1, 0.5, -0.2])) ** 2), {"x": 0.8}, ["x"]),
    "np_quadratic_form": case(lambda x: x @ T([[2.0, 0.5], [0.5, 1.0]]) @ x, {"x": T([1.0, -2.0])}, ["x"]),
    "np_sigmoid_mean": case(lambda z: torch.mean(1.0 / (1.0 + torch.exp(-z))), {"z": T([-1.0, 0.0, 2.0, 0.5])}, ["z"]),
    "np_trapezoid_area": case(lambda y: 0.25 * (torch.sum(y) - 0.5 * (y[0] + y[-1])), {"y": T([0.0, 0.5, 1.5, 1.0, 0.2])}, ["y"]),
    "np_weighted_sin": case(lambda x: torch.sum(torch.linspace(0.5, 1.5, 4) * torch.sin(x)), {"x": T([0.1, 0.7, -0.4, 2.0])}, ["x"]),
}

with open(os.path.join(HERE, "expected.json"), "w") as out:
    json.dump({"generator": f"PyTorch {torch.__version__}, float64", "files": expected}, out, indent=1)
    out.write("\n")
print("wrote", sum(len(v) for v in expected.values()), "functions")
