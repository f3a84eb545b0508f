# Per-op dispatch: 100 iterations of two eager ops (mul, add) on tensors of 1000000 float32 elements.
import torch

x = torch.full((1000000,), 0.5)
y = torch.full((1000000,), 1.5)
for i in range(100):
    z = x * y + x
print(z.sum().item())
