import math

# Plain Python over floats and the math module, no tensor library: HIPS autograd differentiates
# code like this, and so should the lens.


def softplus(x):
    return math.log(1.0 + math.exp(x))


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def gaussian_pdf(x, mu=0.0, sigma=1.0):
    z = (x - mu) / sigma
    return math.exp(-0.5 * z * z) / (sigma * math.sqrt(2.0 * math.pi))


print(softplus(0.3))
print(logistic(0.3))
print(gaussian_pdf(0.7, 0.2, 1.5))
