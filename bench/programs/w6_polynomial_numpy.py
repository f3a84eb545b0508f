# W6: the PyTorch tutorial's NumPy warm-up, in our words: the same polynomial fit with the
# gradient written by hand, 2,000 steps on 2,000 points.
import math
import numpy as np

x = np.linspace(-math.pi, math.pi, 2000)
y = np.sin(x)
a, b, c, d = 0.1, -0.2, 0.3, -0.1
learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    a -= learning_rate * grad_y_pred.sum()
    b -= learning_rate * (grad_y_pred * x).sum()
    c -= learning_rate * (grad_y_pred * x ** 2).sum()
    d -= learning_rate * (grad_y_pred * x ** 3).sum()
print(float(loss), float(a), float(b), float(c), float(d))
