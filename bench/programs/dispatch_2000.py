# Per-op dispatch: 10000 iterations of two eager ops (mul, add) on tensors of 2000 float32 elements.
import torch

x = torch.full((2000,), 0.5)
y = torch.full((2000,), 1.5)
for i in range(10000):
    z = x * y + x
print(z.sum().item())
