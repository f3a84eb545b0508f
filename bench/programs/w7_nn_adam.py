# W7: a torch.nn training loop: nn.Sequential(Linear(1, 64), Tanh(), Linear(64, 1)) fitted to
# y = sin(2x) on 256 points by Adam, 500 steps of zero_grad / forward / MSELoss / backward / step.
# torch.manual_seed(0) gives both engines PyTorch's initial weights.
import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.linspace(-2, 2, 256).reshape(256, 1)
y = torch.sin(2 * x)
model = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for step in range(500):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
print(loss.item(), model[0].weight[0, 0].item(), model[2].bias.item())
