import torch

# Logistic regression on a small two-feature data set, trained by plain gradient descent,
# the way the PyTorch tutorials write it before they reach nn.Module.
features = torch.tensor([
    [0.5, 1.0], [1.5, -0.5], [-1.0, 2.0], [2.0, 0.5],
    [0.0, -1.5], [-0.5, 0.5], [1.0, 1.5], [-2.0, -1.0],
])
targets = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0])

n_positive = int(targets.sum().item())
print(f"{n_positive} positive examples out of {len(targets)}")
print("feature means:", features.mean(dim=0))


def loss_fn(w, b):
    logits = features @ w + b
    probs = torch.sigmoid(logits)
    eps = 1e-7
    return -(targets * torch.log(probs + eps) + (1 - targets) * torch.log(1 - probs + eps)).mean()


w = torch.tensor([0.1, -0.2], requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
learning_rate = 0.5

for step in range(100):
    loss = loss_fn(w, b)
    loss.backward()
    with torch.no_grad():
        w -= learning_rate * w.grad
        b -= learning_rate * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if step % 25 == 0:
        print(f"step {step:3d}  loss {loss.item():.4f}")


def accuracy(w, b):
    predicted = (torch.sigmoid(features @ w + b) > 0.5).float()
    return (predicted == targets).float().mean()


print(f"final loss {loss_fn(w, b).item():.4f}, accuracy {accuracy(w, b).item():.2f}")
