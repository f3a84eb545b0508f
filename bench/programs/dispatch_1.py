# Per-op dispatch: 20000 iterations of two eager ops (mul, add) on tensors of 1 float32 elements.
import torch

x = torch.full((1,), 0.5)
y = torch.full((1,), 1.5)
for i in range(20000):
    z = x * y + x
print(z.sum().item())
