import torch

# The entropy of a distribution with an empty bin: 0 * log(0) is nan in floating point, which is
# why real code writes torch.special.xlogy or adds an epsilon.
probs = torch.tensor([0.5, 0.25, 0.25, 0.0])


def entropy(p):
    return -(p * torch.log(p)).sum()


print("entropy:", entropy(probs))
