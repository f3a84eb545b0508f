import torch

# Newton's method for sqrt(a), written as a plain Python loop over tensors.
def newton_sqrt(a, steps=6):
    x = a / 2
    for _ in range(steps):
        x = 0.5 * (x + a / x)
    return x

a = torch.tensor(2.0, requires_grad=True)
r = newton_sqrt(a)
r.backward()
print(f"sqrt(2) ~ {r.item():.6f}, d/da = {a.grad.item():.6f} (exact 1/(2 sqrt 2) = {0.5 / 2 ** 0.5:.6f})")
