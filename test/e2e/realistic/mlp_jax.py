import jax
import jax.numpy as jnp

# A two-layer perceptron in the JAX style: parameters are a plain tuple of arrays, the loss is
# jitted, and per-example gradients come from vmap over grad (as in the JAX docs' examples).
xs = jnp.linspace(-2.0, 2.0, 8).reshape(8, 1) * jnp.array([[1.0, 0.5, -0.25]])
ys = jnp.sin(xs[:, 0]) + 0.1 * xs[:, 1]

W1 = 0.3 * jnp.cos(jnp.arange(12.0)).reshape(3, 4)
b1 = jnp.zeros(4)
W2 = 0.5 * jnp.sin(jnp.arange(4.0) + 1.0)
b2 = jnp.array(0.1)
params = (W1, b1, W2, b2)

print("targets mean:", ys.mean())


def predict(params, x):
    W1, b1, W2, b2 = params
    hidden = jnp.tanh(x @ W1 + b1)
    return hidden @ W2 + b2


@jax.jit
def loss(params, x, y):
    residual = predict(params, x) - y
    return jnp.mean(residual ** 2)


def example_loss(params, x, y):
    return (predict(params, x) - y) ** 2


per_example_grads = jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0))(params, xs, ys)
print("per-example gradient of W1:", per_example_grads[0].shape)
print("first example's loss:", example_loss(params, xs[0], ys[0]))

print(f"loss at init: {float(loss(params, xs, ys)):.4f}")
grads = jax.grad(loss)(params, xs, ys)
params = tuple(p - 0.1 * g for p, g in zip(params, grads))
print(f"loss after one step: {float(loss(params, xs, ys)):.4f}")
print("predictions:", predict(params, xs[:3]))
