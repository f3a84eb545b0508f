import jax
import jax.numpy as jnp

def f(x):
    return x ** 2 + 3 * x + 5

x = 2.0
grad_f = jax.grad(f)
value = f(x)
gradient = grad_f(x)
print(f"Value: {value}")
print(f"Gradient: {gradient}")
