import torch

def f(x):
    return x ** 2 + 3 * x + 5

x = torch.tensor(2.0, requires_grad=True)
y = f(x)
y.backward()
print(f"Value: {y.item()}")
print(f"Gradient: {x.grad.item()}")
