import torch

# A model's predictions for a whole batch: a vector, not a loss.
features = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 2.0], [-1.5, 0.0, 1.0], [2.0, 1.0, 0.0]])


def predict(w, b):
    return torch.sigmoid(features @ w + b)


w = torch.tensor([0.2, -0.4, 0.3], requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
print(predict(w, b))
