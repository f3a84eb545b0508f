# W4: the PyTorch tutorial's polynomial fit with autograd, in our words: y = sin(x) on 2,000
# points, fitted by a + b x + c x^2 + d x^3 with 2,000 steps of gradient descent. The starting
# coefficients are fixed (not randn) so that every engine computes the same numbers.
import math
import torch

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
a = torch.tensor(0.1, requires_grad=True)
b = torch.tensor(-0.2, requires_grad=True)
c = torch.tensor(0.3, requires_grad=True)
d = torch.tensor(-0.1, requires_grad=True)
learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(loss.item(), a.item(), b.item(), c.item(), d.item())
