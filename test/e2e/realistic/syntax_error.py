import torch

# A file being edited: one function lost an indent, the others are fine.
scale = torch.tensor([1.0, 2.0, 3.0])


# gradlens: x=torch.tensor([0.5, -1.0, 2.0])
def weighted_norm(x):
    return torch.sqrt((scale * x * x).sum())


def relu_sum(x):
    if x.sum() > 0:
    return torch.relu(x).sum()
    return x.sum()


# gradlens: x=torch.tensor([0.5, -1.0, 2.0])
def smooth_max(x):
    return torch.logsumexp(x * 4.0, dim=0) / 4.0
