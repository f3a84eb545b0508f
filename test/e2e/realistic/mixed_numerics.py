import math

import jax
import jax.numpy as jnp
import numpy as np
import torch

# Twenty small functions collected from notes on autodiff: the same ideas written with torch,
# jax, numpy and plain math, side by side, each called once below its definition.

# ---------------------------------------------------------------- plain Python and math


def cubic(x):
    return 2.0 * x ** 3 - 3.0 * x ** 2 + x - 5.0


print("cubic:", cubic(1.5))


def log_sum_exp2(a, b):
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


print("log_sum_exp2:", log_sum_exp2(0.5, -1.25))


def damped_oscillation(t, decay=0.3, omega=2.0):
    return math.exp(-decay * t) * math.cos(omega * t)


print("damped_oscillation:", damped_oscillation(1.2))


def compound_interest(rate, years=10.0):
    return (1.0 + rate / 12.0) ** (12.0 * years)


print("compound_interest:", compound_interest(0.05))

# ---------------------------------------------------------------- torch

points = torch.tensor([[0.0, 1.0], [1.0, 0.5], [2.0, -0.5], [3.0, 1.5], [4.0, 2.0]])


def torch_mse(w, b):
    pred = points[:, 0] * w + b
    return ((pred - points[:, 1]) ** 2).mean()


print("torch_mse:", torch_mse(torch.tensor(0.4), torch.tensor(-0.2)))


def torch_softmax_xent(logits):
    target = 2
    log_probs = torch.log_softmax(logits, dim=0)
    return -log_probs[target]


print("torch_softmax_xent:", torch_softmax_xent(torch.tensor([1.0, -0.5, 2.0, 0.3])))


def torch_rosenbrock(xy):
    x, y = xy[0], xy[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


print("torch_rosenbrock:", torch_rosenbrock(torch.tensor([-1.2, 1.0])))


def torch_layer_norm(v):
    centered = v - v.mean()
    normed = centered / torch.sqrt((centered ** 2).mean() + 1e-5)
    return (normed * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum()


print("torch_layer_norm:", torch_layer_norm(torch.tensor([0.2, 1.4, -0.6, 0.9])))


def torch_huber(residual, delta=1.0):
    abs_r = residual.abs()
    quadratic = 0.5 * residual ** 2
    linear = delta * (abs_r - 0.5 * delta)
    return torch.where(abs_r <= delta, quadratic, linear).sum()


print("torch_huber:", torch_huber(torch.tensor([0.3, -2.0, 1.5, -0.1])))


def torch_polynomial_features(x):
    powers = torch.stack([x, x ** 2, x ** 3])
    coefficients = torch.tensor([0.5, -1.0, 0.25])
    return (coefficients @ powers).sum()


print("torch_polynomial_features:", torch_polynomial_features(torch.tensor([0.5, 1.0, 1.5])))

# ---------------------------------------------------------------- jax


def jax_tanh_layer(W, x):
    return jnp.sum(jnp.tanh(W @ x))


W = jnp.array([[0.5, -0.3], [0.8, 0.1], [-0.2, 0.4]])
print("jax_tanh_layer:", jax_tanh_layer(W, jnp.array([1.0, 2.0])))


def jax_logistic_loss(w, x, y):
    z = jnp.dot(x, w)
    return jnp.mean(jnp.log1p(jnp.exp(-y * z)))


x_data = jnp.array([[1.0, 0.5], [-0.5, 1.5], [2.0, -1.0]])
y_data = jnp.array([1.0, -1.0, 1.0])
print("jax_logistic_loss:", jax_logistic_loss(jnp.array([0.3, -0.7]), x_data, y_data))


@jax.jit
def jax_gaussian_nll(mu, log_sigma):
    samples = jnp.array([0.1, -0.4, 0.9, 1.3])
    sigma = jnp.exp(log_sigma)
    return jnp.sum(0.5 * ((samples - mu) / sigma) ** 2 + log_sigma + 0.5 * jnp.log(2 * jnp.pi))


print("jax_gaussian_nll:", jax_gaussian_nll(0.2, -0.1))


def jax_softplus_sum(v):
    return jnp.sum(jax.nn.softplus(v))


print("jax_softplus_sum:", jax_softplus_sum(jnp.array([-2.0, 0.0, 1.5])))


def jax_cosine_similarity(a, b):
    return jnp.dot(a, b) / jnp.sqrt(jnp.sum(a * a) * jnp.sum(b * b))


print("jax_cosine_similarity:", jax_cosine_similarity(jnp.array([1.0, 2.0, 2.0]), jnp.array([0.5, -1.0, 3.0])))


def jax_relu_network(x):
    h = jax.nn.relu(x * jnp.array([1.0, -2.0, 0.5]) + jnp.array([0.1, 0.5, -0.2]))
    return jnp.sum(h ** 2)


print("jax_relu_network:", jax_relu_network(0.8))

# ---------------------------------------------------------------- numpy


def np_quadratic_form(x):
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    return x @ A @ x


print("np_quadratic_form:", np_quadratic_form(np.array([1.0, -2.0])))


def np_sigmoid_mean(z):
    return np.mean(1.0 / (1.0 + np.exp(-z)))


print("np_sigmoid_mean:", np_sigmoid_mean(np.array([-1.0, 0.0, 2.0, 0.5])))


def np_trapezoid_area(y):
    dx = 0.25
    return dx * (np.sum(y) - 0.5 * (y[0] + y[-1]))


print("np_trapezoid_area:", np_trapezoid_area(np.array([0.0, 0.5, 1.5, 1.0, 0.2])))


def np_weighted_sin(x):
    weights = np.linspace(0.5, 1.5, 4)
    return np.sum(weights * np.sin(x))


print("np_weighted_sin:", np_weighted_sin(np.array([0.1, 0.7, -0.4, 2.0])))

# ---------------------------------------------------------------- summary

print("done:", 20, "functions")
