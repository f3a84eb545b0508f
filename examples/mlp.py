import torch
import torch.nn.functional as F

# A two-layer perceptron fitted to y = sin(x) on a few points.
torch.manual_seed(0)
xs = torch.linspace(-3, 3, 16).reshape(16, 1)
ys = torch.sin(xs)

W1 = (torch.randn(1, 8) * 0.5).requires_grad_()
b1 = torch.zeros(8, requires_grad=True)
W2 = (torch.randn(8, 1) * 0.5).requires_grad_()
b2 = torch.zeros(1, requires_grad=True)

def model(x):
    h = torch.tanh(x @ W1 + b1)
    return h @ W2 + b2

for epoch in range(200):
    loss = F.mse_loss(model(xs), ys)
    loss.backward()
    with torch.no_grad():
        for p in (W1, b1, W2, b2):
            p -= 0.1 * p.grad
            p.grad.zero_()
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}  loss {loss.item():.5f}")
