import torch

# The Rosenbrock valley: its minimum is at (1, 1), at the end of a long curved trough.
def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2

x = torch.tensor(-1.5, requires_grad=True)
y = torch.tensor(2.0, requires_grad=True)
z = rosenbrock(x, y)
z.backward()
print(f"f = {z.item():.4f}")
print(f"df/dx = {x.grad.item():.4f}, df/dy = {y.grad.item():.4f}")
