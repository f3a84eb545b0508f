import torch

# A logistic-regression loss on four points, and one gradient-descent step.
X = torch.tensor([[0.5, 1.0], [1.5, -0.5], [-1.0, 2.0], [2.0, 0.5]])
labels = torch.tensor([1.0, 0.0, 1.0, 0.0])

def loss(w, b):
    p = torch.sigmoid(X @ w + b)
    return -(labels * torch.log(p) + (1 - labels) * torch.log(1 - p)).mean()

w = torch.tensor([0.1, -0.2], requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
for step in range(50):
    l = loss(w, b)
    l.backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
        b -= 0.5 * b.grad
    w.grad.zero_()
    b.grad.zero_()
print(f"loss after 50 steps: {loss(w, b).item():.4f}")
print(w)
