# A small MLP fitted to sin(x) by gradient descent written out by hand. The lens over train()
# computes the loss after 30 steps and its gradient with respect to the initial weights' scale and
# the learning rate (back through every step); its loss curve is in the panel, and with
# gradlens.inlayShapes each assigned tensor's shape follows it.
import torch

torch.manual_seed(0)
xs = torch.linspace(-3, 3, 32).reshape(32, 1)
ys = torch.sin(xs)
W1 = torch.randn(1, 8)
W2 = torch.randn(8, 1)


def train(scale, lr=0.1):
    w1 = W1 * scale
    w2 = W2 * scale
    for step in range(30):
        h = torch.tanh(xs @ w1)
        pred = h @ w2
        loss = ((pred - ys) ** 2).mean()
        g_pred = 2 * (pred - ys) / 32
        g_w2 = h.T @ g_pred
        g_w1 = xs.T @ (g_pred @ w2.T * (1 - h ** 2))
        w1 = w1 - lr * g_w1
        w2 = w2 - lr * g_w2
    return loss


print(train(0.5))
